// npm run bench:broadcast [-- --members N] [--chunk 10000] [--deliver-batch 1000] [--no-delivery] [--keep]
//
// A one-off broadcast to every member of the current database, run to completion in-process by
// the engine's own operations (tick, then the occurrence chunk by chunk): a split into three
// groups by registration channel, and per group an inline coupon and an SMS quoting it. Then:
//   - independent SQL checks every member got exactly one coupon and one outbox row (missing,
//     duplicates) and that the outbox rows hold what the floor's SQL would have written (mismatched);
//   - the same rows written by plain INSERT … SELECT statements (floor_s, measured first, on clean
//     tables, then deleted) — ratio = total_s / floor_s;
//   - the flow's outbox delivered through the local provider (deliver_per_s).
// --no-delivery skips the delivery timing (deliver_per_s=NaN). The flow's rows are deleted at the
// end unless --keep. --members N only checks that the base has N members (build it with
// `npm run seed -- --members N --reset`).
// Last line: every figure as key=value. DATABASE_URL, or the embedded dev database.
import { parseArgs } from "node:util";
import { withDatabase } from "../scripts/lib/dev-database";
import { createPool, join, raw, sql, statementProfile, type Pool, type Sql } from "../server/db/sql";
import { runOccurrenceChunk, tick } from "../server/engine/triggers";
import { deliverOutbox } from "../server/engine/messaging/deliver";
import { localProvider, type Providers } from "../server/engine/messaging/providers";
import { flowDraft, inlineCoupon, onceNow, publishDraft, sms, type NodeInput } from "../server/flows/build";
import { createPrismaClient } from "../server/prisma-client";

const USAGE = "usage: npm run bench:broadcast [-- --members N] [--chunk 10000] [--deliver-batch 1000] [--no-delivery] [--keep]";
const TIMEZONE = "Asia/Shanghai";
const BODY = "{{member.name}}，送您券码 {{coupon.code}}";

/** The split: members by registration channel, roughly a third each on the seeded base. */
const GROUPS = [
  { id: "app", channels: ["app"], value: 10 },
  { id: "mini", channels: ["mini_program"], value: 20 },
  { id: "else", channels: null, value: 30 }, // everyone else (web, store)
] as const;
const couponNode = (group: string) => `coupon_${group}`;
const smsNode = (group: string) => `sms_${group}`;

type Options = { members: number | null; chunk: number; deliverBatch: number; delivery: boolean; keep: boolean };

function parseOptions(): Options {
  const { values } = parseArgs({
    options: { members: { type: "string" }, chunk: { type: "string" }, "deliver-batch": { type: "string" }, "no-delivery": { type: "boolean" }, keep: { type: "boolean" } },
    strict: true,
  });
  const positive = (name: string, value: string | undefined, fallback: number | null) => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) {
      console.error(`--${name} must be a positive whole number\n${USAGE}`);
      process.exit(2);
    }
    return n;
  };
  return {
    members: positive("members", values.members, null),
    chunk: positive("chunk", values.chunk, 10_000)!,
    deliverBatch: positive("deliver-batch", values["deliver-batch"], 1_000)!,
    delivery: !values["no-delivery"],
    keep: values.keep ?? false,
  };
}

function broadcastDraft() {
  const nodes: NodeInput[] = [
    { id: "start", kind: "schedule_trigger", config: onceNow() },
    {
      id: "split",
      kind: "split",
      config: {
        groups: GROUPS.filter((g) => g.channels).map((g) => ({
          id: g.id,
          name: g.id,
          conditions: { type: "group", op: "and", children: [{ type: "rule", field: "registration_channel", operator: "in", value: g.channels }] },
        })),
        elseName: "Everyone else",
      },
    },
  ];
  const edges = ["start>split"];
  for (const g of GROUPS) {
    nodes.push({ id: couponNode(g.id), kind: "issue_coupon", config: inlineCoupon(g.value, 7) });
    nodes.push({ id: smsNode(g.id), kind: "send_notification", config: sms(BODY) });
    edges.push(`split:${g.id}>${couponNode(g.id)}`, `${couponNode(g.id)}>${smsNode(g.id)}`);
  }
  // No quiet hours, no frequency caps: every member gets a message row now.
  return flowDraft(nodes, edges, { timezone: TIMEZONE, quietHours: null, frequencyCaps: {}, sendRateLimits: {} });
}

