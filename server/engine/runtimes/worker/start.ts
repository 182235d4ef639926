// The graphile-worker runtime: one PostgreSQL job queue on the engine's own database, run in
// `npm run dev` (in-process) or by `tsx scripts/worker.ts`. Several worker processes may share a
// database; every effect is exactly-once by the engine's own unique keys, never by the queue.
//
// Dead workers. graphile-worker 0.17 locks a job with its worker *pool's* id (`locked_by`,
// "pool-<random>", new on every start) and keeps no record of which pools are alive: a process
// killed with SIGKILL leaves its jobs locked for 4 hours, until graphile-worker's own sweep
// (`resetLockedAt`) frees them. To free them sooner without a heartbeat table, each pool marks its
// long-lived LISTEN connection with `application_name = 'graphile-worker:<pool id>'`: the marker
// lives exactly as long as that connection, so it disappears with the process. On start (and
// every minute, `release_dead_workers`) the pools that hold locks but have no such connection are
// released with graphile-worker's own `force_unlock_workers(text[])`. Locks younger than
// DEAD_LOCK_GRACE_SECONDS are left alone (a pool that just started may not have marked its
// connection yet). A pool whose LISTEN connection is down at that moment (a network split) could
// see its job run twice, which the engine tolerates (chunks lock their occurrence row; effects are
// unique per journey, node and visit).
import { EventEmitter } from "node:events";
import { Logger, run, type Runner, type WorkerEvents } from "graphile-worker";
import type pg from "pg";
import { createPool } from "@/server/db/sql";
import type { Providers } from "@/server/engine/messaging/providers";
import { WORKER_SCHEMA } from "./jobs";
import { cronItems, createTaskList, PERIODIC_TASKS } from "./tasks";

// Jobs the engine adds inside its own transactions.
export { enqueueOccurrence, wakeEngine } from "./jobs";

/** The application_name prefix that marks a live worker pool's connection. */
export const PRESENCE_PREFIX = "graphile-worker:";
export const DEAD_LOCK_GRACE_SECONDS = 30;

export type StartWorkerOptions = {
  connectionString: string;
  /** Jobs run at once (default 4: they wait on PostgreSQL, not on the CPU). */
  concurrency?: number;
  /** How often future jobs (timers, retries) are looked for, in ms (default 500; new jobs start at once via LISTEN). */
  pollInterval?: number;
  /** "error" | "warning" | "info" | "debug" (default "warning": graphile-worker logs every job at "info"). */
  logLevel?: "error" | "warning" | "info" | "debug";
  /** Members per occurrence chunk (default: the engine's). For tests. */
  chunkSize?: number;
  /** How long a run_occurrence job takes chunks before re-queueing itself (default 20 s). For tests. */
  occurrenceSliceMs?: number;
  /** Message providers (default: `providersFromEnv(process.env)`). */
  providers?: Providers;
  /** Signs webhook deliveries (default: MEMBERFLOW_WEBHOOK_SECRET). */
  webhookSecret?: string;
};

export type RunningWorker = {
  /** Stops taking jobs, lets running ones finish (long ones re-queue what is left) and closes the pools. */
  stop(): Promise<void>;
  /** This process's worker pool id (what it writes to `locked_by`). */
  readonly poolId: string;
};

const LEVELS = ["error", "warning", "info", "debug"];

function workerLogger(minLevel: string): Logger {
  const max = LEVELS.indexOf(minLevel);
  return new Logger(() => (level, message) => {
    if (LEVELS.indexOf(level) > max) return;
    const line = `[memberflow worker] ${message}`;
    if (level === "error") console.error(line);
    else if (level === "warning") console.warn(line);
    else console.log(line);
  });
}

/**
 * Releases the jobs (and queues) locked by worker pools that have no live connection marked
 * `graphile-worker:<pool id>`, except `ownPoolIds`. Returns the pool ids released.
 */
