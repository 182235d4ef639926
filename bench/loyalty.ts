// npm run bench:loyalty — the points expiry job (server/loyalty/points-expiry.ts) over the whole
// member base, on a throw-away copy of the database (CREATE DATABASE … TEMPLATE: nothing changes
// in the original, which must have no other connections, so stop the dev server first). The clock
// is the first instant of next year in the program's zone (Asia/Shanghai), when a year's worth of
// lots falls due at once. Then checks with plain SQL that nothing due is left and that every
// balance is its ledger's sum. Then the tier evaluation and preview, and the benefit grants.
// Last line: key=value pairs.
//   DATABASE_URL (default: the dev embedded db, started if it is not running)   BENCH_AT (ISO instant)
import { TZDate } from "@date-fns/tz";
import { expirePoints } from "../server/loyalty/points-expiry";
import { grantTierBenefits } from "../server/loyalty/tiers/benefit-grants";
import { evaluateTiers } from "../server/loyalty/tiers/evaluate";
import { previewTierProgram } from "../server/loyalty/tiers/preview";
import { loadTierProgram } from "../server/loyalty/tiers/program";
import { statementProfile, withTransaction, type Pool } from "../server/db/sql";
import { withDatabase } from "../scripts/lib/dev-database";
import { withDatabaseCopy } from "./lib/database-copy";

/** MEMBERFLOW_SQL_PROFILE=1: where the last run spent its time, by statement. */
function printProfile() {
  if (!statementProfile) return;
  for (const [statement, p] of [...statementProfile].sort((a, b) => b[1].ms - a[1].ms).slice(0, 8)) console.log(`${(p.ms / 1000).toFixed(2).padStart(7)} s ${String(p.calls).padStart(6)}×  ${statement}`);
}

async function bench(databaseUrl: string) {
  const now = new TZDate(Date.now(), "Asia/Shanghai");
  const at = process.env.BENCH_AT ? new Date(process.env.BENCH_AT) : new Date(new TZDate(now.getFullYear() + 1, 0, 1, 0, 0, 0, 0, "Asia/Shanghai").getTime());
  await withDatabaseCopy(databaseUrl, "bench_loyalty", async (pool, one) => {
    const members = await one(`SELECT count(*) FROM members`);
    const entries = await one(`SELECT count(*) FROM points_entries`);
    const duePoints = await one(`SELECT coalesce(sum(remaining), 0) FROM points_entries WHERE remaining > 0 AND expires_at <= $1`, [at]);
    const dueMembers = await one(`SELECT count(DISTINCT member_id) FROM points_entries WHERE remaining > 0 AND expires_at <= $1`, [at]);
    console.log(`members ${members}, ledger entries ${entries}; due at ${at.toISOString()}: ${duePoints} points of ${dueMembers} members`);
    await pool.query("ANALYZE points_entries, members");

    const started = performance.now();
    const run = await expirePoints(pool, at);
    const expirySeconds = (performance.now() - started) / 1000;
    console.log(`expired ${run.points} points of ${run.members} members in ${run.chunks} transactions, ${expirySeconds.toFixed(2)} s (events to the flows included)`);

    printProfile();
    const again = performance.now();
    const rerun = await expirePoints(pool, at);
    console.log(`re-run: ${rerun.points} points, ${((performance.now() - again) / 1000).toFixed(2)} s`);

    const left = await one(`SELECT count(*) FROM points_entries WHERE remaining > 0 AND expires_at <= $1`, [at]);
    const mismatches = await one(`
      SELECT count(*) FROM members m LEFT JOIN (SELECT member_id, sum(amount) AS s, sum(remaining) AS r FROM points_entries GROUP BY 1) p ON p.member_id = m.id
      WHERE m.points_balance <> coalesce(p.s, 0) OR m.points_balance <> coalesce(p.r, 0) OR m.points_balance < 0`);
    const ok = run.points === duePoints && run.members === dueMembers && rerun.points === 0 && left === 0 && mismatches === 0;
    if (!ok) process.exitCode = 1;
    const tiers = await benchTiers(pool, one);
    if (!tiers.ok) process.exitCode = 1;
    const benefits = await benchBenefits(pool, one);
    if (!benefits.ok) process.exitCode = 1;
    console.log(
      `members=${members} expiry_s=${expirySeconds.toFixed(2)} expired_members=${run.members} expired_points=${run.points} due_points=${duePoints} left_due=${left} balance_mismatches=${mismatches} rerun_points=${rerun.points} ${tiers.line} ${benefits.line}`,
    );
  });
}

/**
 * The tier evaluation (server/loyalty/tiers/evaluate.ts) at its heaviest: the first instant of the
 * year after every growth entry of today has lapsed, so every value lapses and every member above
 * the first level drops (the program's rule), each with a tier_changes row and a tier.changed
 * event. Then the preview of a candidate program (thresholds doubled) over the whole base, and
 * plain-SQL checks: values are the ledger's sums, a re-run changes nothing.
 */
