// Inputs of the members area, shared by the tRPC router, the export route and the pages (no
// server imports).
import { z } from "zod";
import { rowIdSchema, text } from "@/server/text";

export const MEMBERS_PAGE_SIZE = 25;
export const MEMBER_ORDERS_PAGE_SIZE = 10;
export const MEMBER_TIMELINE_PAGE_SIZE = 30;

// The one list of stages (Settings → Lifecycle defines them).
export { lifecycleStages, type LifecycleStage } from "@/server/loyalty/lifecycle/settings-schema";
import { lifecycleStages, type LifecycleStage } from "@/server/loyalty/lifecycle/settings-schema";

/** The list's sortable columns. Without a sort the list is newest first (by id). */
export const memberSorts = ["name", "city", "tier", "lifecycle", "orders", "spend", "points", "lastOrder", "registered"] as const;
export type MemberSort = (typeof memberSorts)[number];
export type SortDirection = "asc" | "desc";

const MAX_TAG_FILTER = 100;
const lifecycleStagesSchema = z.array(z.enum(lifecycleStages)).max(lifecycleStages.length);

/** Which members, in which order: the same for a page, its count and the CSV export. */
export const memberQuery = z.object({
  search: text({ max: 100 }).optional(),
  tierId: text({ max: 40 }).optional(),
  city: text({ max: 100 }).optional(),
  /** Members in any of these stages. */
  lifecycleStages: lifecycleStagesSchema.optional(),
  /** Members with any of these tags. */
  tagIds: z.array(rowIdSchema).max(MAX_TAG_FILTER).optional(),
  sort: z.enum(memberSorts).optional(),
  direction: z.enum(["asc", "desc"]).default("desc"),
});
export type MemberQuery = z.output<typeof memberQuery>;

export const memberListInput = memberQuery.extend({
  page: z.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.number().int().min(5).max(100).default(MEMBERS_PAGE_SIZE),
});
export type MemberListInput = z.input<typeof memberListInput>;

// The list's state in the address bar (?q=…&tier=…&city=…&stage=new,active&tag=3,7&sort=spend&dir=asc),
// so a view can be shared; the export link carries the same parameters.
const commaList = z
  .string()
  .max(2000)
  .transform((v) => v.split(",").filter(Boolean));
const searchParamSchema = z
  .object({
    q: memberQuery.shape.search,
    tier: memberQuery.shape.tierId,
    city: memberQuery.shape.city,
    stage: commaList.pipe(lifecycleStagesSchema),
    tag: commaList.pipe(z.array(z.coerce.number<string>().pipe(rowIdSchema)).max(MAX_TAG_FILTER)),
    sort: memberQuery.shape.sort,
    dir: z.enum(["asc", "desc"]),
  })
  .partial();
type SearchParamField = keyof typeof searchParamSchema.shape;

export const memberSearchParamNames = searchParamSchema.keyof().options;

function toQuery(p: z.output<typeof searchParamSchema>): MemberQuery {
  const stages = p.stage?.length ? p.stage : undefined;
  const tags = p.tag?.length ? p.tag : undefined;
  return memberQuery.parse({ search: p.q || undefined, tierId: p.tier || undefined, city: p.city || undefined, lifecycleStages: stages, tagIds: tags, sort: p.sort, direction: p.dir });
}

const paramsRecord = (params: URLSearchParams) => Object.fromEntries(memberSearchParamNames.flatMap((k) => (params.has(k) ? [[k, params.get(k)!]] : [])));

/** The export route: every parameter must be readable (400 with the fields otherwise). */
export function parseMemberSearchParams(params: URLSearchParams): { ok: true; query: MemberQuery } | { ok: false; fieldErrors: Record<string, string[]> } {
  const parsed = searchParamSchema.safeParse(paramsRecord(params));
  if (!parsed.success) return { ok: false, fieldErrors: z.flattenError(parsed.error).fieldErrors as Record<string, string[]> };
  return { ok: true, query: toQuery(parsed.data) };
}

