// The one tag writer: every change to member_tags (a flow's tag action, a bulk job, a rule run) and
// every badge grant goes through here, and tells the flows (tag.added, tag.removed, badge.granted)
// through the one ingest path in the same transaction. Only what really changed is announced: a
// member who already had the tag hears nothing. Event ids name the change that caused them, so a
// replay announces nothing twice.
// Server-only (the lint allow-list keeps components/ away).
import { sql, type Tx } from "@/server/db/sql";
import { ingestEventsIn, MAX_EVENTS_PER_CALL, type IngestEvent } from "@/server/events/ingest";

/** Where a bulk job's or a rule run's changes are recorded (tag_changes, one row per member). */
export type ChangeRecord = { jobId: number } | { ruleRunId: number };

export type TagChange = {
  action: "add" | "remove";
  tagIds: number[];
  memberIds: number[];
  /** member_tags.source of added rows: manual, rule, flow:<id>. */
  source: string;
  /** What caused the change for this member, unique per member (e.g. `job:12:<member>`): the events' ids. */
  eventKey: (memberId: number) => string;
  /** Jobs and rules: record each member's change in tag_changes (flows recorded theirs already). */
  record?: ChangeRecord;
  now: Date;
};

export type Changed = { memberId: number; tagId: number };

/** Applies a change to member_tags; returns (and records, and announces) what really changed. */
export async function changeTags(tx: Tx, change: TagChange): Promise<Changed[]> {
  const { action, tagIds, memberIds, now } = change;
  if (memberIds.length === 0 || tagIds.length === 0) return [];
  // Rows are taken in (member, tag) order, as every writer here takes them, so concurrent writers queue instead of deadlocking.
  const rows =
    action === "add"
      ? await tx.query<{ member_id: number; tag_id: number }>(sql`
          INSERT INTO member_tags (member_id, tag_id, source, created_at)
          SELECT m, t, ${change.source}, ${now} FROM unnest(${memberIds}::int[]) m CROSS JOIN unnest(${tagIds}::int[]) t ORDER BY m, t
          ON CONFLICT DO NOTHING
          RETURNING member_id, tag_id`)
      : await tx.query<{ member_id: number; tag_id: number }>(sql`
          DELETE FROM member_tags WHERE (member_id, tag_id) IN (
            SELECT member_id, tag_id FROM member_tags
            WHERE member_id = ANY(${memberIds}::int[]) AND tag_id = ANY(${tagIds}::int[])
            ORDER BY member_id, tag_id FOR UPDATE)
          RETURNING member_id, tag_id`);
  const changed = rows.map((r) => ({ memberId: r.member_id, tagId: r.tag_id }));
  if (changed.length === 0) return [];
  if (change.record) {
    const jobId = "jobId" in change.record ? change.record.jobId : null;
    const runId = "ruleRunId" in change.record ? change.record.ruleRunId : null;
    // One row per member and job/run (unique): a range run twice records nothing twice.
    await tx.execute(sql`
      INSERT INTO tag_changes (member_id, action, tag_ids, job_id, rule_run_id, created_at)
      SELECT c.member_id, ${action}, array_agg(c.tag_id ORDER BY c.tag_id), ${jobId}::bigint, ${runId}::bigint, ${now}
      FROM unnest(${changed.map((c) => c.memberId)}::int[], ${changed.map((c) => c.tagId)}::int[]) AS c(member_id, tag_id)
      GROUP BY c.member_id
      ON CONFLICT DO NOTHING`);
  }
  const names = await namesOf(tx, "tags", tagIds);
  const name = action === "add" ? "tag.added" : "tag.removed";
  await announce(
    tx,
    changed.map((c) => ({
      id: `${name}:${change.eventKey(c.memberId)}:${c.tagId}`,
      memberId: c.memberId,
      name,
      occurredAt: now,
      properties: { tag: names.get(c.tagId) ?? String(c.tagId), tagId: c.tagId, source: change.source },
    })),
    now,
  );
  return changed;
}

/**
 * Grants a badge to members who lack it; a badge is never taken away. Returns the members newly
 * granted, each announced once (`badge.granted`, keyed by member and badge: a badge is granted once).
 */
export async function grantBadge(tx: Tx, grant: { badgeId: number; memberIds: number[]; source: string; now: Date }): Promise<number[]> {
  if (grant.memberIds.length === 0) return [];
  const rows = await tx.query<{ member_id: number }>(sql`
    INSERT INTO member_badges (member_id, badge_id, source, awarded_at)
    SELECT m, ${grant.badgeId}, ${grant.source}, ${grant.now} FROM unnest(${grant.memberIds}::int[]) m ORDER BY m
    ON CONFLICT DO NOTHING
    RETURNING member_id`);
  const granted = rows.map((r) => r.member_id);
  const names = await namesOf(tx, "badges", [grant.badgeId]);
  await announce(
    tx,
    granted.map((memberId) => ({
      id: `badge.granted:${grant.badgeId}:${memberId}`,
      memberId,
      name: "badge.granted",
      occurredAt: grant.now,
      properties: { badge: names.get(grant.badgeId) ?? String(grant.badgeId), badgeId: grant.badgeId, source: grant.source },
    })),
    grant.now,
  );
  return granted;
}

async function namesOf(tx: Tx, table: "tags" | "badges", ids: number[]): Promise<Map<number, string>> {
  const rows =
    table === "tags"
      ? await tx.query<{ id: number; name: string }>(sql`SELECT id, name FROM tags WHERE id = ANY(${ids}::int[])`)
      : await tx.query<{ id: number; name: string }>(sql`SELECT id, name FROM badges WHERE id = ANY(${ids}::int[])`);
  return new Map(rows.map((r) => [r.id, r.name]));
}

async function announce(tx: Tx, events: IngestEvent[], now: Date): Promise<void> {
  for (let i = 0; i < events.length; i += MAX_EVENTS_PER_CALL) await ingestEventsIn(tx, events.slice(i, i + MAX_EVENTS_PER_CALL), { now });
}
