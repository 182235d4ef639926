// Inputs and answers of the loyalty area, shared by the tRPC router and the pages (no server imports).
import { z } from "zod";
import { rowIdSchema } from "@/server/text";

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
};

export const memberGrowthInput = z.object({ id: rowIdSchema });

/** A member's growth value and level history (the member page). */
export type MemberGrowth = {
  growthValue: number;
  tier: { id: string; name: string; nameEn: string; threshold: number };
  next: { id: string; name: string; nameEn: string; threshold: number } | null;
  /** What lapses when, soonest first (unlapsed entries only). */
  lapsing: { expiresAt: Date | null; growth: number }[];
  /** Newest first, at most 30. */
  entries: { id: number; amount: number; reason: string; earnedAt: Date; expiresAt: Date | null }[];
  /** Newest first. */
  changes: { id: number; from: string | null; to: string; reason: string; direction: "up" | "down"; at: Date }[];
};
