// A fresh, migrated database for one test file: cloned from the template in ~100 ms.
// Usage: const t = await createTestDatabase(); … t.db (Prisma), t.pool (pg) … await t.drop();
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, inject } from "vitest";
import { createPool, type Pool } from "@/server/db/sql";
import { createPrismaClient, type PrismaClient } from "@/server/prisma-client";
import { TEMPLATE_DATABASE } from "./constants";

export type TestDatabase = { url: string; db: PrismaClient; pool: pg.Pool; drop: () => Promise<void> };

export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = inject("serverUrl");
  const name = `memberflow_test_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DATABASE}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = createPrismaClient(url.toString(), 4);
  const pool = new pg.Pool({ connectionString: url.toString(), max: 4 });
  return {
    url: url.toString(),
    db,
    pool,
    async drop() {
      await db.$disconnect();
      await pool.end();
      const dropper = new pg.Client({ connectionString: serverUrl });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await dropper.end();
    },
  };
}

/**
 * For a test file whose code runs on the raw-SQL pool (jobs, runtimes): before its tests, a
 * database of its own and a pool of `poolSize` on it, handed to `use`; both closed after them.
 */
export function databaseAndPoolForFile(use: (t: TestDatabase, pool: Pool) => void, poolSize = 2): void {
  let t: TestDatabase;
  let pool: Pool;
  beforeAll(async () => {
    t = await createTestDatabase();
    pool = createPool(t.url, poolSize);
    use(t, pool);
  });
  afterAll(async () => {
    await pool.end();
    await t.drop();
  });
}
