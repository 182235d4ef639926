// npm run bench:lifecycle — the full lifecycle and RFM evaluation (server/loyalty/lifecycle/
// evaluate.ts) over the whole member base, on a throw-away copy of the database (CREATE DATABASE …
// TEMPLATE: nothing changes in the original, which must have no other connections). The clock is
// 45 days after now, so stages move and changes are recorded and told to the flows. Then checks
// with plain SQL that the recency quintiles equal ntile(5) and that a re-run records nothing more.
// Last line: key=value pairs.
//   DATABASE_URL (default: the dev embedded db, started if it is not running)   BENCH_AT (ISO instant)
import { statementProfile } from "../server/db/sql";
import { evaluateLifecycle } from "../server/loyalty/lifecycle/evaluate";
import { withDatabase } from "../scripts/lib/dev-database";
import { withDatabaseCopy } from "./lib/database-copy";

async function bench(databaseUrl: string) {
  const at = process.env.BENCH_AT ? new Date(process.env.BENCH_AT) : new Date(Date.now() + 45 * 86_400_000);
  await withDatabaseCopy(databaseUrl, "bench_lifecycle", async (pool, one) => {
    const members = await one(`SELECT count(*) FROM member_stats`);
    const orders = await one(`SELECT count(*) FROM orders`);
    console.log(`members ${members}, orders ${orders}; evaluating at ${at.toISOString()}`);
    await pool.query("ANALYZE member_stats, members, orders");

    const started = performance.now();
    const run = await evaluateLifecycle(pool, at);
    const seconds = (performance.now() - started) / 1000;
    console.log(`${run.members} members in ${run.chunks} transactions: ${run.updated} rows moved, ${run.changes} stage changes recorded and told, ${seconds.toFixed(2)} s`);
    if (statementProfile) {
      // MEMBERFLOW_SQL_PROFILE=1: where the run spent its time, by statement.
      for (const [statement, p] of [...statementProfile].sort((a, b) => b[1].ms - a[1].ms).slice(0, 8)) console.log(`${(p.ms / 1000).toFixed(2).padStart(7)} s ${String(p.calls).padStart(6)}×  ${statement}`);
      statementProfile.clear();
    }
    const again = performance.now();
    const rerun = await evaluateLifecycle(pool, at);
    const rerunSeconds = (performance.now() - again) / 1000;
    console.log(`re-run: ${rerun.changes} changes, ${rerunSeconds.toFixed(2)} s`);

    const recencyMismatches = await one(`
      WITH q AS (SELECT member_id, ntile(5) OVER (ORDER BY last_order_at, member_id) AS b FROM member_stats WHERE last_order_at IS NOT NULL)
      SELECT count(*) FROM member_stats s LEFT JOIN q USING (member_id) WHERE s.rfm_recency <> coalesce(q.b, 1)`);
    const told = await one(`SELECT count(*) FROM member_events WHERE name = 'lifecycle.changed'`);
    const recorded = await one(`SELECT count(*) FROM lifecycle_changes`);
    const ok = recencyMismatches === 0 && rerun.changes === 0 && told === recorded && recorded === run.changes;
    if (!ok) process.exitCode = 1;
    console.log(
      `members=${members} lifecycle_s=${seconds.toFixed(2)} projected_1m_s=${((seconds * 1_000_000) / Math.max(members, 1)).toFixed(1)} changes=${run.changes} rerun_s=${rerunSeconds.toFixed(2)} rerun_changes=${rerun.changes} recency_mismatches=${recencyMismatches} told=${told}`,
    );
  });
}

withDatabase(bench).catch((error) => {
  console.error(error);
  process.exit(1);
});
