// The graphile-worker runtime's tasks: each calls one engine operation and leaves scheduling,
// retries (a throwing task is retried with exponential back-off), timers (`runAt`) and
// de-duplication (`jobKey`) to graphile-worker. What happens to members is in server/engine/.
import { parseCrontab, type JobHelpers, type TaskList } from "graphile-worker";
import { refreshInsights } from "@/server/analytics/rollup";
import type { Pool } from "@/server/db/sql";
import { deliverOutbox, deliverWebhooks } from "@/server/engine/messaging/deliver";
import { providersFromEnv, type Providers } from "@/server/engine/messaging/providers";
import { runOccurrenceChunk, tick } from "@/server/engine/triggers";
import { sweepDueWaits } from "@/server/engine/waits";
import { expirePoints } from "@/server/loyalty/points-expiry";
import { remindExpiringPoints } from "@/server/loyalty/points-expiring";
import { evaluateRules } from "@/server/loyalty/tags/rules";
import { runTagJobs } from "@/server/loyalty/tags/jobs";
import { evaluateTiers } from "@/server/loyalty/tiers/evaluate";
import { grantTierBenefits } from "@/server/loyalty/tiers/benefit-grants";
import { evaluateLifecycle } from "@/server/loyalty/lifecycle/evaluate";
import { refreshMemberStats } from "@/server/members/stats";
import { pruneIdempotencyRecords } from "@/server/storefront/idempotency";
import { deliverStorefrontWebhooksUntilIdle } from "@/server/storefront/webhooks/deliver";
import { occurrenceJobKey, TASKS, type LifecycleJob } from "./jobs";

/** How long a `busy` occurrence (another job holds its row) waits before it tries again. */
const BUSY_RETRY_MS = 2_000;

// Every minute (graphile-worker's own cron, in UTC; `?jobKey` keeps one pending job per line and
// revives a failed one instead of piling up rows, `?max` bounds retries: the next minute runs anyway).
export const CRONTAB = [
  `* * * * * ${TASKS.engineTick} ?jobKey=${TASKS.engineTick}&max=5`,
  `* * * * * ${TASKS.sweepWaits} ?jobKey=${TASKS.sweepWaits}&max=5`,
  `* * * * * ${TASKS.deliverOutbox} ?jobKey=${TASKS.deliverOutbox}&max=5`,
  `* * * * * ${TASKS.releaseDeadWorkers} ?jobKey=${TASKS.releaseDeadWorkers}&max=3`,
  // Hourly: the windowed statistics slide, so no window is more than an hour behind.
  `0 * * * * ${TASKS.refreshMemberStats} ?jobKey=${TASKS.refreshMemberStats}&max=3`,
  // Every 10 minutes: points lots past their date expire (server/loyalty/points-expiry.ts; any
  // change to a member's points expires what is due for them first, so this only keeps balances current).
  `*/10 * * * * ${TASKS.expirePoints} ?jobKey=${TASKS.expirePoints}&max=3`,
  // Every 10 minutes: settled days and days changed since are rolled up for Insights, and hourly the
  // radar's standard groups are recomputed (server/analytics/rollup.ts).
  `*/10 * * * * ${TASKS.refreshInsights} ?jobKey=${TASKS.refreshInsights}&max=3`,
  // Hourly: members hear N days ahead that points are expiring (server/loyalty/points-expiring.ts; once per due date and lead time).
  `5 * * * * ${TASKS.remindExpiringPoints} ?jobKey=${TASKS.remindExpiringPoints}&max=3`,
  // Every minute: bulk tag jobs left open (each is also queued when made); hourly at :30, after the
  // statistics refresh: every rule tag and badge over all members (events re-evaluate their members at once).
  `* * * * * ${TASKS.runTagJobs} ?jobKey=${TASKS.runTagJobs}&max=5`,
  `30 * * * * ${TASKS.evaluateRules} ?jobKey=${TASKS.evaluateRules}&max=3`,
  // Hourly at :05: growth value lapses, and the first run after a period ends downgrades
  // (server/loyalty/tiers/evaluate.ts; any run in a period reaches the same verdicts, once each).
  `5 * * * * ${TASKS.evaluateTiers} ?jobKey=${TASKS.evaluateTiers}&max=3`,
  // Hourly at :20, after the evaluation: levels' monthly coupons and birthday gifts
  // (server/loyalty/tiers/benefit-grants.ts; by the program zone's date, each owed coupon once).
  `20 * * * * ${TASKS.grantTierBenefits} ?jobKey=${TASKS.grantTierBenefits}&max=3`,
  // Daily at 03:15 in Shanghai (19:15 UTC): lifecycle stages and RFM scores over the whole base
  // (server/loyalty/lifecycle/evaluate.ts); stage thresholds are whole days.
  `15 19 * * * ${TASKS.evaluateLifecycle} ?jobKey=${TASKS.evaluateLifecycle}&max=3`,
].join("\n");

