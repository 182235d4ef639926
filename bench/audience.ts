// npm run bench:audience — counts a 6-condition audience (profile + windowed behaviour + tags)
// with the compiled SQL, then with the best hand-written SQL for the same question, on the same
// database and connection settings; prints p50/p95 and the ratio. Last line: key=value pairs.
//   DATABASE_URL (default: the dev embedded db)   BENCH_RUNS (default 20)
import pg from "pg";
import { countAudience, PARALLEL_COUNT_SETTINGS } from "../server/audiences/compile";
import { createPrismaClient } from "../server/prisma-client";
import { and, rule, type ConditionTree } from "../server/audiences/condition";

const url = process.env.DATABASE_URL ?? "postgresql://postgres:memberflow@127.0.0.1:54329/memberflow";
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const WARMUP = 3;

const CITIES = ["上海市", "杭州市", "北京市"];
const TIERS = ["gold", "platinum", "diamond"];
const TAGS = ["高价值", "美妆爱好者"];
const REGISTERED_BEFORE = "2026-06-01"; // China time → 2026-05-31T16:00:00Z

const tree: ConditionTree = and(
  rule("city", "in", CITIES),
  rule("registered_at", "before", REGISTERED_BEFORE),
  rule("tier", "in", TIERS),
  rule("order_count", "gte", { window: { kind: "last_days", days: 90 }, value: 2 }),
  rule("spend", "gte", { window: { kind: "last_days", days: 365 }, value: 500 }),
  rule("tags", "has_any", TAGS),
);

// Hand-written candidates for the same question; the fastest one is "the best hand-written SQL".
const handWritten: { name: string; text: string; values: unknown[] }[] = [
  {
    name: "join member_stats + tag semi-join",
    text: `SELECT count(*) AS n FROM members m JOIN member_stats s ON s.member_id = m.id
           WHERE m.city = ANY($1) AND m.registered_at < $2 AND m.tier_id = ANY($3)
             AND s.orders_90d >= 2 AND s.spend_365d >= 500
             AND EXISTS (SELECT 1 FROM member_tags mt JOIN tags t ON t.id = mt.tag_id WHERE mt.member_id = m.id AND t.name = ANY($4))`,
    values: [CITIES, "2026-05-31T16:00:00Z", TIERS, TAGS],
  },
  {
    name: "literal tag ids, IN lists",
    text: `SELECT count(*) AS n FROM members m JOIN member_stats s ON s.member_id = m.id
           WHERE m.city IN ('上海市', '杭州市', '北京市') AND m.registered_at < '2026-05-31T16:00:00Z'
             AND m.tier_id IN ('gold', 'platinum', 'diamond')
             AND s.orders_90d >= 2 AND s.spend_365d >= 500
             AND m.id IN (SELECT mt.member_id FROM member_tags mt WHERE mt.tag_id = ANY($1::int[]))`,
    values: [], // filled with the tag ids below
  },
  {
    name: "stats first, then members",
    text: `SELECT count(*) AS n FROM member_stats s JOIN members m ON m.id = s.member_id
           WHERE s.orders_90d >= 2 AND s.spend_365d >= 500
             AND m.city = ANY($1) AND m.registered_at < $2 AND m.tier_id = ANY($3)
             AND EXISTS (SELECT 1 FROM member_tags mt WHERE mt.member_id = m.id AND mt.tag_id = ANY($4::int[]))`,
    values: [CITIES, "2026-05-31T16:00:00Z", TIERS, []],
  },
];

function pct(xs: number[], p: number) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

type Runner = { name: string; run: () => Promise<number> };
/** Warm-up, then RUNS rounds; each round runs every query once, so load drift hits all alike. */
async function timeAll(runners: Runner[]) {
  for (let i = 0; i < WARMUP; i++) for (const r of runners) await r.run();
  const ms = runners.map(() => [] as number[]);
  const n = runners.map(() => 0);
  for (let i = 0; i < RUNS; i++) {
    for (const [k, r] of runners.entries()) {
      const t0 = performance.now();
      n[k] = await r.run();
      ms[k]!.push(performance.now() - t0);
    }
  }
  return runners.map((r, k) => ({ name: r.name, p50: pct(ms[k]!, 50), p95: pct(ms[k]!, 95), n: n[k]! }));
}

async function main() {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  const client = await pool.connect().catch((e: Error) => {
    console.error(`Cannot connect to ${url.replace(/:[^:@/]*@/, ":***@")}: ${e.message}`);
    process.exit(1);
  });
  try {
    const base = await client.query<{ members: string; stats: string; orders: string }>(
      "SELECT (SELECT count(*) FROM members) AS members, (SELECT count(*) FROM member_stats) AS stats, (SELECT count(*) FROM orders) AS orders",
    );
    const members = Number(base.rows[0]!.members);
    if (members === 0) {
      console.log(`The database has no members. Seed it first (npm run seed -- --members 1000000), then rerun.`);
      console.log(`audience_p50_ms=NaN audience_p95_ms=NaN handwritten_p50_ms=NaN ratio=NaN members=0 matched=0`);
      return;
    }
    if (Number(base.rows[0]!.stats) < members) {
      console.log(`note: member_stats has ${base.rows[0]!.stats} rows for ${members} members (members without a row count as no activity)`);
    }
    console.log(`database: ${members} members, ${base.rows[0]!.orders} orders; ${RUNS} runs after ${WARMUP} warm-up runs`);

    // The same planner settings countAudience uses, for a like-for-like comparison.
    for (const statement of PARALLEL_COUNT_SETTINGS) await client.query(statement.replace("SET LOCAL", "SET"));

    const tagIds = (await client.query<{ id: number }>("SELECT id FROM tags WHERE name = ANY($1)", [TAGS])).rows.map((r) => r.id);
    handWritten[1]!.values = [tagIds];
    handWritten[2]!.values[3] = tagIds;

    // the production path: countAudience = tag-id lookup + compile + count, through Prisma
    const db = createPrismaClient(url, 1);
    const results = await timeAll([
      { name: "compiled", run: () => countAudience(db, tree, { now: new Date() }) },
      ...handWritten.map((h) => ({ name: h.name, run: async () => Number((await client.query<{ n: string }>(h.text, h.values)).rows[0]!.n) })),
    ]);
    await db.$disconnect();
    const compiled = results[0]!;
    console.log(`compiled:      p50 ${compiled.p50.toFixed(1)} ms  p95 ${compiled.p95.toFixed(1)} ms  matched ${compiled.n}`);
    let best: (typeof results)[number] | null = null;
    for (const r of results.slice(1)) {
      console.log(`hand-written:  p50 ${r.p50.toFixed(1)} ms  p95 ${r.p95.toFixed(1)} ms  matched ${r.n}  (${r.name})`);
      if (r.n !== compiled.n) console.log(`  ! differs from the compiled count (${compiled.n})`);
      if (!best || r.p50 < best.p50) best = r;
    }
    const ratio = compiled.p50 / best!.p50;
    console.log(`best hand-written: ${best!.name}`);
    console.log(
      `audience_p50_ms=${compiled.p50.toFixed(1)} audience_p95_ms=${compiled.p95.toFixed(1)} handwritten_p50_ms=${best!.p50.toFixed(1)} handwritten_p95_ms=${best!.p95.toFixed(1)} ratio=${ratio.toFixed(2)} members=${members} matched=${compiled.n}`,
    );
  } finally {
    client.release();
    await pool.end();
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
