// Events a storefront posts, up to 100 a call, each with its own id (a replay is ignored) and its
// own verdict: valid items are taken, invalid ones are reported with field detail. Everything a
// batch changes happens in one transaction through the engine's one ingest path: orders become
// order rows and move the member's statistics, visits become visits, banner and notification
// responses are stamped, and then the flows react (triggers, response waits, goals).
import { z } from "zod";
import { raw, sharedPool, sql, withTransaction, type Tx } from "@/server/db/sql";
import { ingestEventsIn, type IngestEvent } from "@/server/events/ingest";
import { eventNameSchema } from "@/server/flows/kinds/shared";
import { earnForOrders, reverseForRefunds, type PlacedOrder } from "@/server/loyalty/points";
import { earnGrowth } from "@/server/loyalty/tiers/growth";
import { restageMembers } from "@/server/loyalty/lifecycle/evaluate";
import { addOrdersToStats, addVisitsToStats, subtractRefundsFromStats } from "@/server/members/stats";
import { text } from "@/server/text";
import { defineEndpoint } from "./endpoint";
import { fieldErrors, type FieldError } from "./problem";
import { cartItemSchema, externalIdSchema, moneySchema, timestampSchema } from "./schemas";

export const MAX_EVENTS_PER_POST = 100;
/** Events may be up to this far in the future (clock skew); older ones are fine (late delivery). */
const MAX_FUTURE_MS = 5 * 60_000;

const common = {
  id: text({ min: 1, max: 200 }).meta({ description: "Unique per event in your system: a replay with the same id is ignored", example: "evt_01JF3Z8K4T" }),
  member: externalIdSchema,
  occurredAt: timestampSchema
    .refine((v) => new Date(v).getTime() <= Date.now() + MAX_FUTURE_MS, { error: "Must not be in the future" })
    .optional()
    .meta({ description: "When it happened; defaults to when it arrives" }),
};
const channelSchema = z.enum(["app", "mini_program", "web", "store"]);
const idText = (description: string) => text({ min: 1, max: 100 }).meta({ description });

const orderPlaced = z
  .object({
    ...common,
    type: z.literal("order.placed"),
    order: z.object({
      id: idText("Your order id; an order is recorded once"),
      total: moneySchema.meta({ description: "What the member paid, after discounts", example: 278 }),
      discount: moneySchema.default(0).meta({ description: "Discounts taken off", example: 20 }),
      channel: channelSchema.default("app"),
      storeDistrict: text({ min: 1, max: 100 }).optional().meta({ description: "Business district of the store, for store orders" }),
      items: z.array(cartItemSchema).max(200).default([]),
      couponCodes: z.array(text({ min: 1, max: 64 })).max(10).default([]).meta({ description: "Codes used on the order (redeem them through the redeem call)" }),
    }),
  })
  .meta({ id: "OrderPlacedEvent" });

const orderRefunded = z
  .object({
    ...common,
    type: z.literal("order.refunded"),
    order: z.object({
      id: idText("The order's id, as posted with order.placed"),
      amount: moneySchema.refine((v) => v > 0, { error: "Must be more than 0" }).optional().meta({ description: "How much was refunded; the rest of the order when left out" }),
    }),
  })
  .meta({ id: "OrderRefundedEvent" });

const visit = z.object({ ...common, type: z.literal("visit"), channel: channelSchema.default("app"), district: text({ min: 1, max: 100 }).optional() }).meta({ id: "VisitEvent" });
const signIn = z.object({ ...common, type: z.literal("sign_in"), channel: channelSchema.default("app") }).meta({ id: "SignInEvent" });
const review = z
  .object({ ...common, type: z.literal("review"), sku: text({ min: 1, max: 64 }).optional(), rating: z.number().int().min(1).max(5).optional() })
  .meta({ id: "ReviewEvent" });
