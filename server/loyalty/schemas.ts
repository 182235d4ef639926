// Inputs and answers of the loyalty area, shared by the tRPC router and the pages (no server imports).
import { z } from "zod";
import { msg } from "@/lib/i18n/schema-messages";
import { rowIdSchema, text } from "@/server/text";
import type { TierBenefits } from "./tiers/program-schema";

export const MEMBER_POINTS_PAGE_SIZE = 15;

export const memberPointsInput = z.object({
  id: rowIdSchema,
  page: z.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.number().int().min(5).max(100).default(MEMBER_POINTS_PAGE_SIZE),
});

export const pointsEntryTypes = ["earn", "redeem", "expire", "adjust", "reverse"] as const;
export type PointsEntryType = (typeof pointsEntryTypes)[number];

export type MemberPointsPage = {
  balance: number;
  debt: number;
  total: number;
  page: number;
  pageSize: number;
  /** Newest first; `balance` is the running balance after the entry. */
  entries: { id: number; type: PointsEntryType; amount: number; reason: string; at: Date; expiresAt: Date | null; remaining: number; debtDelta: number; balance: number }[];
  /** What the member holds, by the date it expires (null: never), soonest first. */
  expiring: { expiresAt: Date | null; points: number }[];
  /** The program's time zone: dates show in it (expiry falls at midnight there). */
  timezone: string;
  /** What points buy: the program's coupon template (null: none set, or archived) and its price. */
  redemption: { templateName: string | null; pointsPerCoupon: number };
};

/** Staff redeem a member's points for coupons of the program's template, at its rate; `key` makes a retry a replay. */
export const redeemForCouponsInput = z.object({
  memberId: rowIdSchema,
  coupons: z
    .number({ error: msg("Enter a number of coupons", "请输入券数") })
    .int({ error: msg("Must be a whole number", "必须是整数") })
    .min(1, { error: msg("At least 1 coupon", "至少 1 张") })
    .max(10, { error: msg("At most 10 coupons at once", "一次最多 10 张") }),
  key: text({ min: 8, max: 100 }),
});
export type RedeemForCouponsInput = z.input<typeof redeemForCouponsInput>;

export type Redemption = {
  entryId: number;
  points: number;
  coupons: { id: string; code: string; validTo: Date }[];
  /** True when the key had already redeemed: nothing new was taken or issued. */
  replayed: boolean;
};

export const memberGrowthInput = z.object({ id: rowIdSchema });

/** A member's growth value and level history (the member page). */
export type MemberGrowth = {
  growthValue: number;
  tier: { id: string; name: string; nameEn: string; threshold: number; benefits: TierBenefits };
  /** Names of the coupon templates the level's benefits issue from, by id. */
  benefitTemplates: Record<string, string>;
  next: { id: string; name: string; nameEn: string; threshold: number } | null;
  /** What lapses when, soonest first (unlapsed entries only). */
  lapsing: { expiresAt: Date | null; growth: number }[];
  /** Newest first, at most 30. */
  entries: { id: number; amount: number; reason: string; earnedAt: Date; expiresAt: Date | null }[];
  /** Newest first. */
  changes: { id: number; from: string | null; to: string; reason: string; direction: "up" | "down"; at: Date }[];
};
