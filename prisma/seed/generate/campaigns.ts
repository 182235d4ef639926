// What the program's past campaigns gave a member: coupons from the library's templates and the
// messages that announced them, as the engine would have written them (coupon codes, the
// outbox rows with their variables, consent, quiet hours), and which coupons the member then
// used on an order. The campaigns, each issuing at most one coupon per member:
// - welcome:    on registration, "新人专享" + an SMS to those who can get one;
// - birthday:   on the birthday in the last year, "生日礼券" + an e-mail to members with an
//               address (the flow does not check consent: the outbox suppresses);
// - member day: MEMBER_DAY_DAYS_AGO days ago, a 9 折 coupon to everyone who had ordered in the 90
//               days before, + a push to those who allow it (still valid at the end of the history:
//               the liability);
//               then the flow's response wait: who has not redeemed it REMINDER_AFTER_DAYS later
//               gets an in-app reminder, who has left on the "responded" branch does not;
// - win-back:   WINBACK_AFTER_DAYS after the order that began a member's first long silence,
//               "老友回归" + an SMS to those who can get one; a member who comes back within its
//               validity may use it.
// Tier upgrades of the last EVENT_DAYS are announced by push (consent unchecked: suppressed rows).
// The outbox holds the messages of the last OUTBOX_DAYS (older ones were not kept by the system
// the demo history was imported from); coupons go back to the start of the history.
// Most flows check consent in their entry audience, as marketers build them; the outbox's
// "suppressed" rows come from the two that do not.
import { couponDecision, type CouponRow, type PricedItem } from "@/server/storefront/coupon-rule";
import type { RowBuffer } from "../copy";
import { CST_OFFSET, DAY, localHour, type CouponTemplateRef, type MessageChannel, type MessageTemplateRef, type SeedContext } from "./context";
import { notificationProps, type MemberEventLog, type OrderLine } from "./events";
import type { Profile } from "./profile";

export type Campaign = "welcome" | "birthday" | "member_day" | "winback";

/** The library items each campaign issues and announces with (data/reference.ts). */
export const CAMPAIGNS: Record<Campaign, { template: string; message: string; reachableOnly: boolean }> = {
  welcome: { template: "ct_welcome_20", message: "nt_welcome_sms", reachableOnly: true },
  birthday: { template: "ct_birthday_50", message: "nt_birthday_email", reachableOnly: false },
  member_day: { template: "ct_member_day_90", message: "nt_coupon_push", reachableOnly: true },
  winback: { template: "ct_winback_30", message: "nt_winback_sms", reachableOnly: true },
};
export const TIER_UPGRADE_MESSAGE = "nt_tier_upgrade_push";
export const REMINDER_MESSAGE = "nt_coupon_reminder_in_app";
export const REMINDER_AFTER_DAYS = 2;

export const MEMBER_DAY_DAYS_AGO = 3;
export const OUTBOX_DAYS = 365;
export const WINBACK_AFTER_DAYS = 120;
/** Quiet hours of the demo flows (local time): messages made then wait until they end. */
export const QUIET_HOURS = { from: 22, to: 8 } as const;

const REVOKED_WINBACK_SHARE = 0.015;
const FAILED_SHARE = 0.01;

export const COUPON_COLUMNS = ["id", "code", "template_id", "template_revision", "member_id", "status", "valid_from", "valid_to", "issued_at", "redeemed_at"] as const;
export const REDEMPTION_COLUMNS = ["id", "coupon_id", "member_id", "order_ref", "cart_total", "discount_amount", "redeemed_at"] as const;
export const NOTIFICATION_COLUMNS = [
  "id", "member_id", "channel", "template_id", "title", "body", "status", "scheduled_for", "sent_at", "opened_at", "clicked_at",
  "error", "suppressed_reason", "variables", "attempts", "provider", "created_at",
] as const;