const share = z.object({ ...common, type: z.literal("share"), target: text({ min: 1, max: 50 }).optional().meta({ example: "wechat" }) }).meta({ id: "ShareEvent" });
const notificationResponse = (type: "notification.opened" | "notification.clicked") =>
  z.object({ ...common, type: z.literal(type), notificationId: idText("The notification's id, from the message or webhook") }).meta({ id: type === "notification.opened" ? "NotificationOpenedEvent" : "NotificationClickedEvent" });
const bannerResponse = (type: "banner.shown" | "banner.clicked") =>
  z.object({ ...common, type: z.literal(type), bannerId: idText("The banner's id, from the wallet") }).meta({ id: type === "banner.shown" ? "BannerShownEvent" : "BannerClickedEvent" });

/** Names a custom event may not take: the typed events' own, which carry meaning here. */
const reservedNames = new Set(["order.placed", "order.refunded", "visit", "sign_in", "review", "share", "notification.opened", "notification.clicked", "banner.shown", "banner.clicked", "coupon.redeemed", "coupon.redemption_rolled_back", "member.registered"]);
const custom = z
  .object({
    ...common,
    type: z.literal("custom"),
    name: eventNameSchema.max(100).refine((n) => !reservedNames.has(n), { error: "This name belongs to a typed event; post that type instead" }).meta({ example: "wishlist.added" }),
    properties: z
      .record(text({ min: 1, max: 64 }), z.union([text({ max: 1000, trim: false }), z.number(), z.boolean(), z.null()]))
      .refine((p) => Object.keys(p).length <= 50, { error: "At most 50 properties" })
      .default({})
      .meta({ description: "Flat values flows can test", example: { sku: "SKU-10023" } }),
  })
  .meta({ id: "CustomEvent" });

export const storefrontEventSchema = z
  .discriminatedUnion("type", [orderPlaced, orderRefunded, visit, signIn, review, share, notificationResponse("notification.opened"), notificationResponse("notification.clicked"), bannerResponse("banner.shown"), bannerResponse("banner.clicked"), custom], {
    error: "Unknown event type",
  })
  .meta({ id: "StorefrontEvent" });
export type StorefrontEvent = z.infer<typeof storefrontEventSchema>;

const resultSchema = z
  .object({
    index: z.number().int(),
    id: z.string().nullable(),
    status: z.enum(["accepted", "duplicate", "rejected"]).meta({ description: "`duplicate`: this id (or this order) was seen before and nothing changed" }),
    reason: z.string().optional().meta({ description: "For rejected items: `validation_failed`, `member_not_found`, `order_not_found`, `refund_exceeds_order`" }),
    errors: z.array(z.object({ path: z.string(), message: z.string(), code: z.string() })).optional(),
  })
  .meta({ id: "EventResult" });

const batchResultSchema = z
  .object({
    accepted: z.number().int(),
    duplicates: z.number().int(),
    rejected: z.number().int(),
    results: z.array(resultSchema).meta({ description: "One per posted event, in order" }),
  })
  .meta({ id: "EventBatchResult" });
type Result = z.infer<typeof resultSchema>;

type Item = { index: number; event: StorefrontEvent; memberId: number; occurredAt: Date };

const reject = (index: number, id: string | null, reason: string, errors?: FieldError[]): Result => ({ index, id, status: "rejected", reason, ...(errors ? { errors } : {}) });

