// Starts one throw-away PostgreSQL for the whole run, migrates a template database once, and
// hands its URL to the test files; each file clones it (server/testing/db.ts) in ~100 ms.
import { mkdtempSync, rmSync, chmodSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "../../scripts/lib/embedded-postgres";
import { migrateDatabase } from "../../scripts/lib/migrate";
import { TEMPLATE_DATABASE } from "./constants";

declare module "vitest" {
  export interface ProvidedContext {
    serverUrl: string;
  }
}

export default async function setup(project: TestProject) {
  if (process.env.TEST_DATABASE_SERVER_URL) {
    // An existing server (e.g. CI's own PostgreSQL): URL of its maintenance database.
    const serverUrl = process.env.TEST_DATABASE_SERVER_URL;
    await prepareTemplate(serverUrl);
    project.provide("serverUrl", serverUrl);
    return;
  }
  const root = mkdtempSync(path.join(os.tmpdir(), "memberflow-test-"));
  chmodSync(root, 0o755);
  const port = 55000 + Math.floor(Math.random() * 5000);
  const server = await startEmbeddedPostgres({ dataDir: path.join(root, "pg"), port, persistent: false });
  const serverUrl = server.urlFor("postgres");
  await prepareTemplate(serverUrl);
  project.provide("serverUrl", serverUrl);
  return async () => {
    await server.stop();
    rmSync(root, { recursive: true, force: true });
  };
}

async function prepareTemplate(serverUrl: string) {
  const { default: pg } = await import("pg");
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${TEMPLATE_DATABASE}`;
  await migrateDatabase(url.toString(), { quiet: true });
}