/** The page: a parameter it cannot read (an edited or outdated link) is left out, not an error. */
export function readMemberSearchParams(params: URLSearchParams): MemberQuery {
  const raw = paramsRecord(params);
  const kept = Object.fromEntries(Object.entries(raw).filter(([k, v]) => searchParamSchema.shape[k as SearchParamField].safeParse(v).success));
  return toQuery(searchParamSchema.parse(kept));
}

/** The address-bar form of a query (the inverse of readMemberSearchParams). */
export function memberSearchParams(q: MemberQuery): URLSearchParams {
  const out = new URLSearchParams();
  if (q.search) out.set("q", q.search);
  if (q.tierId) out.set("tier", q.tierId);
  if (q.city) out.set("city", q.city);
  if (q.lifecycleStages?.length) out.set("stage", q.lifecycleStages.join(","));
  if (q.tagIds?.length) out.set("tag", q.tagIds.join(","));
  if (q.sort) {
    out.set("sort", q.sort);
    out.set("dir", q.direction);
  }
  return out;
}

export const memberIdInput = z.object({ id: rowIdSchema });

export const memberOrdersInput = z.object({
  id: rowIdSchema,
  page: z.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.number().int().min(5).max(100).default(MEMBER_ORDERS_PAGE_SIZE),
});

/**
 * Where a timeline page starts: just after the entry with this position (newest first; entries
 * at the same instant ordered by kind, then key). `at` keeps PostgreSQL's microseconds, which a
 * Date would drop.
 */
export const timelineCursor = z.object({
  at: z.iso.datetime({ precision: 6 }).refine((v) => !v.startsWith("0000"), { error: "No such time" }),
  rank: z.number().int().min(0).max(9),
  key: z.string().regex(/^[0-9a-f-]{0,40}$/, { error: "Not a timeline key" }),
});
export type TimelineCursor = z.output<typeof timelineCursor>;

export const memberTimelineInput = z.object({
  id: rowIdSchema,
  cursor: timelineCursor.nullish(),
  limit: z.number().int().min(5).max(100).default(MEMBER_TIMELINE_PAGE_SIZE),
});

// What the services return, declared here rather than inferred so that client components can type
// them without importing server code; the services are annotated with them, so the compiler keeps
// the two in step. Money is a number of yuan (not Decimal).
export type Gender = "female" | "male" | "unknown";
export type PointsEntryType = "earn" | "redeem" | "expire" | "adjust";
export type CouponStatus = "issued" | "redeemed" | "expired" | "revoked";
export type CouponType = "amount" | "percent";

/** A JSON column's value (the same shape as Prisma's JsonValue). */
export type JsonValue = string | number | boolean | JsonObject | JsonArray | null;
export type JsonObject = { [Key in string]?: JsonValue };
export type JsonArray = JsonValue[];

export type TierName = { id: string; name: string; nameEn: string };

/** One entry of a member's history; `cursor` is its position, for the page after it. */
export type TimelineEntry = { at: Date; cursor: TimelineCursor } & (
  | { kind: "order"; orderNo: string; channel: string; amount: number }
  | { kind: "visit"; channel: string; district: string | null }
  | { kind: "event"; name: string }
  | { kind: "points"; type: PointsEntryType; amount: number; reason: string }
  | { kind: "tier"; to: TierName | null; from: TierName | null; reason: string }
  | { kind: "coupon"; template: string; status: CouponStatus; code: string }
  | { kind: "registered"; channel: string }
);
export type TimelineKind = TimelineEntry["kind"];

export type TimelinePage = { total: number; entries: TimelineEntry[]; nextCursor: TimelineCursor | null };

export type MemberOrder = {
  id: number;
  externalId: string;
  placedAt: Date;
  channel: string;
  totalAmount: number;
  discountAmount: number;
  refundedAmount: number;
  items: { name: string; sku: string; quantity: number; amount: number }[];
};
export type MemberOrdersPage = { total: number; page: number; pageSize: number; orders: MemberOrder[] };

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
  tags: { id: number; name: string; color: string; category: string }[];
  badges: { id: number; name: string; icon: string; awardedAt: Date }[];
  nextTier: { id: string; name: string; nameEn: string; growthThreshold: number } | null;
  /** The first page of each; the page asks for the next ones (members.orders, members.timeline). */
  orders: MemberOrdersPage;
  timeline: TimelinePage;
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
};
