// Tags and badges on a real PostgreSQL: bulk jobs on an audience (progress, recorded changes,
// exactly once), rule tags following data changes (on a schedule and as orders arrive, with who
// entered and left compared with independent SQL), badges never taken away by their rules, and the
// tag / badge events reaching member_events once each.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import { createPool, withTransaction, type Pool } from "@/server/db/sql";
import { and, rule } from "@/server/audiences/condition";
import { createTagJob, runTagJobChunk, runTagJobs } from "./jobs";
import { evaluateRules } from "./rules";
import { createBadge, createTag, getTagJob, listTags, memberTagHistory, ruleRunMembers, saveRule } from "./service";

// The storefront's handler module sits beside the Next.js route; its guard has no meaning here.
vi.mock("server-only", () => ({}));

let t: TestDatabase;
let pool: Pool;
let members: number[];
const now = new Date("2026-06-01T02:00:00Z");

const q = async <T = Record<string, unknown>>(text: string, values: unknown[] = []) => (await t.pool.query(text, values)).rows as T[];
const ids = async (text: string, values: unknown[] = []) => (await q<{ id: number }>(text, values)).map((r) => Number(r.id));

beforeAll(async () => {
  t = await createTestDatabase();
  process.env.DATABASE_URL = t.url;
  pool = createPool(t.url, 4);
  await t.pool.query(`INSERT INTO tiers (id, name, name_en, rank, growth_threshold) VALUES ('bronze', '青铜', 'Bronze', 1, 0)`);
  // 40 members; every third lives in Shanghai, the rest in Hangzhou.
  members = await ids(`
    INSERT INTO members (external_id, name, registered_at, registration_channel, tier_id, city)
    SELECT 'M-' || n, 'Member ' || n, '2024-01-01T00:00:00Z', 'app', 'bronze', CASE WHEN n % 3 = 0 THEN 'Shanghai' ELSE 'Hangzhou' END
    FROM generate_series(1, 40) n RETURNING id`);
  await t.pool.query(`INSERT INTO member_stats (member_id) SELECT id FROM members`);
});
afterAll(async () => {
  await pool.end();
  await t.drop();
});

async function staticAudience(memberIds: number[]): Promise<string> {
  const [a] = await q<{ id: string }>(`INSERT INTO audiences (id, name, kind) VALUES (gen_random_uuid()::text, 'Picked', 'static') RETURNING id`);
  await t.pool.query(`INSERT INTO audience_members (audience_id, member_id) SELECT $1, unnest($2::int[])`, [a!.id, memberIds]);
  return a!.id;
}

