// npm run bench:insights — the frequency-movement Sankey (server/analytics/frequency.ts) for all
// members, one tier and a node's first page of members, on the default periods (the last 30 days
// vs the 30 before, Asia/Shanghai). Prints p50/p95 per question; last line: key=value pairs.
//   DATABASE_URL (default: the dev embedded db)   BENCH_RUNS (default 10)
import { createPrismaClient } from "../server/prisma-client";
import { frequencyMembers, frequencyMovement } from "../server/analytics/frequency";

const url = process.env.DATABASE_URL ?? "postgresql://postgres:memberflow@127.0.0.1:54329/memberflow";
const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const WARMUP = 2;

function pct(xs: number[], p: number) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

async function main() {
  const db = createPrismaClient(url, 2);
  const questions: [string, () => Promise<unknown>][] = [
    ["sankey all members", () => frequencyMovement(db, {})],
    ["sankey tier gold", () => frequencyMovement(db, { scope: { kind: "tier", tierId: "gold" } })],
    ["members of link 2–3 → 0", () => frequencyMembers(db, { selection: { a: 2, b: 0 } })],
  ];
  let slowest = 0;
  for (const [name, run] of questions) {
    for (let i = 0; i < WARMUP; i++) await run();
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now();
      await run();
      times.push(performance.now() - started);
    }
    slowest = Math.max(slowest, pct(times, 95));
    console.log(`${name.padEnd(28)} p50 ${pct(times, 50).toFixed(1)} ms   p95 ${pct(times, 95).toFixed(1)} ms`);
  }
  const movement = await frequencyMovement(db, {});
  console.log(`periods A ${movement.periodA.from}…${movement.periodA.to} → B ${movement.periodB.from}…${movement.periodB.to} (${movement.timezone})`);
  console.log(`slowest_ms=${slowest.toFixed(1)} members=${movement.total}`);
  await db.$disconnect();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
