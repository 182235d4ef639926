// Bulk jobs on an audience: add or remove a manual tag, or grant a badge. A job is a row with
// progress (done of total); the runtimes take it a range of member ids per transaction (the job row
// locked, its cursor moved in the same transaction), so a retried or concurrent range changes
// nothing twice, and tag_changes is unique per (job, member). Both runtimes drive it: the
// graphile-worker task `run_tag_jobs` (queued when a job is made, and every minute) and the Inngest
// function `run-tag-jobs` (every minute).
// Server-only (the lint allow-list keeps components/ away).
import { sql, withTransaction, type Pool, type Tx } from "@/server/db/sql";
import { DomainError } from "@/server/errors";
import { membersOfAudience } from "@/server/audiences/service";
import { queueTagJobs } from "@/server/engine/runtimes/worker/jobs";
import type { z } from "zod";
import { tagJobInput } from "./schemas";
import { changeTags, grantBadge } from "./writer";

type JobRow = {
  id: number;
  tag_id: number | null;
  badge_id: number | null;
  action: "add" | "remove";
  audience_id: string;
  status: string;
  cursor_member_id: number;
};

/** Makes a job (validated: the tag is manual, the audience exists) and queues it; returns its id. */
export async function createTagJob(tx: Tx, raw: z.input<typeof tagJobInput>, createdBy: string | null): Promise<{ id: number; total: number }> {
  const input = tagJobInput.parse(raw);
  const [target] =
    input.target === "tag"
      ? await tx.query<{ kind: string }>(sql`SELECT kind FROM tags WHERE id = ${input.id}`)
      : await tx.query<{ kind: string }>(sql`SELECT kind FROM badges WHERE id = ${input.id}`);
  if (!target) throw new DomainError("not_found", `No ${input.target} ${input.id}`, { field: "id" });
  if (input.target === "tag" && target.kind === "rule") {
    throw new DomainError("invalid", "A rule tag follows its condition: it cannot be added or removed by hand", { field: "id" });
  }
  const [audience] = await tx.query<{ id: string; kind: string; condition: unknown; archived_at: Date | null }>(
    sql`SELECT id, kind::text, condition, archived_at FROM audiences WHERE id = ${input.audienceId}`,
  );
  if (!audience || audience.archived_at) throw new DomainError("not_found", `No audience ${input.audienceId}`, { field: "audienceId" });
  // The size when the job starts; the job settles it to the members it really went through.
  const [count] = await tx.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM (${membersOfAudience(audience)}) a`);
  const [job] = await tx.query<{ id: number }>(sql`
    INSERT INTO tag_jobs (tag_id, badge_id, action, audience_id, total, created_by)
    VALUES (${input.target === "tag" ? input.id : null}::int, ${input.target === "badge" ? input.id : null}::int, ${input.action}, ${audience.id}, ${count!.n}, ${createdBy})
    RETURNING id`);
  await queueTagJobs(tx);
  return { id: Number(job!.id), total: count!.n };
}

export type ChunkResult = { status: "done" | "running" | "idle"; done: number; changed: number };

/**
 * One range of one job, in one transaction (the job row locked): the audience's members in the
 * range that need the change get it (through the tag writer, recorded per member and job).
 */
export async function runTagJobChunk(pool: Pool, jobId: number, options: { rangeSize?: number; now?: Date } = {}): Promise<ChunkResult> {
  const rangeSize = options.rangeSize ?? 20_000;
  return withTransaction(pool, async (tx) => {
    const now = options.now ?? new Date();
    const [job] = await tx.query<JobRow>(sql`
      SELECT id, tag_id, badge_id, action, audience_id, status, cursor_member_id FROM tag_jobs WHERE id = ${jobId} FOR UPDATE`);
    if (!job || job.status === "done" || job.status === "failed") return { status: "idle", done: 0, changed: 0 };
    const [audience] = await tx.query<{ id: string; kind: string; condition: unknown }>(sql`SELECT id, kind::text, condition FROM audiences WHERE id = ${job.audience_id}`);
    const [bounds] = await tx.query<{ hi: number | null }>(sql`SELECT max(id) AS hi FROM members`);
    if (!audience) {
      await tx.execute(sql`UPDATE tag_jobs SET status = 'failed', error = 'audience_missing', finished_at = ${now} WHERE id = ${jobId}`);
      return { status: "done", done: 0, changed: 0 };
    }
    const lo = job.cursor_member_id + 1;
    const hi = job.cursor_member_id + rangeSize;
    const members = (
      await tx.query<{ id: number }>(sql`SELECT a.id FROM (${membersOfAudience(audience, now)}) a WHERE a.id BETWEEN ${lo} AND ${hi} ORDER BY a.id`)
    ).map((r) => r.id);
    let changed = 0;
    if (job.tag_id !== null) {
      changed = new Set(
        (
          await changeTags(tx, {
            action: job.action,
            tagIds: [job.tag_id],
            memberIds: members,
            source: "manual",
            record: { jobId },
            eventKey: (m) => `job:${jobId}:${m}`,
            now,
          })
        ).map((c) => c.memberId),
      ).size;
    } else if (job.badge_id !== null) {
      changed = (await grantBadge(tx, { badgeId: job.badge_id, memberIds: members, source: "manual", now })).length;
    }
    const finished = bounds?.hi == null || hi >= bounds.hi;
    // Finished: the total becomes what the job really went through (the audience may have moved).
    await tx.execute(sql`
      UPDATE tag_jobs SET cursor_member_id = ${hi}, done = done + ${members.length}, changed = changed + ${changed},
        status = ${finished ? "done" : "running"}, started_at = coalesce(started_at, ${now}),
        total = CASE WHEN ${finished}::boolean THEN done + ${members.length} ELSE greatest(total, done + ${members.length}) END,
        finished_at = CASE WHEN ${finished}::boolean THEN ${now}::timestamptz END
      WHERE id = ${jobId}`);
    return { status: finished ? "done" : "running", done: members.length, changed };
  });
}

/** Runs the open jobs, oldest first, a range at a time; stops after `maxChunks` ranges or when asked. */
export async function runTagJobs(pool: Pool, options: { maxChunks?: number; rangeSize?: number; stopping?: () => boolean; now?: () => Date } = {}): Promise<{ chunks: number; open: boolean }> {
  let chunks = 0;
  for (;;) {
    const open = await withTransaction(pool, (tx) => tx.query<{ id: number }>(sql`SELECT id FROM tag_jobs WHERE status IN ('pending', 'running') ORDER BY id LIMIT 1`));
    if (open.length === 0) return { chunks, open: false };
    if (options.stopping?.() || (options.maxChunks !== undefined && chunks >= options.maxChunks)) return { chunks, open: true };
    await runTagJobChunk(pool, open[0]!.id, { rangeSize: options.rangeSize, now: options.now?.() });
    chunks += 1;
  }
}