describe("bulk tag jobs on an audience", () => {
  it("add: progress reaches the total, each member changed once, recorded and announced once", async () => {
    const audience = await staticAudience(members.slice(0, 25));
    const tag = await withTransaction(pool, (tx) => createTag(tx, { name: "VIP", kind: "manual" }));
    // Three members of the audience, and one outside it, hold the tag already.
    await t.pool.query(`INSERT INTO member_tags (member_id, tag_id, source) SELECT unnest($1::int[]), $2, 'import'`, [[members[0], members[1], members[2], members[30]], tag.id]);
    const job = await withTransaction(pool, (tx) => createTagJob(tx, { target: "tag", id: tag.id, action: "add", audienceId: audience }, "tester"));
    expect(job.total).toBe(25);

    // Ranges of 7 member ids: progress only grows, and ends at the total.
    const seen: number[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await runTagJobChunk(pool, job.id, { rangeSize: 7, now });
      seen.push((await withTransaction(pool, (tx) => getTagJob(tx, job.id))).done);
      if (r.status === "done") break;
    }
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    const view = await withTransaction(pool, (tx) => getTagJob(tx, job.id));
    expect(view).toMatchObject({ status: "done", total: 25, done: 25, changed: 22 });

    // Independent SQL: the audience minus those who held the tag before.
    const expected = members.slice(3, 25);
    expect(await ids(`SELECT member_id AS id FROM tag_changes WHERE job_id = $1 AND action = 'add' ORDER BY 1`, [job.id])).toEqual(expected);
    expect(await ids(`SELECT member_id AS id FROM member_tags WHERE tag_id = $1 AND source = 'manual' ORDER BY 1`, [tag.id])).toEqual(expected);
    const events = await q<{ member_id: number; n: number }>(`SELECT member_id, count(*)::int AS n FROM member_events WHERE name = 'tag.added' GROUP BY 1 ORDER BY 1`);
    expect(events.map((e) => e.member_id)).toEqual(expected);
    expect(events.every((e) => e.n === 1)).toBe(true);

    // Running it again (a retried or duplicated job) changes and announces nothing.
    expect(await runTagJobChunk(pool, job.id, { rangeSize: 7, now })).toMatchObject({ status: "idle" });
    expect((await q(`SELECT 1 FROM member_events WHERE name = 'tag.added'`)).length).toBe(22);
  });

  it("remove, with two runners at once: each member's tag is removed and announced exactly once", async () => {
    const [vip] = await q<{ id: number }>(`SELECT id FROM tags WHERE name = 'VIP'`);
    const audience = await staticAudience(members.slice(20, 35)); // 20..24 tagged by the job, 30 by the import
    const job = await withTransaction(pool, (tx) => createTagJob(tx, { target: "tag", id: vip!.id, action: "remove", audienceId: audience }, "tester"));
    await Promise.all([runTagJobs(pool, { rangeSize: 5 }), runTagJobs(pool, { rangeSize: 5 })]);
    expect(await withTransaction(pool, (tx) => getTagJob(tx, job.id))).toMatchObject({ status: "done", total: 15, done: 15, changed: 6 });
    const removed = [...members.slice(20, 25), members[30]!];
    expect(await ids(`SELECT member_id AS id FROM tag_changes WHERE job_id = $1 AND action = 'remove' ORDER BY 1`, [job.id])).toEqual(removed);
    expect(await ids(`SELECT member_id AS id FROM member_events WHERE name = 'tag.removed' ORDER BY 1`)).toEqual(removed);
    const history = await withTransaction(pool, (tx) => memberTagHistory(tx, members[20]!));
    expect(history.history.map((h) => [h.action, h.cause, h.tags])).toEqual([
      ["remove", "job", ["VIP"]],
      ["add", "job", ["VIP"]],
    ]);
    expect(history.tags).toEqual([]);
  });

  it("refuses a rule tag, a missing audience and taking a badge away, as field errors", async () => {
    const ruleTag = await withTransaction(pool, (tx) => createTag(tx, { name: "Auto", kind: "rule", condition: and(rule("city", "eq", "Nowhere")) }));
    const audience = await staticAudience(members.slice(0, 2));
    await expect(withTransaction(pool, (tx) => createTagJob(tx, { target: "tag", id: ruleTag.id, action: "add", audienceId: audience }, null))).rejects.toMatchObject({
      code: "invalid",
      details: { field: "id" },
    });
    const [vip] = await q<{ id: number }>(`SELECT id FROM tags WHERE name = 'VIP'`);
    await expect(withTransaction(pool, (tx) => createTagJob(tx, { target: "tag", id: vip!.id, action: "add", audienceId: "nope" }, null))).rejects.toMatchObject({
      code: "not_found",
      details: { field: "audienceId" },
    });
    await expect(withTransaction(pool, (tx) => createTagJob(tx, { target: "badge", id: 1, action: "remove", audienceId: audience }, null))).rejects.toThrow(/never taken away/);
    expect((await q(`SELECT 1 FROM tag_jobs WHERE created_by IS NULL`)).length).toBe(0);
  });
});