/** Validates the items one by one and resolves members; returns the items to take and the verdicts so far. */
async function triage(tx: Tx, raw: unknown[], now: Date) {
  const results: (Result | undefined)[] = new Array(raw.length);
  const parsed: { index: number; event: StorefrontEvent }[] = [];
  const seen = new Set<string>();
  raw.forEach((item, index) => {
    const result = storefrontEventSchema.safeParse(item);
    const id = typeof (item as { id?: unknown } | null)?.id === "string" ? ((item as { id: string }).id.slice(0, 200)) : null;
    if (!result.success) results[index] = reject(index, id, "validation_failed", fieldErrors(result.error, `body.events.${index}`));
    else if (seen.has(result.data.id)) results[index] = { index, id: result.data.id, status: "duplicate" };
    else {
      seen.add(result.data.id);
      parsed.push({ index, event: result.data });
    }
  });
  const externalIds = [...new Set(parsed.map((p) => p.event.member))];
  const members = externalIds.length
    ? await tx.query<{ id: number; external_id: string }>(sql`SELECT id, external_id FROM members WHERE external_id = ANY(${externalIds}::text[])`)
    : [];
  const byExternal = new Map(members.map((m) => [m.external_id, m.id]));
  const items: Item[] = [];
  for (const p of parsed) {
    const memberId = byExternal.get(p.event.member);
    if (memberId === undefined) {
      results[p.index] = reject(p.index, p.event.id, "member_not_found", [{ path: `body.events.${p.index}.member`, message: `No member with external id ${p.event.member}; create it with PUT /members/{externalId}`, code: "not_found" }]);
    } else items.push({ index: p.index, event: p.event, memberId, occurredAt: p.event.occurredAt ? new Date(p.event.occurredAt) : now });
  }
  return { results, items };
}

/** Order ids already recorded (an order is taken once, whatever event id carries it). */
async function knownOrders(tx: Tx, items: Item[]) {
  const ids = items.flatMap((i) => (i.event.type === "order.placed" || i.event.type === "order.refunded" ? [i.event.order.id] : []));
  if (ids.length === 0) return new Map<string, { id: number; member_id: number; placed_at: Date; total_amount: number; refunded_amount: number }>();
  const rows = await tx.query<{ external_id: string; id: number; member_id: number; placed_at: Date; total_amount: number; refunded_amount: number }>(sql`
    SELECT external_id, id, member_id, placed_at, total_amount, refunded_amount FROM orders WHERE external_id = ANY(${ids}::text[]) FOR UPDATE`);
  return new Map(rows.map((r) => [r.external_id, r]));
}

function propertiesOf(event: StorefrontEvent, products: Map<string, { id: number; category_id: number }>): Record<string, unknown> {
  switch (event.type) {
    case "order.placed": {
      const o = event.order;
      return {
        orderId: o.id,
        amount: o.total,
        discount: o.discount,
        channel: o.channel,
        itemCount: o.items.reduce((n, i) => n + i.quantity, 0),
        skus: o.items.map((i) => i.sku),
        productIds: o.items.flatMap((i) => (products.has(i.sku) ? [products.get(i.sku)!.id] : [])),
        categoryIds: [...new Set(o.items.flatMap((i) => (products.has(i.sku) ? [products.get(i.sku)!.category_id] : [])))],
        couponCodes: o.couponCodes,
      };
    }
    case "order.refunded":
      return { orderId: event.order.id, amount: event.order.amount ?? null };
    case "visit":
      return { channel: event.channel, district: event.district ?? null };
    case "sign_in":
      return { channel: event.channel };
    case "review":
      return { sku: event.sku ?? null, rating: event.rating ?? null };
    case "share":
      return { target: event.target ?? null };
    case "notification.opened":
    case "notification.clicked":
      return { notificationId: event.notificationId };
    case "banner.shown":
    case "banner.clicked":
      return { bannerId: event.bannerId };
    case "custom":
      return event.properties;
  }
}

const nameOf = (event: StorefrontEvent) => (event.type === "custom" ? event.name : event.type);

