// Bulk-load preparation: drop the secondary indexes and foreign keys of the tables the seed
// fills, and put them back afterwards, exactly as the migrations defined them (their
// definitions are read from the catalog, not restated here).
//
// Why: maintaining ~20 b-tree and trigram indexes row by row costs several times more than
// building each once from sorted data, and foreign-key triggers would both slow COPY down
// and fail, since parent and child tables are loaded concurrently in separate transactions.
// As a superuser the loading sessions skip those triggers (session_replication_role =
// replica, as pg_restore --disable-triggers does) and the constraints stay; otherwise they
// are dropped and re-added, which validates every row in one pass. The generator writes
// consistent ids by construction; seed.test.ts checks referential integrity explicitly.
//
// The definitions are written to a file before anything is dropped; if a run dies half way,
// the next run restores them first (see restorePendingDefinitions).
import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";

export const BULK_TABLES = [
  "members", "member_stats", "member_tags", "member_badges", "orders", "order_items", "visits", "points_entries", "tier_changes",
  "member_events", "coupons", "coupon_redemptions", "notifications",
] as const;

/**
 * Indexes kept during the load because the generator feeds them keys in ascending order
 * (ids ascend; each member's rows are written in time order; registrations ascend with the
 * id). B-tree inserts at the rightmost leaf take a fast path, so maintaining these costs
 * less than sorting them afterwards. Only speed depends on that order, never correctness.
 */
const KEPT_DURING_LOAD: ReadonlySet<string> = new Set([
  "members_external_id_key", "members_registered_at_sort_idx", "orders_external_id_key", "orders_member_id_placed_at_idx",
  "order_items_order_id_idx", "visits_member_id_visited_at_idx", "points_entries_member_id_created_at_idx",
  "tier_changes_member_id_changed_at_idx",
]);

/** BULK_TABLES by the number of rows the seed writes, largest first. */
const LOAD_SIZE_ORDER: readonly string[] = [
  "order_items", "visits", "member_events", "points_entries", "orders", "member_tags", "coupons", "notifications", "members", "tier_changes",
  "coupon_redemptions", "member_stats", "member_badges",
];

type Definitions = {
  indexes: { name: string; table: string; def: string }[];
  foreignKeys: { name: string; table: string; def: string }[];
};

function pendingFile(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.password = "";
  const hash = createHash("sha1").update(url.toString()).digest("hex").slice(0, 12);
  return path.join(os.tmpdir(), `memberflow-seed-ddl-${hash}.json`);
}

async function capture(client: pg.ClientBase): Promise<Definitions> {
  // Indexes that back a constraint (primary keys) stay; everything else goes.
  const indexes = await client.query<{ name: string; table: string; def: string }>(
    `SELECT ic.relname AS name, t.relname AS table, pg_get_indexdef(i.indexrelid) AS def
       FROM pg_index i
       JOIN pg_class t ON t.oid = i.indrelid
       JOIN pg_class ic ON ic.oid = i.indexrelid
      WHERE t.relnamespace = current_schema()::regnamespace AND t.relname = ANY($1)
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
      ORDER BY t.relname, ic.relname`,
    [BULK_TABLES],
  );
  const foreignKeys = await client.query<{ name: string; table: string; def: string }>(
    `SELECT c.conname AS name, t.relname AS table, pg_get_constraintdef(c.oid) AS def
       FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
      WHERE c.contype = 'f' AND t.relnamespace = current_schema()::regnamespace AND t.relname = ANY($1)
      ORDER BY t.relname, c.conname`,
    [BULK_TABLES],
  );
  return { indexes: indexes.rows, foreignKeys: foreignKeys.rows };
}

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * Drops secondary indexes (and, unless `keepForeignKeys`, foreign keys) of BULK_TABLES;
 * returns what to restore. Foreign keys can stay when the loading sessions run with
 * session_replication_role = replica (superusers only), which skips their triggers.
 */
export async function dropForBulkLoad(
  client: pg.ClientBase,
  databaseUrl: string,
  options: { keepForeignKeys: boolean },
): Promise<Definitions> {
  const captured = await capture(client);
  const defs = {
    indexes: captured.indexes.filter((i) => !KEPT_DURING_LOAD.has(i.name)),
    foreignKeys: options.keepForeignKeys ? [] : captured.foreignKeys,
  };
  writeFileSync(pendingFile(databaseUrl), JSON.stringify(defs));
  await client.query("BEGIN");
  for (const fk of defs.foreignKeys) await client.query(`ALTER TABLE ${ident(fk.table)} DROP CONSTRAINT ${ident(fk.name)}`);
  for (const index of defs.indexes) await client.query(`DROP INDEX ${ident(index.name)}`);
  await client.query("COMMIT");
  return defs;
}

/**
 * Recreates indexes, then foreign keys, on `parallelism` connections (largest first).
 * Idempotent: what already exists is skipped.
 */
export async function restoreDefinitions(databaseUrl: string, defs: Definitions, parallelism = 2): Promise<void> {
  // Biggest tables first, so the two workers finish close together.
  const sizeRank = (table: string) => {
    const i = LOAD_SIZE_ORDER.indexOf(table);
    return i < 0 ? LOAD_SIZE_ORDER.length : i;
  };
  const jobs = [...defs.indexes]
    .sort((a, b) => sizeRank(a.table) - sizeRank(b.table))
    .map((i) => i.def.replace(/^CREATE (UNIQUE )?INDEX /, "CREATE $1INDEX IF NOT EXISTS "));
  const fkJobs = defs.foreignKeys.map(
    (fk) => `DO $$ BEGIN
       IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = ${literal(fk.name)} AND conrelid = ${literal(ident(fk.table))}::regclass) THEN
         ALTER TABLE ${ident(fk.table)} ADD CONSTRAINT ${ident(fk.name)} ${fk.def};
       END IF; END $$`,
  );
  // Foreign keys validate with joins that want the referenced primary keys, which exist;
  // running them after the indexes keeps the two workers evenly busy.
  await runPool(databaseUrl, [...jobs, ...fkJobs], parallelism);
  rmSync(pendingFile(databaseUrl), { force: true });
}

/** Restores what a previous, interrupted run dropped. */
export async function restorePendingDefinitions(databaseUrl: string): Promise<boolean> {
  const file = pendingFile(databaseUrl);
  if (!existsSync(file)) return false;
  await restoreDefinitions(databaseUrl, JSON.parse(readFileSync(file, "utf8")) as Definitions);
  return true;
}

const literal = (value: string) => `'${value.replaceAll("'", "''")}'`;

async function runPool(databaseUrl: string, statements: string[], parallelism: number): Promise<void> {
  const queue = [...statements];
  const worker = async () => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      // We parallelise across statements ourselves; per-statement workers would oversubscribe.
      await client.query("SET maintenance_work_mem = '512MB'; SET max_parallel_maintenance_workers = 0; SET work_mem = '256MB'");
      for (let sql = queue.shift(); sql !== undefined; sql = queue.shift()) await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, parallelism) }, worker));
}