describe("rule tags", () => {
  const shanghai = and(rule("city", "eq", "Shanghai"));
  const holders = (tagId: number) => ids(`SELECT member_id AS id FROM member_tags WHERE tag_id = $1 ORDER BY 1`, [tagId]);

  it("follow data changes on each scheduled evaluation; entered and left equal independent SQL", async () => {
    const tag = await withTransaction(pool, (tx) => createTag(tx, { name: "Shanghai", kind: "rule", condition: shanghai }));
    const [first] = await evaluateRules(pool, now, { rangeSize: 9, only: { target: "tag", id: tag.id } });
    const inShanghai = await ids(`SELECT id FROM members WHERE city = 'Shanghai' ORDER BY 1`);
    expect(first).toMatchObject({ entered: inShanghai.length, left: 0 });
    expect(await holders(tag.id)).toEqual(inShanghai);

    // Two move out, three move in.
    const before = inShanghai;
    await t.pool.query(`UPDATE members SET city = 'Hangzhou' WHERE id = ANY($1::int[])`, [before.slice(0, 2)]);
    await t.pool.query(`UPDATE members SET city = 'Shanghai' WHERE id = ANY($1::int[])`, [[members[0], members[1], members[3]]]);
    const [second] = await evaluateRules(pool, now, { rangeSize: 9, only: { target: "tag", id: tag.id } });
    const after = await ids(`SELECT id FROM members WHERE city = 'Shanghai' ORDER BY 1`);
    const entered = after.filter((m) => !before.includes(m));
    const left = before.filter((m) => !after.includes(m));
    expect(second).toMatchObject({ entered: entered.length, left: left.length });
    expect(await holders(tag.id)).toEqual(after);
    const run = second!.runId!;
    expect((await withTransaction(pool, (tx) => ruleRunMembers(tx, run, "add"))).map((m) => m.id)).toEqual(entered);
    expect((await withTransaction(pool, (tx) => ruleRunMembers(tx, run, "remove"))).map((m) => m.id)).toEqual(left);
    expect(await q(`SELECT entered, "left", cause FROM rule_runs WHERE id = $1`, [run])).toEqual([{ entered: entered.length, left: left.length, cause: "schedule" }]);

    // Nothing moved: a run with no changes, and no new events.
    const events = (await q(`SELECT 1 FROM member_events WHERE properties->>'tag' = 'Shanghai'`)).length;
    const [third] = await evaluateRules(pool, now, { only: { target: "tag", id: tag.id } });
    expect(third).toMatchObject({ entered: 0, left: 0 });
    expect((await q(`SELECT 1 FROM member_events WHERE properties->>'tag' = 'Shanghai'`)).length).toBe(events);
    expect(events).toBe(inShanghai.length + entered.length + left.length);

    const row = (await withTransaction(pool, (tx) => listTags(tx))).find((r) => r.id === tag.id);
    expect(row).toMatchObject({ kind: "rule", members: after.length, lastRun: { id: third!.runId, entered: 0, left: 0 } });
  });

  it("follow orders as they are posted: the order's member enters in the same transaction, once", async () => {
    const buyer = and(rule("order_count", "gte", { window: { kind: "all_time" }, value: 1 }));
    const tag = await withTransaction(pool, (tx) => createTag(tx, { name: "Buyer", kind: "rule", condition: buyer }));
    await evaluateRules(pool, now, { only: { target: "tag", id: tag.id } });
    expect(await holders(tag.id)).toEqual([]);
    const { postEvents } = await import("@/server/storefront/events");
    const order = { id: "evt-o1", type: "order.placed", member: "M-7", order: { id: "O-1", total: 120, items: [] } };
    await postEvents("shop", [order], now);
    await postEvents("shop", [order], now); // a replay moves nothing
    expect(await holders(tag.id)).toEqual([members[6]]);
    expect(await q(`SELECT cause, entered, "left" FROM rule_runs WHERE tag_id = $1 AND cause = 'events'`, [tag.id])).toEqual([{ cause: "events", entered: 1, left: 0 }]);
    expect(await ids(`SELECT member_id AS id FROM member_events WHERE name = 'tag.added' AND properties->>'tag' = 'Buyer'`)).toEqual([members[6]]);
  });

  it("refuse a rule that names itself", async () => {
    const [auto] = await q<{ id: number }>(`SELECT id FROM tags WHERE name = 'Auto'`);
    await expect(withTransaction(pool, (tx) => saveRule(tx, { target: "tag", id: auto!.id, condition: and(rule("tags", "has_any", ["Auto"])) }))).rejects.toMatchObject({
      details: { field: "condition" },
    });
  });
});