export async function postEvents(storefrontId: string, raw: unknown[], now: Date) {
  return withTransaction(sharedPool(), async (tx) => {
    const { results, items } = await triage(tx, raw, now);
    const orders = await knownOrders(tx, items);
    const taken: Item[] = [];
    const refunds = new Map<Item, RefundTaken>();
    const newOrderIds = new Set<string>();
    for (const item of items) {
      const { event, index } = item;
      if (event.type === "order.placed") {
        if (orders.has(event.order.id) || newOrderIds.has(event.order.id)) {
          results[index] = { index, id: event.id, status: "duplicate" };
          continue;
        }
        newOrderIds.add(event.order.id);
      }
      if (event.type === "order.refunded") {
        const order = orders.get(event.order.id);
        if (!order || order.member_id !== item.memberId) {
          results[index] = reject(index, event.id, "order_not_found", [{ path: `body.events.${index}.order.id`, message: `No order ${event.order.id} of this member`, code: "not_found" }]);
          continue;
        }
        const left = Math.round((order.total_amount - order.refunded_amount) * 100) / 100;
        const amount = event.order.amount ?? left;
        if (amount > left || left <= 0) {
          results[index] = reject(index, event.id, "refund_exceeds_order", [{ path: `body.events.${index}.order.amount`, message: `At most ${left} is left to refund`, code: "too_big" }]);
          continue;
        }
        const refundedBefore = order.refunded_amount;
        order.refunded_amount += amount; // a second refund in the same batch sees this one
        refunds.set(item, {
          orderId: order.id,
          memberId: item.memberId,
          placedAt: order.placed_at,
          amount,
          removed: order.refunded_amount >= order.total_amount,
          total: order.total_amount,
          refundedBefore,
          refundedAfter: order.refunded_amount,
        });
      }
      taken.push(item);
    }

    const skus = [...new Set(taken.flatMap((i) => (i.event.type === "order.placed" ? i.event.order.items.map((x) => x.sku) : [])))];
    const productRows = skus.length ? await tx.query<{ sku: string; id: number; category_id: number }>(sql`SELECT sku, id, category_id FROM products WHERE sku = ANY(${skus}::text[])`) : [];
    const products = new Map(productRows.map((p) => [p.sku, p]));
    const byEventId = new Map(taken.map((i) => [i.event.id, i]));
    const toIngest: IngestEvent[] = taken.map((i) => ({ id: i.event.id, memberId: i.memberId, name: nameOf(i.event), occurredAt: i.occurredAt, properties: propertiesOf(i.event, products) }));

    const accepted = new Set<string>();
    const loyaltyEvents: IngestEvent[] = [];
    await ingestEventsIn(tx, toIngest, {
      source: storefrontId,
      now,
      apply: async (tx, fresh) => {
        for (const f of fresh) accepted.add(f.eventId);
        const freshItems = fresh.map((f) => byEventId.get(f.eventId)!);
        const placed = await recordOrders(tx, freshItems, products, now);
        const refundList = freshItems.flatMap((i) => (refunds.has(i) ? [refunds.get(i)!] : []));
        await recordRefunds(tx, refundList, now);
        // Points: orders earn (once per order), refunds take back what their order earned.
        loyaltyEvents.push(...(await earnForOrders(tx, placed, now)));
        await reverseForRefunds(tx, refundList, now);
        // Growth value: orders, refunds and task events (sign-in, review …); upgrades at once.
        loyaltyEvents.push(...(await earnGrowth(tx, { orders: placed, refunds: refundList, events: fresh }, now)));
        // Lifecycle: members whose orders or refunds arrived are re-staged at once (lifecycle.changed),
        // the evaluation named by this batch's first recorded event.
        const moved = [...placed.map((p) => p.memberId), ...refundList.map((r) => r.memberId)];
        loyaltyEvents.push(...(await restageMembers(tx, moved, now, `events:${Math.min(...fresh.map((f) => f.id))}`)));
        await recordVisits(tx, freshItems, now);
        await stampResponses(tx, freshItems);
      },
    });
    // What the orders earned and the stages they moved reach the flows through the same path
    // (points.earned, tier.changed, lifecycle.changed).
    if (loyaltyEvents.length > 0) await ingestEventsIn(tx, loyaltyEvents, { now });
    // The ids ingestion recorded for the first time; the other taken ones are replays.
    for (const item of taken) results[item.index] = { index: item.index, id: item.event.id, status: accepted.has(item.event.id) ? "accepted" : "duplicate" };
    const list = results.map((r, index) => r ?? reject(index, null, "validation_failed"));
    return {
      accepted: list.filter((r) => r.status === "accepted").length,
      duplicates: list.filter((r) => r.status === "duplicate").length,
      rejected: list.filter((r) => r.status === "rejected").length,
      results: list,
    };
  });
}

