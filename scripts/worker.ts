// A standalone graphile-worker process for the engine: `DATABASE_URL=… tsx scripts/worker.ts`.
// Runs flows against an existing, migrated database (`npm run dev` runs one in-process instead).
// Several may run on one database. SIGTERM/SIGINT stop it cleanly: running jobs finish or re-queue
// what is left, then it exits 0. MEMBERFLOW_WORKER_CONCURRENCY sets the jobs run at once (4).
// Under a supervisor (systemd, a container) prefer `node --import tsx scripts/worker.ts`: the
// `tsx` command runs the script in a child process, relays SIGTERM to it, and SIGKILLs the child
// when it does not acknowledge the signal within a few tens of milliseconds (a busy machine).
import { env } from "../server/env";
import { startWorker } from "../server/engine/runtimes/worker/start";

function log(message: string) {
  console.log(`[memberflow worker] ${message}`);
}

async function main() {
  const config = env();
  if (config.MEMBERFLOW_RUNTIME !== "worker") {
    throw new Error("MEMBERFLOW_RUNTIME is \"inngest\": the Inngest server drives the engine; unset it (or set \"worker\") to run this worker");
  }
  const concurrency = Number(process.env.MEMBERFLOW_WORKER_CONCURRENCY ?? 4);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error("MEMBERFLOW_WORKER_CONCURRENCY must be a whole number ≥ 1");

  const worker = await startWorker({ connectionString: config.DATABASE_URL, concurrency });
  log(`started (pool ${worker.poolId}, ${concurrency} jobs at once)`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping…`);
    worker.stop().then(
      () => {
        log("stopped");
        process.exit(0);
      },
      (error: unknown) => {
        console.error(`[memberflow worker] did not stop cleanly: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((error: unknown) => {
  console.error(`[memberflow worker] could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
