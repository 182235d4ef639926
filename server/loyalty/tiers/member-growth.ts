// A member's growth value as the member page shows it: the level held (with its benefits) and the
// next one, what lapses when, the newest growth entries and the level history.
// Server-only: the lint allow-list keeps components/ away.
import { DomainError } from "@/server/errors";
import { sql, type Tx } from "@/server/db/sql";
import type { MemberGrowth } from "@/server/loyalty/schemas";
import { benefitsOfMembers } from "./benefits";

export async function memberGrowth(tx: Tx, memberId: number, now = new Date()): Promise<MemberGrowth> {
  const [member] = await tx.query<{ growth_value: number; tier_id: string; name: string; name_en: string; threshold: number; rank: number }>(sql`
    SELECT m.growth_value, m.tier_id, t.name, t.name_en, t.growth_threshold AS threshold, t.rank
    FROM members m JOIN tiers t ON t.id = m.tier_id WHERE m.id = ${memberId}`);
  if (!member) throw new DomainError("not_found", `Member ${memberId} does not exist`);
  const [next] = await tx.query<{ id: string; name: string; name_en: string; threshold: number }>(sql`
    SELECT id, name, name_en, growth_threshold AS threshold FROM tiers WHERE rank > ${member.rank} ORDER BY rank LIMIT 1`);
  const lapsing = await tx.query<{ expires_at: Date | null; growth: number }>(sql`
    SELECT expires_at, sum(amount)::int AS growth FROM growth_entries
    WHERE member_id = ${memberId} AND (expires_at IS NULL OR expires_at > ${now})
    GROUP BY expires_at HAVING sum(amount) <> 0 ORDER BY expires_at NULLS LAST LIMIT 24`);
  const entries = await tx.query<{ id: bigint | number; amount: number; reason: string; earned_at: Date; expires_at: Date | null }>(sql`
    SELECT id, amount, reason, earned_at, expires_at FROM growth_entries WHERE member_id = ${memberId} ORDER BY earned_at DESC, id DESC LIMIT 30`);
  const changes = await tx.query<{ id: bigint | number; from_tier_id: string | null; to_tier_id: string; reason: string; changed_at: Date; up: boolean }>(sql`
    SELECT c.id, c.from_tier_id, c.to_tier_id, c.reason, c.changed_at, (f.rank IS NULL OR t.rank > f.rank) AS up
    FROM tier_changes c LEFT JOIN tiers t ON t.id = c.to_tier_id LEFT JOIN tiers f ON f.id = c.from_tier_id
    WHERE c.member_id = ${memberId} ORDER BY c.changed_at DESC, c.id DESC LIMIT 50`);
  const { benefits } = (await benefitsOfMembers(tx, [memberId])).get(memberId)!;
  const templateIds = [benefits.monthlyCoupons?.couponTemplateId, benefits.birthdayGift?.couponTemplateId].filter((id): id is string => id !== undefined);
  const templates = templateIds.length > 0 ? await tx.query<{ id: string; name: string }>(sql`SELECT id, name FROM coupon_templates WHERE id = ANY(${templateIds}::text[])`) : [];
  return {
    growthValue: member.growth_value,
    tier: { id: member.tier_id, name: member.name, nameEn: member.name_en, threshold: member.threshold, benefits },
    benefitTemplates: Object.fromEntries(templates.map((t) => [t.id, t.name])),
    next: next ? { id: next.id, name: next.name, nameEn: next.name_en, threshold: next.threshold } : null,
    lapsing: lapsing.map((l) => ({ expiresAt: l.expires_at, growth: l.growth })),
    entries: entries.map((e) => ({ id: Number(e.id), amount: e.amount, reason: e.reason, earnedAt: e.earned_at, expiresAt: e.expires_at })),
    changes: changes.map((c) => ({ id: Number(c.id), from: c.from_tier_id, to: c.to_tier_id, reason: c.reason, direction: c.up ? "up" : "down", at: c.changed_at })),
  };
}