type RefundTaken = { orderId: number; memberId: number; placedAt: Date; amount: number; removed: boolean; total: number; refundedBefore: number; refundedAfter: number };

async function recordOrders(tx: Tx, items: Item[], products: Map<string, { id: number; category_id: number }>, now: Date): Promise<PlacedOrder[]> {
  const placed = items.flatMap((i) => (i.event.type === "order.placed" ? [{ item: i, order: i.event.order }] : []));
  if (placed.length === 0) return [];
  const codes = [...new Set(placed.flatMap((p) => p.order.couponCodes))];
  const coupons = codes.length ? await tx.query<{ id: string; code: string; member_id: number }>(sql`SELECT id, code, member_id FROM coupons WHERE code = ANY(${codes}::text[])`) : [];
  const couponOf = (p: (typeof placed)[number]) => p.order.couponCodes.map((c) => coupons.find((x) => x.code === c && x.member_id === p.item.memberId)?.id).find(Boolean) ?? null;
  const rows = await tx.query<{ id: number; external_id: string }>(sql`
    INSERT INTO orders (external_id, member_id, placed_at, total_amount, discount_amount, channel, store_district, coupon_id)
    SELECT * FROM unnest(${placed.map((p) => p.order.id)}::text[], ${placed.map((p) => p.item.memberId)}::int[], ${placed.map((p) => p.item.occurredAt.toISOString())}::timestamptz[],
                         ${placed.map((p) => p.order.total)}::numeric[], ${placed.map((p) => p.order.discount)}::numeric[], ${placed.map((p) => p.order.channel)}::text[],
                         ${placed.map((p) => p.order.storeDistrict ?? null)}::text[], ${placed.map(couponOf)}::text[])
    ON CONFLICT (external_id) DO NOTHING
    RETURNING id, external_id`);
  const orderIds = new Map(rows.map((r) => [r.external_id, r.id]));
  const lines = placed.flatMap((p) =>
    orderIds.has(p.order.id)
      ? p.order.items.flatMap((line) => {
          const product = products.get(line.sku);
          return product ? [{ orderId: orderIds.get(p.order.id)!, memberId: p.item.memberId, product, placedAt: p.item.occurredAt, line }] : [];
        })
      : [],
  );
  if (lines.length > 0) {
    await tx.execute(sql`
      INSERT INTO order_items (order_id, member_id, product_id, category_id, placed_at, quantity, unit_price, amount)
      SELECT * FROM unnest(${lines.map((l) => l.orderId)}::int[], ${lines.map((l) => l.memberId)}::int[], ${lines.map((l) => l.product.id)}::int[],
                           ${lines.map((l) => l.product.category_id)}::int[], ${lines.map((l) => l.placedAt.toISOString())}::timestamptz[],
                           ${lines.map((l) => l.line.quantity)}::int[], ${lines.map((l) => l.line.unitPrice)}::numeric[], ${lines.map((l) => l.line.quantity * l.line.unitPrice)}::numeric[])`);
  }
  const recorded = placed.filter((p) => orderIds.has(p.order.id));
  await addOrdersToStats(tx, recorded.map((p) => ({ memberId: p.item.memberId, placedAt: p.item.occurredAt, amount: p.order.total })), now);
  return recorded.map((p) => ({ orderId: orderIds.get(p.order.id)!, externalId: p.order.id, memberId: p.item.memberId, paid: p.order.total }));
}

async function recordRefunds(tx: Tx, refunds: RefundTaken[], now: Date) {
  if (refunds.length === 0) return;
  await tx.execute(sql`
    UPDATE orders o SET refunded_amount = o.refunded_amount + u.amount, refunded_at = ${now}
    FROM (SELECT order_id, sum(amount) AS amount FROM unnest(${refunds.map((r) => r.orderId)}::int[], ${refunds.map((r) => r.amount)}::numeric[]) AS x(order_id, amount) GROUP BY order_id) u
    WHERE o.id = u.order_id`);
  await subtractRefundsFromStats(tx, refunds, now);
}

