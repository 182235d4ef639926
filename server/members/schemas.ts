// Inputs of the members area, shared by the tRPC router and the pages (no server imports).
import { z } from "zod";
import { rowIdSchema, text } from "@/server/text";

export const MEMBERS_PAGE_SIZE = 25;

export const memberListInput = z.object({
  search: text({ max: 100 }).optional(),
  tierId: z.string().max(40).optional(),
  city: z.string().max(40).optional(),
  lifecycleStage: z.enum(["new", "active", "silent", "churned"]).optional(),
  page: z.number().int().min(1).max(10_000).default(1),
  pageSize: z.number().int().min(5).max(100).default(MEMBERS_PAGE_SIZE),
});
export type MemberListInput = z.input<typeof memberListInput>;

export const memberIdInput = z.object({ id: rowIdSchema });

// One member's full picture, as `getMember` returns it (money as numbers, not Decimal). Declared
// here rather than inferred from the service so client components can type it without importing
// server code; `getMember` is annotated with it, so the compiler keeps the two in step.
export type LifecycleStage = NonNullable<z.output<typeof memberListInput>["lifecycleStage"]>;
export type Gender = "female" | "male" | "unknown";
export type PointsEntryType = "earn" | "redeem" | "expire" | "adjust";
export type CouponStatus = "issued" | "redeemed" | "expired" | "revoked";
export type CouponType = "amount" | "percent";

/** A JSON column's value (the same shape as Prisma's JsonValue). */
export type JsonValue = string | number | boolean | JsonObject | JsonArray | null;
export type JsonObject = { [Key in string]?: JsonValue };
export type JsonArray = JsonValue[];

export type TimelineEntry = {
  at: Date;
  kind: "order" | "visit" | "event" | "points" | "tier" | "coupon" | "registered";
  title: string;
  detail: string | null;
  amount: number | null;
};

export type MemberProfile = {
  id: number;
  externalId: string;
  name: string;
  phone: string | null;
  email: string | null;
  gender: Gender;
  province: string | null;
  city: string | null;
  businessDistrict: string | null;
  registeredAt: Date;
  birthday: Date | null;
  registrationChannel: string;
  consentSms: boolean;
  consentEmail: boolean;
  consentPush: boolean;
  consentInApp: boolean;
  tierId: string;
  tierSince: Date;
  growthValue: number;
  pointsBalance: number;
  attributes: JsonValue;
  createdAt: Date;
  updatedAt: Date;
  tier: {
    id: string;
    name: string;
    nameEn: string;
    rank: number;
    growthThreshold: number;
    benefits: JsonValue;
    validityMonths: number;
  };
  stats: {
    memberId: number;
    orderCount: number;
    totalSpend: number;
    firstOrderAt: Date | null;
    lastOrderAt: Date | null;
    orders30d: number;
    orders90d: number;
    orders180d: number;
    orders365d: number;
    spend30d: number;
    spend90d: number;
    spend180d: number;
    spend365d: number;
    visitCount: number;
    visits30d: number;
    visits90d: number;
    lastVisitAt: Date | null;
    rfmRecency: number;
    rfmFrequency: number;
    rfmMonetary: number;
    lifecycleStage: LifecycleStage;
    refreshedAt: Date;
  } | null;
  tags: { id: number; name: string; color: string }[];
  badges: { id: number; name: string; icon: string; awardedAt: Date }[];
  nextTier: { id: string; name: string; nameEn: string; growthThreshold: number } | null;
  orders: {
    id: number;
    externalId: string;
    placedAt: Date;
    channel: string;
    totalAmount: number;
    discountAmount: number;
    items: { name: string; sku: string; quantity: number; amount: number }[];
  }[];
  pointsEntries: {
    id: bigint;
    memberId: number;
    type: PointsEntryType;
    amount: number;
    reason: string;
    expiresAt: Date | null;
    effectKey: string | null;
    createdAt: Date;
  }[];
  coupons: {
    id: string;
    code: string;
    templateId: string;
    memberId: number;
    status: CouponStatus;
    validFrom: Date;
    validTo: Date;
    issuedAt: Date;
    redeemedAt: Date | null;
    journeyId: bigint | null;
    nodeId: string | null;
    template: { name: string; type: CouponType; value: number };
  }[];
  timeline: TimelineEntry[];
};
