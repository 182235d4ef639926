// npm run bench:events [-- --rate 500 --seconds 60] [--batch-ms 20] [--pool 10] [--keep]
//
// Event-triggered coupons under load: a published flow (event_trigger "order.placed" → an inline
// coupon), and order.placed events posted open-loop at a fixed rate through ingestEvents — every
// `batch-ms` a small batch is sent whether or not earlier calls have returned, on a pool of `pool`
// connections. Each event has its own id and a member drawn at random (without replacement, so
// every event earns a coupon) from the base. ingestEvents commits the coupon in its transaction:
// an event's latency is from its call starting to the call resolving. At the end the flow's
// coupons are counted (must equal the events) and its rows deleted unless --keep.
// Last line: every figure as key=value. DATABASE_URL, or the embedded dev database.
import { parseArgs } from "node:util";
import { withDatabase } from "../scripts/lib/dev-database";
import { createPool, raw, sql, statementProfile, type Pool, type Sql } from "../server/db/sql";
import { ingestEvents, MAX_EVENTS_PER_CALL, type IngestEvent } from "../server/events/ingest";
import { flowDraft, inlineCoupon, publishDraft } from "../server/flows/build";
import { createPrismaClient } from "../server/prisma-client";

const USAGE = "usage: npm run bench:events [-- --rate 500 --seconds 60] [--batch-ms 20] [--pool 10] [--keep]";
const EVENT = "order.placed";

type Options = { rate: number; seconds: number; batchMs: number; pool: number; keep: boolean };

function parseOptions(): Options {
  const { values } = parseArgs({
    options: { rate: { type: "string" }, seconds: { type: "string" }, "batch-ms": { type: "string" }, pool: { type: "string" }, keep: { type: "boolean" } },
    strict: true,
  });
  const positive = (name: string, value: string | undefined, fallback: number) => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) {
      console.error(`--${name} must be a positive number\n${USAGE}`);
      process.exit(2);
    }
    return n;
  };
  return {
    rate: positive("rate", values.rate, 500),
    seconds: positive("seconds", values.seconds, 60),
    batchMs: positive("batch-ms", values["batch-ms"], 20),
    pool: Math.round(positive("pool", values.pool, 10)),
    keep: values.keep ?? false,
  };
}

const q = async <T>(pool: Pool, statement: Sql) => (await pool.query(statement.text, statement.values as unknown[])).rows as T[];
const exec = async (pool: Pool, statement: Sql) => (await pool.query(statement.text, statement.values as unknown[])).rowCount ?? 0;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));
const pct = (sorted: Float64Array, p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;

/** `n` distinct member ids drawn at random (a partial Fisher–Yates shuffle). */
function sampleMembers(ids: Int32Array, n: number): Int32Array {
  const pool = ids.slice();
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(Math.random() * (pool.length - i));
    const t = pool[i]!;
    pool[i] = pool[j]!;
    pool[j] = t;
  }
  return pool.subarray(0, n);
}

/** Deletes everything the flow wrote, the bench's events, and the flow (its audit entries stay: the log is append-only). */
async function cleanUp(pool: Pool, flowId: string, source: string) {
  for (const table of ["notifications", "coupons", "suppressed_effects", "journeys", "trigger_occurrences", "flow_triggers"]) {
    await exec(pool, sql`DELETE FROM ${raw(table)} WHERE flow_id = ${flowId}`);
  }
  await exec(pool, sql`DELETE FROM member_events WHERE source = ${source}`);
  await exec(pool, sql`DELETE FROM flow_node_counts WHERE flow_version_id IN (SELECT id FROM flow_versions WHERE flow_id = ${flowId})`);
  await exec(pool, sql`DELETE FROM coupon_templates WHERE source_flow_id = ${flowId}`);
  await exec(pool, sql`UPDATE flows SET current_version_id = NULL WHERE id = ${flowId}`);
  await exec(pool, sql`DELETE FROM flows WHERE id = ${flowId}`);
}

