// The engine on a real PostgreSQL: flows published through the flows service, run by the same
// operations the runtimes call (tick, occurrences, sweeps, ingestion), checked against
// independent SQL over the rows they wrote.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import { createPool, type Pool } from "@/server/db/sql";
import { assignBucket, bucketKeyPrefix, stableHash, type RandomSplitConfig } from "@/server/flows/kinds/random_split/spec";
import { runOccurrence, tick } from "./triggers";
import { flowDraft, inlineCoupon, onceNow, publishDraft, sms } from "@/server/flows/build";

let t: TestDatabase;
let pool: Pool;
const MEMBERS = 240;

beforeAll(async () => {
  t = await createTestDatabase();
  pool = createPool(t.url, 4);
  await t.pool.query(`INSERT INTO tiers (id, name, name_en, rank, growth_threshold) VALUES ('silver', '银卡', 'Silver', 1, 0)`);
  // Every third member has no SMS consent; members 1..MEMBERS.
  await t.pool.query(
    `INSERT INTO members (external_id, name, phone, province, city, registered_at, registration_channel, tier_id, consent_sms)
     SELECT 'M-' || i, '会员' || i, '138' || lpad(i::text, 8, '0'), (ARRAY['江苏省','浙江省','上海市','广东省'])[(i - 1) % 4 + 1], '某市',
            now() - interval '100 days', 'app', 'silver', i % 3 <> 0
     FROM generate_series(1, $1::int) i`,
    [MEMBERS],
  );
});
afterAll(async () => {
  await pool.end();
  await t.drop();
});

const one = async <T>(text: string, values: unknown[] = []) => (await t.pool.query(text, values)).rows[0] as T;
const count = async (text: string, values: unknown[] = []) => Number((await one<{ n: string }>(text, values)).n);

async function runDue(now = new Date()) {
  for (const id of await tick(pool, now)) await runOccurrence(pool, id, { chunkSize: 37 });
}

