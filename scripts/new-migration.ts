// `npm run db:new-migration -- NAME [--from REF]`: write the next migration from the change to
// prisma/schema.prisma since git REF (default HEAD). Both sides are schema files, so no database
// and no shadow database is needed. Hand-written SQL (trigram, INCLUDE, expression indexes)
// lives only in migrations and is never in either schema, so it is left alone. (The engine-free
// route still opens a connection, to DATABASE_URL or the embedded dev database.)
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { withDatabase } from "./lib/dev-database";

const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const fromIndex = args.indexOf("--from");
const base = fromIndex >= 0 ? args[fromIndex + 1] : "HEAD";
const name = z
  .string({ message: "usage: npm run db:new-migration -- NAME [--from REF]" })
  .regex(/^[a-z0-9_]+$/, "NAME may hold lower-case letters, digits and underscores only")
  .safeParse(args.find((a, i) => !a.startsWith("--") && !(fromIndex >= 0 && i === fromIndex + 1)));
if (!name.success || !base) {
  console.error(name.error?.issues[0]?.message ?? "--from needs a git ref");
  process.exit(2);
}

let previous: string;
try {
  previous = execFileSync("git", ["show", `${base}:prisma/schema.prisma`], { encoding: "utf8" });
} catch {
  console.error(`cannot read prisma/schema.prisma at ${base}`);
  process.exit(2);
}
const previousFile = path.join(mkdtempSync(path.join(os.tmpdir(), "memberflow-schema-")), "schema.prisma");
writeFileSync(previousFile, previous);

const sql = await withDatabase(async (url) =>
  execFileSync(
    process.execPath,
    [require.resolve("prisma/build/index.js"), "migrate", "diff", "--from-schema-datamodel", previousFile, "--to-schema-datamodel", "prisma/schema.prisma", "--script"],
    { encoding: "utf8", env: { ...process.env, DATABASE_URL: url } },
  ),
);
if (!sql.trim() || /This is an empty migration/.test(sql)) {
  console.log(`schema.prisma has not changed since ${base}: nothing to write`);
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const dir = path.join("prisma", "migrations", `${stamp}_${name.data}`);
mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dir, "migration.sql"), sql);
console.log(`wrote ${dir}/migration.sql — review it, then commit it with schema.prisma`);