async function run(url: string, options: Options) {
  const pool = createPool(url, options.pool);
  const db = createPrismaClient(url, 2);
  const source = `bench-events-${Date.now()}`;
  let flowId: string | null = null;
  try {
    const ids = Int32Array.from((await q<{ id: number }>(pool, sql`SELECT id FROM members ORDER BY id`)).map((r) => r.id));
    const total = Math.round(options.rate * options.seconds);
    if (ids.length < total) {
      console.error(`The database has ${ids.length} members, fewer than the ${total} events (each goes to another member). Seed a larger base (npm run seed -- --members 1000000 --reset) or lower --rate/--seconds.`);
      process.exitCode = 1;
      return;
    }
    const perBatch = (options.rate * options.batchMs) / 1000;
    if (perBatch > MAX_EVENTS_PER_CALL) throw new Error(`${Math.ceil(perBatch)} events per batch: above ingestEvents' ${MAX_EVENTS_PER_CALL}; lower --batch-ms`);
    const [others] = await q<{ n: number }>(pool, sql`
      SELECT count(*)::int AS n FROM flow_triggers t JOIN flows f ON f.id = t.flow_id AND f.current_version_id = t.flow_version_id AND f.status = 'active'
      WHERE t.armed AND t.kind = 'event_trigger' AND t.event_name = ${EVENT}`);
    console.log(`database: ${ids.length} members; ${total} events at ${options.rate}/s for ${options.seconds} s, a batch every ${options.batchMs} ms, pool ${options.pool}`);
    if (others!.n > 0) console.log(`note: ${others!.n} other active flows start on ${EVENT}: they run in the same transactions`);

    const draft = flowDraft(
      [
        { id: "start", kind: "event_trigger", config: { event: EVENT, conditions: [] } },
        { id: "coupon", kind: "issue_coupon", config: inlineCoupon(15, 30) },
      ],
      ["start>coupon"],
    );
    ({ flowId } = await publishDraft(db, `bench:events ${new Date().toISOString()}`, draft));
    const members = sampleMembers(ids, total);

    // Open loop: batch k is due at start + k·batchMs and carries the events whose send time has come.
    const latencies = new Float64Array(total);
    let maxLagMs = 0;
    let failures = 0;
    let firstError: unknown = null;
    const inFlight: Promise<void>[] = [];
    const start = performance.now();
    for (let k = 0, sent = 0; sent < total; k++) {
      const dueAt = start + k * options.batchMs;
      await sleep(dueAt - performance.now());
      const upTo = Math.min(total, Math.floor(((k + 1) * options.batchMs * options.rate) / 1000));
      if (upTo <= sent) continue;
      const from = sent;
      sent = upTo;
      const occurredAt = new Date();
      const events: IngestEvent[] = [];
      for (let i = from; i < upTo; i++) {
        events.push({ id: `${source}-${i}`, memberId: members[i]!, name: EVENT, occurredAt, properties: { orderId: `O-${source}-${i}`, amount: 199 } });
      }
      const callStart = performance.now();
      maxLagMs = Math.max(maxLagMs, callStart - dueAt);
      inFlight.push(
        ingestEvents(pool, events, { source }).then(
          () => {
            latencies.fill(performance.now() - callStart, from, upTo);
          },
          (error: unknown) => {
            failures += upTo - from;
            firstError ??= error;
            latencies.fill(Number.POSITIVE_INFINITY, from, upTo);
          },
        ),
      );
    }
    const sendSeconds = (performance.now() - start) / 1000;
    await Promise.all(inFlight);
    if (firstError) console.log(`errors: ${failures} events failed, first: ${firstError instanceof Error ? firstError.message : String(firstError)}`);

    const [counted] = await q<{ coupons: number; journeys: number }>(pool, sql`
      SELECT (SELECT count(*) FROM coupons WHERE flow_id = ${flowId})::int AS coupons, (SELECT count(*) FROM journeys WHERE flow_id = ${flowId})::int AS journeys`);
    const sorted = latencies.slice().sort();
    const figures = {
      events: total,
      rate: (total / sendSeconds).toFixed(0),
      p50_ms: pct(sorted, 50).toFixed(1),
      p95_ms: pct(sorted, 95).toFixed(1),
      p99_ms: pct(sorted, 99).toFixed(1),
      max_ms: sorted[sorted.length - 1]!.toFixed(1),
      coupons: counted!.coupons,
      failed: failures,
      lag_max_ms: maxLagMs.toFixed(1),
    };
    if (statementProfile) {
      // MEMBERFLOW_SQL_PROFILE=1: where the events spent their time, by statement (all connections).
      for (const [statement, p] of [...statementProfile].sort((a, b) => b[1].ms - a[1].ms).slice(0, 8)) console.log(`${(p.ms / 1000).toFixed(2).padStart(7)} s ${String(p.calls).padStart(6)}×  ${statement}`);
    }
    console.log(`coupons ${counted!.coupons} and journeys ${counted!.journeys} for ${total} events${counted!.coupons === total ? "" : "  ! coupons ≠ events"}`);
    console.log(Object.entries(figures).map(([k, v]) => `${k}=${v}`).join(" "));
    if (counted!.coupons !== total) process.exitCode = 1;
  } finally {
    if (flowId && !options.keep) await cleanUp(pool, flowId, source);
    else if (flowId) console.log(`kept flow ${flowId}, its rows and the events of source ${source} (--keep)`);
    await db.$disconnect();
    await pool.end();
  }
}

const options = parseOptions();
withDatabase((url) => run(url, options)).catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