async function recordVisits(tx: Tx, items: Item[], now: Date) {
  const visits = items.flatMap((i) => (i.event.type === "visit" ? [{ memberId: i.memberId, visitedAt: i.occurredAt, channel: i.event.channel, district: i.event.district ?? null }] : []));
  if (visits.length === 0) return;
  await tx.execute(sql`
    INSERT INTO visits (member_id, visited_at, channel, district)
    SELECT * FROM unnest(${visits.map((v) => v.memberId)}::int[], ${visits.map((v) => v.visitedAt.toISOString())}::timestamptz[], ${visits.map((v) => v.channel)}::text[], ${visits.map((v) => v.district)}::text[])`);
  await addVisitsToStats(tx, visits, now);
}

/** Banner and notification responses stamp the row they answer (first time only; the member's own rows only). */
async function stampResponses(tx: Tx, items: Item[]) {
  const stamps: { table: "banners" | "notifications"; column: "shown_at" | "clicked_at" | "opened_at"; id: string; memberId: number; at: Date }[] = [];
  for (const i of items) {
    const e = i.event;
    if (e.type === "banner.shown" || e.type === "banner.clicked") stamps.push({ table: "banners", column: e.type === "banner.shown" ? "shown_at" : "clicked_at", id: e.bannerId, memberId: i.memberId, at: i.occurredAt });
    if (e.type === "notification.opened" || e.type === "notification.clicked")
      stamps.push({ table: "notifications", column: e.type === "notification.opened" ? "opened_at" : "clicked_at", id: e.notificationId, memberId: i.memberId, at: i.occurredAt });
  }
  for (const table of ["banners", "notifications"] as const) {
    for (const column of ["shown_at", "opened_at", "clicked_at"] as const) {
      const group = stamps.filter((s) => s.table === table && s.column === column && /^\d{1,18}$/.test(s.id));
      if (group.length === 0) continue;
      await tx.execute(sql`
        UPDATE ${raw(table)} t SET ${raw(column)} = coalesce(t.${raw(column)}, u.at)
        FROM unnest(${group.map((s) => s.id)}::bigint[], ${group.map((s) => s.memberId)}::int[], ${group.map((s) => s.at.toISOString())}::timestamptz[]) AS u(id, member_id, at)
        WHERE t.id = u.id AND t.member_id = u.member_id`);
    }
  }
}

export const postEventsEndpoint = defineEndpoint({
  operationId: "postEvents",
  method: "POST",
  path: "/events",
  tag: "Events",
  summary: "Post a batch of member events",
  description:
    `Up to ${MAX_EVENTS_PER_POST} typed events, each with an id: a replayed id is ignored (\`duplicate\`). Each item gets its own verdict — valid ones are taken, ` +
    "invalid ones are reported with field detail — so one bad item never loses the others. Orders become order rows and move the member's statistics at once; " +
    "refunds take their amount out of spend; every event reaches the flows in the same transaction (triggers, response waits, goals).",
  scope: "events:write",
  // Items are checked one by one (each gets its own verdict), so the envelope takes any item; the
  // document shows what each item is checked against.
  body: z.object({ events: z.array(z.unknown()).min(1, { error: "Send at least one event" }).max(MAX_EVENTS_PER_POST, { error: `At most ${MAX_EVENTS_PER_POST} events a call` }) }),
  documentedBody: z.object({ events: z.array(storefrontEventSchema).min(1).max(MAX_EVENTS_PER_POST) }).meta({ id: "EventBatch" }),
  success: { statuses: { 200: "Each event's verdict" }, schema: batchResultSchema },
  problems: ["validation_failed"],
  async handle({ key, body, now }) {
    return { status: 200, body: await postEvents(key.id, body.events, now) };
  },
});
