// The benefit grants job: each member gets the monthly coupons of the level they hold once per
// calendar month, and the birthday gift of their level once a year on their birthday — both by the
// local date in the loyalty program's time zone (a 29 Feb birthday on 28 Feb in common years).
//
// Exactly-once by keys in PostgreSQL: a grant is a `tier_benefit_grants` row per coupon owed, keyed
// `tier-monthly:<member>:<yyyy-mm>:<n>` or `tier-birthday:<member>:<yyyy>`. A range of member ids
// per transaction claims its rows (INSERT … ON CONFLICT DO NOTHING: a key already taken, or being
// taken by a run beside this one, is skipped) and issues the coupons of exactly the rows it claimed
// through the content library's one issuer, so re-runs and concurrent runs issue nothing twice, and
// a run that fails rolls its claims back with its coupons. Any run in the month grants what is still
// owed: a member who reaches a level with monthly coupons mid-month gets them at the next run, and
// a level raising its count tops the month up to it.
//
// A birthday whose day no run covered to the end (the job did not run that day) is caught up by the
// next run, up to six days back and within the year (`tier_benefit_days` records the days covered;
// days before the first one recorded are not caught up).
//
// A level's template that is missing, archived, past its fixed validity or out of stock is skipped
// before anything is claimed (the run reports why; it is granted once the template is usable again,
// within the same month or birthday). Where the issuer refuses a claimed coupon (the stock ran out
// in the run, or the member's maximum for the template), the row records `refused` and the month's
// grant is not retried. Storefronts hear of the coupons as of any other (`coupon.issued` webhooks,
// queued by the issuer); no flow event is sent (birthday flows use the date trigger).
// Both runtimes schedule it (graphile-worker's `grant_tier_benefits`, Inngest's `grant-tier-benefits`).
// Server-only: the lint allow-list keeps components/ away.
import { sql, withTransaction, type Pool, type Tx } from "@/server/db/sql";
import { issueCoupons } from "@/server/content/coupon-issue";
import { databaseWriter } from "@/server/engine/effects";
import { forEachRange, type RangeOptions, type RangeRun } from "../ranges";
import { loadProgram } from "@/server/loyalty/program";
import { benefitDayOf, benefitDaysBefore } from "./program-schema";
import { loadLevels } from "./program";

export type BenefitKind = "monthly" | "birthday";
/** Why a level's benefit was not granted in a run. */
export type SkipReason = "missing" | "archived" | "ended" | "out_of_stock";
export type SkippedBenefit = { kind: BenefitKind; tierId: string; templateId: string; reason: SkipReason };

/** `next`: the member id to continue from (null when every range was done). */
export type BenefitRun = {
  month: string;
  year: string;
  /** The local days whose birthdays the run granted: today, and missed days caught up. */
  birthdayDays: string[];
  /** Coupons issued in this run, per kind. */
  monthly: number;
  birthday: number;
  /** Claims the issuer refused (recorded, not retried). */
  refused: number;
  skipped: SkippedBenefit[];
} & RangeRun;

/** Ranges of 10,000 member ids by default, one at a time (they take the templates' rows in turn). */
export type BenefitOptions = RangeOptions;

/** What a level grants of one kind: `count` coupons of a template. */
type Grant = { kind: BenefitKind; tierId: string; templateId: string; count: number };
type Claim = { key: string; member_id: number; template_id: string };
type Day = { month: string; year: string; birthdayCodes: number[] };

export const monthlyGrantKey = (memberId: number, month: string, n: number) => `tier-monthly:${memberId}:${month}:${n}`;
export const birthdayGrantKey = (memberId: number, year: string) => `tier-birthday:${memberId}:${year}`;

/** How many days back a missed day's birthdays are caught up. */
const CATCH_UP_DAYS = 6;

/** Today and the days of this year no run covered since the first day one did (at most CATCH_UP_DAYS back). */
async function birthdayDays(pool: Pool, now: Date, timezone: string) {
  const today = benefitDayOf(now, timezone);
  const before = benefitDaysBefore(now, timezone, CATCH_UP_DAYS);
  const [row] = (
    await pool.query<{ first: string | null; covered: string[] | null }>(
      `SELECT min(day)::text AS first, array_agg(day::text) FILTER (WHERE day = ANY($1::date[])) AS covered FROM tier_benefit_days`,
      [before.map((d) => d.date)],
    )
  ).rows;
  const missed = row?.first ? before.filter((d) => d.date > row.first! && !row.covered?.includes(d.date)) : [];
  return { ...today, dates: [today.date, ...missed.map((d) => d.date)], birthdayCodes: [...new Set([today, ...missed].flatMap((d) => d.birthdayCodes))] };
}

