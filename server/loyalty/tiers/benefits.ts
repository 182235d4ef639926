// What a member's level gives: the one reader of tier benefits for flows, the wallet, the
// storefront and the points ledger (its multiplier). Set-based: one query for any number of members.
// Server-only: the lint allow-list keeps components/ away.
import { sql, type Tx } from "@/server/db/sql";
import { benefitsOf, type TierBenefits } from "./program-schema";

export type MemberBenefits = { tierId: string; benefits: TierBenefits };

export async function benefitsOfMembers(tx: Tx, memberIds: number[]): Promise<Map<number, MemberBenefits>> {
  if (memberIds.length === 0) return new Map();
  const rows = await tx.query<{ id: number; tier_id: string; benefits: unknown }>(sql`
    SELECT m.id, m.tier_id, t.benefits FROM members m JOIN tiers t ON t.id = m.tier_id WHERE m.id = ANY(${[...new Set(memberIds)]}::int[])`);
  return new Map(rows.map((r) => [r.id, { tierId: r.tier_id, benefits: benefitsOf(r.benefits) }]));
}
