// npm run bench:tags — rule tags and bulk tag jobs over the whole member base, on a throw-away copy
// of the database (as bench/loyalty.ts). A rule tag ("bought 2+ times in 365 days, or spent 1,000+")
// is evaluated three times: the first (everyone who matches enters), again with nothing changed,
// and after 5% of the members moved city under a rule on city; then a bulk add of a manual tag on
// a condition audience. Each result is compared with plain SQL. Last line: key=value pairs.
//   DATABASE_URL (default: the dev embedded db, started if it is not running)
import { statementProfile, withTransaction } from "../server/db/sql";
import { and, or, rule } from "../server/audiences/condition";
import { evaluateRules } from "../server/loyalty/tags/rules";
import { createTagJob, runTagJobs } from "../server/loyalty/tags/jobs";
import { createTag } from "../server/loyalty/tags/service";
import { ingestEvents } from "../server/events/ingest";
import { withDatabase } from "../scripts/lib/dev-database";
import { withDatabaseCopy } from "./lib/database-copy";

const seconds = (started: number) => (performance.now() - started) / 1000;

async function bench(databaseUrl: string) {
  const now = new Date();
  await withDatabaseCopy(databaseUrl, "bench_tags", async (pool, one) => {
    const members = await one(`SELECT count(*) FROM members`);
    await pool.query("ANALYZE");

    // The same kind of event batch before any rule exists: what ingestion costs without them.
    const baselineBatch = (await pool.query<{ id: number }>(`SELECT id FROM members WHERE id % 97 = 2 ORDER BY id LIMIT 1000`)).rows;
    let started = performance.now();
    await ingestEvents(pool, baselineBatch.map((m) => ({ id: `bench-base-${m.id}`, memberId: m.id, name: "app.opened", occurredAt: now })), { now });
    const baselineS = seconds(started);

    const loyal = or(rule("order_count", "gte", { window: { kind: "last_days", days: 365 }, value: 2 }), rule("spend", "gte", { window: { kind: "all_time" }, value: 1000 }));
    const tag = await withTransaction(pool, (tx) => createTag(tx, { name: "Bench loyal", kind: "rule", condition: and(loyal) }));
    const expected = await one(`SELECT count(*) FROM member_stats WHERE orders_365d >= 2 OR total_spend >= 1000`);
    started = performance.now();
    const [first] = await evaluateRules(pool, now, { only: { target: "tag", id: tag.id } });
    const firstS = seconds(started);
    started = performance.now();
    const [again] = await evaluateRules(pool, now, { only: { target: "tag", id: tag.id } });
    const againS = seconds(started);
    if (statementProfile) {
      // MEMBERFLOW_SQL_PROFILE=1: where the first evaluation spent its time, by statement.
      for (const [statement, p] of [...statementProfile].sort((a, b) => b[1].ms - a[1].ms).slice(0, 8)) console.log(`${(p.ms / 1000).toFixed(2).padStart(7)} s ${String(p.calls).padStart(6)}×  ${statement}`);
    }
    console.log(`rule tag: ${first!.entered} entered (SQL says ${expected}) in ${firstS.toFixed(2)} s; unchanged re-run ${again!.entered}/${again!.left} in ${againS.toFixed(2)} s`);

    // A rule on city, then 5% of the members move.
    const [city] = (await pool.query<{ city: string }>(`SELECT city FROM members WHERE city IS NOT NULL GROUP BY city ORDER BY count(*) DESC LIMIT 1`)).rows;
    const cityTag = await withTransaction(pool, (tx) => createTag(tx, { name: "Bench city", kind: "rule", condition: and(rule("city", "eq", city!.city)) }));
    await evaluateRules(pool, now, { only: { target: "tag", id: cityTag.id } });
    const before = await one(`SELECT count(*) FROM members WHERE city = $1`, [city!.city]);
    await pool.query(`UPDATE members SET city = CASE WHEN city = $1 THEN 'Elsewhere' ELSE $1 END WHERE id % 20 = 0`, [city!.city]);
    const after = await one(`SELECT count(*) FROM members WHERE city = $1`, [city!.city]);
    const movedIn = await one(`SELECT count(*) FROM members WHERE id % 20 = 0 AND city = $1`, [city!.city]);
    started = performance.now();
    const [moved] = await evaluateRules(pool, now, { only: { target: "tag", id: cityTag.id } });
    const movedS = seconds(started);
    const movedOut = before - (after - movedIn);
    console.log(`city rule after 5% moved: +${moved!.entered} −${moved!.left} (SQL: +${movedIn} −${movedOut}) in ${movedS.toFixed(2)} s`);

    // An event batch of 1,000 members: both rules re-evaluated for them inside the ingest transaction.
    const batch = (await pool.query<{ id: number }>(`SELECT id FROM members WHERE id % 97 = 1 ORDER BY id LIMIT 1000`)).rows;
    started = performance.now();
    await ingestEvents(pool, batch.map((m) => ({ id: `bench-visit-${m.id}`, memberId: m.id, name: "app.opened", occurredAt: now })), { now });
    const ingestS = seconds(started);
    console.log(`1,000 events ingested with 2 rule tags re-evaluated for their members in ${ingestS.toFixed(2)} s (${baselineS.toFixed(2)} s before any rule)`);

    // A bulk add of a manual tag on a condition audience.
    const [audience] = (await pool.query<{ id: string }>(`INSERT INTO audiences (id, name, kind, condition) VALUES ('bench-tags', 'Bench', 'condition', $1) RETURNING id`, [JSON.stringify(and(loyal))])).rows;
    const [manual] = (await pool.query<{ id: number }>(`INSERT INTO tags (name) VALUES ('Bench manual') RETURNING id`)).rows;
    started = performance.now();
    const job = await withTransaction(pool, (tx) => createTagJob(tx, { target: "tag", id: manual!.id, action: "add", audienceId: audience!.id }, null));
    await runTagJobs(pool);
    const jobS = seconds(started);
    const tagged = await one(`SELECT count(*) FROM member_tags WHERE tag_id = $1`, [manual!.id]);
    const events = await one(`SELECT count(*) FROM member_events WHERE name = 'tag.added'`);
    console.log(`bulk add on an audience of ${job.total}: ${tagged} tagged in ${jobS.toFixed(2)} s`);

    const ok = first!.entered === expected && again!.entered + again!.left === 0 && moved!.entered === movedIn && moved!.left === movedOut && tagged === job.total;
    if (!ok) process.exitCode = 1;
    console.log(
      `members=${members} rule_first_s=${firstS.toFixed(2)} rule_entered=${first!.entered} rule_expected=${expected} rule_rerun_s=${againS.toFixed(2)} rule_moved_s=${movedS.toFixed(2)} ingest_1000_s=${ingestS.toFixed(2)} ingest_1000_no_rules_s=${baselineS.toFixed(2)} bulk_job_s=${jobS.toFixed(2)} bulk_members=${tagged} tag_events=${events} ok=${ok}`,
    );
  });
}

withDatabase(bench).catch((error) => {
  console.error(error);
  process.exit(1);
});