export async function releaseDeadWorkers(client: pg.Pool | pg.PoolClient | pg.Client, ownPoolIds: string[] = []): Promise<string[]> {
  const { rows } = await client.query<{ dead: string[] }>(
    `WITH locked AS (
       SELECT locked_by, locked_at FROM ${WORKER_SCHEMA}._private_jobs WHERE locked_by IS NOT NULL
       UNION ALL
       SELECT locked_by, locked_at FROM ${WORKER_SCHEMA}._private_job_queues WHERE locked_by IS NOT NULL
     )
     SELECT coalesce(array_agg(DISTINCT l.locked_by), '{}') AS dead FROM locked l
     WHERE l.locked_at < now() - make_interval(secs => $2)
       AND NOT (l.locked_by = ANY($3::text[]))
       AND NOT EXISTS (
         SELECT 1 FROM pg_stat_activity a
         WHERE a.datname = current_database() AND a.application_name = $1 || l.locked_by)`,
    [PRESENCE_PREFIX, DEAD_LOCK_GRACE_SECONDS, ownPoolIds],
  );
  const dead = rows[0]?.dead ?? [];
  if (dead.length > 0) await client.query(`SELECT ${WORKER_SCHEMA}.force_unlock_workers($1::text[])`, [dead]);
  return dead;
}

export async function startWorker(options: StartWorkerOptions): Promise<RunningWorker> {
  const concurrency = options.concurrency ?? 4;
  const logger = workerLogger(options.logLevel ?? "warning");
  // The engine's statements run on a pool of ours (its type parsers); graphile-worker keeps its own.
  const pool = createPool(options.connectionString, concurrency + 2);
  const events: WorkerEvents = new EventEmitter();
  let poolId: string | undefined;
  let stopping = false;

  events.on("pool:create", ({ workerPool }) => {
    poolId = workerPool.id;
  });
  // Marks the pool's LISTEN connection (again after every reconnect): see the header comment.
  // graphile-worker issues its LISTEN right after this event; the mark waits until that is done
  // ("drain"), as pg refuses to queue a second query on a busy client.
  events.on("pool:listen:success", ({ workerPool, client }) => {
    client.once("drain", () => {
      client.query("SELECT set_config('application_name', $1, false)", [PRESENCE_PREFIX + workerPool.id]).catch((error: unknown) => {
        logger.warn(`could not mark the worker's connection: ${error instanceof Error ? error.message : String(error)}`);
      });
    });
  });

  const release = async (client: pg.Pool | pg.PoolClient) => {
    const dead = await releaseDeadWorkers(client, poolId ? [poolId] : []);
    if (dead.length > 0) logger.info(`released the jobs of ${dead.length} dead worker pool(s): ${dead.join(", ")}`);
    return dead.length;
  };

  let runner: Runner;
  try {
    runner = await run({
      connectionString: options.connectionString,
      concurrency,
      pollInterval: options.pollInterval ?? 500,
      // The host process owns SIGTERM/SIGINT (dev.ts also stops Next and PostgreSQL) and calls stop().
      noHandleSignals: true,
      logger,
      events,
      taskList: createTaskList({
        pool,
        chunkSize: options.chunkSize,
        occurrenceSliceMs: options.occurrenceSliceMs,
        stopping: () => stopping,
        releaseDeadWorkers: (helpers) => helpers.withPgClient((client) => release(client)),
        providers: options.providers,
        webhookSecret: options.webhookSecret ?? process.env.MEMBERFLOW_WEBHOOK_SECRET,
      }),
      parsedCronItems: cronItems(),
    });
  } catch (error) {
    await pool.end();
    throw error;
  }

  try {
    // run() has installed or migrated the graphile_worker schema by now.
    await release(pool);
    // Cron fires on the minute; start the periodic work now rather than up to a minute later.
    for (const task of PERIODIC_TASKS) await runner.addJob(task, {}, { jobKey: task, maxAttempts: 5 });
  } catch (error) {
    await runner.stop();
    await pool.end();
    throw error;
  }

  let stopped: Promise<void> | undefined;
  return {
    get poolId() {
      return poolId ?? "";
    },
    stop() {
      stopped ??= (async () => {
        stopping = true;
        try {
          await runner.stop();
        } finally {
          await pool.end();
        }
      })();
      return stopped;
    },
  };
}