export type PlannedCoupon = {
  id: string;
  code: string;
  campaign: Campaign;
  template: CouponTemplateRef;
  issuedAt: number;
  validFrom: number;
  validTo: number;
  revoked: boolean;
  redeemedAt: number | null;
  /** The shape the storefront's coupon rule reads (server/storefront/coupon-rule.ts). */
  row: CouponRow;
};

const HEX = "0123456789abcdef";
const HEX_UPPER = "0123456789ABCDEF";
/** `width` (≤ 8) hex digits of a non-negative integer below 16^width. */
function hexDigits(n: number, width: number, digits: string): string {
  let s = "";
  for (let shift = 4 * (width - 1); shift >= 0; shift -= 4) s += digits[(n >>> shift) & 15];
  return s;
}
const hex = (n: number, width: number) => hexDigits(n, width, HEX_UPPER);
const lowerHex = (n: number, width: number) => hexDigits(n, width, HEX);

/** A bijection of 32-bit integers that looks random (murmur3's finaliser). */
function scramble(n: number): number {
  let h = n >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A uuid-shaped id whose first group is the serial number (unique, and ascending so the primary
 * key is appended to), the rest drawn from the seed's PRNG.
 */
export function serialUuid(ctx: SeedContext, serial: number): string {
  const r = ctx.random;
  const a = Math.floor(r.next() * 0x10000000); // 28 bits: 4 + 3 hex digits
  const b = Math.floor(r.next() * 0x10000000);
  const c = Math.floor(r.next() * 0x40000000); // 30 bits: the variant's 2 free bits + 7 hex digits
  return `${lowerHex(serial, 8)}-${lowerHex(a >>> 12, 4)}-4${lowerHex(a & 0xfff, 3)}-${lowerHex(0x8000 | (c >>> 16), 4)}-${lowerHex(c & 0xffff, 4)}${lowerHex(b, 8)}`;
}

/** The template's prefix and 15 hex digits, like mf_coupon_code(); unique through the serial's bijection. */
function couponCode(ctx: SeedContext, t: CouponTemplateRef, serial: number): string {
  return t.codePrefix + hex(scramble(serial), 8) + hex(Math.floor(ctx.random.next() * 0x10000000), 7);
}

/** The local (CST) day's start of an instant, plus `hours`. */
function localDayAt(ms: number, hours: number): number {
  return Math.floor((ms + CST_OFFSET) / DAY) * DAY - CST_OFFSET + hours * 3_600_000;
}

/** The validity a coupon issued at `at` gets (as issue_coupon computes it), or null when the template's fixed period has ended. */
function validity(t: CouponTemplateRef, at: number): { from: number; to: number } | null {
  if (t.validDays !== null) return { from: at, to: at + t.validDays * DAY };
  if (t.validTo !== null && t.validTo <= at) return null;
  return { from: Math.max(at, t.validFrom ?? at), to: t.validTo ?? at + 30 * DAY };
}

/**
 * The coupons the campaigns gave this member, in issue order. `times` are the member's order
 * times (ascending); the win-back and member-day campaigns target by them.
 */
export function planCoupons(ctx: SeedContext, p: Profile, times: Float64Array, count: number): PlannedCoupon[] {
  const r = ctx.random;
  const anchor = ctx.anchor;
  const wanted: [Campaign, number][] = [];

  wanted.push(["welcome", p.registeredAt + r.int(5, 90) * 1000]);

  if (p.birthday !== null) {
    const month = Number(p.birthday.slice(5, 7));
    const day = Number(p.birthday.slice(8, 10));
    const year = new Date(anchor + CST_OFFSET).getUTCFullYear();
    // The flow runs at 07:30 local on the day; the latest such run up to the end of the history.
    for (const y of [year, year - 1]) {
      const at = Date.UTC(y, month - 1, day, 7, 30) - CST_OFFSET;
      if (at > anchor) continue;
      if (at > anchor - 365 * DAY && at >= p.registeredAt) wanted.push(["birthday", at]);
      break;
    }
  }

  const memberDay = localDayAt(anchor - MEMBER_DAY_DAYS_AGO * DAY, 10);
  if (p.registeredAt < memberDay) {
    for (let i = count - 1; i >= 0; i--) {
      const t = times[i] as number;
      if (t > memberDay) continue;
      if (t > memberDay - 90 * DAY) wanted.push(["member_day", memberDay]);
      break;
    }
  }

  for (let i = 0; i < count; i++) {
    const lapse = localDayAt((times[i] as number) + WINBACK_AFTER_DAYS * DAY, 10);
    const next = i + 1 < count ? (times[i + 1] as number) : Infinity;
    if (lapse > anchor) break;
    if (lapse > (times[i] as number) && lapse < next) {
      wanted.push(["winback", lapse]);
      break;
    }
  }

  wanted.sort((a, b) => a[1] - b[1]);
  const planned: PlannedCoupon[] = [];
  for (const [campaign, issuedAt] of wanted) {
    if (issuedAt > anchor) continue;
    const template = ctx.refs.couponTemplates.get(CAMPAIGNS[campaign].template);
    if (!template || template.perMemberMax < 1) continue;
    const valid = validity(template, issuedAt);
    if (!valid) continue;
    const serial = ++ctx.ids.coupon;
    const id = serialUuid(ctx, serial);
    const code = couponCode(ctx, template, serial);
    planned.push({
      id, code, campaign, template, issuedAt, validFrom: valid.from, validTo: valid.to,
      revoked: campaign === "winback" && r.chance(REVOKED_WINBACK_SHARE),
      redeemedAt: null,
      row: {
        id, code, member_id: p.id, external_id: p.externalId, status: "issued", valid_from: new Date(valid.from), valid_to: new Date(valid.to),
        template_id: template.id, flow_id: null, type: template.type, value: template.value, min_spend: template.minSpendCents / 100,
        max_discount: template.maxDiscountCents === null ? null : template.maxDiscountCents / 100,
        product_ids: template.productIds as number[], category_ids: template.categoryIds as number[],
      },
    });
  }
  return planned;
}

/**
 * The coupon a member uses on an order, if any: of the coupons valid for this cart (the
 * storefront's own rule), the one that takes off most. The caller decides whether the member
 * remembers to use it.
 */
export function bestCoupon(coupons: readonly PlannedCoupon[], p: Profile, at: number, subtotalCents: number, lines: readonly OrderLine[]): { coupon: PlannedCoupon; discountCents: number } | null {
  let best: { coupon: PlannedCoupon; discountCents: number } | null = null;
  let items: PricedItem[] | null = null;
  let now: Date | null = null;
  for (const c of coupons) {
    if (c.issuedAt > at || c.validTo <= at || c.validFrom > at || c.revoked || c.redeemedAt !== null) continue;
    items ??= lines.map((l) => ({ sku: l.product.sku, amount: (l.product.priceCents * l.quantity) / 100, productId: l.product.id, categoryId: l.product.categoryId }));
    now ??= new Date(at);
    const decision = couponDecision(c.row, p.externalId, { total: subtotalCents / 100, items }, now);
    if (!decision.valid) continue;
    const discountCents = Math.round(decision.discount * 100);
    if (discountCents > 0 && discountCents < subtotalCents && (best === null || discountCents > best.discountCents)) best = { coupon: c, discountCents };
  }
  return best;
}

/** Writes the coupons once their fate is known: redeemed, revoked, expired by the end of the history, or still held. */
export function writeCoupons(ctx: SeedContext, memberId: number, coupons: readonly PlannedCoupon[], out: RowBuffer): void {
  for (const c of coupons) {
    const status = c.redeemedAt !== null ? "redeemed" : c.revoked ? "revoked" : c.validTo <= ctx.anchor ? "expired" : "issued";
    out.raw(c.id).raw(c.code).raw(c.template.id).int(c.template.revision).int(memberId).word(status)
      .ts(c.validFrom).ts(c.validTo).ts(c.issuedAt).tsOpt(c.redeemedAt).end();
  }
}

export const reachable: Record<MessageChannel, (p: Profile) => boolean> = {
  sms: (p) => p.consentSms && p.phone !== null,
  email: (p) => p.consentEmail && p.email !== null,
  push: (p) => p.consentPush,
  in_app: (p) => p.consentInApp,
  webhook: () => true,
};
const providers: Record<MessageChannel, string> = { sms: "sms-webhook", email: "smtp", push: "push-webhook", in_app: "local", webhook: "local" };
const failures: Record<MessageChannel, string> = {
  sms: "sms-webhook answered 503 Service Unavailable",
  email: "smtp: 421 4.7.0 Try again later",
  push: "push-webhook timed out after 10 s",
  in_app: "local: rejected",
  webhook: "local: rejected",
};
/** Chance a sent message is opened, and then clicked (SMS: only link clicks are seen). */
const engagement: Record<MessageChannel, { open: number; click: number }> = {
  sms: { open: 0, click: 0.06 },
  email: { open: 0.3, click: 0.35 },
  push: { open: 0.22, click: 0.45 },
  in_app: { open: 0.5, click: 0.3 },
  webhook: { open: 0, click: 0 },
};

/** {{coupon.validTo}} as the engine formats it: the local date (cached per day). */
const localDates = new Map<number, string>();
function localDate(ms: number): string {
  const day = Math.floor((ms + CST_OFFSET) / DAY);
  let s = localDates.get(day);
  if (s === undefined) localDates.set(day, (s = new Date(day * DAY).toISOString().slice(0, 10)));
  return s;
}

/** The variables send_notification stores with a message, as the keys its templates use. */
export type MessageVariables = {
  "member.name": string;
  "member.tier": string;
  "member.points": number;
  "coupon.code"?: string;
  "coupon.name"?: string;
  "coupon.value"?: string;
  "coupon.validTo"?: string;
};

export function messageVariables(p: Profile, tierName: string, points: number, coupon: PlannedCoupon | null): MessageVariables {
  return coupon
    ? {
        "member.name": p.name, "member.tier": tierName, "member.points": points,
        "coupon.code": coupon.code, "coupon.name": coupon.template.name, "coupon.value": coupon.template.valueLabel, "coupon.validTo": localDate(coupon.validTo),
      }
    : { "member.name": p.name, "member.tier": tierName, "member.points": points };
}

/** Library text (tier and coupon names) may have been edited (codes: A–Z, 0–9 and "-" only): quoted as JSON, once per text. */
const quotedTexts = new Map<string, string>();
function quoted(text: string): string {
  let q = quotedTexts.get(text);
  if (q === undefined && quotedTexts.size < 10_000) quotedTexts.set(text, (q = JSON.stringify(text)));
  return q ?? JSON.stringify(text);
}

/** JSON.stringify(v): member names come from our own data files and need no escaping; library text is quoted. */
function variablesJson(v: MessageVariables): string {
  let s = `{"member.name":"${v["member.name"]}","member.tier":${quoted(v["member.tier"])},"member.points":${v["member.points"]}`;
  if (v["coupon.code"] !== undefined) {
    s += `,"coupon.code":"${v["coupon.code"]}","coupon.name":${quoted(v["coupon.name"]!)},"coupon.value":"${v["coupon.value"]}","coupon.validTo":"${v["coupon.validTo"]}"`;
  }
  return s + "}";
}

/**
 * The engine's renderer (server/engine/messaging/render.ts), compiled once per template text:
 * literal parts and variable names alternate; a missing variable renders empty. seed.test.ts
 * checks the sent texts against renderTemplate itself.
 */
const compiled = new Map<string, string[]>();
const variablePattern = /\{\{\s*([^}]*?)\s*\}\}/g;
function render(text: string, v: MessageVariables): string {
  let parts = compiled.get(text);
  if (parts === undefined) {
    parts = [];
    let last = 0;
    for (const m of text.matchAll(variablePattern)) {
      parts.push(text.slice(last, m.index), m[1]!);
      last = m.index + m[0].length;
    }
    parts.push(text.slice(last));
    compiled.set(text, parts);
  }
  let out = parts[0]!;
  for (let i = 1; i < parts.length; i += 2) {
    const value = Object.hasOwn(v, parts[i]!) ? v[parts[i] as keyof MessageVariables] : undefined;
    out += (value === undefined ? "" : String(value)) + parts[i + 1]!;
  }
  return out;
}