async function benchTiers(pool: Pool, one: (text: string, values?: unknown[]) => Promise<number>): Promise<{ ok: boolean; line: string }> {
  const year = new TZDate(Date.now(), "Asia/Shanghai").getFullYear();
  const at = process.env.BENCH_TIERS_AT ? new Date(process.env.BENCH_TIERS_AT) : new Date(new TZDate(year + 2, 0, 1, 0, 0, 0, 0, "Asia/Shanghai").getTime());
  await pool.query("ANALYZE growth_entries, tier_changes");
  const aboveFirst = await one(`SELECT count(*) FROM members m JOIN tiers t ON t.id = m.tier_id WHERE t.rank > (SELECT min(rank) FROM tiers)`);
  statementProfile?.clear();
  const started = performance.now();
  const run = await evaluateTiers(pool, at);
  const seconds = (performance.now() - started) / 1000;
  printProfile();
  console.log(`tier evaluation at ${at.toISOString()} (period ${run.period}): ${run.written} members written (values lapsed, levels moved), ${run.down} down, ${run.up} up in ${run.chunks} transactions, ${seconds.toFixed(2)} s (events to the flows included)`);
  const again = performance.now();
  const rerun = await evaluateTiers(pool, at);
  console.log(`re-run: ${rerun.down} down, ${rerun.up} up, ${((performance.now() - again) / 1000).toFixed(2)} s`);
  const program = await withTransaction(pool, loadTierProgram);
  const candidate = { ...program, levels: program.levels.map((l) => ({ ...l, threshold: l.threshold * 2 })) };
  const previewStarted = performance.now();
  const preview = await withTransaction(pool, (tx) => previewTierProgram(tx, candidate));
  const previewSeconds = (performance.now() - previewStarted) / 1000;
  console.log(`preview (thresholds doubled): ${preview.up} up, ${preview.down} down over ${preview.members} members, ${previewSeconds.toFixed(2)} s`);
  const growthMismatches = await one(
    `SELECT count(*) FROM members m LEFT JOIN (SELECT member_id, sum(amount) AS s FROM growth_entries WHERE expires_at IS NULL OR expires_at > $1 GROUP BY 1) g ON g.member_id = m.id
     WHERE m.growth_value <> coalesce(g.s, 0)`,
    [at],
  );
  const events = await one(`SELECT count(*) FROM member_events WHERE name = 'tier.changed' AND occurred_at = $1`, [at]);
  const ok = growthMismatches === 0 && rerun.down === 0 && rerun.up === 0 && events === run.down + run.up && run.down === aboveFirst;
  return {
    ok,
    line: `tier_eval_s=${seconds.toFixed(2)} tier_down=${run.down} tier_up=${run.up} tier_events=${events} growth_mismatches=${growthMismatches} tier_rerun_changes=${rerun.down + rerun.up} tier_preview_s=${previewSeconds.toFixed(2)}`,
  };
}

/**
 * The benefit grants (server/loyalty/tiers/benefit-grants.ts) on the first day of a month: every
 * level above the first gives one monthly coupon and a birthday gift of a bench template, so each
 * such member is issued a coupon (the seed's levels give none). Checks with plain SQL that each got
 * exactly what is owed, and that a re-run issues nothing.
 */
async function benchBenefits(pool: Pool, one: (text: string, values?: unknown[]) => Promise<number>): Promise<{ ok: boolean; line: string }> {
  const now = new TZDate(Date.now(), "Asia/Shanghai");
  const at = new Date(new TZDate(now.getFullYear(), now.getMonth() + 1, 1, 0, 30, 0, 0, "Asia/Shanghai").getTime());
  await pool.query(`INSERT INTO coupon_templates (id, name, type, value, valid_days, per_member_max) VALUES ('bench-tier-benefit', 'Bench benefit', 'amount', 5, 30, 100)`);
  await pool.query(`
    UPDATE tiers SET benefits = benefits || '{"monthlyCoupons": {"couponTemplateId": "bench-tier-benefit", "count": 1}, "birthdayGift": {"couponTemplateId": "bench-tier-benefit"}}'::jsonb
    WHERE rank > (SELECT min(rank) FROM tiers)`);
  const owed = await one(`SELECT count(*) FROM members m JOIN tiers t ON t.id = m.tier_id WHERE t.rank > (SELECT min(rank) FROM tiers)`);
  const day = new TZDate(at.getTime(), "Asia/Shanghai");
  const birthdays = await one(
    `SELECT count(*) FROM members m JOIN tiers t ON t.id = m.tier_id WHERE t.rank > (SELECT min(rank) FROM tiers) AND extract(month FROM m.birthday) = $1 AND extract(day FROM m.birthday) = $2`,
    [day.getMonth() + 1, day.getDate()],
  );
  const started = performance.now();
  const run = await grantTierBenefits(pool, at);
  const seconds = (performance.now() - started) / 1000;
  console.log(`benefit grants at ${at.toISOString()} (month ${run.month}): ${run.monthly} monthly coupons and ${run.birthday} birthday gifts in ${run.chunks} transactions, ${seconds.toFixed(2)} s`);
  const again = performance.now();
  const rerun = await grantTierBenefits(pool, at);
  const rerunSeconds = (performance.now() - again) / 1000;
  console.log(`re-run: ${rerun.monthly + rerun.birthday} coupons, ${rerunSeconds.toFixed(2)} s`);
  const issued = await one(`SELECT count(*) FROM coupons WHERE template_id = 'bench-tier-benefit'`);
  const ok = run.monthly === owed && run.birthday === birthdays && issued === owed + birthdays && rerun.monthly + rerun.birthday === 0;
  return { ok, line: `benefits_s=${seconds.toFixed(2)} benefits_coupons=${issued} benefits_owed=${owed + birthdays} benefits_rerun_s=${rerunSeconds.toFixed(2)}` };
}

withDatabase(bench).catch((error) => {
  console.error(error);
  process.exit(1);
});