// ───────────────────────────── The floor: the same rows, plain SQL ─────────────────────────────

/** The group of member `m`, as a plain CASE on the same field the split tests. */
const GROUP_OF = raw(
  `CASE ${GROUPS.filter((g) => g.channels)
    .map((g) => `WHEN m.registration_channel IN (${g.channels!.map((c) => `'${c}'`).join(", ")}) THEN '${g.id}'`)
    .join(" ")} ELSE 'else' END`,
);

/** The outbox rows for coupons `couponFilter` selects (alias c), with the values the sender renders. */
function notificationsSelect(flowId: string, now: Date, couponFilter: Sql): Sql {
  const at = now.toISOString();
  return sql`
    SELECT m.id AS member_id, 'sms'::"Channel" AS channel, NULL::text AS template_id, '' AS title, ${BODY} AS body,
           (CASE WHEN m.consent_sms AND m.phone IS NOT NULL THEN 'queued' ELSE 'suppressed' END)::"NotificationStatus" AS status,
           ${at}::timestamptz AS scheduled_for,
           CASE WHEN m.consent_sms AND m.phone IS NOT NULL THEN NULL ELSE 'no_consent' END AS suppressed_reason,
           jsonb_strip_nulls(jsonb_build_object(
             'member.name', m.name, 'member.tier', t.name, 'member.points', m.points_balance,
             'member.expiringPoints', px.amount, 'member.pointsExpireAt', to_char(px.expires_at AT TIME ZONE ${TIMEZONE}, 'YYYY-MM-DD'),
             'coupon.code', c.code, 'coupon.name', ct.name,
             'coupon.value', CASE WHEN ct.type = 'percent' THEN ct.value::text || '%' ELSE ct.value::text END,
             'coupon.validTo', to_char(c.valid_to AT TIME ZONE ${TIMEZONE}, 'YYYY-MM-DD'),
             'flow.name', f.name)) AS variables,
           ${flowId} AS flow_id, c.journey_id, 'sms_' || substr(c.node_id, 8) AS node_id, 1 AS visit
    FROM coupons c
    JOIN members m ON m.id = c.member_id
    JOIN coupon_templates ct ON ct.id = c.template_id
    LEFT JOIN tiers t ON t.id = m.tier_id
    JOIN flows f ON f.id = ${flowId}
    LEFT JOIN (
      -- each member's earliest due date of open lots, and what is left of them then
      SELECT l.member_id, l.expires_at, sum(l.remaining) AS amount
      FROM points_entries l
      JOIN (SELECT member_id, min(expires_at) AS first FROM points_entries
            WHERE remaining > 0 AND expires_at > ${at}::timestamptz GROUP BY member_id) d ON d.member_id = l.member_id AND d.first = l.expires_at
      WHERE l.remaining > 0
      GROUP BY l.member_id, l.expires_at
    ) px ON px.member_id = m.id
    WHERE c.flow_id = ${flowId} AND ${couponFilter}`;
}

const NOTIFICATION_COLUMNS =
  "member_id, channel, template_id, title, body, status, scheduled_for, suppressed_reason, variables, flow_id, journey_id, node_id, visit";

/**
 * Writes the coupons and outbox rows of the broadcast with two INSERT … SELECT statements, as a
 * hand-written job would (journey ids are the negated member ids: no journeys are written), and
 * returns the seconds they took. The rows are deleted again before returning.
 */
