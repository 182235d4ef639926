// Storefront webhook subscriptions (Settings, admins): a URL, the topics it hears and a signing
// secret shown once at creation. Deliveries are listed with every attempt; one can be sent again.
import { randomBytes } from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import { z } from "zod";
import { DomainError } from "@/server/errors";
import { text } from "@/server/text";
import { deliveryStatuses, PING_TOPIC, webhookTopics } from "./topics";

export const createWebhookInput = z.object({
  name: text({ min: 1, max: 80 }).refine((v) => v.trim().length > 0, { error: "Give the webhook a name" }),
  url: z
    .url({ protocol: /^https?$/, error: "Use an http:// or https:// address" })
    .max(2_000, { error: "At most 2,000 characters" }),
  topics: z
    .array(z.enum(webhookTopics, { error: `Topics are: ${webhookTopics.join(", ")}` }))
    .min(1, { error: "Pick at least one topic" }),
});

const idInput = z.string().min(1).max(100);
export const webhookIdInput = z.object({ id: idInput });
export const deliveriesInput = z.object({
  webhookId: idInput,
  status: z.enum(deliveryStatuses).optional(),
  /** Deliveries older than this id (the list's next page). */
  before: z.string().regex(/^\d+$/).optional(),
  limit: z.number().int().min(1).max(100).default(20),
});
export const deliveryIdInput = z.object({ id: z.string().regex(/^\d+$/, { error: "Not a delivery id" }) });

type Actor = { actor?: string };

export async function createStorefrontWebhook(db: PrismaClient, raw: z.input<typeof createWebhookInput>, { actor = "cli" }: Actor = {}) {
  const input = createWebhookInput.parse(raw);
  const secret = `whsec_${randomBytes(24).toString("base64url")}`;
  return db.$transaction(async (tx) => {
    const webhook = await tx.storefrontWebhook.create({ data: { name: input.name.trim(), url: input.url, secret, topics: [...new Set(input.topics)] } });
    await tx.auditLog.create({ data: { actor, action: "webhook.create", entityType: "storefront_webhook", entityId: webhook.id, details: { url: input.url, topics: webhook.topics } } });
    return { id: webhook.id, name: webhook.name, url: webhook.url, topics: webhook.topics, secret };
  });
}

/** Subscriptions with their delivery figures: waiting events, deliveries by status, the last attempt. */
export async function listStorefrontWebhooks(db: PrismaClient) {
  const [webhooks, byStatus, waiting, lastAttempts] = await Promise.all([
    db.storefrontWebhook.findMany({
      orderBy: { createdAt: "desc" },
      select: { id: true, name: true, url: true, topics: true, createdAt: true, disabledAt: true, disabledReason: true },
    }),
    db.storefrontWebhookDelivery.groupBy({ by: ["webhookId", "status"], _count: { _all: true } }),
    db.storefrontWebhookEvent.groupBy({ by: ["webhookId"], where: { deliveryId: null }, _count: { _all: true } }),
    db.$queryRaw<{ webhook_id: string; started_at: Date; response_status: number | null; error: string | null }[]>`
      SELECT DISTINCT ON (d.webhook_id) d.webhook_id, a.started_at, a.response_status, a.error
      FROM storefront_webhook_attempts a JOIN storefront_webhook_deliveries d ON d.id = a.delivery_id
      ORDER BY d.webhook_id, a.started_at DESC`,
  ]);
  return webhooks.map((webhook) => {
    const counts = Object.fromEntries(deliveryStatuses.map((s) => [s, 0])) as Record<(typeof deliveryStatuses)[number], number>;
    for (const row of byStatus) if (row.webhookId === webhook.id) counts[row.status as keyof typeof counts] = row._count._all;
    const last = lastAttempts.find((a) => a.webhook_id === webhook.id);
    return {
      ...webhook,
      deliveries: counts,
      waitingEvents: waiting.find((w) => w.webhookId === webhook.id)?._count._all ?? 0,
      lastAttempt: last ? { at: last.started_at, responseStatus: last.response_status, error: last.error } : null,
    };
  });
}

