// `npm run dev` (and `npm start` with --prod): one command from a fresh clone to a running app.
// 1. a database: DATABASE_URL if set, else the embedded PostgreSQL under .data/pg;
// 2. migrations applied (prisma migrate deploy);
// 3. demo data loaded when the database has no members, and demo flows published on it;
// 4. the engine's runtime: with MEMBERFLOW_RUNTIME=worker (the default) a graphile-worker runs in
//    this process, so flows execute; with "inngest" an Inngest server calls /api/inngest instead;
// 5. Next.js, with this process owning the embedded server for as long as the app runs.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import path from "node:path";
import pg from "pg";
import { runtime } from "../server/env";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "./lib/embedded-postgres";
import { migrateDatabase } from "./lib/migrate";

const require = createRequire(import.meta.url);
const production = process.argv.includes("--prod");
const DEMO_MEMBERS = Number(process.env.MEMBERFLOW_DEMO_MEMBERS ?? 20_000);
const PG_PORT = Number(process.env.MEMBERFLOW_PG_PORT ?? 54329);
const APP_PORT = process.env.PORT ?? "3000";

function log(message: string) {
  console.log(`[memberflow] ${message}`);
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

async function database(): Promise<{ url: string; embedded?: EmbeddedDatabase }> {
  if (process.env.DATABASE_URL) {
    log("using DATABASE_URL");
    return { url: process.env.DATABASE_URL };
  }
  const started = Date.now();
  if (await portAnswers(PG_PORT)) {
    // Another memberflow process (a second dev server, a seed run) already owns it.
    log(`embedded PostgreSQL already running on port ${PG_PORT}`);
    return { url: `postgresql://postgres:memberflow@127.0.0.1:${PG_PORT}/memberflow` };
  }
  const embedded = await startEmbeddedPostgres({ dataDir: path.resolve(".data/pg"), port: PG_PORT, persistent: true });
  await embedded.ensureDatabase("memberflow");
  log(`embedded PostgreSQL 17 on port ${PG_PORT} (data in .data/pg) in ${Date.now() - started} ms`);
  return { url: embedded.urlFor("memberflow"), embedded };
}

async function memberCount(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>("SELECT count(*)::text AS n FROM members");
    return Number(rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

// Without an Inngest server the nightly statistics refresh does not run; do it on start when
// the stats are more than a day old, so windows and lifecycle stages stay true in dev.
async function refreshStaleStats(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ stale: boolean }>(
      "SELECT coalesce(max(refreshed_at) < now() - interval '20 hours', true) AS stale FROM member_stats",
    );
    if (!rows[0]?.stale) return;
    const started = Date.now();
    const { refreshMemberStats } = await import("../server/members/stats");
    const members = await refreshMemberStats(client);
    log(`member statistics refreshed for ${members.toLocaleString("en")} members in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    // Stages and RFM scores under the lifecycle thresholds (the worker's daily run may have been missed).
    const { createPool } = await import("../server/db/sql");
    const { evaluateLifecycle } = await import("../server/loyalty/lifecycle/evaluate");
    const pool = createPool(url, 2);
    try {
      const run = await evaluateLifecycle(pool, new Date());
      log(`lifecycle stages evaluated: ${run.changes.toLocaleString("en")} changes`);
    } finally {
      await pool.end();
    }
  } finally {
    await client.end();
  }
}

// The Inngest SDK runs in dev mode (no keys needed) unless keys for Inngest Cloud or a
// self-hosted server are given.
const INNGEST_DEV = process.env.INNGEST_DEV ?? (process.env.INNGEST_SIGNING_KEY ? undefined : "1");
const appEnv = (url: string): NodeJS.ProcessEnv => {
  const vars: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: url, MEMBERFLOW_AUTH_SECRET: authSecret() };
  if (INNGEST_DEV !== undefined) vars.INNGEST_DEV = INNGEST_DEV;
  // Development only: a request without a session is served as the demo admin.
  if (production) delete vars.MEMBERFLOW_DEMO_SIGN_IN;
  else vars.MEMBERFLOW_DEMO_SIGN_IN = process.env.MEMBERFLOW_DEMO_SIGN_IN ?? "1";
  return vars;
};

// Sessions are signed with MEMBERFLOW_AUTH_SECRET; without one, a random secret is made once and
// kept in .data/auth-secret (git-ignored), so sessions survive restarts.
function authSecret(): string {
  const given = process.env.MEMBERFLOW_AUTH_SECRET ?? process.env.BETTER_AUTH_SECRET;
  if (given) return given;
  const file = path.resolve(".data/auth-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(path.dirname(file), { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

// `npm run dev` only: the demo admin (no password; the app signs it in automatically in
// development). `npm start` never creates an account: its first visitor makes the first admin.
async function ensureDemoAdmin(url: string) {
  const { DEMO_USER } = await import("../prisma/seed/data/reference");
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`INSERT INTO users (id, email, name, role) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, [
      DEMO_USER.id,
      DEMO_USER.email,
      DEMO_USER.name,
      DEMO_USER.role,
    ]);
  } finally {
    await client.end();
  }
}

async function main() {
  // Fails before anything starts when the runtime setting is wrong (e.g. "inngest" with half its keys).
  const engineRuntime = runtime({ ...process.env, INNGEST_DEV });
  const { url, embedded } = await database();
  let started = Date.now();
  await migrateDatabase(url, { quiet: true });
  log(`migrations applied in ${Date.now() - started} ms`);

  const freshDatabase = (await memberCount(url)) === 0;
  if (freshDatabase) {
    started = Date.now();
    log(`loading demo data: ${DEMO_MEMBERS.toLocaleString("en")} members …`);
    const { seedDemoData } = await import("../prisma/seed/index");
    await seedDemoData(url, { members: DEMO_MEMBERS });
    log(`demo data loaded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }

  await refreshStaleStats(url);
  if (!production) {
    await ensureDemoAdmin(url);
    log("signed in automatically as the demo admin (development only; sign-in and roles apply in npm start)");
  }

  // Before Next: the worker installs its queue schema, which the app's transactions add jobs to.
  let worker: { stop(): Promise<void> } | undefined;
  if (engineRuntime === "worker") {
    started = Date.now();
    const { startWorker } = await import("../server/engine/runtimes/worker/start");
    worker = await startWorker({ connectionString: url });
    log(`flow engine running on graphile-worker in ${Date.now() - started} ms`);
  } else {
    log("flow engine runs on Inngest: it calls /api/inngest (see README \"How flows run\")");
  }

  // A newcomer sees the engine at work at once: two demo flows published on the fresh demo data
  // (after the worker, whose queue the publish adds jobs to).
  if (freshDatabase) {
    const { createPrismaClient } = await import("../server/prisma-client");
    const { publishDemoFlows } = await import("../server/engine/demo");
    const db = createPrismaClient(url);
    try {
      const flows = await publishDemoFlows(db);
      if (flows.length) log(`${flows.length} demo flows published; the first runs in 30 s (see Flows)`);
    } finally {
      await db.$disconnect();
    }
  }

  const nextBin = require.resolve("next/dist/bin/next");
  const args = production ? ["start", "-p", APP_PORT] : ["dev", "-p", APP_PORT];
  const app = spawn(process.execPath, [nextBin, ...args], {
    stdio: "inherit",
    env: appEnv(url),
  });
  log(`starting Next.js on http://localhost:${APP_PORT}`);

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    app.kill("SIGTERM");
    await worker?.stop().catch((error: unknown) => console.error(`[memberflow] worker did not stop cleanly: ${String(error)}`));
    await embedded?.stop();
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));
  app.on("exit", (code) => void stop(code ?? 0));
}

main().catch((error: unknown) => {
  console.error(`[memberflow] could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
