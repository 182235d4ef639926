// Tags and badges from what a member did. The thresholds are judgement calls meant to give
// each tag a plausible share of the base (a few % to ~30%), not business rules. Tags that
// describe current behaviour say so in their rule: a "frequent repeat buyer" who has gone
// quiet for months, or a "store regular" who stopped coming, does not keep the tag. Every
// tag holds at the end of the history (the anchor), as if the rules had just been evaluated.
import type { CategoryKey } from "../data/catalog";
import { DAY, type SeedContext } from "./context";
import type { ChunkRows } from "./rows";
import type { Profile } from "./profile";
import type { BadgeKey, TagKey } from "../data/reference";

/**
 * 高频复购 (frequent repeat buyer): at least `minOrders` orders placed after anchor − `windowDays`,
 * the latest after anchor − `lastOrderWithinDays` (windows as in member_stats: exclusive start).
 */
export const FREQUENT_BUYER_RULE = { windowDays: 180, minOrders: 8, lastOrderWithinDays: 30 } as const;
/** 门店常客 (store regular): most orders in a store, at least `minOrders` of them, the latest within `lastStoreOrderWithinDays`. */
export const STORE_REGULAR_RULE = { minOrders: 5, minShare: 0.5, lastStoreOrderWithinDays: 180 } as const;

export type Behaviour = {
  orderCount: number;
  paidCents: number;
  maxOrderCents: number;
  orders365: number;
  /** Orders inside FREQUENT_BUYER_RULE.windowDays. */
  ordersFrequentWindow: number;
  discountOrders: number;
  promoOrders: number;
  nightOrders: number;
  weekendOrders: number;
  storeOrders: number;
  lastStoreOrderAt: number | null;
  miniOrders: number;
  /** Orders containing each category, indexed like ctx.categories. */
  categoryOrders: Uint16Array;
  categoriesSeen: number;
  firstOrderAt: number | null;
  lastOrderAt: number | null;
  hundredthOrderAt: number | null;
  explorerAt: number | null;
};

export function assignLabels(ctx: SeedContext, p: Profile, b: Behaviour, out: ChunkRows): void {
  const n = b.orderCount;
  const inCategory = (key: CategoryKey) => b.categoryOrders[ctx.categoryByKey[key].index] ?? 0;
  const share = (k: number) => (n > 0 ? k / n : 0);
  const within = (at: number | null, days: number) => at !== null && at > ctx.anchor - days * DAY;
  const f = FREQUENT_BUYER_RULE;
  const s = STORE_REGULAR_RULE;
  const tags: [TagKey, boolean][] = [
    ["high_value", b.paidCents >= 1_000_000],
    ["big_ticket", b.maxOrderCents >= 200_000],
    ["frequent", b.ordersFrequentWindow >= f.minOrders && within(b.lastOrderAt, f.lastOrderWithinDays)],
    ["one_time", n === 1 && p.registeredAt < ctx.anchor - 90 * DAY],
    ["price_sensitive", n >= 3 && share(b.discountOrders) >= 0.35],
    ["promo_hunter", b.promoOrders >= 3],
    ["night_owl", n >= 3 && share(b.nightOrders) >= 0.35],
    ["weekend", n >= 4 && share(b.weekendOrders) >= 0.5],
    ["store_regular", b.storeOrders >= s.minOrders && share(b.storeOrders) >= s.minShare && within(b.lastStoreOrderAt, s.lastStoreOrderWithinDays)],
    ["mini_program", b.miniOrders >= 3 && share(b.miniOrders) >= 0.5],
    ["mother_baby", inCategory("baby") >= 2],
    ["beauty", inCategory("beauty") >= 3],
    ["digital", inCategory("digital") >= 2],
    ["sports", inCategory("sports") >= 2],
    ["foodie", inCategory("food") >= 4],
    ["home", inCategory("home") >= 3],
    ["mens_care", p.gender === "male" && inCategory("care") >= 2],
    ["student", p.age <= 22],
    ["white_collar", p.officeWorker],
    ["silver_age", p.age >= 55],
  ];
  // Behavioural tags are dated at the last order (when they were last confirmed),
  // demographic ones at registration.
  for (const [key, applies] of tags) {
    if (!applies) continue;
    const demographic = key === "student" || key === "white_collar" || key === "silver_age";
    out.tags.int(p.id).int(ctx.refs.tags[key]).word("import").ts(demographic ? p.registeredAt : (b.lastOrderAt ?? p.registeredAt)).end();
  }

  const badges: [BadgeKey, number | null][] = [
    ["first_order", b.firstOrderAt],
    ["early_bird", p.registeredAt < ctx.start + 90 * DAY ? p.registeredAt : null],
    ["loyal_year", b.orders365 >= 24 ? b.lastOrderAt : null],
    ["hundred_orders", b.hundredthOrderAt],
    ["explorer", b.explorerAt],
  ];
  for (const [key, at] of badges) {
    if (at !== null) out.badges.int(p.id).int(ctx.refs.badges[key]).ts(at).end();
  }
}
