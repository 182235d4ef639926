// The server-side hook browser tests use to make a published flow run now: a manual run for the
// given members, started and run to the end by the engine's own operations (startManualRun,
// runOccurrence) on the app's database. It does not depend on which runtime the app started
// (graphile-worker or Inngest) or on their minute tick: if a worker picks the same occurrence up
// first, the occurrence lock makes this call a no-op and the worker enters the members instead.
//
// The engine runs in a child process under tsx (engine-hook-cli.ts), the way scripts/ run server
// code: Playwright's own loader does not resolve some of the server's imports (e.g. cronstrue's
// locale files), and the tests stay free of database clients.
// The database is the app's: DATABASE_URL if set, else the embedded PostgreSQL that
// `npm run dev` / `npm start` own (scripts/dev.ts).
//
//   runHook("pick", flowId, "3")          → the first 3 member ids never in the flow
//   runHook("run", flowId, "1,2,3")       → how many entered
//   runHook("coupon", flowId, memberId)   → the code of the coupon the flow issued to the member
//   runHook("coupons", flowId)            → how many coupons the flow has issued
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import path from "node:path";

// Playwright runs from the repository root (where playwright.config.ts is).
const ROOT = process.cwd();
const HOOK_FILE = path.join(ROOT, "e2e", "engine-hook-cli.ts");

/** Test side: runs one hook command and returns its JSON answer. */
export async function runHook<T>(...args: string[]): Promise<T> {
  // Without the test runner's own loader hooks (NODE_OPTIONS), which would load the file again its way.
  const { NODE_OPTIONS: _loader, ...env } = process.env;
  const { stdout } = await promisify(execFile)("npx", ["tsx", HOOK_FILE, ...args], { cwd: ROOT, env });
  return JSON.parse(stdout.trim().split("\n").pop()!) as T;
}
