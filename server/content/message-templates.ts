// The message template library: templates per channel made here or written inline in a flow
// (which then live here too), edited, archived (flows that use one keep sending it), and shown
// with their figures (sent, opened, clicked) and the flows that use them. The preview renders a
// text for one real member with exactly the values the engine would send it with: it runs the
// send_notification executor itself, in a transaction that is always rolled back.
import type { PrismaClient } from "@prisma/client";
import { raw as rawSql, runnerFor, sql, type Pool, type Tx } from "@/server/db/sql";
import { DomainError } from "@/server/errors";
import { defaultFlowSettings, type FlowNodeOf } from "@/server/flows/definition";
import { execute as sendNotificationExecutor } from "@/server/flows/kinds/send_notification/execute";
import type { EffectWriter } from "@/server/engine/effects";
import { renderTemplate, smsSegments, type TemplateVariables } from "@/server/engine/messaging/render";
import {
  inlineMessageTemplateId,
  messagePreviewInput,
  messageTemplateInput,
  notificationVariables,
  type Channel,
  type MessageTemplateInput,
} from "./message-template-schema";
import { flowsUsingLibrary, refuseFlowOwnEdit, type FlowUse } from "./flow-usage";

export { inlineMessageTemplateId };

type Actor = { actor?: string };

export async function createMessageTemplate(db: PrismaClient, raw: MessageTemplateInput, { actor = "cli" }: Actor = {}) {
  const input = messageTemplateInput.parse(raw);
  return db.$transaction(async (tx) => {
    const template = await tx.notificationTemplate.create({
      data: { name: input.name, description: input.description, channel: input.channel, title: input.title, body: input.body },
      select: { id: true, name: true, channel: true },
    });
    await tx.auditLog.create({ data: { actor, action: "message_template.create", entityType: "notification_template", entityId: template.id, details: { name: template.name, channel: template.channel } } });
    return template;
  });
}

/**
 * Saves an edit. Messages already in the outbox keep their own copy of the text; flows that use the
 * template send the new text from now on. A template a flow wrote inline is that flow's: its text
 * is edited in the flow (a republish would overwrite it here), only its name and description here.
 * The channel cannot change while flows use the template (their nodes send on its channel).
 */
export async function updateMessageTemplate(db: PrismaClient, id: string, raw: MessageTemplateInput, { actor = "cli" }: Actor = {}) {
  const input = messageTemplateInput.parse(raw);
  const usedBy = (await flowsUsingMessageTemplates(db, [id])).get(id) ?? [];
  return db.$transaction(async (tx) => {
    const [current] = await tx.$queryRaw<{ channel: Channel; title: string; body: string; source_flow_id: string | null }[]>`
      SELECT channel::text AS channel, title, body, source_flow_id FROM notification_templates WHERE id = ${id} FOR UPDATE`;
    if (!current) throw new DomainError("not_found", `No message template ${id}`);
    const changed = (["channel", "title", "body"] as const).filter((field) => current[field] !== input[field]);
    refuseFlowOwnEdit(current.source_flow_id, changed, ["channel", "title", "body"]);
    if (changed.includes("channel") && usedBy.length > 0) {
      throw new DomainError("invalid", `Flows use this template on its channel: ${usedBy.map((f) => f.name).join(", ")}`, { field: "channel", flows: usedBy.map((f) => f.id) });
    }
    await tx.notificationTemplate.update({
      where: { id },
      data: { name: input.name, description: input.description, channel: input.channel, title: input.title, body: input.body, updatedAt: new Date() },
    });
    await tx.auditLog.create({ data: { actor, action: "message_template.update", entityType: "notification_template", entityId: id, details: { changed: ["name", "description", ...changed] } } });
    return { id, changed };
  });
}

