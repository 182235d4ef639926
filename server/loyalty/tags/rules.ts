// Rule tags and rule badges: membership is a condition in the audience language, compiled by the
// one audience compiler. An evaluation compares who matches with who holds the tag, set-based over
// a range of member ids per transaction, and records a run (counts) with each member who entered or
// left (tag_changes rows naming the run; a rule badge's grants are member_badges rows, and a badge
// is never taken away). Evaluated on a schedule (both runtimes' crons) and, for the members of an
// event batch, inside the transaction that ingests it (server/events/ingest.ts).
// Server-only (the lint allow-list keeps components/ away).
import { sql, withTransaction, type Pool, type Sql, type Tx } from "@/server/db/sql";
import { compileCondition } from "@/server/audiences/compile";
import type { ConditionTree } from "@/server/audiences/condition";
import { changeTags, grantBadge } from "./writer";

export type Rule = { target: "tag" | "badge"; id: number; name: string; condition: ConditionTree };
export type RuleCause = "schedule" | "events" | "saved";
export type RuleRunResult = { runId: number | null; entered: number; left: number };

/** Events the rules do not re-evaluate on: what rule runs emit themselves (no loop between rules). */
export const RULE_OUTPUT_EVENTS: readonly string[] = ["tag.added", "tag.removed", "badge.granted"];

export async function loadRules(tx: Tx, only?: { target: "tag" | "badge"; id: number }): Promise<Rule[]> {
  const rows = await tx.query<{ target: "tag" | "badge"; id: number; name: string; condition: ConditionTree }>(sql`
    SELECT 'tag' AS target, id, name, condition FROM tags WHERE kind = 'rule'
    UNION ALL SELECT 'badge', id, name, condition FROM badges WHERE kind = 'rule'
    ORDER BY 1, 2`);
  return rows.filter((r) => !only || (r.target === only.target && r.id === only.id));
}

async function startRun(tx: Tx, rule: Rule, cause: RuleCause, now: Date): Promise<number> {
  const [run] = await tx.query<{ id: number }>(sql`
    INSERT INTO rule_runs (tag_id, badge_id, cause, started_at)
    VALUES (${rule.target === "tag" ? rule.id : null}::int, ${rule.target === "badge" ? rule.id : null}::int, ${cause}, ${now})
    RETURNING id`);
  return run!.id;
}

/**
 * One rule over the members `scope` selects (a predicate over `members m`), inside `tx`: who
 * matches and lacks it enters, who holds a tag and no longer matches leaves. `runId` null: a run row
 * is made only when something changes (event batches would otherwise fill the table with empty runs).
 */
async function evaluateIn(tx: Tx, rule: Rule, scope: Sql, runId: number | null, cause: RuleCause, now: Date): Promise<RuleRunResult> {
  const matches = compileCondition(rule.condition, { now });
  const held =
    rule.target === "tag"
      ? sql`EXISTS (SELECT 1 FROM member_tags h WHERE h.member_id = m.id AND h.tag_id = ${rule.id})`
      : sql`EXISTS (SELECT 1 FROM member_badges h WHERE h.member_id = m.id AND h.badge_id = ${rule.id})`;
  const entering = (await tx.query<{ id: number }>(sql`SELECT m.id FROM members m WHERE ${scope} AND ${matches} AND NOT ${held} ORDER BY m.id`)).map((r) => r.id);
  const leaving =
    rule.target === "tag"
      ? (await tx.query<{ id: number }>(sql`SELECT m.id FROM members m WHERE ${scope} AND ${held} AND NOT (${matches}) ORDER BY m.id`)).map((r) => r.id)
      : [];
  if (entering.length + leaving.length === 0) return { runId, entered: 0, left: 0 };
  const id = runId ?? (await startRun(tx, rule, cause, now));
  let entered: number;
  let left = 0;
  if (rule.target === "badge") {
    entered = (await grantBadge(tx, { badgeId: rule.id, memberIds: entering, source: "rule", now })).length;
  } else {
    const common = { tagIds: [rule.id], source: "rule", record: { ruleRunId: id }, eventKey: (m: number) => `run:${id}:${m}`, now };
    entered = (await changeTags(tx, { ...common, action: "add", memberIds: entering })).length;
    left = (await changeTags(tx, { ...common, action: "remove", memberIds: leaving })).length;
  }
  await tx.execute(sql`UPDATE rule_runs SET entered = entered + ${entered}, "left" = "left" + ${left}, finished_at = ${now} WHERE id = ${id}`);
  return { runId: id, entered, left };
}

/** Every rule over the given members, in the caller's transaction (an event batch's members). */
export async function evaluateRulesFor(tx: Tx, memberIds: number[], now: Date): Promise<RuleRunResult[]> {
  const ids = [...new Set(memberIds)];
  if (ids.length === 0) return [];
  const rules = await loadRules(tx);
  const results: RuleRunResult[] = [];
  for (const rule of rules) results.push(await evaluateIn(tx, rule, sql`m.id = ANY(${ids}::int[])`, null, "events", now));
  return results;
}

export type EvaluateOptions = {
  /** Member ids per transaction (default 50,000). */
  rangeSize?: number;
  only?: { target: "tag" | "badge"; id: number };
  cause?: RuleCause;
  stopping?: () => boolean;
};

/**
 * Every rule (or one) over all members, a range of member ids per transaction; each rule gets a
 * run row even when nobody moved (the list shows when it was last evaluated).
 */
export async function evaluateRules(pool: Pool, now: Date, options: EvaluateOptions = {}): Promise<(RuleRunResult & { rule: Rule })[]> {
  const rangeSize = options.rangeSize ?? 50_000;
  const rules = await withTransaction(pool, (tx) => loadRules(tx, options.only));
  const [bounds] = await withTransaction(pool, (tx) => tx.query<{ lo: number | null; hi: number | null }>(sql`SELECT min(id) AS lo, max(id) AS hi FROM members`));
  const results: (RuleRunResult & { rule: Rule })[] = [];
  for (const rule of rules) {
    if (options.stopping?.()) break;
    const runId = await withTransaction(pool, (tx) => startRun(tx, rule, options.cause ?? "schedule", now));
    const total = { runId, entered: 0, left: 0, rule };
    for (let lo = bounds?.lo ?? 1; bounds?.hi != null && lo <= bounds.hi; lo += rangeSize) {
      const hi = lo + rangeSize - 1;
      const part = await withTransaction(pool, (tx) => evaluateIn(tx, rule, sql`m.id BETWEEN ${lo} AND ${hi}`, runId, "schedule", now));
      total.entered += part.entered;
      total.left += part.left;
    }
    await withTransaction(pool, (tx) => tx.execute(sql`UPDATE rule_runs SET finished_at = ${new Date()} WHERE id = ${runId}`));
    results.push(total);
  }
  return results;
}
