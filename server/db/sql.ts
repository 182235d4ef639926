// The one raw-SQL path: Prisma.sql fragments (the audience compiler builds them; every value is a
// bind parameter) run on a pg pool, inside the caller's transaction. The engine, the event
// ingestion and the sender use it; Prisma's client stays for the app's record-shaped reads.
import pg from "pg";
import { Prisma } from "@prisma/client";

export type Sql = Prisma.Sql;
export const sql = Prisma.sql;
export const join = Prisma.join;
export const raw = Prisma.raw;
export const empty = Prisma.empty;

/** Runs statements on one connection; inside `withTransaction` they share its transaction. */
export interface Tx {
  query<T = Record<string, unknown>>(statement: Sql): Promise<T[]>;
  /** Rows affected. */
  execute(statement: Sql): Promise<number>;
}

// bigint ids and counts fit a JS number (< 2^53); numeric money is read as a number.
const INT8 = 20;
const NUMERIC = 1700;
const INT8_ARRAY = 1016;
const parseArray = pg.types.getTypeParser(1007 as never) as (value: string) => string[];
const typeParsers: Record<number, (value: string) => unknown> = {
  [INT8]: Number,
  [NUMERIC]: Number,
  [INT8_ARRAY]: (value: string) => parseArray(value).map(Number),
};
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    typeParsers[oid] ?? pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser,
};

export type Pool = pg.Pool;

export function createPool(connectionString: string, max = 10): Pool {
  const pool = new pg.Pool({ connectionString, max, types });
  // An idle client losing its server (a restart) must not crash the process.
  pool.on("error", () => undefined);
  return pool;
}

/**
 * Time spent per statement (by its first words), kept only when MEMBERFLOW_SQL_PROFILE is set:
 * the benchmarks print where an engine run spends its time.
 */
export const statementProfile: Map<string, { calls: number; ms: number }> | null = process.env.MEMBERFLOW_SQL_PROFILE ? new Map() : null;

async function run(client: pg.Pool | pg.PoolClient, statement: Sql) {
  if (!statementProfile) return client.query(statement.text, statement.values as unknown[]);
  const started = performance.now();
  try {
    return await client.query(statement.text, statement.values as unknown[]);
  } finally {
    const key = statement.text.replace(/\s+/g, " ").trim().slice(0, 120);
    const entry = statementProfile.get(key) ?? { calls: 0, ms: 0 };
    entry.calls += 1;
    entry.ms += performance.now() - started;
    statementProfile.set(key, entry);
  }
}

export function runnerFor(client: pg.Pool | pg.PoolClient): Tx {
  return {
    async query<T>(statement: Sql) {
      return (await run(client, statement)).rows as T[];
    },
    async execute(statement: Sql) {
      return (await run(client, statement)).rowCount ?? 0;
    },
  };
}

/**
 * Runs `work` in one transaction on one pooled connection: committed if it returns, rolled back
 * if it throws. Serialization failures and deadlocks are retried a few times (they are the
 * database telling us to try again, not errors of the caller).
 */
export async function withTransaction<T>(pool: Pool, work: (tx: Tx) => Promise<T>, options: { retries?: number } = {}): Promise<T> {
  const retries = options.retries ?? 3;
  for (let attempt = 0; ; attempt++) {
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      const result = await work(runnerFor(client));
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      const code = (error as { code?: string }).code;
      if ((code === "40001" || code === "40P01") && attempt < retries) continue;
      throw error;
    } finally {
      client.release();
    }
  }
}

let shared: Pool | undefined;
/** The process's pool for raw SQL (the engine, ingestion, the sender), from DATABASE_URL. */
export function sharedPool(): Pool {
  if (!shared) {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set");
    shared = createPool(url, Number(process.env.MEMBERFLOW_POOL_SIZE ?? 10));
  }
  return shared;
}

/** A Prisma interactive transaction seen as a Tx, for services that already run in one. */
export function prismaTx(tx: {
  $queryRaw<T = unknown>(query: Sql): Prisma.PrismaPromise<T>;
  $executeRaw(query: Sql): Prisma.PrismaPromise<number>;
}): Tx {
  return {
    query: <T>(statement: Sql) => tx.$queryRaw<T[]>(statement),
    execute: (statement: Sql) => tx.$executeRaw(statement),
  };
}
