// One member's behaviour over the history: orders with items, visits, the points ledger,
// tier upgrades, the campaigns' coupons (and the orders they were used on) and messages, the
// storefronts' events, tags and badges, written straight into the chunk's COPY lines.
//
// The model, in short:
// - 13% never order. The others order at a personal rate (lognormal: a few heavy buyers, a
//   long tail of occasional ones) from registration until they lapse (exponential lifetime;
//   a loyal core never lapses). That skew is what makes new / active / silent / churn-risk / churned all
//   appear, and RFM meaningful.
// - Order days follow the retail calendar (weekends, 618, Double 11), hours a daily curve
//   (lunch and evening peaks; night owls shop after 22:00).
// - Baskets: 1–4 lines; categories from personal favourites (by gender, age, children);
//   products by price taste (budget / mid / premium).
// - Coupons a member holds are used at checkout when the cart qualifies (the storefront's own
//   rule decides), by the price-sensitive almost always; the order then carries the coupon and
//   its discount instead of a promotion.
import { tierFor, type TierId } from "../data/reference";
import { WeightedPicker } from "../random";
import {
  bestCoupon, CAMPAIGNS, messageVariables, reachable, planCoupons, REMINDER_AFTER_DAYS, REMINDER_MESSAGE, serialUuid, TIER_UPGRADE_MESSAGE, writeCoupons, writeMessage,
  type PlannedCoupon,
} from "./campaigns";
import { CST_OFFSET, DAY, localHour, pointsExpiry, type CategoryRef, type ProductRef, type SeedContext } from "./context";
import {
  cartProps, couponClickProps, MemberEventLog, orderProps, pageProps, productProps, redeemedProps, visitProps, type OrderLine,
} from "./events";
import { assignLabels, FREQUENT_BUYER_RULE, type Behaviour } from "./labels";
import type { Profile } from "./profile";
import type { ChunkRows } from "./rows";

// ─── Tunables (calibrated for ≈ 10 orders per member on average; see seed.test.ts) ───
const NEVER_BUYER_SHARE = 0.13;
const RATE_MEDIAN_PER_30D = 0.7;
const RATE_SIGMA = 1.0;
const LOYAL_SHARE = 0.14; // never lapse
const MEAN_ACTIVE_DAYS = 420; // mean lifetime of the others
const MAX_ORDERS = 600;
const ITEMS_PER_ORDER = new WeightedPicker([1, 2, 3, 4], [52, 28, 13, 7]);
const CHANNELS = ["app", "mini_program", "web", "store"] as const;
const OTHER_CHANNEL = new WeightedPicker(CHANNELS, [40, 35, 10, 15]);

const DAY_HOURS = [2, 1, 0.5, 0.3, 0.2, 0.3, 0.8, 2, 3, 4, 5, 6, 7, 5, 5, 5, 5, 6, 7, 9, 10, 10, 8, 5];
const NIGHT_HOURS = DAY_HOURS.map((w, h) => (h >= 22 || h <= 2 ? w * 5 : w));
const HOURS = Array.from({ length: 24 }, (_, h) => h);
const dayHours = new WeightedPicker(HOURS, DAY_HOURS);
const nightHours = new WeightedPicker(HOURS, NIGHT_HOURS);

/** Chance a member uses a coupon that applies to the cart. */
const USE_COUPON = { priceSensitive: 0.9, other: 0.65 } as const;
/** Browsing telemetry per session (events.ts): landing pages, products viewed, carts left, wishes, shares. */
const LANDING_PAGES = new WeightedPicker(["home", "category", "campaign", "coupon_center", "member_center", "search"], [46, 20, 14, 8, 7, 5]);
const BROWSE_PRODUCT_VIEWS = 1.2;
const ABANDONED_CART = 0.22;
const WISHLIST = 0.06;
const SHARE = 0.03;
const SHARE_TARGETS = ["wechat", "moments", "weibo"] as const;
const REVIEW = 0.12;
const RATINGS = new WeightedPicker([5, 4, 3, 2, 1], [55, 25, 10, 5, 5]);
const COUPON_CLICK = { welcome: 0.3, other: 0.12 } as const;

