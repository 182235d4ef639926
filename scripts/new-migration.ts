// `npm run db:new-migration -- NAME`: write the next migration from the difference between the
// migrations so far and prisma/schema.prisma (needs a database for the shadow copy).
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
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
if (!sql.trim() || /This is an empty migration/.test(sql)) {
  console.log("schema.prisma matches the migrations: nothing to write");
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const dir = path.join("prisma", "migrations", `${stamp}_${name.data}`);
mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dir, "migration.sql"), sql);
console.log(`wrote ${dir}/migration.sql`);