async function measureFloor(pool: Pool, flowId: string, now: Date): Promise<{ seconds: number; coupons: number; notifications: number }> {
  const runTag = `bench_floor_${flowId}`;
  const templateIds = GROUPS.map((g) => `${runTag}_${g.id}`);
  for (const [i, g] of GROUPS.entries()) {
    const t = inlineCoupon(g.value, 7).template;
    await q(pool, sql`
      INSERT INTO coupon_templates (id, name, type, value, min_spend, valid_days, source_flow_id)
      VALUES (${templateIds[i]!}, ${t.name}, ${t.type}::"CouponType", ${t.value}, ${t.minSpend}, ${t.validDays}, ${flowId})`);
  }
  const at = now.toISOString();
  const groups = sql`(VALUES ${join(GROUPS.map((g, i) => sql`(${g.id}, ${couponNode(g.id)}, ${templateIds[i]!})`))}) AS g(grp, coupon_node, template_id)`;
  const t0 = performance.now();
  const coupons = await exec(pool, sql`
    INSERT INTO coupons (code, template_id, member_id, valid_from, valid_to, issued_at, journey_id, node_id, visit, flow_id)
    SELECT t.code_prefix || mf_coupon_code(), t.id, m.id, ${at}::timestamptz, ${at}::timestamptz + make_interval(days => t.valid_days),
           ${at}::timestamptz, -m.id, g.coupon_node, 1, ${flowId}
    FROM members m JOIN ${groups} ON g.grp = ${GROUP_OF} JOIN coupon_templates t ON t.id = g.template_id`);
  const notifications = await exec(pool, sql`
    INSERT INTO notifications (${raw(NOTIFICATION_COLUMNS)}) ${notificationsSelect(flowId, now, sql`c.journey_id < 0`)}`);
  const seconds = (performance.now() - t0) / 1000;
  await exec(pool, sql`DELETE FROM notifications WHERE flow_id = ${flowId} AND journey_id < 0`);
  await exec(pool, sql`DELETE FROM coupons WHERE flow_id = ${flowId} AND journey_id < 0`);
  await exec(pool, sql`DELETE FROM coupon_templates WHERE id = ANY(${templateIds}::text[])`);
  // The engine then writes into tables as clean as the floor had.
  await pool.query("VACUUM (ANALYZE) coupons, notifications");
  return { seconds, coupons, notifications };
}

// ───────────────────────────── Checks and clean-up ─────────────────────────────

/** Members without their coupon or outbox row, and rows beyond one per member. */
async function checkEveryMember(pool: Pool, flowId: string) {
  const [r] = await q<{ missing: number; duplicates: number }>(pool, sql`
    SELECT count(*) FILTER (WHERE coalesce(c.n, 0) = 0 OR coalesce(n.n, 0) = 0)::int AS missing,
           coalesce(sum(greatest(coalesce(c.n, 0) - 1, 0) + greatest(coalesce(n.n, 0) - 1, 0)), 0)::int AS duplicates
    FROM members m
    LEFT JOIN (SELECT member_id, count(*) AS n FROM coupons WHERE flow_id = ${flowId} GROUP BY member_id) c ON c.member_id = m.id
    LEFT JOIN (SELECT member_id, count(*) AS n FROM notifications WHERE flow_id = ${flowId} GROUP BY member_id) n ON n.member_id = m.id`);
  return r!;
}

/**
 * Outbox rows that differ from what the floor's SELECT derives from the engine's own coupons
 * (status, reason, text, every template variable — so also the coupon code a message quotes),
 * plus coupons in the wrong group. 0 means the floor wrote the same rows as the engine.
 */
async function countMismatched(pool: Pool, flowId: string, now: Date): Promise<number> {
  const compared = "member_id, channel, title, body, status, suppressed_reason, variables, node_id, visit";
  const [r] = await q<{ n: number }>(pool, sql`
    SELECT (SELECT count(*) FROM (
              SELECT ${raw(compared)} FROM (${notificationsSelect(flowId, now, sql`c.journey_id > 0`)}) expected
              EXCEPT ALL
              SELECT ${raw(compared)} FROM notifications WHERE flow_id = ${flowId}) x)
         + (SELECT count(*) FROM coupons c JOIN members m ON m.id = c.member_id
            WHERE c.flow_id = ${flowId} AND c.node_id <> 'coupon_' || ${GROUP_OF})::int AS n`);
  return r!.n;
}