/**
 * One outbox row as the engine leaves it by the end of the history: suppressed without consent
 * or an address; otherwise deferred past quiet hours, then sent (the rendered text kept) or, now
 * and then, failed after every attempt (the template kept). Opens and clicks are stamped and
 * posted as events like the storefront's.
 */
export function writeMessage(
  ctx: SeedContext, p: Profile, template: MessageTemplateRef, createdAt: number, variables: MessageVariables, out: RowBuffer, events: MemberEventLog,
): number | null {
  const r = ctx.random;
  const anchor = ctx.anchor;
  if (createdAt <= anchor - OUTBOX_DAYS * DAY) return null;
  const id = ++ctx.ids.notification;
  const channel = template.channel;
  const json = variablesJson(variables);
  out.int(id).int(p.id).word(channel).raw(template.id);
  if (!reachable[channel](p)) {
    out.text(template.title).text(template.body).word("suppressed").ts(createdAt).nul().nul().nul().nul().word("no_consent").text(json).int(0).nul().ts(createdAt).end();
    return id;
  }
  const hour = localHour(createdAt);
  const quiet = hour >= QUIET_HOURS.from || hour < QUIET_HOURS.to;
  let scheduledFor = createdAt;
  if (quiet) {
    const end = localDayAt(createdAt, QUIET_HOURS.to);
    scheduledFor = (end > createdAt ? end : end + DAY) + r.int(0, 600) * 1000; // spread at the send rate, never a burst
  }
  const sentAt = scheduledFor + r.int(1, 5) * 1000;
  if (sentAt > anchor) {
    out.text(template.title).text(template.body).word(quiet ? "deferred" : "queued").ts(scheduledFor).nul().nul().nul().nul().nul().text(json).int(0).nul().ts(createdAt).end();
    return id;
  }
  if (r.chance(FAILED_SHARE)) {
    out.text(template.title).text(template.body).word("failed").ts(sentAt + 15 * 60_000).nul().nul().nul()
      .text(failures[channel]).nul().text(json).int(5).word(providers[channel]).ts(createdAt).end();
    return id;
  }
  const e = engagement[channel];
  let openedAt: number | null = null;
  let clickedAt: number | null = null;
  if (r.chance(e.open)) {
    openedAt = Math.floor(sentAt + r.exponential(3) * 3_600_000);
    if (openedAt > anchor) openedAt = null;
  }
  if ((openedAt !== null || e.open === 0) && r.chance(e.click)) {
    clickedAt = Math.floor((openedAt ?? sentAt) + 5_000 + r.exponential(2) * 60_000);
    if (clickedAt > anchor) clickedAt = null;
  }
  out.text(render(template.title, variables)).text(render(template.body, variables)).word("sent").ts(scheduledFor).ts(sentAt)
    .tsOpt(openedAt).tsOpt(clickedAt).nul().nul().text(json).int(1).word(providers[channel]).ts(createdAt).end();
  if (openedAt !== null) events.add(openedAt, "notification.opened", notificationProps(id));
  if (clickedAt !== null) events.add(clickedAt, "notification.clicked", notificationProps(id));
  return id;
}