type Session = { at: number; channel: string; district: string | null; lines: readonly OrderLine[] | null; orderAt: number };
/** Category affinity by who the member is. Order: beauty, apparel, baby, food, digital, home, sports, care. */
function categoryWeights(p: Profile, hasChild: boolean): Record<string, number> {
  const female = p.gender === "female" || (p.gender === "unknown" && p.id % 2 === 0);
  return {
    beauty: female ? 3 : 0.3,
    apparel: female ? 2.5 : 1.5,
    baby: hasChild ? 4 : 0.08,
    food: 1.6,
    digital: female ? 0.7 : 3,
    home: p.age >= 28 ? 1.6 : 0.8,
    sports: p.age <= 45 ? (female ? 0.9 : 2) : 0.6,
    care: 1.4,
  };
}

export function generateActivity(ctx: SeedContext, p: Profile, out: ChunkRows): void {
  const r = ctx.random;
  const anchor = ctx.anchor;
  const mid = p.id;

  // ── Who this member is as a buyer ──
  const neverBuys = r.chance(NEVER_BUYER_SHARE);
  const ratePerDay = r.lognormal(RATE_MEDIAN_PER_30D, RATE_SIGMA) / 30;
  const activeUntil = Math.min(anchor, r.chance(LOYAL_SHARE) ? anchor : p.registeredAt + r.exponential(MEAN_ACTIVE_DAYS) * DAY);
  const nightOwl = r.chance(0.12);
  const priceSensitive = r.chance(0.3);
  const priceTaste = r.chance(0.3) ? 0 : r.chance(0.75) ? 1 : 2;
  const hasChild = (p.gender === "female" && p.age >= 25 && p.age <= 40 && r.chance(0.42)) || (p.gender === "male" && p.age >= 27 && p.age <= 42 && r.chance(0.25));
  const mainChannel = r.chance(0.72) ? p.channel : OTHER_CHANNEL.pick(r);

  const weights = categoryWeights(p, hasChild);
  const catWeights = ctx.categories.map((c) => weights[c.key] ?? 1);
  const catPicker = new WeightedPicker(ctx.categories, catWeights);
  const favourites: CategoryRef[] = [catPicker.pick(r), catPicker.pick(r)];

  // ── Order times ──
  let count = 0;
  if (!neverBuys) {
    const activeDays = Math.max(0, (activeUntil - p.registeredAt) / DAY);
    count = Math.min(MAX_ORDERS, 1 + r.poisson(ratePerDay * activeDays));
  }
  const times = new Float64Array(count);
  if (count > 0) {
    // Store sign-ups buy on the spot; others mostly within the first days.
    const firstAt = Math.min(anchor, p.channel === "store" ? p.registeredAt + r.int(60, 1800) * 1000 : p.registeredAt + r.exponential(4) * DAY);
    times[0] = firstAt;
    const span = Math.max(0, activeUntil - firstAt);
    const hours = nightOwl ? nightHours : dayHours;
    for (let i = 1; i < count; i++) {
      let t = firstAt;
      for (let attempt = 0; attempt < 8; attempt++) {
        t = firstAt + r.next() * span;
        if (r.next() * ctx.maxDayWeight < (ctx.dayWeight[ctx.dayIndex(t)] as number)) break;
      }
      // Re-draw the time of day on that local day from the hourly curve.
      const dayStart = Math.floor((t + CST_OFFSET) / DAY) * DAY - CST_OFFSET;
      t = dayStart + hours.pick(r) * 3_600_000 + r.next() * 3_600_000;
      times[i] = t < firstAt ? firstAt : t > anchor ? anchor - r.next() * 3_600_000 : t;
    }
    times.sort();
  }

  // ── The campaigns' coupons, planned from the order times so orders can use them ──
  const coupons = planCoupons(ctx, p, times, count);
  const events = new MemberEventLog(ctx);
  if (events.covers(p.registeredAt)) events.add(p.registeredAt, "member.registered", `{"channel":"${p.channel}"}`, `member.registered:${p.externalId}`);

  // ── Orders, items, points, tiers ──
  const frequentSince = anchor - FREQUENT_BUYER_RULE.windowDays * DAY;
  const b: Behaviour = {
    orderCount: count, paidCents: 0, maxOrderCents: 0, orders365: 0, ordersFrequentWindow: 0, discountOrders: 0, promoOrders: 0,
    nightOrders: 0, weekendOrders: 0, storeOrders: 0, lastStoreOrderAt: null, miniOrders: 0,
    categoryOrders: new Uint16Array(ctx.categories.length), categoriesSeen: 0,
    // Whole seconds, as the order rows have them (the tag rules compare them with windows).
    firstOrderAt: count > 0 ? Math.floor((times[0] as number) / 1000) * 1000 : null,
    lastOrderAt: count > 0 ? Math.floor((times[count - 1] as number) / 1000) * 1000 : null,
    hundredthOrderAt: null, explorerAt: null,
  };
  // FIFO points buckets by earning year: [expiresAt, remaining].
  const buckets: [number, number][] = [];
  let balance = 0;
  let growth = 0;
  let tier: TierId = "bronze";
  let tierSince = p.registeredAt;
  out.tierChanges.int(++ctx.ids.tierChange).int(mid).nul().word("bronze").word("registration").ts(p.registeredAt).end();

  const expireUntil = (t: number) => {
    while (buckets.length > 0 && (buckets[0]![0]) < t) {
      const [expiresAt, remaining] = buckets.shift()!;
      if (remaining <= 0) continue;
      balance -= remaining;
      const year = new Date(expiresAt + CST_OFFSET).getUTCFullYear() - 1;
      out.points.int(++ctx.ids.points).int(mid).word("expire").int(-remaining).word(`expired:${year}`).nul().ts(expiresAt).end();
    }
  };

  // A coupon is issued (and announced) once the history reaches it, with the tier and balance of
  // that moment; a member-day coupon not redeemed by the reminder's time is reminded of.
  const steps: { at: number; coupon: PlannedCoupon; remind: boolean }[] = [];
  for (const c of coupons) {
    steps.push({ at: c.issuedAt, coupon: c, remind: false });
    const remindAt = c.issuedAt + REMINDER_AFTER_DAYS * DAY;
    if (c.campaign === "member_day" && remindAt <= anchor && remindAt < c.validTo) steps.push({ at: remindAt, coupon: c, remind: true });
  }
  steps.sort((x, y) => x.at - y.at);
  let nextStep = 0;
  const issueUntil = (t: number) => {
    while (nextStep < steps.length && steps[nextStep]!.at <= t) {
      const { at, coupon: c, remind } = steps[nextStep++]!;
      expireUntil(at);
      if (remind) {
        const message = ctx.refs.messageTemplates.get(REMINDER_MESSAGE);
        if (message && c.redeemedAt === null) writeMessage(ctx, p, message, at, messageVariables(p, ctx.refs.tierNames[tier], balance, c), out.notifications, events);
        continue;
      }
      const campaign = CAMPAIGNS[c.campaign];
      const message = ctx.refs.messageTemplates.get(campaign.message);
      // The birthday flow writes to members with an e-mail address (then consent decides); the others only to members they can reach.
      if (message && (c.campaign !== "birthday" || p.email !== null) && (!campaign.reachableOnly || reachable[message.channel](p))) {
        writeMessage(ctx, p, message, c.issuedAt + r.int(1, 30) * 1000, messageVariables(p, ctx.refs.tierNames[tier], balance, c), out.notifications, events);
      }
      if (events.covers(c.issuedAt)) clickLater(c);
    }
  };
  // A click on the coupon in the wallet or the message, some time after it arrived.
  const clickLater = (c: PlannedCoupon) => {
    if (!r.chance(c.campaign === "welcome" ? COUPON_CLICK.welcome : COUPON_CLICK.other)) return;
    const at = c.issuedAt + 60_000 + r.exponential(0.5) * DAY;
    if (at < c.validTo) events.add(at, "coupon.clicked", couponClickProps({ id: c.id, code: c.code, templateId: c.template.id }, mainChannel));
  };

  const yearAgo = anchor - 365 * DAY;
  const visits: Session[] = [];
  const seenEver = new Uint8Array(ctx.categories.length);
  const lastOrderWith = new Int32Array(ctx.categories.length).fill(-1); // count a category once per order
  for (let i = 0; i < count; i++) {
    const at = Math.floor((times[i] as number) / 1000) * 1000;
    const orderId = ++ctx.ids.order;
    const channel = r.chance(0.8) ? mainChannel : OTHER_CHANNEL.pick(r);
    const day = ctx.dayIndex(at);
    const promo = ctx.promoDay[day] === 1;
    issueUntil(at);
    // Lines are kept when a coupon could apply (its scope reads them) or the order becomes an event.
    let holds = false;
    for (const c of coupons) if (c.issuedAt <= at && c.validTo > at && c.redeemedAt === null && !c.revoked) holds = true;
    const inEvents = events.covers(at);
    const kept: OrderLine[] | null = holds || inEvents ? [] : null;

    let subtotal = 0;
    const lines = ITEMS_PER_ORDER.pick(r);
    for (let l = 0; l < lines; l++) {
      const category = r.chance(0.6) ? favourites[l & 1]! : catPicker.pick(r);
      const product = category.pickers[priceTaste]!.pick(r);
      const quantity = product.priceCents < 8_000 && r.chance(0.3) ? r.int(2, 4) : r.chance(0.08) ? 2 : 1;
      const amount = product.priceCents * quantity;
      subtotal += amount;
      kept?.push({ product, quantity });
      out.items.int(++ctx.ids.item).int(orderId).int(mid).int(product.id).int(category.id).ts(at).int(quantity).money(product.priceCents).money(amount).end();
      if (seenEver[category.index] === 0) {
        seenEver[category.index] = 1;
        if (++b.categoriesSeen === 6) b.explorerAt = at;
      }
      if (lastOrderWith[category.index] !== i) {
        lastOrderWith[category.index] = i;
        b.categoryOrders[category.index]! += 1;
      }
    }

    // Discounts: a coupon the member holds, if it applies and they think of it; otherwise the
    // store's promotions: price-sensitive members find them often, everybody on festival days.
    let discount = 0;
    const offer = holds ? bestCoupon(coupons, p, at, subtotal, kept!) : null;
    let used: PlannedCoupon | null = null;
    if (offer && r.chance(priceSensitive ? USE_COUPON.priceSensitive : USE_COUPON.other)) {
      used = offer.coupon;
      discount = offer.discountCents;
      used.redeemedAt = Math.max(used.issuedAt, at - r.int(2, 30) * 1000);
    } else if (r.chance(priceSensitive ? 0.45 : promo ? 0.3 : 0.07)) {
      discount = Math.min(Math.floor(subtotal * 0.3), r.pick([1_000, 2_000, 3_000, 5_000]) * (subtotal >= 30_000 ? 2 : 1));
    }
    if (discount > 0) b.discountOrders++;
    const paid = subtotal - discount;
    const storeDistrict = channel === "store" ? (p.district !== null && r.chance(0.8) ? p.district : r.pick(p.cityDistricts)) : null;
    out.orders.int(orderId).code("O", orderId, 10).int(mid).ts(at).money(paid).money(discount).word(channel).optWord(storeDistrict);
    if (used) out.orders.raw(used.id);
    else out.orders.nul();
    out.orders.end();
    if (used) {
      const redemptionId = serialUuid(ctx, ++ctx.ids.redemption);
      out.redemptions.raw(redemptionId).raw(used.id).int(mid).code("O", orderId, 10).money(subtotal).money(discount).ts(used.redeemedAt!).end();
      events.add(used.redeemedAt!, "coupon.redeemed", redeemedProps({ id: used.id, code: used.code, templateId: used.template.id }, discount, subtotal, `O${String(orderId).padStart(10, "0")}`), `coupon.redeemed:${redemptionId}`);
    }
    if (inEvents) {
      const externalId = `O${String(orderId).padStart(10, "0")}`;
      events.add(at, "order.placed", orderProps({ externalId, paidCents: paid, discountCents: discount, channel, lines: kept!, couponCode: used?.code ?? null }));
      if (r.chance(REVIEW)) {
        const line = kept![0]!;
        events.add(at + r.int(2, 10) * DAY + r.int(0, 86_399) * 1000, "review", `{"sku":"${line.product.sku}","rating":${RATINGS.pick(r)}}`);
      }
    }

    // Behaviour counters for tags and badges.
    b.paidCents += paid;
    if (paid > b.maxOrderCents) b.maxOrderCents = paid;
    if (at >= yearAgo) b.orders365++;
    if (at > frequentSince) b.ordersFrequentWindow++;
    if (promo) b.promoOrders++;
    const hour = localHour(at);
    if (hour >= 22 || hour < 2) b.nightOrders++;
    if (ctx.weekendDay[day] === 1) b.weekendOrders++;
    if (channel === "store") {
      b.storeOrders++;
      b.lastStoreOrderAt = at;
    }
    if (channel === "mini_program") b.miniOrders++;
    if (i === 99) b.hundredthOrderAt = at;

    // Points: expire what lapsed before this order, redeem now and then (FIFO), earn 1 per yuan.
    expireUntil(at);
    if (balance >= 500 && r.chance(0.1)) {
      let redeem = Math.floor((balance * (0.3 + 0.7 * r.next())) / 100) * 100;
      const target = r.chance(0.6) ? "checkout" : "points_mall";
      out.points.int(++ctx.ids.points).int(mid).word("redeem").int(-redeem).word(`redeem:${target}`).nul().ts(at - 1000).end();
      events.add(at - 1000, "points.redeemed", `{"points":${redeem},"target":"${target}"}`);
      balance -= redeem;
      for (const bucket of buckets) {
        const used = Math.min(bucket[1], redeem);
        bucket[1] -= used;
        redeem -= used;
        if (redeem === 0) break;
      }
    }
    const earned = Math.floor(paid / 100);
    if (earned > 0) {
      const expiresAt = pointsExpiry(at);
      const last = buckets[buckets.length - 1];
      if (last && last[0] === expiresAt) last[1] += earned;
      else buckets.push([expiresAt, earned]);
      balance += earned;
      out.points.int(++ctx.ids.points).int(mid).word("earn").int(earned).code("order:O", orderId, 10).ts(expiresAt).ts(at).end();
    }

    // Growth value = whole yuan paid; an upgrade is recorded when a threshold is crossed.
    growth += earned;
    const next = tierFor(growth);
    if (next !== tier) {
      out.tierChanges.int(++ctx.ids.tierChange).int(mid).word(tier).word(next).word("growth").ts(at).end();
      if (events.covers(at)) {
        events.add(at, "tier.changed", `{"from":"${tier}","to":"${next}","reason":"growth"}`);
        const message = ctx.refs.messageTemplates.get(TIER_UPGRADE_MESSAGE);
        const sendAt = at + r.int(30, 300) * 1000;
        if (message && sendAt <= anchor) writeMessage(ctx, p, message, sendAt, messageVariables(p, ctx.refs.tierNames[next], balance, null), out.notifications, events);
      }
      tier = next;
      tierSince = at;
    }

    // The session that led to the order.
    if (r.chance(0.85)) visits.push({ at: Math.max(p.registeredAt, at - r.int(60, 2_400) * 1000), channel, district: storeDistrict, lines: kept, orderAt: at });
  }
  issueUntil(anchor);
  expireUntil(anchor);
  writeCoupons(ctx, mid, coupons, out.coupons);

  // ── Browsing visits: ~0.35 per order while active, tapering off for a while after lapsing ──
  const browseUntil = Math.min(anchor, (count > 0 ? activeUntil : p.registeredAt) + r.exponential(count > 0 ? 45 : 20) * DAY);
  const browseSpan = Math.max(0, browseUntil - p.registeredAt);
  const browsing = count > 0 ? r.poisson(0.35 * count) : r.poisson(2);
  for (let i = 0; i < browsing; i++) {
    const at = Math.floor((p.registeredAt + r.next() * browseSpan) / 1000) * 1000;
    const channel = r.chance(0.75) ? mainChannel : OTHER_CHANNEL.pick(r);
    visits.push({ at, channel, district: channel === "store" ? (p.district ?? r.pick(p.cityDistricts)) : null, lines: null, orderAt: 0 });
  }
  // In time order, like every per-member table here (see KEPT_DURING_LOAD in indexes.ts).
  visits.sort((x, y) => x.at - y.at);
  for (const v of visits) {
    out.visits.int(++ctx.ids.visit).int(mid).ts(v.at).word(v.channel).optWord(v.district).end();
    if (events.covers(v.at)) sessionEvents(ctx, v, catPicker, favourites, priceTaste, events);
  }

  // ── Tags and badges from behaviour ──
  assignLabels(ctx, p, b, out);
  events.write(mid, out.events);

  // ── The member row, now that tier, growth and balance are known ──
  out.members
    .int(mid).raw(p.externalId).text(p.name).opt(p.phone).text(p.email).word(p.gender).word(p.province).word(p.city).optWord(p.district)
    .ts(p.registeredAt).opt(p.birthday).word(p.channel).bool(p.consentSms).bool(p.consentEmail).bool(p.consentPush).bool(p.consentInApp)
    .word(tier).ts(tierSince).int(growth).int(balance).ts(p.registeredAt).ts(Math.max(p.registeredAt, b.lastOrderAt ?? 0))
    .end();
}

