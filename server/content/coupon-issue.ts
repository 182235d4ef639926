// Issuing coupons from a template: the one issuer, used by the flows' issue_coupon node and by
// points redemptions (server/loyalty/points-redemption.ts). Server-only.
import { sql, type Tx } from "@/server/db/sql";
import type { EffectWriter } from "@/server/engine/effects";

/** One coupon to issue: to a member, for a journey's visit (null outside flows). */
export type CouponIssue = { memberId: number; journeyId: number | null; visit: number | null };
/** Who issues: a flow's node, or neither (a redemption). */
export type CouponOrigin = { flowId: string | null; nodeId: string | null };
export type IssuedCoupon = { id: string; member_id: number; code: string; valid_to: Date };

/** Up to this many members, a batch locks each (template, member) rather than the template row. */
const MEMBER_LOCKS_UP_TO = 64;

// One INSERT … SELECT for the batch. The limits hold when several transactions issue at once:
// - a template with a total stock is locked (FOR UPDATE) and its issued count kept, so the stock
//   is counted exactly;
// - otherwise only the per-member maximum needs guarding: a large batch (a broadcast chunk) locks
//   the template row, while a small one (an event) takes a key-share lock on it, which the large
//   batch's lock excludes, and an advisory lock per (template, member) — so events for different
//   members issue in parallel instead of queueing behind one row.
// Members over either limit get no coupon (the caller sees who did). Codes and ids come from the
// database's defaults; each coupon names the template revision whose terms it carries.
export type IssueOptions = {
  /**
   * false: the template's per-member maximum does not apply. Tier benefits pass it: a level's
   * monthly coupons and birthday gift are entitlements whose count the level names, kept
   * exactly-once by their own keys (server/loyalty/tiers/benefit-grants.ts).
   */
  perMemberMax?: boolean;
};

export async function issueCoupons(
  tx: Tx,
  effects: EffectWriter,
  templateId: string,
  batch: CouponIssue[],
  origin: CouponOrigin,
  at: Date,
  options: IssueOptions = {},
): Promise<IssuedCoupon[]> {
  if (batch.length === 0) return [];
  const [limits] = await tx.query<{ limited: boolean }>(sql`SELECT total_limit IS NOT NULL AS limited FROM coupon_templates WHERE id = ${templateId}`);
  if (!limits) throw new Error(`coupon template ${templateId} does not exist`);
  const perMember = !limits.limited && batch.length <= MEMBER_LOCKS_UP_TO;
  const [template] = await tx.query<{ remaining: number | null }>(sql`
    SELECT CASE WHEN total_limit IS NULL THEN NULL ELSE greatest(total_limit - issued_count, 0) END AS remaining
    FROM coupon_templates WHERE id = ${templateId} ${perMember ? sql`FOR KEY SHARE` : sql`FOR UPDATE`}`);
  if (!template) throw new Error(`coupon template ${templateId} does not exist`);
  if (perMember) {
    const members = [...new Set(batch.map((b) => b.memberId))].sort((a, b) => a - b);
    // `execute`: the statement's rows are of type void, which Prisma's driver adapter cannot read.
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${templateId}), m) FROM unnest(${members}::int[]) AS m ORDER BY m`);
  }
  const now = at.toISOString();
  const issued = await effects.insert<IssuedCoupon>(
    "coupons",
    sql`
      SELECT t.code_prefix || mf_coupon_code(), t.id, t.revision, b.member_id,
             CASE WHEN t.valid_days IS NULL THEN greatest(${now}::timestamptz, coalesce(t.valid_from, ${now}::timestamptz)) ELSE ${now}::timestamptz END,
             CASE WHEN t.valid_days IS NOT NULL THEN ${now}::timestamptz + make_interval(days => t.valid_days)
                  ELSE coalesce(t.valid_to, ${now}::timestamptz + interval '30 days') END,
             ${now}::timestamptz, b.journey_id, ${origin.nodeId}::text, b.visit, ${origin.flowId}::text
      FROM (SELECT u.*, row_number() OVER (PARTITION BY u.member_id ORDER BY u.n) AS nth
            FROM unnest(${batch.map((b) => b.journeyId)}::bigint[], ${batch.map((b) => b.memberId)}::int[], ${batch.map((b) => b.visit)}::int[])
              WITH ORDINALITY AS u(journey_id, member_id, visit, n)) b
      CROSS JOIN coupon_templates t
      WHERE t.id = ${templateId}
        -- A fixed validity that has ended issues nothing.
        AND (t.valid_days IS NOT NULL OR t.valid_to IS NULL OR t.valid_to > ${now}::timestamptz)
        -- The member's coupons of the template so far, plus those before it in this batch.
        AND (${options.perMemberMax === false} OR (SELECT count(*) FROM coupons c WHERE c.template_id = t.id AND c.member_id = b.member_id) + b.nth <= t.per_member_max)
      ORDER BY b.journey_id, b.n
      LIMIT ${template.remaining}`,
    ["code", "template_id", "template_revision", "member_id", "valid_from", "valid_to", "issued_at", "journey_id", "node_id", "visit", "flow_id"],
    ["id", "member_id", "code", "valid_to"],
  );
  // The issued count is the stock's: kept for templates with a total stock only (an update of the
  // template row would queue every issuing transaction behind the previous one).
  if (issued.length > 0 && limits.limited) {
    await effects.apply(sql`UPDATE coupon_templates SET issued_count = issued_count + ${issued.length}::int WHERE id = ${templateId}`);
  }
  return issued;
}