/** Deletes everything the flow wrote, and the flow. */
async function deleteFlow(pool: Pool, flowId: string) {
  for (const table of ["notifications", "coupons", "suppressed_effects", "journeys", "trigger_occurrences", "flow_triggers"]) {
    await exec(pool, sql`DELETE FROM ${raw(table)} WHERE flow_id = ${flowId}`);
  }
  await exec(pool, sql`DELETE FROM flow_node_counts WHERE flow_version_id IN (SELECT id FROM flow_versions WHERE flow_id = ${flowId})`);
  await exec(pool, sql`DELETE FROM coupon_templates WHERE source_flow_id = ${flowId}`);
  // The flow's audit entries stay: the audit log is append-only (a trigger refuses deletes).
  await exec(pool, sql`UPDATE flows SET current_version_id = NULL WHERE id = ${flowId}`);
  await exec(pool, sql`DELETE FROM flows WHERE id = ${flowId}`);
}

const q = async <T>(pool: Pool, statement: Sql) => (await pool.query(statement.text, statement.values as unknown[])).rows as T[];
const exec = async (pool: Pool, statement: Sql) => (await pool.query(statement.text, statement.values as unknown[])).rowCount ?? 0;

// ───────────────────────────── The run ─────────────────────────────

const rssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);
const seconds = (from: number) => (performance.now() - from) / 1000;
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
};