export const cronItems = () => parseCrontab(CRONTAB);

/** The periodic tasks, which the worker also enqueues when it starts. */
export const PERIODIC_TASKS = [TASKS.engineTick, TASKS.sweepWaits, TASKS.deliverOutbox] as const;

export type TaskOptions = {
  /** The engine's pool (server/db/sql `createPool`: its type parsers), not graphile-worker's own. */
  pool: Pool;
  /** Members per occurrence chunk (default: the engine's). */
  chunkSize?: number;
  /** How long one run_occurrence job keeps taking chunks before it re-queues itself (default 20 s). */
  occurrenceSliceMs?: number;
  /** True once the worker is stopping: long tasks stop between steps and re-queue what is left. */
  stopping: () => boolean;
  /** Releases the jobs of worker pools that are gone (start.ts). */
  releaseDeadWorkers: (helpers: JobHelpers) => Promise<number>;
  providers?: Providers;
  /** Signs webhook deliveries; when unset they stay queued (and a warning is logged once). */
  webhookSecret?: string;
};

function occurrenceIdOf(payload: unknown): number {
  const id = (payload as { occurrenceId?: unknown } | null)?.occurrenceId;
  if (typeof id !== "number" || !Number.isInteger(id)) throw new Error(`run_occurrence needs { occurrenceId: number }, got ${JSON.stringify(payload)}`);
  return id;
}

function ruleOf(payload: unknown): { target: "tag" | "badge"; id: number } | undefined {
  const p = payload as { target?: unknown; id?: unknown } | null;
  return (p?.target === "tag" || p?.target === "badge") && typeof p.id === "number" ? { target: p.target, id: p.id } : undefined;
}

