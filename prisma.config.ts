import path from "node:path";
import { defineConfig } from "prisma/config";
import { MigrationAdapterFactory, unrefLongTimers } from "./prisma/migration-adapter";

// The engine-free route: migrations run through a pg driver adapter (see README "Database").
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= "/bin/false";
process.env.PRISMA_QUERY_ENGINE_LIBRARY ??= "/bin/false";
unrefLongTimers();

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  async adapter() {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set (scripts/dev.ts sets it for the embedded database)");
    return new MigrationAdapterFactory(url);
  },
});