async function run(url: string, options: Options) {
  const pool = createPool(url, 4);
  const db = createPrismaClient(url, 2);
  let flowId: string | null = null;
  try {
    const [base] = await q<{ members: number; tiers: number }>(pool, sql`SELECT (SELECT count(*) FROM members)::int AS members, (SELECT count(*) FROM tiers)::int AS tiers`);
    const members = base!.members;
    if (members === 0 || (options.members !== null && members !== options.members)) {
      const n = options.members ?? 1_000_000;
      console.error(`The database has ${members} members${options.members !== null ? `, not ${options.members}` : ""}. Build the base first: npm run seed -- --members ${n} --reset`);
      process.exitCode = 1;
      return;
    }
    // An interrupted earlier run leaves its flow behind: its rows would skew this one.
    for (const left of await q<{ id: string }>(pool, sql`SELECT id FROM flows WHERE name LIKE 'bench:broadcast %'`)) {
      console.log(`removing the rows of an interrupted earlier run (flow ${left.id}) …`);
      await deleteFlow(pool, left.id);
    }
    await exec(pool, sql`VACUUM ANALYZE coupons, notifications, journeys`);
    const otherDue = (await q<{ n: number }>(pool, sql`SELECT count(*)::int AS n FROM notifications WHERE status IN ('queued', 'deferred')`))[0]!.n;
    console.log(`database: ${members} members; chunk ${options.chunk}, delivery batch ${options.deliverBatch}`);
    if (otherDue > 0) console.log(`note: ${otherDue} other notifications are queued: the delivery timing sends them too`);
    const [workers] = await q<{ n: number }>(pool, sql`
      SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'graphile-worker:%'`);
    if (workers!.n > 0) console.log(`note: a flow-engine worker (npm run dev?) is connected to this database: it may run chunks and deliveries too, and skew the figures`);

    const published = await publishDraft(db, `bench:broadcast ${new Date().toISOString()}`, broadcastDraft());
    flowId = published.flowId;
    const now = new Date();

    const floor = await measureFloor(pool, flowId, now);
    console.log(`floor: ${floor.coupons} coupons + ${floor.notifications} outbox rows by INSERT … SELECT in ${floor.seconds.toFixed(1)} s`);

    // The engine: the tick starts the occurrence, then chunk after chunk until it is done.
    const t0 = performance.now();
    const due = await tick(pool, now);
    const [occurrence] = await q<{ id: number }>(pool, sql`SELECT id FROM trigger_occurrences WHERE flow_id = ${flowId}`);
    if (!occurrence || !due.includes(occurrence.id)) throw new Error("the tick started no occurrence for the flow");
    const chunkMs: number[] = [];
    let entered = 0;
    for (let status = "more"; status === "more"; ) {
      const c0 = performance.now();
      const r = await runOccurrenceChunk(pool, occurrence.id, { chunkSize: options.chunk, now });
      chunkMs.push(performance.now() - c0);
      entered += r.entered;
      // "busy": another runtime (a worker of `npm run dev` on this database) holds the occurrence.
      status = r.status === "busy" ? "more" : r.status;
      if (r.status === "busy") await new Promise((resolve) => setTimeout(resolve, 50));
      if (chunkMs.length % 20 === 0) console.log(`  … ${entered} entered in ${seconds(t0).toFixed(1)} s`);
    }
    const totalS = seconds(t0);
    console.log(`engine: ${entered} members entered in ${totalS.toFixed(1)} s, ${chunkMs.length} chunks (p50 ${pct(chunkMs, 50).toFixed(0)} ms, max ${Math.max(...chunkMs).toFixed(0)} ms)`);
    if (statementProfile) {
      // MEMBERFLOW_SQL_PROFILE=1: where the engine's time went, by statement.
      const top = [...statementProfile].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12);
      for (const [text, p] of top) console.log(`  ${(p.ms / 1000).toFixed(1).padStart(6)} s ${String(p.calls).padStart(5)}× ${text}`);
    }

    const { missing, duplicates } = await checkEveryMember(pool, flowId);
    const mismatched = await countMismatched(pool, flowId, now);
    console.log(`check: missing ${missing}, duplicates ${duplicates}, rows unlike the floor's ${mismatched}`);

    let deliverPerS = NaN;
    if (options.delivery) {
      const queued = (await q<{ n: number }>(pool, sql`SELECT count(*)::int AS n FROM notifications WHERE flow_id = ${flowId} AND status = 'queued'`))[0]!.n;
      const providers: Providers = { sms: localProvider, email: localProvider, push: localProvider, in_app: localProvider, webhook: localProvider };
      const d0 = performance.now();
      const delivered = await deliverOutbox(pool, { providers, limit: options.deliverBatch, untilEmpty: true });
      const deliverS = seconds(d0);
      deliverPerS = Math.round(delivered.sent / deliverS);
      const stillQueued = (await q<{ n: number }>(pool, sql`SELECT count(*)::int AS n FROM notifications WHERE flow_id = ${flowId} AND status = 'queued'`))[0]!.n;
      console.log(`delivery: ${delivered.sent} sent, ${delivered.failed} failed of ${queued} queued in ${deliverS.toFixed(1)} s; ${stillQueued} left queued`);
    }

    const figures = {
      members,
      total_s: totalS.toFixed(1),
      members_per_s: Math.round(entered / totalS),
      rss_mb: rssMb(),
      floor_s: floor.seconds.toFixed(1),
      ratio: (totalS / floor.seconds).toFixed(2),
      deliver_per_s: deliverPerS,
      missing,
      duplicates,
      mismatched,
      chunk: options.chunk,
    };
    console.log(Object.entries(figures).map(([k, v]) => `${k}=${v}`).join(" "));
  } finally {
    if (flowId && !options.keep) {
      await deleteFlow(pool, flowId);
      await pool.query("VACUUM (ANALYZE) coupons, notifications, journeys");
    } else if (flowId) console.log(`kept flow ${flowId} and its rows (--keep)`);
    await db.$disconnect();
    await pool.end();
  }
}

const options = parseOptions();
withDatabase((url) => run(url, options)).catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
