// The fault test: a 100,000-member broadcast run by real worker processes that are killed with
// SIGKILL at random points and restarted. Every expected effect must exist exactly once.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import { flowDraft, inlineCoupon, onceNow, publishDraft, sms } from "@/server/flows/build";

const MEMBERS = Number(process.env.FAULT_TEST_MEMBERS ?? 100_000);
const KILLS = Number(process.env.FAULT_TEST_KILLS ?? 5);
const root = path.resolve(import.meta.dirname, "../..");

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await t.pool.query(`INSERT INTO tiers (id, name, name_en, rank, growth_threshold) VALUES ('silver', '银卡', 'Silver', 1, 0), ('gold', '金卡', 'Gold', 2, 1000)`);
  await t.pool.query(
    `INSERT INTO members (external_id, name, phone, registered_at, registration_channel, tier_id, consent_sms)
     SELECT 'M-' || i, '会员' || i, '13' || lpad(i::text, 9, '0'), now() - interval '1 year', 'app', CASE WHEN i % 3 = 0 THEN 'gold' ELSE 'silver' END, TRUE
     FROM generate_series(1, $1::int) i`,
    [MEMBERS],
  );
}, 120_000);
afterAll(() => t.drop());

function startWorker(): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", "scripts/worker.ts"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: t.url, NODE_ENV: "test", MEMBERFLOW_RUNTIME: "worker", MEMBERFLOW_CHUNK_SIZE: "5000" },
    stdio: ["ignore", "ignore", "inherit"],
  });
}
const exited = (child: ChildProcess) => new Promise((resolve) => child.once("exit", resolve));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const scalar = async (text: string, values: unknown[] = []) => Number((await t.pool.query(text, values)).rows[0].n);

describe("a broadcast survives workers killed with SIGKILL", () => {
  it(`issues every coupon and message exactly once across ${KILLS} kills (${MEMBERS} members)`, async () => {
    const draft = flowDraft(
      [
        { id: "start", kind: "schedule_trigger", config: onceNow() },
        {
          id: "split",
          kind: "split",
          config: { groups: [{ id: "gold", name: "Gold", conditions: { type: "group", op: "and", children: [{ type: "rule", field: "tier", operator: "in", value: ["gold"] }] } }], elseName: "Others" },
        },
        { id: "gold-coupon", kind: "issue_coupon", config: inlineCoupon(50) },
        { id: "coupon", kind: "issue_coupon", config: inlineCoupon(10) },
        { id: "sms", kind: "send_notification", config: sms("{{member.name}} {{coupon.code}}") },
      ],
      ["start>split", "split:gold>gold-coupon", "split:else>coupon", "gold-coupon>sms", "coupon>sms"],
    );
    const { flowId } = await publishDraft(t.db, "Fault test", draft);
    const progress: number[] = [];
    const entered = () => scalar(`SELECT count(*) AS n FROM journeys WHERE flow_id = $1`, [flowId]);
    for (let kill = 0; kill < KILLS; kill++) {
      const worker = startWorker();
      // Kill at a random point once this worker has committed a chunk of its own.
      const before = await entered();
      const waitUntil = Date.now() + 120_000;
      while ((await entered()) === before && Date.now() < waitUntil) await sleep(100);
      await sleep(Math.random() * 1_500);
      worker.kill("SIGKILL");
      await exited(worker);
      progress.push(await scalar(`SELECT count(*) AS n FROM journeys WHERE flow_id = $1`, [flowId]));
    }
    const worker = startWorker();
    const deadline = Date.now() + 240_000;
    while (Date.now() < deadline) {
      const done = await scalar(`SELECT count(*) AS n FROM trigger_occurrences WHERE flow_id = $1 AND status = 'done'`, [flowId]);
      if (done === 1) break;
      await sleep(500);
    }
    worker.kill("SIGTERM");
    await exited(worker);
    // The kills landed in the middle: some members had entered, not all.
    expect(progress.some((n) => n > 0 && n < MEMBERS)).toBe(true);
    expect(await scalar(`SELECT count(*) AS n FROM journeys WHERE flow_id = $1`, [flowId])).toBe(MEMBERS);
    const coupons = (await t.pool.query(`
      SELECT count(*) FILTER (WHERE c.n IS NULL) AS missing, count(*) FILTER (WHERE c.n > 1) AS duplicates, count(*) FILTER (WHERE c.n = 1 AND c.template_ok) AS right
      FROM members m LEFT JOIN (
        SELECT member_id, count(*) AS n, bool_and(node_id = CASE WHEN (SELECT tier_id FROM members WHERE id = member_id) = 'gold' THEN 'gold-coupon' ELSE 'coupon' END) AS template_ok
        FROM coupons WHERE flow_id = $1 GROUP BY member_id) c ON c.member_id = m.id`, [flowId])).rows[0];
    expect({ missing: Number(coupons.missing), duplicates: Number(coupons.duplicates), right: Number(coupons.right) }).toEqual({ missing: 0, duplicates: 0, right: MEMBERS });
    const messages = (await t.pool.query(`
      SELECT count(*) FILTER (WHERE n.c IS NULL) AS missing, count(*) FILTER (WHERE n.c > 1) AS duplicates
      FROM members m LEFT JOIN (SELECT member_id, count(*) AS c FROM notifications WHERE flow_id = $1 GROUP BY member_id) n ON n.member_id = m.id`, [flowId])).rows[0];
    expect({ missing: Number(messages.missing), duplicates: Number(messages.duplicates) }).toEqual({ missing: 0, duplicates: 0 });
    expect(await scalar(`SELECT sum(members) AS n FROM flow_node_counts WHERE node_id = 'start' AND metric = 'entered'`)).toBe(MEMBERS);
  }, 400_000);
});
