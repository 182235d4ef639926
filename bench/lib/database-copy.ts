// Benchmarks that change data run on a throw-away copy of the database (CREATE DATABASE …
// TEMPLATE): nothing changes in the original, which must have no other connections (stop the dev
// server first). The copy is dropped afterwards, whatever happens.
import pg from "pg";
import { createPool, type Pool } from "../../server/db/sql";

/** The first column of the first row of a query, as a number. */
export type One = (text: string, values?: unknown[]) => Promise<number>;

async function admin<T>(url: URL, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const adminUrl = new URL(url);
  adminUrl.pathname = "/postgres";
  const client = new pg.Client({ connectionString: adminUrl.toString() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Runs `work` on a pool over a fresh copy of the database named `<database>_<suffix>`. */
export async function withDatabaseCopy<T>(databaseUrl: string, suffix: string, work: (pool: Pool, one: One) => Promise<T>): Promise<T> {
  const url = new URL(databaseUrl);
  const source = url.pathname.slice(1);
  const copy = `${source}_${suffix}`;
  const started = performance.now();
  await admin(url, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${copy} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${copy} TEMPLATE ${source} STRATEGY FILE_COPY`);
  });
  console.log(`copied ${source} → ${copy} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const copyUrl = new URL(url);
  copyUrl.pathname = `/${copy}`;
  const pool = createPool(copyUrl.toString(), 4);
  const one: One = async (text, values = []) => Number(Object.values((await pool.query(text, values)).rows[0] as object)[0]);
  try {
    return await work(pool, one);
  } finally {
    await pool.end();
    await admin(url, (c) => c.query(`DROP DATABASE IF EXISTS ${copy} WITH (FORCE)`));
  }
}