export async function setMessageTemplateArchived(db: PrismaClient, id: string, archived: boolean, { actor = "cli" }: Actor = {}) {
  return db.$transaction(async (tx) => {
    const found = await tx.notificationTemplate.findUnique({ where: { id }, select: { id: true } });
    if (!found) throw new DomainError("not_found", `No message template ${id}`);
    const template = await tx.notificationTemplate.update({ where: { id }, data: { archivedAt: archived ? new Date() : null, updatedAt: new Date() }, select: { id: true, archivedAt: true } });
    await tx.auditLog.create({ data: { actor, action: archived ? "message_template.archive" : "message_template.unarchive", entityType: "notification_template", entityId: id, details: {} } });
    return template;
  });
}

/** A flow's inline message, as publish hands it over. */
export type InlineMessage = { nodeId: string; channel: Channel; title: string; body: string };

/**
 * On publish: every inline message of the definition becomes (or updates) its flow's own template
 * in the library (id `flow_<flowId>_<nodeId>`), so it is listed, counted and previewed like the
 * others. A new one is named after its flow; a rename in the library is kept on republish, and an
 * archived one stays archived.
 */
export async function syncInlineMessageTemplates(tx: Tx, flowId: string, inline: InlineMessage[]) {
  for (const message of inline) {
    const id = inlineMessageTemplateId(flowId, message.nodeId);
    await tx.execute(sql`
      INSERT INTO notification_templates (id, name, channel, title, body, source_flow_id)
      VALUES (${id}, left(coalesce((SELECT name FROM flows WHERE id = ${flowId}), ${flowId}) || ' · ' || ${message.nodeId}, 80),
              ${message.channel}::"Channel", ${message.title}, ${message.body}, ${flowId})
      ON CONFLICT (id) DO UPDATE SET channel = EXCLUDED.channel, title = EXCLUDED.title, body = EXCLUDED.body, source_flow_id = EXCLUDED.source_flow_id,
        updated_at = CASE WHEN (notification_templates.channel, notification_templates.title, notification_templates.body) IS DISTINCT FROM (EXCLUDED.channel, EXCLUDED.title, EXCLUDED.body)
                          THEN now() ELSE notification_templates.updated_at END`);
  }
}

export type MessageFigures = { messages: number; sent: number; opened: number; clicked: number; failed: number; suppressed: number; openRate: number | null; clickRate: number | null };
const noFigures: MessageFigures = { messages: 0, sent: 0, opened: 0, clicked: 0, failed: 0, suppressed: 0, openRate: null, clickRate: null };

/**
 * Per template, from the outbox: messages written, sent, opened, clicked, failed, suppressed. A
 * flow's inline message counts for its flow's own template (`flow_<flowId>_<nodeId>`).
 */
export async function messageFigures(db: PrismaClient, templateIds?: string[]): Promise<Map<string, MessageFigures>> {
  const ids = templateIds ?? null;
  const rows = await db.$queryRaw<{ template_id: string; messages: number; sent: number; opened: number; clicked: number; failed: number; suppressed: number }[]>`
    SELECT coalesce(n.template_id, 'flow_' || n.flow_id || '_' || n.node_id) AS template_id,
           count(*)::int AS messages,
           count(*) FILTER (WHERE n.status = 'sent')::int AS sent,
           count(n.opened_at)::int AS opened,
           count(n.clicked_at)::int AS clicked,
           count(*) FILTER (WHERE n.status = 'failed')::int AS failed,
           count(*) FILTER (WHERE n.status = 'suppressed')::int AS suppressed
    FROM notifications n
    WHERE (n.template_id IS NOT NULL OR n.flow_id IS NOT NULL)
      AND (${ids}::text[] IS NULL OR n.template_id = ANY(${ids}::text[])
           OR (n.template_id IS NULL AND 'flow_' || n.flow_id || '_' || n.node_id = ANY(${ids}::text[])))
    GROUP BY 1`;
  return new Map(
    rows.map((r) => [r.template_id, { ...r, openRate: r.sent > 0 ? r.opened / r.sent : null, clickRate: r.sent > 0 ? r.clicked / r.sent : null }]),
  );
}


