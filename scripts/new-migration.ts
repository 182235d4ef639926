// `npm run db:new-migration -- NAME`: write the next migration from the difference between the
// migrations so far and prisma/schema.prisma (needs a database for the shadow copy).
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { z } from "zod";

const require = createRequire(import.meta.url);
const name = z
  .string({ message: "usage: npm run db:new-migration -- NAME" })
  .regex(/^[a-z0-9_]+$/, "NAME may hold lower-case letters, digits and underscores only")
  .safeParse(process.argv[2]);
if (!name.success) {
  console.error(name.error.issues[0]?.message);
  process.exit(2);
}
if (!process.env.DATABASE_URL) {
  console.error("DATABASE_URL must point at a PostgreSQL server (the dev database works: npm run dev prints it)");
  process.exit(2);
}
const sql = execFileSync(
  process.execPath,
  [require.resolve("prisma/build/index.js"), "migrate", "diff", "--from-migrations", "prisma/migrations", "--to-schema-datamodel", "prisma/schema.prisma", "--script"],
  { encoding: "utf8" },
);
// Indexes Prisma cannot express (trigram, INCLUDE, expression, partial) are written by hand in
// migrations; the generated difference would drop them, so those drops are left out.
const migrationsDir = path.join("prisma", "migrations");
const handWrittenIndexes = new Set(
  readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => [...readFileSync(path.join(migrationsDir, entry.name, "migration.sql"), "utf8").matchAll(/CREATE INDEX (?:IF NOT EXISTS )?"([^"]+)"[^;]*?(?:USING gin|INCLUDE|\(\(|WHERE)/g)])
    .map((match) => match[1]!),
);
const kept = sql
  .split(/\n(?=-- )/)
  .filter((statement) => {
    const dropped = /^-- DropIndex\s+DROP INDEX "([^"]+)";/m.exec(statement.trim());
    return !(dropped && handWrittenIndexes.has(dropped[1]!));
  })
  .join("\n");
if (!kept.trim() || /This is an empty migration/.test(kept)) {
  console.log("schema.prisma matches the migrations: nothing to write");
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const dir = path.join("prisma", "migrations", `${stamp}_${name.data}`);
mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dir, "migration.sql"), kept);
console.log(`wrote ${dir}/migration.sql`);