async function existing(db: PrismaClient, id: string) {
  const webhook = await db.storefrontWebhook.findUnique({ where: { id } });
  if (!webhook) throw new DomainError("not_found", `No webhook ${id}`);
  return webhook;
}

/** Turns a subscription off (nothing is queued or sent for it) or on again (what waited is sent). */
export async function setWebhookEnabled(db: PrismaClient, id: string, enabled: boolean, { actor = "cli" }: Actor = {}) {
  await existing(db, id);
  return db.$transaction(async (tx) => {
    const webhook = await tx.storefrontWebhook.update({
      where: { id },
      data: enabled ? { disabledAt: null, disabledReason: null } : { disabledAt: new Date(), disabledReason: "Turned off in Settings" },
    });
    await tx.auditLog.create({ data: { actor, action: enabled ? "webhook.enable" : "webhook.disable", entityType: "storefront_webhook", entityId: id, details: {} } });
    return { id: webhook.id, disabledAt: webhook.disabledAt };
  });
}

/** Queues a `webhook.ping` event for the subscription: the next sender pass delivers it. */
export async function sendTestEvent(db: PrismaClient, id: string) {
  const webhook = await existing(db, id);
  if (webhook.disabledAt) throw new DomainError("conflict", "Turn the webhook on before sending a test");
  const event = await db.storefrontWebhookEvent.create({ data: { webhookId: id, topic: PING_TOPIC, objectId: `ping-${randomBytes(8).toString("hex")}` } });
  return { eventId: `evt_${event.id}` };
}

/** A subscription's deliveries, newest first, each with its attempts and the events it carries. */
export async function listDeliveries(db: PrismaClient, raw: z.input<typeof deliveriesInput>) {
  const input = deliveriesInput.parse(raw);
  const rows = await db.storefrontWebhookDelivery.findMany({
    where: { webhookId: input.webhookId, ...(input.status ? { status: input.status } : {}), ...(input.before ? { id: { lt: BigInt(input.before) } } : {}) },
    orderBy: { id: "desc" },
    take: input.limit + 1,
    include: { attemptLog: { orderBy: { attempt: "asc" } } },
  });
  const page = rows.slice(0, input.limit);
  return {
    deliveries: page.map((d) => ({
      id: d.id.toString(),
      status: d.status,
      eventCount: d.eventCount,
      attempts: d.attempts,
      createdAt: d.createdAt,
      nextAttemptAt: d.status === "pending" ? d.nextAttemptAt : null,
      deliveredAt: d.deliveredAt,
      body: d.body,
      attemptLog: d.attemptLog.map((a) => ({
        attempt: a.attempt,
        startedAt: a.startedAt,
        durationMs: a.durationMs,
        responseStatus: a.responseStatus,
        responseExcerpt: a.responseExcerpt,
        error: a.error,
      })),
    })),
    nextBefore: rows.length > input.limit ? page[page.length - 1]!.id.toString() : null,
  };
}

/**
 * Sends a delivered or given-up delivery once more, now (the same body and event ids, so a
 * receiver that already has it can tell). One attempt: if it fails again it stays failed.
 */
export async function redeliver(db: PrismaClient, deliveryId: string, { actor = "cli" }: Actor = {}) {
  const id = BigInt(deliveryId);
  return db.$transaction(async (tx) => {
    const delivery = await tx.storefrontWebhookDelivery.findUnique({ where: { id } });
    if (!delivery) throw new DomainError("not_found", `No delivery ${deliveryId}`);
    if (delivery.status === "pending" || delivery.status === "sending") throw new DomainError("conflict", "This delivery is still being sent");
    const updated = await tx.storefrontWebhookDelivery.update({
      where: { id },
      data: { status: "pending", nextAttemptAt: new Date(), attemptLimit: delivery.attempts + 1 },
    });
    await tx.auditLog.create({ data: { actor, action: "webhook.redeliver", entityType: "storefront_webhook", entityId: delivery.webhookId, details: { delivery: deliveryId } } });
    return { id: updated.id.toString(), status: updated.status };
  });
}
