// Tags & badges: the lists (with member counts and each rule's last evaluation), making tags and
// badges, saving a rule's condition, a job's progress, a rule run's members, and one member's tags,
// badges and tag history. Takes a Tx (raw SQL in the caller's transaction).
// Server-only (the lint allow-list keeps components/ away).
import type { z } from "zod";
import { sql, type Tx } from "@/server/db/sql";
import { DomainError } from "@/server/errors";
import type { ConditionNode, ConditionTree } from "@/server/audiences/condition";
import {
  badgeCreateInput,
  ruleSaveInput,
  tagCreateInput,
  type BadgeRow,
  type MemberTagHistory,
  type RuleRunView,
  type TagJobView,
  type TagRow,
} from "./schemas";

const lastRun = (target: "tag" | "badge") => sql`
  (SELECT json_build_object('id', r.id, 'cause', r.cause, 'entered', r.entered, 'left', r."left", 'startedAt', r.started_at, 'finishedAt', r.finished_at)
   FROM rule_runs r WHERE ${target === "tag" ? sql`r.tag_id = t.id` : sql`r.badge_id = t.id`} ORDER BY r.id DESC LIMIT 1)`;

const runView = (r: (Omit<RuleRunView, "startedAt" | "finishedAt"> & { startedAt: string | Date; finishedAt: string | Date | null }) | null): RuleRunView | null =>
  r && { ...r, startedAt: new Date(r.startedAt), finishedAt: r.finishedAt ? new Date(r.finishedAt) : null };

export async function listTags(tx: Tx): Promise<TagRow[]> {
  const rows = await tx.query<Omit<TagRow, "lastRun"> & { lastRun: Parameters<typeof runView>[0] }>(sql`
    SELECT t.id, t.name, t.category, t.color, t.kind, t.condition,
           coalesce(c.n, 0)::int AS members, ${lastRun("tag")} AS "lastRun"
    FROM tags t LEFT JOIN (SELECT tag_id, count(*) AS n FROM member_tags GROUP BY tag_id) c ON c.tag_id = t.id
    ORDER BY t.kind DESC, t.category, t.name`);
  return rows.map((r) => ({ ...r, lastRun: runView(r.lastRun) }));
}

export async function listBadges(tx: Tx): Promise<BadgeRow[]> {
  const rows = await tx.query<Omit<BadgeRow, "lastRun"> & { lastRun: Parameters<typeof runView>[0] }>(sql`
    SELECT t.id, t.name, t.description, t.icon, t.kind, t.condition,
           coalesce(c.n, 0)::int AS members, ${lastRun("badge")} AS "lastRun"
    FROM badges t LEFT JOIN (SELECT badge_id, count(*) AS n FROM member_badges GROUP BY badge_id) c ON c.badge_id = t.id
    ORDER BY t.kind DESC, t.name`);
  return rows.map((r) => ({ ...r, lastRun: runView(r.lastRun) }));
}

/** The tag names a condition tree mentions under the "tags" field. */
function tagsNamed(tree: ConditionNode, found = new Set<string>()): Set<string> {
  if (tree.type === "group") tree.children.forEach((c) => tagsNamed(c, found));
  else if (tree.field === "tags" && Array.isArray(tree.value)) tree.value.forEach((v) => typeof v === "string" && found.add(v));
  return found;
}

/** A rule tag may not name itself: it would flip on every evaluation. */
function refuseSelfReference(name: string, condition: ConditionTree) {
  if (tagsNamed(condition).has(name)) throw new DomainError("invalid", "A rule tag cannot depend on itself", { field: "condition" });
}

export async function createTag(tx: Tx, raw: z.input<typeof tagCreateInput>): Promise<{ id: number }> {
  const input = tagCreateInput.parse(raw);
  const condition = input.kind === "rule" ? input.condition : null;
  if (condition) refuseSelfReference(input.name, condition);
  const [row] = await tx.query<{ id: number }>(sql`
    INSERT INTO tags (name, category, color, kind, condition) VALUES (${input.name}, ${input.category}, ${input.color}, ${input.kind}, ${condition ? JSON.stringify(condition) : null}::jsonb)
    ON CONFLICT (name) DO NOTHING RETURNING id`);
  if (!row) throw new DomainError("conflict", `A tag named ${input.name} exists`, { field: "name" });
  return { id: Number(row.id) };
}

export async function createBadge(tx: Tx, raw: z.input<typeof badgeCreateInput>): Promise<{ id: number }> {
  const input = badgeCreateInput.parse(raw);
  const condition = input.kind === "rule" ? input.condition : null;
  const [row] = await tx.query<{ id: number }>(sql`
    INSERT INTO badges (name, description, icon, kind, condition) VALUES (${input.name}, ${input.description}, ${input.icon}, ${input.kind}, ${condition ? JSON.stringify(condition) : null}::jsonb)
    ON CONFLICT (name) DO NOTHING RETURNING id`);
  if (!row) throw new DomainError("conflict", `A badge named ${input.name} exists`, { field: "name" });
  return { id: Number(row.id) };
}