export function createTaskList(options: TaskOptions): TaskList {
  const { pool } = options;
  const sliceMs = options.occurrenceSliceMs ?? 20_000;
  const mustYield = (helpers: JobHelpers) => options.stopping() || helpers.abortSignal.aborted;
  let providers = options.providers;
  let warnedNoSecret = false;

  return {
    [TASKS.engineTick]: async (_payload, helpers) => {
      const ids = await tick(pool);
      if (ids.length === 0) return;
      // `replace` semantics: a pending run is moved to now; a running one keeps running and a
      // second is queued (the occurrence row lock makes it wait its turn: status "busy").
      await helpers.addJobs(ids.map((occurrenceId) => ({ identifier: TASKS.runOccurrence, payload: { occurrenceId }, jobKey: occurrenceJobKey(occurrenceId) })));
    },

    [TASKS.runOccurrence]: async (payload, helpers) => {
      const occurrenceId = occurrenceIdOf(payload);
      const started = Date.now();
      for (;;) {
        const { status } = await runOccurrenceChunk(pool, occurrenceId, { chunkSize: options.chunkSize });
        if (status === "done" || status === "paused") return; // paused: the tick re-queues it on resume
        const jobKey = occurrenceJobKey(occurrenceId);
        if (status === "busy") {
          await helpers.addJob(TASKS.runOccurrence, { occurrenceId }, { jobKey, runAt: new Date(Date.now() + BUSY_RETRY_MS) });
          return;
        }
        if (mustYield(helpers) || Date.now() - started >= sliceMs) {
          // Give the slot back: the rest of the audience continues in a new job (other jobs run between).
          await helpers.addJob(TASKS.runOccurrence, { occurrenceId }, { jobKey });
          return;
        }
      }
    },

    [TASKS.sweepWaits]: async () => {
      // Each call moves one batch in one transaction; stopping between batches loses nothing.
      while (!options.stopping() && (await sweepDueWaits(pool)) > 0);
    },

    [TASKS.deliverOutbox]: async (_payload, helpers) => {
      providers ??= providersFromEnv(process.env);
      await deliverOutbox(pool, { providers, untilEmpty: true });
      // Storefront webhooks carry their own secrets (one per subscription).
      await deliverStorefrontWebhooksUntilIdle(pool, { stopping: () => mustYield(helpers) });
      if (options.webhookSecret) {
        await deliverWebhooks(pool, { secret: options.webhookSecret, untilEmpty: true });
      } else if (!warnedNoSecret) {
        warnedNoSecret = true;
        helpers.logger.warn("MEMBERFLOW_WEBHOOK_SECRET is not set: webhook deliveries stay queued until it is");
      }
    },

    [TASKS.releaseDeadWorkers]: async (_payload, helpers) => {
      await options.releaseDeadWorkers(helpers);
    },

    [TASKS.expirePoints]: async (_payload, helpers) => {
      // A stop between ranges loses nothing: the next run takes the rest.
      await expirePoints(pool, new Date(), { stopping: () => mustYield(helpers) });
    },

    [TASKS.refreshInsights]: async (_payload, helpers) => {
      // A stop between chunks of days loses nothing: the next run rolls the rest.
      await refreshInsights(pool, new Date(), { stopping: () => mustYield(helpers) });
    },

    [TASKS.remindExpiringPoints]: async (_payload, helpers) => {
      // A stop between ranges loses nothing: the next run sends what is left (once each).
      await remindExpiringPoints(pool, new Date(), { stopping: () => mustYield(helpers) });
    },

    [TASKS.runTagJobs]: async (_payload, helpers) => {
      // A range per transaction; a stop between ranges loses nothing (the minute cron goes on).
      await runTagJobs(pool, { stopping: () => mustYield(helpers) });
    },

    [TASKS.evaluateRules]: async (payload, helpers) => {
      // With { target, id }: one rule just saved; without (the crontab): every rule.
      const only = ruleOf(payload);
      await evaluateRules(pool, new Date(), { only, cause: only ? "saved" : "schedule", stopping: () => mustYield(helpers) });
    },

    [TASKS.evaluateTiers]: async (_payload, helpers) => {
      // A stop between ranges loses nothing: the next run takes them all again, changing nothing twice.
      await evaluateTiers(pool, new Date(), { stopping: () => mustYield(helpers) });
    },

    [TASKS.grantTierBenefits]: async (_payload, helpers) => {
      // A stop between ranges loses nothing: the next run grants what is still owed, nothing twice.
      const run = await grantTierBenefits(pool, new Date(), { stopping: () => mustYield(helpers) });
      for (const s of run.skipped) helpers.logger.warn(`tier ${s.tierId}: ${s.kind} benefit not granted, coupon template ${s.templateId} is ${s.reason.replace("_", " ")}`);
      if (run.refused > 0) helpers.logger.warn(`${run.refused} tier benefit coupons refused by the issuer (the template's stock or per-member maximum)`);
    },

    [TASKS.evaluateLifecycle]: async (payload, helpers) => {
      // The crontab's job carries no payload (now, "schedule"); a save's names its instant. A stop
      // between ranges re-queues the rest of the same evaluation.
      const job = (payload ?? {}) as LifecycleJob;
      const at = job.at ? new Date(job.at) : new Date();
      const reason = job.reason ?? "schedule";
      const run = await evaluateLifecycle(pool, at, { reason, from: job.from, stopping: () => mustYield(helpers) });
      if (run.next !== null) await helpers.addJob(TASKS.evaluateLifecycle, { reason, at: at.toISOString(), from: run.next } satisfies LifecycleJob);
    },

    [TASKS.refreshMemberStats]: async () => {
      await refreshMemberStats(pool);
      await pruneIdempotencyRecords(pool);
    },
  };
}