describe("badges", () => {
  it("a rule badge grants once and never takes away", async () => {
    const badge = await withTransaction(pool, (tx) => createBadge(tx, { name: "Shanghai pioneer", kind: "rule", condition: and(rule("city", "eq", "Shanghai")) }));
    const [first] = await evaluateRules(pool, now, { only: { target: "badge", id: badge.id } });
    const inShanghai = await ids(`SELECT id FROM members WHERE city = 'Shanghai' ORDER BY 1`);
    expect(first).toMatchObject({ entered: inShanghai.length, left: 0 });
    await t.pool.query(`UPDATE members SET city = 'Beijing' WHERE city = 'Shanghai'`);
    const [second] = await evaluateRules(pool, now, { only: { target: "badge", id: badge.id } });
    expect(second).toMatchObject({ entered: 0, left: 0 });
    expect(await ids(`SELECT member_id AS id FROM member_badges WHERE badge_id = $1 ORDER BY 1`, [badge.id])).toEqual(inShanghai);
    const granted = await q<{ n: number; members: number }>(`SELECT count(*)::int AS n, count(DISTINCT member_id)::int AS members FROM member_events WHERE name = 'badge.granted'`);
    expect(granted).toEqual([{ n: inShanghai.length, members: inShanghai.length }]);
  });

  it("a manual badge is granted on an audience by a job", async () => {
    const badge = await withTransaction(pool, (tx) => createBadge(tx, { name: "Founder", kind: "manual" }));
    const audience = await staticAudience(members.slice(0, 4));
    const job = await withTransaction(pool, (tx) => createTagJob(tx, { target: "badge", id: badge.id, action: "add", audienceId: audience }, "tester"));
    await runTagJobs(pool);
    expect(await withTransaction(pool, (tx) => getTagJob(tx, job.id))).toMatchObject({ status: "done", done: 4, changed: 4 });
    expect(await ids(`SELECT member_id AS id FROM member_badges WHERE badge_id = $1 AND source = 'manual' ORDER BY 1`, [badge.id])).toEqual(members.slice(0, 4));
  });
});

describe("the flow tag action", () => {
  it("changes tags through the same writer: tag.added once per member who lacked the tag, which starts other flows", async () => {
    const { flowDraft, onceNow, publishDraft } = await import("@/server/flows/build");
    const { runOccurrence, tick } = await import("@/server/engine/triggers");
    // A flow started by tag.added of "Flowed" (its members enter as the tag lands).
    const listener = await publishDraft(
      t.db,
      "On Flowed",
      flowDraft(
        [
          { id: "start", kind: "event_trigger", config: { event: "tag.added", conditions: [{ path: "tag", operator: "eq", value: "Flowed" }] } },
          { id: "done", kind: "exit", config: {} },
        ],
        ["start>done"],
      ),
    );
    const [pre] = await q<{ id: number }>(`INSERT INTO tags (name) VALUES ('Flowed') RETURNING id`);
    await t.pool.query(`INSERT INTO member_tags (member_id, tag_id) VALUES ($1, $2)`, [members[0], pre!.id]);
    const tagger = await publishDraft(
      t.db,
      "Tag everyone",
      flowDraft(
        [
          { id: "start", kind: "schedule_trigger", config: onceNow() },
          { id: "tag", kind: "tag", config: { action: "add", tags: ["Flowed"] } },
        ],
        ["start>tag"],
      ),
    );
    for (const id of await tick(pool)) await runOccurrence(pool, id, { chunkSize: 13 });
    const lacked = members.slice(1);
    expect(await ids(`SELECT member_id AS id FROM member_tags WHERE tag_id = $1 AND source = $2 ORDER BY 1`, [pre!.id, `flow:${tagger.flowId}`])).toEqual(lacked);
    const events = await q<{ member_id: number; n: number }>(`SELECT member_id, count(*)::int AS n FROM member_events WHERE name = 'tag.added' AND properties->>'tag' = 'Flowed' GROUP BY 1 ORDER BY 1`);
    expect(events.map((e) => e.member_id)).toEqual(lacked);
    expect(events.every((e) => e.n === 1)).toBe(true);
    expect(await ids(`SELECT member_id AS id FROM journeys WHERE flow_id = $1 ORDER BY 1`, [listener.flowId])).toEqual(lacked);
  });
});
