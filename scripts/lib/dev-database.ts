// The database an operator command works on: DATABASE_URL if set; else the embedded dev
// database — reused when `npm run dev` is already running it, started for the command if not.
import net from "node:net";
import path from "node:path";
import { startEmbeddedPostgres } from "./embedded-postgres";
import { migrateDatabase } from "./migrate";

export const DEV_PG_PORT = Number(process.env.MEMBERFLOW_PG_PORT ?? 54329);
export const devDatabaseUrl = (port = DEV_PG_PORT) => `postgresql://postgres:memberflow@127.0.0.1:${port}/memberflow`;

export function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

export async function withDatabase<T>(work: (databaseUrl: string) => Promise<T>): Promise<T> {
  if (process.env.DATABASE_URL) return work(process.env.DATABASE_URL);
  if (await portAnswers(DEV_PG_PORT)) return work(devDatabaseUrl());
  const embedded = await startEmbeddedPostgres({ dataDir: path.resolve(".data/pg"), port: DEV_PG_PORT, persistent: true });
  try {
    await embedded.ensureDatabase("memberflow");
    await migrateDatabase(embedded.urlFor("memberflow"), { quiet: true });
    return await work(embedded.urlFor("memberflow"));
  } finally {
    await embedded.stop();
  }
}
