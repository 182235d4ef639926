// npm run seed -- --members N [--reset] [--seed S]
// Targets DATABASE_URL when set; otherwise the embedded PostgreSQL under .data/pg (reusing
// the one a running dev server owns, or starting it for the duration of the run).
import net from "node:net";
import path from "node:path";
import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import { z } from "zod";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "../../scripts/lib/embedded-postgres";
import { migrateDatabase } from "../../scripts/lib/migrate";
import { DEFAULT_SEED, SeedRefusedError, seedDemoData, type SeedProgress } from "./index";

const USAGE = "usage: npm run seed -- --members N [--reset] [--seed S]";

const argsSchema = z.object({
  members: z.coerce
    .number({ error: "--members must be a number" })
    .int({ error: "--members must be a whole number" })
    .min(1, { error: "--members must be at least 1" })
    .max(10_000_000, { error: "--members must be at most 10,000,000" }),
  seed: z.coerce
    .number({ error: "--seed must be a number" })
    .int({ error: "--seed must be a whole number" })
    .min(0, { error: "--seed must be ≥ 0" })
    .max(2 ** 32 - 1, { error: "--seed must fit in 32 bits" })
    .default(DEFAULT_SEED),
  reset: z.boolean().default(false),
});

function parseCommandLine(argv: string[]): z.infer<typeof argsSchema> {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { members: { type: "string" }, seed: { type: "string" }, reset: { type: "boolean" } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    fail(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  }
  if (values.members === undefined) fail(`--members is required\n${USAGE}`);
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) fail(`${parsed.error.issues.map((i) => i.message).join("\n")}\n${USAGE}`);
  return parsed.data;
}

function fail(message: string): never {
  console.error(`seed: ${message}`);
  process.exit(2);
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

async function database(): Promise<{ url: string; embedded?: EmbeddedDatabase }> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL };
  const port = Number(process.env.MEMBERFLOW_PG_PORT ?? 54329);
  const url = `postgresql://postgres:memberflow@127.0.0.1:${port}/memberflow`;
  // A dev server may own .data/pg already: then use its server rather than start a second.
  if (await portAnswers(port)) return { url };
  const embedded = await startEmbeddedPostgres({ dataDir: path.resolve(".data/pg"), port, persistent: true });
  await embedded.ensureDatabase("memberflow");
  return { url: embedded.urlFor("memberflow"), embedded };
}

function progressReporter(total: number) {
  const bar = new cliProgress.SingleBar(
    {
      format: "members {bar} {value}/{total} | orders {orders} | {rate} members/s | ETA {eta_formatted}",
      hideCursor: true,
      etaBuffer: 20,
      // Logs and CI have no TTY: print a plain line every 10 s instead of redrawing.
      noTTYOutput: true,
      notTTYSchedule: 10_000,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let phase: SeedProgress["phase"] = "prepare";
  return {
    update(p: SeedProgress) {
      if (p.phase === "members") {
        if (!started) bar.start(total, 0, { orders: "0", rate: "0" });
        started = true;
        const rate = p.elapsedMs > 0 ? Math.round(p.members / (p.elapsedMs / 1000)) : 0;
        bar.update(p.members, { orders: p.orders.toLocaleString("en"), rate: rate.toLocaleString("en") });
      } else if (p.phase !== phase) {
        if (started && phase === "members") bar.stop();
        const label = { prepare: "preparing", stats: "computing member stats", indexes: "rebuilding indexes and foreign keys", analyze: "analyzing", lifecycle: "scoring RFM and lifecycle stages", done: "done", members: "" }[p.phase];
        if (p.phase !== "done") console.log(`${label} … (${(p.elapsedMs / 1000).toFixed(1)} s)`);
      }
      phase = p.phase;
    },
    stop: () => bar.stop(),
  };
}

async function main() {
  const args = parseCommandLine(process.argv.slice(2));
  const { url, embedded } = await database();
  const reporter = progressReporter(args.members);
  try {
    await migrateDatabase(url, { quiet: true });
    const summary = await seedDemoData(url, { members: args.members, seed: args.seed, reset: args.reset, onProgress: reporter.update });
    console.log(`seeded ${summary.members.toLocaleString("en")} members (seed ${summary.seed}) in ${summary.seconds.total.toFixed(1)} s ` +
      `(load ${summary.seconds.load.toFixed(1)} s, stats ${summary.seconds.stats.toFixed(1)} s, indexes ${summary.seconds.indexes.toFixed(1)} s)`);
    for (const [table, rows] of Object.entries(summary.rows)) console.log(`  ${table.padEnd(16)} ${rows.toLocaleString("en").padStart(14)}`);
  } catch (error) {
    reporter.stop();
    if (error instanceof SeedRefusedError) {
      console.error(`seed: ${error.message}`);
      process.exitCode = 1;
    } else throw error;
  } finally {
    await embedded?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(`seed failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