/** The levels' grants, less those whose template cannot issue now (reported). */
async function usableGrants(tx: Tx, now: Date): Promise<{ grants: Grant[]; skipped: SkippedBenefit[] }> {
  const all: Grant[] = (await loadLevels(tx)).flatMap((level) => [
    ...(level.benefits.monthlyCoupons ? [{ kind: "monthly" as const, tierId: level.id, templateId: level.benefits.monthlyCoupons.couponTemplateId, count: level.benefits.monthlyCoupons.count }] : []),
    ...(level.benefits.birthdayGift ? [{ kind: "birthday" as const, tierId: level.id, templateId: level.benefits.birthdayGift.couponTemplateId, count: 1 }] : []),
  ]);
  if (all.length === 0) return { grants: [], skipped: [] };
  // The issuer's own refusals, checked once per run (points redemption refuses the same way).
  const rows = await tx.query<{ id: string; archived: boolean; ended: boolean; out_of_stock: boolean }>(sql`
    SELECT id, archived_at IS NOT NULL AS archived,
           (valid_days IS NULL AND valid_to IS NOT NULL AND valid_to <= ${now}) AS ended,
           (total_limit IS NOT NULL AND issued_count >= total_limit) AS out_of_stock
    FROM coupon_templates WHERE id = ANY(${[...new Set(all.map((g) => g.templateId))]}::text[])`);
  const templates = new Map(rows.map((r) => [r.id, r]));
  const grants: Grant[] = [];
  const skipped: SkippedBenefit[] = [];
  for (const g of all) {
    const t = templates.get(g.templateId);
    const reason: SkipReason | null = !t ? "missing" : t.archived ? "archived" : t.ended ? "ended" : t.out_of_stock ? "out_of_stock" : null;
    if (reason) skipped.push({ kind: g.kind, tierId: g.tierId, templateId: g.templateId, reason });
    else grants.push(g);
  }
  return { grants, skipped };
}

/** Claims the range's rows not granted yet (keys taken elsewhere are skipped), in member id order. */
async function claim(tx: Tx, lo: number, hi: number, grants: Grant[], day: Day, now: Date): Promise<Claim[]> {
  const monthly = grants.filter((g) => g.kind === "monthly");
  const birthday = grants.filter((g) => g.kind === "birthday");
  const claims: Claim[] = [];
  if (monthly.length > 0) {
    claims.push(
      ...(await tx.query<Claim>(sql`
        INSERT INTO tier_benefit_grants (key, member_id, kind, period, tier_id, template_id, granted_at)
        SELECT 'tier-monthly:' || m.id || ':' || ${day.month}::text || ':' || n, m.id, 'monthly', ${day.month}, m.tier_id, l.template_id, ${now}
        FROM unnest(${monthly.map((g) => g.tierId)}::text[], ${monthly.map((g) => g.templateId)}::text[], ${monthly.map((g) => g.count)}::int[]) AS l(tier_id, template_id, count)
        JOIN members m ON m.tier_id = l.tier_id AND m.id BETWEEN ${lo} AND ${hi}
        CROSS JOIN LATERAL generate_series(1, l.count) AS n
        ORDER BY m.id, n
        ON CONFLICT (key) DO NOTHING
        RETURNING key, member_id, template_id`)),
    );
  }
  if (birthday.length > 0) {
    // The day's birthdays (and missed days') through the expression index members_birthday_mmdd_idx (same expression, same predicate).
    claims.push(
      ...(await tx.query<Claim>(sql`
        INSERT INTO tier_benefit_grants (key, member_id, kind, period, tier_id, template_id, granted_at)
        SELECT 'tier-birthday:' || m.id || ':' || ${day.year}::text, m.id, 'birthday', ${day.year}, m.tier_id, l.template_id, ${now}
        FROM members m
        JOIN unnest(${birthday.map((g) => g.tierId)}::text[], ${birthday.map((g) => g.templateId)}::text[]) AS l(tier_id, template_id) ON l.tier_id = m.tier_id
        WHERE m.birthday IS NOT NULL
          AND ((EXTRACT(MONTH FROM m.birthday))::int * 100 + (EXTRACT(DAY FROM m.birthday))::int) = ANY(${day.birthdayCodes}::int[])
          AND m.id BETWEEN ${lo} AND ${hi}
        ORDER BY m.id
        ON CONFLICT (key) DO NOTHING
        RETURNING key, member_id, template_id`)),
    );
  }
  return claims;
}