describe("a scheduled broadcast", () => {
  let flowId: string;
  beforeAll(async () => {
    const draft = flowDraft(
      [
        { id: "start", kind: "schedule_trigger", config: onceNow() },
        {
          id: "split",
          kind: "split",
          config: {
            groups: [{ id: "jiangsu", name: "Jiangsu", conditions: { type: "group", op: "and", children: [{ type: "rule", field: "province", operator: "in", value: ["江苏省"] }] } }],
            elseName: "Everyone else",
          },
        },
        { id: "coupon", kind: "issue_coupon", config: inlineCoupon(20) },
        { id: "sms", kind: "send_notification", config: sms("{{member.name}}，送您券码 {{coupon.code}}") },
        { id: "tag", kind: "tag", config: { action: "add", tags: ["非江苏"] } },
      ],
      ["start>split", "split:jiangsu>coupon", "coupon>sms", "split:else>tag"],
    );
    ({ flowId } = await publishDraft(t.db, "Broadcast", draft));
    await runDue();
  });

  it("enters every member once and sends each group down its own path", async () => {
    expect(await count(`SELECT count(*) AS n FROM journeys WHERE flow_id = $1`, [flowId])).toBe(MEMBERS);
    expect(await count(`SELECT count(*) AS n FROM journeys WHERE flow_id = $1 AND status = 'completed' AND end_reason = 'end_of_path'`, [flowId])).toBe(MEMBERS);
    const jiangsu = await count(`SELECT count(*) AS n FROM members WHERE province = '江苏省'`);
    expect(jiangsu).toBe(MEMBERS / 4);
    // Coupons: exactly the Jiangsu members, one each, unique codes valid for 7 days.
    expect(await count(`SELECT count(*) AS n FROM coupons c JOIN members m ON m.id = c.member_id WHERE c.flow_id = $1 AND m.province = '江苏省'`, [flowId])).toBe(jiangsu);
    expect(await count(`SELECT count(*) AS n FROM coupons WHERE flow_id = $1`, [flowId])).toBe(jiangsu);
    expect(await count(`SELECT count(DISTINCT code) AS n FROM coupons WHERE flow_id = $1`, [flowId])).toBe(jiangsu);
    expect(await count(`SELECT count(*) AS n FROM coupons WHERE flow_id = $1 AND valid_to - valid_from = interval '7 days' AND code ~ '^[0-9A-F]{15}$'`, [flowId])).toBe(jiangsu);
    // Tags: everyone else.
    expect(await count(`SELECT count(*) AS n FROM member_tags mt JOIN tags g ON g.id = mt.tag_id WHERE g.name = '非江苏'`)).toBe(MEMBERS - jiangsu);
  });

  it("writes one message per Jiangsu member, suppressed where there is no consent, with the coupon's values", async () => {
    const rows = (await t.pool.query(`SELECT n.status::text, n.suppressed_reason, n.variables, m.consent_sms, c.code FROM notifications n
      JOIN members m ON m.id = n.member_id JOIN coupons c ON c.journey_id = n.journey_id WHERE n.flow_id = $1`, [flowId])).rows;
    expect(rows).toHaveLength(MEMBERS / 4);
    for (const r of rows) {
      expect(r.status).toBe(r.consent_sms ? "queued" : "suppressed");
      expect(r.suppressed_reason).toBe(r.consent_sms ? null : "no_consent");
      expect(r.variables["coupon.code"]).toBe(r.code);
    }
  });

  it("counts members per node as they moved", async () => {
    const counts = Object.fromEntries(
      (await t.pool.query(`SELECT node_id || '/' || metric AS k, sum(members) AS members FROM flow_node_counts c JOIN flows f ON f.current_version_id = c.flow_version_id WHERE f.id = $1 GROUP BY 1`, [flowId])).rows.map((r) => [r.k, Number(r.members)]),
    );
    expect(counts["start/entered"]).toBe(MEMBERS);
    expect(counts["split/branch:jiangsu"]).toBe(MEMBERS / 4);
    expect(counts["split/branch:else"]).toBe((MEMBERS * 3) / 4);
    expect(counts["sms/ended:end_of_path"]).toBe(MEMBERS / 4);
  });

  it("never issues twice: the occurrence and the tick run again change nothing", async () => {
    const before = await count(`SELECT count(*) AS n FROM coupons`);
    const [occ] = (await t.pool.query(`SELECT id FROM trigger_occurrences WHERE flow_id = $1`, [flowId])).rows;
    await t.pool.query(`UPDATE trigger_occurrences SET status = 'running', cursor_member_id = 0 WHERE id = $1`, [occ.id]);
    await runOccurrence(pool, Number(occ.id));
    await runDue();
    expect(await count(`SELECT count(*) AS n FROM coupons`)).toBe(before);
    expect(await count(`SELECT count(*) AS n FROM journeys WHERE flow_id = $1`, [flowId])).toBe(MEMBERS);
  });
});

describe("random split", () => {
  it("assigns buckets in SQL exactly as the builder's preview does, and pins known values", async () => {
    const config: RandomSplitConfig = { buckets: [{ id: "a", name: "A", percent: 30 }, { id: "b", name: "B", percent: 60 }], holdout: { percent: 10 } };
    const state = stableHash(bucketKeyPrefix("flow-x", "rs"));
    const rows = (await t.pool.query(`SELECT i AS member_id, mf_fnv1a($1::bigint, i::text) % 10000 AS slot FROM generate_series(1, 500) i`, [state])).rows;
    for (const r of rows) {
      expect(Number(r.slot)).toBe(stableHash(`flow-x:rs:${r.member_id}`) % 10_000);
    }
    // Pinned: if the hash ever changed, reruns would send members another way.
    // (Values computed independently with a Python FNV-1a.)
    expect(stableHash("flow-x:rs:1")).toBe(2727634756);
    expect([1, 2, 3, 4, 5, 6].map((m) => assignBucket(config, `flow-x:rs:${m}`))).toEqual(["b", "b", "control", "a", "b", "b"]);
  });
});
