// What a member's level gives: the one reader of tier benefits for flows, the wallet, the
// storefront and the points ledger (its multiplier). Set-based: one query for any number of members;
// a statement that already reads the member (the wallet) joins the level with `memberTierJoin` and
// `memberTierJson` and reads it back with `memberTierOf`, so it stays one round trip.
// Server-only: the lint allow-list keeps components/ away.
import { sql, type Tx } from "@/server/db/sql";
import { benefitsOf, type TierBenefits } from "./program-schema";

export type MemberTier = { id: string; name: string; nameEn: string; benefits: TierBenefits };
export type MemberBenefits = { tierId: string; tier: MemberTier; benefits: TierBenefits };

/** Joins the level of the member row aliased `m` (every member holds one), as `member_tier`. */
export const memberTierJoin = sql`JOIN tiers member_tier ON member_tier.id = m.tier_id`;
/** The joined level as one JSON value, for `memberTierOf`. */
export const memberTierJson = sql`json_build_object('id', member_tier.id, 'name', member_tier.name, 'nameEn', member_tier.name_en, 'benefits', member_tier.benefits)`;

/** The level as stored (benefits as written, possibly by an older program) → what it gives now. */
export function memberTierOf(stored: { id: string; name: string; nameEn: string; benefits: unknown }): MemberTier {
  return { id: stored.id, name: stored.name, nameEn: stored.nameEn, benefits: benefitsOf(stored.benefits) };
}

export async function benefitsOfMembers(tx: Tx, memberIds: number[]): Promise<Map<number, MemberBenefits>> {
  if (memberIds.length === 0) return new Map();
  const rows = await tx.query<{ id: number; tier: Parameters<typeof memberTierOf>[0] }>(sql`
    SELECT m.id, ${memberTierJson} AS tier FROM members m ${memberTierJoin} WHERE m.id = ANY(${[...new Set(memberIds)]}::int[])`);
  return new Map(
    rows.map((r) => {
      const tier = memberTierOf(r.tier);
      return [r.id, { tierId: tier.id, tier, benefits: tier.benefits }];
    }),
  );
}
