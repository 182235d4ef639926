// Everything the per-member generators share: the PRNG, the time frame, the calendar's
// seasonality, the catalog with database ids, and the id counters of the generated tables.
import { CITIES, type City } from "../data/geography";
import type { CategoryKey } from "../data/catalog";
import type { BadgeKey, TagKey, TierId } from "../data/reference";
import { Random, WeightedPicker } from "../random";

export const DAY = 86_400_000;
/** China Standard Time has no daylight saving: local time is UTC + 8 h all year. */
export const CST_OFFSET = 8 * 3_600_000;
export const HISTORY_DAYS = 3 * 365;

export type ProductRef = { id: number; categoryId: number; priceCents: number; sku: string };
export type CategoryRef = {
  id: number;
  key: CategoryKey;
  index: number;
  /** Three product pickers: budget, mid-range and premium shoppers weigh price differently. */
  pickers: readonly [WeightedPicker<ProductRef>, WeightedPicker<ProductRef>, WeightedPicker<ProductRef>];
};

export type MessageChannel = "sms" | "email" | "push" | "in_app" | "webhook";

/** A coupon template's current terms, as coupons issued from it now would carry them. */
export type CouponTemplateRef = {
  id: string;
  revision: number;
  name: string;
  type: "amount" | "percent";
  /** Yuan off (amount) or percent off (percent), as the template says. */
  value: number;
  /** What {{coupon.value}} shows: the engine's rendering of the value ("20.00", "10.00%"). */
  valueLabel: string;
  minSpendCents: number;
  maxDiscountCents: number | null;
  validDays: number | null;
  validFrom: number | null;
  validTo: number | null;
  productIds: readonly number[];
  categoryIds: readonly number[];
  perMemberMax: number;
  codePrefix: string;
};

export type MessageTemplateRef = { id: string; channel: MessageChannel; title: string; body: string };

export type ReferenceIds = {
  categories: { id: number; key: CategoryKey; products: { id: number; priceCents: number; sku: string }[] }[];
  tags: Record<TagKey, number>;
  badges: Record<BadgeKey, number>;
  tierNames: Record<TierId, string>;
  /** By template id; a template that is missing from the database is missing here. */
  couponTemplates: ReadonlyMap<string, CouponTemplateRef>;
  messageTemplates: ReadonlyMap<string, MessageTemplateRef>;
};

export type IdCounters = {
  order: number; item: number; visit: number; points: number; tierChange: number;
  event: number; coupon: number; redemption: number; notification: number;
};

export class SeedContext {
  readonly random: Random;
  readonly start: number;
  readonly startDay: number;
  readonly categories: readonly CategoryRef[];
  readonly categoryByKey: Record<CategoryKey, CategoryRef>;
  readonly cities = WeightedPicker.of(CITIES);
  /** Per local day in the history: relative order volume (weekends, 618, Double 11 …). */
  readonly dayWeight: Float64Array;
  readonly maxDayWeight: number;
  /** 1 on days of the big shopping festivals (618, Double 11, Double 12). */
  readonly promoDay: Uint8Array;
  readonly weekendDay: Uint8Array;
  readonly ids: IdCounters = { order: 0, item: 0, visit: 0, points: 0, tierChange: 0, event: 0, coupon: 0, redemption: 0, notification: 0 };

  constructor(
    seed: number,
    /** The end of history: no generated event is later. */
    readonly anchor: number,
    readonly refs: ReferenceIds,
  ) {
    this.random = new Random(seed);
    this.start = anchor - HISTORY_DAYS * DAY;
    this.startDay = localDay(this.start);

    this.categories = refs.categories.map((c, index) => {
      const products = c.products.map((p) => ({ id: p.id, categoryId: c.id, priceCents: p.priceCents, sku: p.sku }));
      const weighted = (exponent: number) => new WeightedPicker(products, products.map((p) => Math.pow(p.priceCents / 100, exponent)));
      return { id: c.id, key: c.key, index, pickers: [weighted(-0.7), weighted(-0.2), weighted(0.4)] as const };
    });
    this.categoryByKey = Object.fromEntries(this.categories.map((c) => [c.key, c])) as Record<CategoryKey, CategoryRef>;

    const days = localDay(anchor) - this.startDay + 1;
    this.dayWeight = new Float64Array(days);
    this.promoDay = new Uint8Array(days);
    this.weekendDay = new Uint8Array(days);
    let max = 0;
    for (let i = 0; i < days; i++) {
      const date = new Date((this.startDay + i) * DAY); // a local calendar day, read with UTC getters
      const month = date.getUTCMonth() + 1;
      const dom = date.getUTCDate();
      const weekend = date.getUTCDay() === 0 || date.getUTCDay() === 6;
      const promo = (month === 6 && dom <= 18) || (month === 11 && dom <= 11) || (month === 12 && dom >= 10 && dom <= 12);
      let w = weekend ? 1.35 : 1;
      if (promo) w *= month === 11 && dom >= 9 ? 3.5 : 1.8; // the last days before 11.11 peak
      if (month === 2 && dom <= 15) w *= 0.7; // Spring Festival lull (approximate)
      this.dayWeight[i] = w;
      this.promoDay[i] = promo ? 1 : 0;
      this.weekendDay[i] = weekend ? 1 : 0;
      max = Math.max(max, w);
    }
    this.maxDayWeight = max;
  }

  /** Index into the calendar tables for an instant (clamped to the history). */
  dayIndex(ms: number): number {
    const i = localDay(ms) - this.startDay;
    return i < 0 ? 0 : i >= this.dayWeight.length ? this.dayWeight.length - 1 : i;
  }
}

/** The local (CST) calendar day number of an instant. */
export function localDay(ms: number): number {
  return Math.floor((ms + CST_OFFSET) / DAY);
}

/** Local hour of day 0–23 of an instant. */
export function localHour(ms: number): number {
  return Math.floor(((ms + CST_OFFSET) % DAY) / 3_600_000);
}

/** Earned points expire at the end of the following calendar year (local time). */
export function pointsExpiry(earnedAt: number): number {
  const local = earnedAt + CST_OFFSET;
  if (local < cachedYear.start || local >= cachedYear.end) {
    const year = new Date(local).getUTCFullYear();
    cachedYear.start = Date.UTC(year, 0, 1);
    cachedYear.end = Date.UTC(year + 1, 0, 1);
    cachedYear.expiry = Date.UTC(year + 1, 11, 31, 23, 59, 59) - CST_OFFSET;
  }
  return cachedYear.expiry;
}
const cachedYear = { start: 0, end: 0, expiry: 0 };

export type { City };