/** The flows whose draft or live version sends each template (inline messages as their flow's own). */
export const flowsUsingMessageTemplates = (db: PrismaClient, templateIds?: string[]): Promise<Map<string, FlowUse[]>> =>
  flowsUsingLibrary(db, { kind: "send_notification", field: "content", existingMode: "template", idKey: "templateId" }, templateIds);

type TemplateRow = Awaited<ReturnType<PrismaClient["notificationTemplate"]["findMany"]>>[number];
const serialize = (t: TemplateRow) => ({
  id: t.id,
  name: t.name,
  description: t.description,
  channel: t.channel as Channel,
  title: t.title,
  body: t.body,
  sourceFlowId: t.sourceFlowId,
  archivedAt: t.archivedAt,
  createdAt: t.createdAt,
  updatedAt: t.updatedAt,
});

/** The library: every template (archived ones on request) with its figures and flows, newest first. */
export async function listMessageTemplates(db: PrismaClient, { archived = false, channel }: { archived?: boolean; channel?: Channel } = {}) {
  const [templates, figures, flows] = await Promise.all([
    db.notificationTemplate.findMany({ where: { ...(archived ? {} : { archivedAt: null }), ...(channel ? { channel } : {}) }, orderBy: [{ createdAt: "desc" }, { id: "asc" }] }),
    messageFigures(db),
    flowsUsingMessageTemplates(db),
  ]);
  return templates.map((t) => ({ ...serialize(t), figures: figures.get(t.id) ?? noFigures, flows: flows.get(t.id) ?? [] }));
}

export async function getMessageTemplate(db: PrismaClient, id: string) {
  const template = await db.notificationTemplate.findUnique({ where: { id } });
  if (!template) throw new DomainError("not_found", `No message template ${id}`);
  const [figures, flows] = await Promise.all([messageFigures(db, [id]), flowsUsingMessageTemplates(db, [id])]);
  return { ...serialize(template), figures: figures.get(id) ?? noFigures, flows: flows.get(id) ?? [] };
}

// ───────────────────────────── Preview ─────────────────────────────

/** A journey id no real journey has: the preview's stand-in, in the rolled-back transaction only. */
const PREVIEW_JOURNEY = -1;
const PREVIEW_FLOW = "content_preview";

class Rollback extends Error {}

/** Runs `work` in a transaction that is rolled back whatever happens. */
async function rolledBack<T>(pool: Pool, work: (tx: Tx) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let result: T | undefined;
  try {
    await client.query("BEGIN");
    // The preview must never hold up a redemption of the coupon it borrows for long.
    await client.query("SET LOCAL lock_timeout = '2s'");
    result = await work(runnerFor(client));
    throw new Rollback();
  } catch (error) {
    if (!(error instanceof Rollback)) throw error;
    return result as T;
  } finally {
    await client.query("ROLLBACK").catch(() => undefined);
    client.release();
  }
}

/** Coupon values shown when the member holds no active coupon: clearly a sample, never a real code. */
function sampleCouponValues(locale: "en" | "zh-CN", now: Date): TemplateVariables {
  const validTo = new Date(now.getTime() + 14 * 86_400_000);
  return {
    "coupon.code": "SAMPLE-0000",
    "coupon.name": locale === "zh-CN" ? "满199减20（示例）" : "¥20 off ¥199 (sample)",
    "coupon.value": "20.00",
    "coupon.validTo": new Intl.DateTimeFormat("en-CA", { timeZone: defaultFlowSettings().timezone, year: "numeric", month: "2-digit", day: "2-digit" }).format(validTo),
  };
}

export type MessagePreview = {
  member: { id: number; name: string; externalId: string };
  channel: Channel;
  title: string;
  body: string;
  /** Every variable the engine knows, with this member's value (null when it has none). */
  variables: Record<string, string | number | null>;
  /** Where the coupon values come from: the member's most recent active coupon, or a sample. */
  coupon: { source: "member"; code: string } | { source: "sample" };
  /** Why the engine would not send this member the message on this channel (e.g. no_consent), or null. */
  suppressedReason: string | null;
  sms: ReturnType<typeof smsSegments> | null;
};

