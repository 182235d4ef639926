// The graphile-worker jobs the engine may add inside its own transactions (a job exists only if
// the transaction commits). No graphile-worker import: the engine can use this without a cycle
// (start.ts → tasks.ts → the engine → here).
import { raw, sql, type Tx } from "@/server/db/sql";

/** graphile-worker's schema (its default; the SQL here and in start.ts names it). */
export const WORKER_SCHEMA = "graphile_worker";

export const TASKS = {
  engineTick: "engine_tick",
  runOccurrence: "run_occurrence",
  sweepWaits: "sweep_waits",
  deliverOutbox: "deliver_outbox",
  releaseDeadWorkers: "release_dead_workers",
  refreshMemberStats: "refresh_member_stats",
  expirePoints: "expire_points",
  refreshInsights: "refresh_insights",
  remindExpiringPoints: "remind_expiring_points",
  runTagJobs: "run_tag_jobs",
  evaluateRules: "evaluate_rules",
  evaluateTiers: "evaluate_tiers",
  evaluateLifecycle: "evaluate_lifecycle",
  grantTierBenefits: "grant_tier_benefits",
} as const;

/** What an evaluate_lifecycle job carries: a full evaluation at `at` (ISO), continuing `from` a member id. */
export type LifecycleJob = { reason?: "schedule" | "settings"; at?: string; from?: number };

/** The job key of an occurrence's run: one pending job per occurrence. */
export const occurrenceJobKey = (occurrenceId: number) => `occ:${occurrenceId}`;

/**
 * Whether graphile-worker jobs can be added here: not when the Inngest runtime drives the engine,
 * and not before a worker has installed its schema in this database. The runtimes' minute ticks
 * and sweeps pick the work up then.
 */
async function queueInstalled(tx: Tx): Promise<boolean> {
  if (process.env.MEMBERFLOW_RUNTIME === "inngest") return false;
  const [row] = await tx.query<{ installed: boolean }>(sql`SELECT to_regnamespace(${raw(`'${WORKER_SCHEMA}'`)}) IS NOT NULL AS installed`);
  return row?.installed === true;
}

/**
 * Wakes the wait sweeper at `at` (default: now), inside the caller's transaction. Call it when
 * journeys start waiting with a deadline the minute sweep would catch late, or when something made
 * waits due now. Keyed per second: many calls for one second add one job, and a later wake never
 * pushes back an earlier one. A no-op under the Inngest runtime (its sweep runs every minute).
 */
export async function wakeEngine(tx: Tx, at: Date = new Date()): Promise<void> {
  if (!(await queueInstalled(tx))) return;
  const second = Math.ceil(at.getTime() / 1000);
  await tx.execute(sql`
    SELECT 1 FROM ${raw(WORKER_SCHEMA)}.add_job(${TASKS.sweepWaits}, job_key := ${`${TASKS.sweepWaits}:${second}`},
      run_at := to_timestamp(${second}::bigint), max_attempts := 5)`);
}

/**
 * Re-evaluates every member's lifecycle stage and RFM scores at `at` (thresholds just saved), inside
 * the caller's transaction: the job exists only if the save commits. A no-op under the Inngest
 * runtime (the caller sends its event there).
 */
export async function enqueueLifecycleEvaluation(tx: Tx, at: Date): Promise<void> {
  if (!(await queueInstalled(tx))) return;
  const payload: LifecycleJob = { reason: "settings", at: at.toISOString() };
  await tx.execute(sql`
    SELECT 1 FROM ${raw(WORKER_SCHEMA)}.add_job(${TASKS.evaluateLifecycle}, ${JSON.stringify(payload)}::json, max_attempts := 3)`);
}

/**
 * Runs an occurrence now, inside the caller's transaction: e.g. after `startManualRun`, so "run
 * now" does not wait for the next minute's tick. A no-op under the Inngest runtime.
 */
export async function enqueueOccurrence(tx: Tx, occurrenceId: number): Promise<void> {
  if (!(await queueInstalled(tx))) return;
  await tx.execute(sql`
    SELECT 1 FROM ${raw(WORKER_SCHEMA)}.add_job(${TASKS.runOccurrence}, json_build_object('occurrenceId', ${occurrenceId}::int),
      job_key := ${occurrenceJobKey(occurrenceId)})`);
}

/**
 * Runs the open bulk tag jobs now (server/loyalty/tags/jobs.ts), inside the caller's transaction:
 * one pending job for all of them. A no-op under the Inngest runtime (its minute cron takes them).
 */
export async function queueTagJobs(tx: Tx): Promise<void> {
  if (!(await queueInstalled(tx))) return;
  await tx.execute(sql`SELECT 1 FROM ${raw(WORKER_SCHEMA)}.add_job(${TASKS.runTagJobs}, job_key := ${TASKS.runTagJobs}, max_attempts := 5)`);
}

/**
 * Evaluates one rule tag or badge soon (after it was saved), inside the caller's transaction;
 * false when no queue is installed here (the caller decides what to do instead).
 */
export async function queueRuleEvaluation(tx: Tx, rule: { target: "tag" | "badge"; id: number }): Promise<boolean> {
  if (!(await queueInstalled(tx))) return false;
  await tx.execute(sql`
    SELECT 1 FROM ${raw(WORKER_SCHEMA)}.add_job(${TASKS.evaluateRules}, json_build_object('target', ${rule.target}::text, 'id', ${rule.id}::int),
      job_key := ${`${TASKS.evaluateRules}:${rule.target}:${rule.id}`}, max_attempts := 3)`);
  return true;
}