/** One range of member ids, in one transaction: claim, issue per template, link or refuse each claim. */
async function grantRange(tx: Tx, lo: number, hi: number, grants: Grant[], day: Day, now: Date) {
  // The issuer locks a template's row for a large batch, while claims and coupons take key-share
  // locks on it through their foreign keys: two ranges (or runs side by side) would wait on each
  // other. Every range first takes all the run's templates, in id order, so ranges follow one another.
  const templateIds = [...new Set(grants.map((g) => g.templateId))].sort();
  await tx.query(sql`SELECT id FROM coupon_templates WHERE id = ANY(${templateIds}::text[]) ORDER BY id FOR UPDATE`);
  const claims = await claim(tx, lo, hi, grants, day, now);
  const result = { monthly: 0, birthday: 0, refused: 0 };
  if (claims.length === 0) return result;
  const byTemplate = new Map<string, Claim[]>();
  for (const c of claims) {
    if (!byTemplate.has(c.template_id)) byTemplate.set(c.template_id, []);
    byTemplate.get(c.template_id)!.push(c);
  }
  const linked: { key: string; couponId: string }[] = [];
  const refused: string[] = [];
  // Templates in id order: the issuer locks each, and runs side by side must take them in one order.
  for (const [templateId, list] of [...byTemplate].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const issued = await issueCoupons(tx, databaseWriter(tx), templateId, list.map((c) => ({ memberId: c.member_id, journeyId: null, visit: null })), { flowId: null, nodeId: null }, now, {
      perMemberMax: false,
    });
    // The issuer says which members got how many: each coupon answers one of that member's claims.
    const coupons = new Map<number, string[]>();
    for (const c of issued) {
      if (!coupons.has(c.member_id)) coupons.set(c.member_id, []);
      coupons.get(c.member_id)!.push(c.id);
    }
    for (const c of list) {
      const couponId = coupons.get(c.member_id)?.shift();
      if (!couponId) {
        refused.push(c.key);
        continue;
      }
      linked.push({ key: c.key, couponId });
      result[c.key.startsWith("tier-birthday:") ? "birthday" : "monthly"] += 1;
    }
  }
  if (linked.length > 0) {
    await tx.execute(sql`
      UPDATE tier_benefit_grants g SET coupon_id = u.coupon_id
      FROM unnest(${linked.map((l) => l.key)}::text[], ${linked.map((l) => l.couponId)}::text[]) AS u(key, coupon_id) WHERE g.key = u.key`);
  }
  if (refused.length > 0) await tx.execute(sql`UPDATE tier_benefit_grants SET refused = 'limit' WHERE key = ANY(${refused}::text[])`);
  result.refused = refused.length;
  return result;
}

export async function grantTierBenefits(pool: Pool, now: Date, options: BenefitOptions = {}): Promise<BenefitRun> {
  const { grants, skipped, timezone } = await withTransaction(pool, async (tx) => ({ ...(await usableGrants(tx, now)), timezone: (await loadProgram(tx)).timezone }));
  const day = await birthdayDays(pool, now, timezone);
  const run: BenefitRun = { month: day.month, year: day.year, birthdayDays: day.dates, monthly: 0, birthday: 0, refused: 0, skipped, chunks: 0, next: null };
  const [bounds] = await pool.query<{ lo: number | null; hi: number | null }>(`SELECT min(id) AS lo, max(id) AS hi FROM members WHERE id >= $1`, [options.from ?? 0]).then((r) => r.rows);
  let ranges: RangeRun = { chunks: 0, next: null };
  if (grants.length > 0 && bounds?.lo != null && bounds.hi != null) {
    ranges = await forEachRange(bounds.lo, bounds.hi, { concurrency: 1, ...options, rangeSize: options.rangeSize ?? 10_000 }, async (lo, hi) => {
      const part = await withTransaction(pool, (tx) => grantRange(tx, lo, hi, grants, day, now));
      run.monthly += part.monthly;
      run.birthday += part.birthday;
      run.refused += part.refused;
    });
  }
  // Covered to the end (nothing owed counts too: a gift configured later is not granted for them).
  if (ranges.next === null) await pool.query(`INSERT INTO tier_benefit_days (day, completed_at) SELECT unnest($1::date[]), $2 ON CONFLICT (day) DO NOTHING`, [day.dates, now]);
  return { ...run, ...ranges };
}