/**
 * A storefront session in the event history: the visit itself, and, within the browsing window,
 * the landing page and what was looked at and put in the cart (for an order's session: its lines).
 */
function sessionEvents(
  ctx: SeedContext, v: Session, catPicker: WeightedPicker<CategoryRef>, favourites: readonly CategoryRef[], priceTaste: number, events: MemberEventLog,
): void {
  const r = ctx.random;
  events.add(v.at, "visit", visitProps(v.channel, v.district));
  if (v.channel === "store" || !events.browses(v.at)) return; // a visit to a store is a check-in, not a browsing session
  if (v.lines !== null) {
    const span = Math.max(10_000, v.orderAt - v.at);
    for (const line of v.lines) {
      const viewedAt = v.at + 2000 + r.next() * span * 0.6;
      events.add(viewedAt, "product.viewed", productProps(line.product, v.channel));
      events.add(viewedAt + r.next() * (v.orderAt - viewedAt), "cart.added", cartProps(line.product, line.quantity, v.channel));
    }
    return;
  }
  events.add(v.at + 1000, "page.viewed", pageProps(LANDING_PAGES.pick(r), v.channel));
  const views = r.poisson(BROWSE_PRODUCT_VIEWS);
  let at = v.at + 2000;
  let last: ProductRef | null = null;
  for (let i = 0; i < views; i++) {
    const category = r.chance(0.6) ? favourites[i & 1]! : catPicker.pick(r);
    last = category.pickers[priceTaste]!.pick(r);
    at += r.int(10, 240) * 1000;
    events.add(at, "product.viewed", productProps(last, v.channel));
  }
  if (last !== null && r.chance(ABANDONED_CART)) events.add(at + r.int(5, 120) * 1000, "cart.added", cartProps(last, 1, v.channel));
  if (last !== null && r.chance(WISHLIST)) events.add(at + r.int(5, 120) * 1000, "wishlist.added", `{"sku":"${last.sku}","productId":${last.id}}`);
  if (r.chance(SHARE)) events.add(at + r.int(5, 300) * 1000, "share", `{"target":"${r.pick(SHARE_TARGETS)}"}`);
}

export const MEMBER_COLUMNS = [
  "id", "external_id", "name", "phone", "email", "gender", "province", "city", "business_district",
  "registered_at", "birthday", "registration_channel", "consent_sms", "consent_email", "consent_push", "consent_in_app",
  "tier_id", "tier_since", "growth_value", "points_balance", "created_at", "updated_at",
] as const;
export const ORDER_COLUMNS = ["id", "external_id", "member_id", "placed_at", "total_amount", "discount_amount", "channel", "store_district", "coupon_id"] as const;
export const ITEM_COLUMNS = ["id", "order_id", "member_id", "product_id", "category_id", "placed_at", "quantity", "unit_price", "amount"] as const;
export const VISIT_COLUMNS = ["id", "member_id", "visited_at", "channel", "district"] as const;
export const POINTS_COLUMNS = ["id", "member_id", "type", "amount", "reason", "expires_at", "created_at"] as const;
export const TIER_CHANGE_COLUMNS = ["id", "member_id", "from_tier_id", "to_tier_id", "reason", "changed_at"] as const;
export const MEMBER_TAG_COLUMNS = ["member_id", "tag_id", "source", "created_at"] as const;
export const MEMBER_BADGE_COLUMNS = ["member_id", "badge_id", "awarded_at"] as const;

