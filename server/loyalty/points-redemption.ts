// Points → coupons: staff redeem a member's points for coupons of the program's template
// (`redemption.couponTemplateId`) at its rate (`pointsPerCoupon`). One transaction takes the points
// (a `redeem` entry, oldest lots first) and issues the coupons through the content library's one
// issuer, so either both happen or neither. The caller's key makes it idempotent: the entry's
// effect_key is unique, and a replay answers with the coupons the first call issued. The flows hear
// of it (`points.redeemed`, through the one ingest path, in the same transaction): a flow waiting
// for the member to redeem — the points-expiring template does — moves on.
// Refused with a field-level error, taking nothing: no template set, an archived template or one
// out of stock, past its validity or the member's maximum, or a balance short of the price.
// Server-only: the lint allow-list keeps components/ away (no `import "server-only"`: vitest and tsx scripts import it).
import { sql, type Tx } from "@/server/db/sql";
import { DomainError } from "@/server/errors";
import { issueCoupons } from "@/server/content/coupon-issue";
import { databaseWriter } from "@/server/engine/effects";
import { ingestEventsIn } from "@/server/events/ingest";
import { lockMembers, redeemPoints } from "./points";
import { loadProgram } from "./program";
import { redeemForCouponsInput, type Redemption } from "./schemas";

const refuse = (field: string, message: string, details: Record<string, unknown> = {}) => new DomainError("invalid", message, { field, ...details });

export async function redeemForCoupons(tx: Tx, raw: unknown, now: Date): Promise<Redemption> {
  const input = redeemForCouponsInput.parse(raw);
  const effectKey = `redeem:coupon:${input.key}`;
  const [member] = await tx.query<{ id: number }>(sql`SELECT id FROM members WHERE id = ${input.memberId}`);
  if (!member) throw new DomainError("not_found", `Member ${input.memberId} does not exist`, { field: "memberId" });
  // The member's lock first (as every points writer takes it): redemptions of one member queue,
  // so the checks below hold until the coupons are issued.
  await lockMembers(tx, [input.memberId]);
  const replay = await redemptionOf(tx, effectKey);
  if (replay) {
    if (replay.memberId !== input.memberId) throw refuse("key", "This redemption key was used for another member");
    return replay.redemption;
  }

  const program = await loadProgram(tx);
  const templateId = program.redemption.couponTemplateId;
  if (!templateId) throw refuse("templateId", "No coupon template is set for points in Settings → Loyalty");
  const [template] = await tx.query<{ name: string; archived: boolean; left: number | null; ended: boolean; held: number; per_member_max: number }>(sql`
    SELECT name, archived_at IS NOT NULL AS archived,
           CASE WHEN total_limit IS NULL THEN NULL ELSE greatest(total_limit - issued_count, 0) END AS left,
           (valid_days IS NULL AND valid_to IS NOT NULL AND valid_to <= ${now}) AS ended,
           (SELECT count(*)::int FROM coupons c WHERE c.template_id = t.id AND c.member_id = ${input.memberId}) AS held, per_member_max
    FROM coupon_templates t WHERE id = ${templateId}`);
  if (!template) throw refuse("templateId", `The coupon template ${templateId} no longer exists`);
  if (template.archived) throw refuse("templateId", `The coupon template “${template.name}” is archived`);
  if (template.ended) throw refuse("templateId", `The coupon template “${template.name}” is no longer valid`);
  if (template.left !== null && template.left < input.coupons) throw refuse("coupons", `Only ${template.left} coupons of “${template.name}” are left`, { left: template.left });
  if (template.held + input.coupons > template.per_member_max) {
    throw refuse("coupons", `A member may hold at most ${template.per_member_max} coupons of “${template.name}” (this one has ${template.held})`, { held: template.held, max: template.per_member_max });
  }

  const points = input.coupons * program.redemption.pointsPerCoupon;
  // Refuses a short balance (after what is due has expired) with { field: "points", balance }.
  const entry = await redeemPoints(tx, { memberId: input.memberId, points, key: effectKey, reason: `coupon:${templateId}` }, now);
  if (!entry) throw new Error(`redemption ${effectKey} wrote no entry`); // the key was checked under the member's lock
  const batch = Array.from({ length: input.coupons }, () => ({ memberId: input.memberId, journeyId: null, visit: null }));
  const issued = await issueCoupons(tx, databaseWriter(tx), templateId, batch, { flowId: null, nodeId: null }, now);
  // The issuer holds the (template, member) lock now: a flow that issued meanwhile is counted here.
  const [after] = await tx.query<{ held: number }>(sql`SELECT count(*)::int AS held FROM coupons WHERE template_id = ${templateId} AND member_id = ${input.memberId}`);
  if (issued.length < input.coupons || after!.held > template.per_member_max) {
    // Thrown, so the transaction rolls back: no points taken, no coupon issued.
    throw refuse("coupons", `“${template.name}” could not issue ${input.coupons} coupons to this member`);
  }
  await tx.execute(sql`UPDATE coupons SET points_entry_id = ${entry.entryId} WHERE id = ANY(${issued.map((c) => c.id)}::text[])`);
  const event = { id: `points.redeemed:${entry.entryId}`, memberId: input.memberId, name: "points.redeemed", occurredAt: now, properties: { points, coupons: issued.length, templateId } };
  await ingestEventsIn(tx, [event], { now });
  return { entryId: Number(entry.entryId), points, coupons: issued.map((c) => ({ id: c.id, code: c.code, validTo: c.valid_to })), replayed: false };
}

/** The redemption a key already made, if any. */
async function redemptionOf(tx: Tx, effectKey: string): Promise<{ memberId: number; redemption: Redemption } | null> {
  const [entry] = await tx.query<{ id: bigint | number; member_id: number; amount: number }>(sql`SELECT id, member_id, amount FROM points_entries WHERE effect_key = ${effectKey}`);
  if (!entry) return null;
  const coupons = await tx.query<{ id: string; code: string; valid_to: Date }>(sql`SELECT id, code, valid_to FROM coupons WHERE points_entry_id = ${entry.id} ORDER BY issued_at, id`);
  return {
    memberId: entry.member_id,
    redemption: { entryId: Number(entry.id), points: -entry.amount, coupons: coupons.map((c) => ({ id: c.id, code: c.code, validTo: c.valid_to })), replayed: true },
  };
}