/**
 * The text as this member would receive it. The send_notification executor fills the variables
 * (the very statement a flow runs), with a writer that keeps the row instead of writing it; the
 * member's most recent active coupon is lent to the stand-in journey so `{{coupon.*}}` shows its
 * values, all in a transaction that is rolled back. Rendered with the engine's one renderer.
 */
export async function previewMessage(pool: Pool, given: unknown, { now = new Date(), locale = "zh-CN" }: { now?: Date; locale?: "en" | "zh-CN" } = {}): Promise<MessagePreview> {
  const input = messagePreviewInput.parse(given);
  return rolledBack(pool, async (tx) => {
    const [member] = await tx.query<{ id: number; name: string; external_id: string }>(sql`SELECT id, name, external_id FROM members WHERE id = ${input.memberId}`);
    if (!member) throw new DomainError("not_found", `No member ${input.memberId}`, { field: "memberId" });
    const [coupon] = await tx.query<{ id: string; code: string }>(sql`
      SELECT id, code FROM coupons
      WHERE member_id = ${member.id} AND status = 'issued' AND valid_from <= ${now} AND valid_to > ${now}
      ORDER BY issued_at DESC, id LIMIT 1`);
    if (coupon) await tx.execute(sql`UPDATE coupons SET journey_id = ${PREVIEW_JOURNEY} WHERE id = ${coupon.id}`);

    const node: FlowNodeOf<"send_notification"> = {
      id: "preview",
      kind: "send_notification",
      config: { channel: input.channel, content: { mode: "inline", title: input.title, body: input.body } },
    };
    const settings = { ...defaultFlowSettings(), quietHours: null, frequencyCaps: {}, sendRateLimits: {} };
    const rows: { variables: unknown; suppressed_reason: string | null }[] = [];
    const writer: EffectWriter = {
      recording: true,
      async insert<T>(table: string, select: Parameters<EffectWriter["insert"]>[1], columns: string[]) {
        if (table !== "notifications") return [] as T[];
        const names = rawSql(columns.map((c) => `"${c.replace(/[^a-z_]/g, "")}"`).join(", "));
        rows.push(...(await tx.query<{ variables: unknown; suppressed_reason: string | null }>(sql`SELECT variables, suppressed_reason FROM (${select}) AS s(${names})`)));
        return [] as T[];
      },
      async apply() {},
    };
    await sendNotificationExecutor({
      tx,
      flow: { flowId: PREVIEW_FLOW, versionId: PREVIEW_FLOW, definition: { nodes: [node], edges: [], settings } },
      node,
      batch: [{ journeyId: PREVIEW_JOURNEY, memberId: member.id, visit: 1, isControl: false }],
      now,
      effects: writer,
    });
    const row = rows[0];
    const engine = (row?.variables && typeof row.variables === "object" && !Array.isArray(row.variables) ? row.variables : {}) as TemplateVariables;
    // A library template belongs to no flow yet: its flow name is a sample, like a missing coupon.
    const filled: TemplateVariables = { ...engine, ...(coupon ? {} : sampleCouponValues(locale, now)), "flow.name": locale === "zh-CN" ? "春季召回（示例）" : "Spring win-back (sample)" };
    const title = renderTemplate(input.title, filled);
    const body = renderTemplate(input.body, filled);
    const variables = Object.fromEntries(Object.keys(notificationVariables).map((name) => [name, filled[name] ?? null]));
    return {
      member: { id: member.id, name: member.name, externalId: member.external_id },
      channel: input.channel,
      title,
      body,
      variables,
      coupon: coupon ? { source: "member", code: coupon.code } : { source: "sample" },
      suppressedReason: row?.suppressed_reason ?? null,
      sms: input.channel === "sms" ? smsSegments(body) : null,
    };
  });
}