/** A rule's new condition; the caller evaluates it (cause "saved") once committed. */
export async function saveRule(tx: Tx, raw: z.input<typeof ruleSaveInput>): Promise<void> {
  const input = ruleSaveInput.parse(raw);
  const [row] =
    input.target === "tag"
      ? await tx.query<{ name: string; kind: string }>(sql`SELECT name, kind FROM tags WHERE id = ${input.id} FOR UPDATE`)
      : await tx.query<{ name: string; kind: string }>(sql`SELECT name, kind FROM badges WHERE id = ${input.id} FOR UPDATE`);
  if (!row) throw new DomainError("not_found", `No ${input.target} ${input.id}`, { field: "id" });
  if (row.kind !== "rule") throw new DomainError("invalid", `This ${input.target} is manual, not a rule`, { field: "id" });
  if (input.target === "tag") refuseSelfReference(row.name, input.condition);
  const condition = JSON.stringify(input.condition);
  if (input.target === "tag") await tx.execute(sql`UPDATE tags SET condition = ${condition}::jsonb WHERE id = ${input.id}`);
  else await tx.execute(sql`UPDATE badges SET condition = ${condition}::jsonb WHERE id = ${input.id}`);
}

export async function ruleRuns(tx: Tx, target: "tag" | "badge", id: number, limit = 20): Promise<RuleRunView[]> {
  return tx.query<RuleRunView>(sql`
    SELECT id, cause, entered, "left", started_at AS "startedAt", finished_at AS "finishedAt" FROM rule_runs
    WHERE ${target === "tag" ? sql`tag_id = ${id}` : sql`badge_id = ${id}`} ORDER BY id DESC LIMIT ${limit}`);
}

/** Members who entered (add) or left (remove) in one run of a rule tag, or were granted a rule badge. */
export async function ruleRunMembers(tx: Tx, runId: number, action: "add" | "remove", limit = 50) {
  const [run] = await tx.query<{ tag_id: number | null; badge_id: number | null; started_at: Date }>(sql`SELECT tag_id, badge_id, started_at FROM rule_runs WHERE id = ${runId}`);
  if (!run) throw new DomainError("not_found", `No rule run ${runId}`, { field: "runId" });
  if (run.badge_id !== null) {
    // A badge run's grants: member_badges granted by rule at the run's instant.
    if (action === "remove") return [];
    return tx.query<{ id: number; externalId: string; name: string }>(sql`
      SELECT m.id, m.external_id AS "externalId", m.name FROM member_badges b JOIN members m ON m.id = b.member_id
      WHERE b.badge_id = ${run.badge_id} AND b.source = 'rule' AND b.awarded_at = ${run.started_at} ORDER BY m.id LIMIT ${limit}`);
  }
  return tx.query<{ id: number; externalId: string; name: string }>(sql`
    SELECT m.id, m.external_id AS "externalId", m.name FROM tag_changes c JOIN members m ON m.id = c.member_id
    WHERE c.rule_run_id = ${runId} AND c.action = ${action} ORDER BY m.id LIMIT ${limit}`);
}

const jobs = (where: ReturnType<typeof sql>) => sql`
  SELECT j.id, CASE WHEN j.tag_id IS NULL THEN 'badge' ELSE 'tag' END AS target, coalesce(j.tag_id, j.badge_id) AS "targetId",
         coalesce(t.name, b.name) AS "targetName", j.action, j.audience_id AS "audienceId", coalesce(a.name, j.audience_id) AS "audienceName",
         j.status, j.total, j.done, j.changed, j.error, j.created_at AS "createdAt", j.finished_at AS "finishedAt"
  FROM tag_jobs j LEFT JOIN tags t ON t.id = j.tag_id LEFT JOIN badges b ON b.id = j.badge_id LEFT JOIN audiences a ON a.id = j.audience_id
  ${where}`;

export async function getTagJob(tx: Tx, jobId: number): Promise<TagJobView> {
  const [job] = await tx.query<TagJobView>(jobs(sql`WHERE j.id = ${jobId}`));
  if (!job) throw new DomainError("not_found", `No job ${jobId}`, { field: "jobId" });
  return job;
}

export async function recentTagJobs(tx: Tx, limit = 10): Promise<TagJobView[]> {
  return tx.query<TagJobView>(jobs(sql`ORDER BY j.id DESC LIMIT ${limit}`));
}

export async function memberTagHistory(tx: Tx, memberId: number, limit = 50): Promise<MemberTagHistory> {
  const tags = await tx.query<MemberTagHistory["tags"][number]>(sql`
      SELECT t.id, t.name, t.category, t.kind, mt.source, mt.created_at AS since
      FROM member_tags mt JOIN tags t ON t.id = mt.tag_id WHERE mt.member_id = ${memberId} ORDER BY t.category, t.name`);
  const badges = await tx.query<MemberTagHistory["badges"][number]>(sql`
      SELECT b.id, b.name, b.icon, mb.source, mb.awarded_at AS "awardedAt"
      FROM member_badges mb JOIN badges b ON b.id = mb.badge_id WHERE mb.member_id = ${memberId} ORDER BY mb.awarded_at, b.name`);
  const history = await tx.query<MemberTagHistory["history"][number]>(sql`
      SELECT c.id, c.action,
             ARRAY(SELECT t.name FROM tags t WHERE t.id = ANY(c.tag_ids) ORDER BY t.name) AS tags,
             CASE WHEN c.job_id IS NOT NULL THEN 'job' WHEN c.rule_run_id IS NOT NULL THEN 'rule' ELSE 'flow' END AS cause,
             c.flow_id AS "flowId", c.job_id AS "jobId", c.rule_run_id AS "ruleRunId", c.created_at AS at
      FROM tag_changes c WHERE c.member_id = ${memberId} ORDER BY c.created_at DESC, c.id DESC LIMIT ${limit}`);
  return { tags, badges, history };
}
