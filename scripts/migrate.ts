// `npm run db:migrate`: apply prisma/migrations to DATABASE_URL, or to the embedded database.
import path from "node:path";
import { startEmbeddedPostgres } from "./lib/embedded-postgres";
import { migrateDatabase } from "./lib/migrate";

async function main() {
  if (process.env.DATABASE_URL) {
    await migrateDatabase(process.env.DATABASE_URL);
    return;
  }
  const port = Number(process.env.MEMBERFLOW_PG_PORT ?? 54329);
  const embedded = await startEmbeddedPostgres({ dataDir: path.resolve(".data/pg"), port, persistent: true });
  try {
    await embedded.ensureDatabase("memberflow");
    await migrateDatabase(embedded.urlFor("memberflow"));
  } finally {
    await embedded.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
