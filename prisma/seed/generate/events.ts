// Member events: what the storefronts posted about a member (and the system recorded), in the
// names and property shapes the ingestion path writes (server/storefront/events.ts, the redeem
// call in server/storefront/coupons.ts, the members upsert), so audience rules ("did
// product.viewed where categoryId = 3"), event triggers and response waits find them.
//
// Events exist for the recent past only, as if the storefronts were connected EVENT_DAYS ago
// (older history came in by import, without events): orders, visits, coupons, messages,
// points and tiers for EVENT_DAYS; browsing telemetry (page and product views, carts,
// wishlists, shares) for the last BROWSE_EVENT_DAYS, which is where it matters for targeting
// and where its volume stays affordable on a million members.
import type { RowBuffer } from "../copy";
import { DAY, type ProductRef, type SeedContext } from "./context";

export const EVENT_DAYS = 60;
export const BROWSE_EVENT_DAYS = 30;
/** member_events.source of the generated events: the demo storefront's. */
export const EVENT_SOURCE = "demo_storefront";

export const MEMBER_EVENT_COLUMNS = ["id", "source", "event_id", "member_id", "name", "properties", "occurred_at", "received_at"] as const;

type Pending = { at: number; name: string; props: string; eventId: string | null };

/** One member's events, collected in any order and written in time order. */
export class MemberEventLog {
  readonly from: number;
  readonly browseFrom: number;
  private readonly list: Pending[] = [];

  constructor(private readonly ctx: SeedContext) {
    this.from = ctx.anchor - EVENT_DAYS * DAY;
    this.browseFrom = ctx.anchor - BROWSE_EVENT_DAYS * DAY;
  }

  /** Whether an instant falls into the event history. */
  covers(at: number): boolean {
    return at > this.from && at <= this.ctx.anchor;
  }

  browses(at: number): boolean {
    return at > this.browseFrom && at <= this.ctx.anchor;
  }

  /** `props` is the JSON object text; `eventId` the id the poster gave (default: a serial one). */
  add(at: number, name: string, props: string, eventId: string | null = null): void {
    if (this.covers(at)) this.list.push({ at: Math.floor(at / 1000) * 1000, name, props, eventId });
  }

  write(memberId: number, out: RowBuffer): void {
    if (this.list.length === 0) return;
    this.list.sort((a, b) => a.at - b.at);
    for (const e of this.list) {
      const id = ++this.ctx.ids.event;
      out.int(id).word(EVENT_SOURCE);
      if (e.eventId === null) out.code("evt_", id, 10);
      else out.raw(e.eventId);
      out.int(memberId).word(e.name).raw(e.props).ts(e.at).ts(e.at + 1000).end();
    }
    this.list.length = 0;
  }
}

// ── Property shapes (JSON text; every value is ours: SKUs, codes, numbers, known words) ──

/** Yuan as a JSON number from cents (278.5, not "278.50"): what JSON.stringify of the posted body gives. */
export const yuan = (cents: number): string => String(cents / 100);
const str = (s: string | null): string => (s === null ? "null" : `"${s}"`);

export const productProps = (p: ProductRef, channel: string): string =>
  `{"sku":"${p.sku}","productId":${p.id},"categoryId":${p.categoryId},"price":${yuan(p.priceCents)},"channel":"${channel}"}`;

export const cartProps = (p: ProductRef, quantity: number, channel: string): string =>
  `{"sku":"${p.sku}","productId":${p.id},"categoryId":${p.categoryId},"price":${yuan(p.priceCents)},"quantity":${quantity},"channel":"${channel}"}`;

export const visitProps = (channel: string, district: string | null): string => `{"channel":"${channel}","district":${str(district)}}`;

export const pageProps = (page: string, channel: string): string => `{"page":"${page}","channel":"${channel}"}`;

export type OrderLine = { product: ProductRef; quantity: number };

/** order.placed as postEvents records it (propertiesOf in server/storefront/events.ts). */
export function orderProps(o: { externalId: string; paidCents: number; discountCents: number; channel: string; lines: readonly OrderLine[]; couponCode: string | null }): string {
  let items = 0;
  const skus: string[] = [];
  const productIds: number[] = [];
  const categoryIds: number[] = [];
  for (const l of o.lines) {
    items += l.quantity;
    skus.push(`"${l.product.sku}"`);
    productIds.push(l.product.id);
    if (!categoryIds.includes(l.product.categoryId)) categoryIds.push(l.product.categoryId);
  }
  return (
    `{"orderId":"${o.externalId}","amount":${yuan(o.paidCents)},"discount":${yuan(o.discountCents)},"channel":"${o.channel}","itemCount":${items},` +
    `"skus":[${skus.join(",")}],"productIds":[${productIds.join(",")}],"categoryIds":[${categoryIds.join(",")}],"couponCodes":[${o.couponCode === null ? "" : `"${o.couponCode}"`}]}`
  );
}

/** coupon.redeemed as the redeem call records it. */
export const redeemedProps = (c: { id: string; code: string; templateId: string }, discountCents: number, cartCents: number, orderId: string): string =>
  `{"couponId":"${c.id}","code":"${c.code}","templateId":"${c.templateId}","flowId":null,"discount":${yuan(discountCents)},"cartTotal":${yuan(cartCents)},"orderId":"${orderId}"}`;

export const couponClickProps = (c: { id: string; code: string; templateId: string }, channel: string): string =>
  `{"couponId":"${c.id}","code":"${c.code}","templateId":"${c.templateId}","channel":"${channel}"}`;

export const notificationProps = (id: number): string => `{"notificationId":"${id}"}`;
