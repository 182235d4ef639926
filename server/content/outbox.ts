// The outbox as marketers read it: the messages flows produced, newest first, filtered by member,
// flow, channel, status (and why one was suppressed) or template, each as the member saw it.
// Rows keep the template text until they are sent (the sender renders them with `variables` and
// then stores what went out; failed and suppressed rows keep the template), so a row not sent is
// rendered here with the engine's one renderer and its own values.
import type { PrismaClient } from "@prisma/client";
import { empty, join, sql, type Sql } from "@/server/db/sql";
import { DomainError } from "@/server/errors";
import { renderTemplate, type TemplateVariables } from "@/server/engine/messaging/render";
import { notificationStatuses, outboxFilterInput, outboxPageInput, suppressedReasons, type Channel, type NotificationStatus } from "./message-template-schema";

type Filter = ReturnType<typeof outboxFilterInput.parse>;

/** What a member saw: the stored text once sent, otherwise the template rendered with the row's values. */
export function shownText(row: { status: string; title: string; body: string; variables: unknown }): { title: string; body: string } {
  if (row.status === "sent") return { title: row.title, body: row.body };
  const variables = (row.variables && typeof row.variables === "object" && !Array.isArray(row.variables) ? row.variables : {}) as TemplateVariables;
  return { title: renderTemplate(row.title, variables), body: renderTemplate(row.body, variables) };
}

/** The filter's conditions on `n` (notifications). Each one can use an index of the table. */
async function conditions(db: PrismaClient, f: Filter, extra: Sql[] = []): Promise<Sql> {
  const parts: Sql[] = [...extra];
  if (f.memberId !== undefined) parts.push(sql`n.member_id = ${f.memberId}`);
  if (f.flowId !== undefined) parts.push(sql`n.flow_id = ${f.flowId}`);
  if (f.channel !== undefined) parts.push(sql`n.channel = ${f.channel}::"Channel"`);
  if (f.status !== undefined) parts.push(sql`n.status = ${f.status}::"NotificationStatus"`);
  if (f.reason !== undefined) parts.push(sql`n.suppressed_reason = ${f.reason}`);
  if (f.templateId !== undefined) {
    // A flow's own template (an inline message) stands for the rows of its node, which carry no template id.
    const source = await db.notificationTemplate.findUnique({ where: { id: f.templateId }, select: { sourceFlowId: true } });
    const prefix = source?.sourceFlowId ? `flow_${source.sourceFlowId}_` : null;
    if (prefix && f.templateId.startsWith(prefix)) {
      parts.push(sql`(n.template_id = ${f.templateId} OR (n.flow_id = ${source!.sourceFlowId} AND n.node_id = ${f.templateId.slice(prefix.length)} AND n.template_id IS NULL))`);
    } else parts.push(sql`n.template_id = ${f.templateId}`);
  }
  return parts.length > 0 ? sql`WHERE ${join(parts, " AND ")}` : empty;
}

type ListRow = {
  id: number;
  created_at: Date;
  scheduled_for: Date;
  sent_at: Date | null;
  status: NotificationStatus;
  channel: Channel;
  suppressed_reason: string | null;
  attempts: number;
  error: string | null;
  title: string;
  body: string;
  variables: unknown;
  template_id: string | null;
  member_id: number;
  member_name: string;
  external_id: string;
  flow_id: string | null;
  flow_name: string | null;
};

const PREVIEW_CHARS = 1000;

/**
 * One page of the outbox, newest first, keyset-paged on the id (`before`: the last id of the page
 * before). The page is chosen on notifications alone, then joined to its members and flows.
 */
export async function outboxPage(db: PrismaClient, raw: unknown) {
  const input = outboxPageInput.parse(raw);
  const where = await conditions(db, input, input.before !== undefined ? [sql`n.id < ${input.before}`] : []);
  const rows = await db.$queryRaw<ListRow[]>(sql`
    SELECT p.id::float8 AS id, p.created_at, p.scheduled_for, p.sent_at, p.status::text AS status, p.channel::text AS channel, p.suppressed_reason,
           p.attempts, p.error, p.title, p.body, p.variables, p.template_id, p.member_id, m.name AS member_name, m.external_id,
           p.flow_id, f.name AS flow_name
    FROM (
      SELECT n.id, n.created_at, n.scheduled_for, n.sent_at, n.status, n.channel, n.suppressed_reason, n.attempts, n.error,
             left(n.title, 200) AS title, left(n.body, ${PREVIEW_CHARS}::int) AS body, n.variables, n.template_id, n.member_id, n.flow_id
      FROM notifications n ${where}
      ORDER BY n.id DESC
      LIMIT ${input.pageSize + 1}::int
    ) p
    JOIN members m ON m.id = p.member_id
    LEFT JOIN flows f ON f.id = p.flow_id
    ORDER BY p.id DESC`);
  const page = rows.slice(0, input.pageSize);
  return {
    rows: page.map((r) => {
      const shown = shownText(r);
      return {
        id: r.id,
        createdAt: r.created_at,
        scheduledFor: r.scheduled_for,
        sentAt: r.sent_at,
        status: r.status,
        channel: r.channel,
        suppressedReason: r.suppressed_reason,
        attempts: r.attempts,
        error: r.error,
        title: shown.title.slice(0, 120),
        body: shown.body.slice(0, 240),
        templateId: r.template_id,
        member: { id: r.member_id, name: r.member_name, externalId: r.external_id },
        flow: r.flow_id ? { id: r.flow_id, name: r.flow_name } : null,
      };
    }),
    /** The `before` of the next (older) page, or null on the last one. */
    nextBefore: rows.length > input.pageSize ? page[page.length - 1]!.id : null,
  };
}

/** Counts stop here: the outbox may hold millions of rows, and "10,000+" says enough. */
export const COUNT_CAP = 10_000;

/**
 * Messages per status (and per suppression reason) under the filter, each counted up to
 * COUNT_CAP: every count is a bounded index scan, however large the outbox. The status the filter
 * names is counted alone; the others show what switching to them would find.
 */
export async function outboxCounts(db: PrismaClient, raw: unknown) {
  const filter = outboxFilterInput.parse(raw);
  const { status: _status, reason: _reason, ...rest } = filter;
  const count = async (extra: Sql[]) => {
    const where = await conditions(db, rest, extra);
    const [row] = await db.$queryRaw<{ n: number }[]>(sql`SELECT count(*)::int AS n FROM (SELECT 1 FROM notifications n ${where} LIMIT ${COUNT_CAP + 1}::int) x`);
    const n = row?.n ?? 0;
    return { count: Math.min(n, COUNT_CAP), capped: n > COUNT_CAP };
  };
  const statuses = await Promise.all(notificationStatuses.map(async (status) => ({ status, ...(await count([sql`n.status = ${status}::"NotificationStatus"`])) })));
  // Why messages were suppressed, while looking at suppressed ones: one bounded pass (the reason has
  // no index of its own, so a reason counted alone could scan every suppressed row). Exact up to the
  // cap; beyond it, the split of the COUNT_CAP rows counted (`capped`).
  let reasons: { reason: string; count: number; capped: boolean }[] = [];
  if (filter.status === "suppressed") {
    const where = await conditions(db, rest, [sql`n.status = 'suppressed'`]);
    const split = await db.$queryRaw<{ reason: string | null; n: number }[]>(sql`
      SELECT x.reason, count(*)::int AS n FROM (SELECT n.suppressed_reason AS reason FROM notifications n ${where} LIMIT ${COUNT_CAP + 1}::int) x GROUP BY 1`);
    const capped = split.reduce((sum, r) => sum + r.n, 0) > COUNT_CAP;
    reasons = [...new Set([...suppressedReasons, ...split.map((r) => r.reason ?? "other")])].map((reason) => ({
      reason,
      count: split.filter((r) => (r.reason ?? "other") === reason).reduce((sum, r) => sum + r.n, 0),
      capped,
    }));
  }
  return { statuses, reasons, cap: COUNT_CAP };
}

/** One message in full: as the member saw it, its delivery, and the member, flow and template it came from. */
export async function outboxMessage(db: PrismaClient, id: number) {
  const [r] = await db.$queryRaw<(ListRow & { opened_at: Date | null; clicked_at: Date | null; provider: string | null; node_id: string | null; journey_id: number | null; visit: number | null; template_name: string | null; member_phone: string | null; member_email: string | null })[]>`
    SELECT n.id::float8 AS id, n.created_at, n.scheduled_for, n.sent_at, n.opened_at, n.clicked_at, n.status::text AS status, n.channel::text AS channel,
           n.suppressed_reason, n.attempts, n.error, n.provider, n.title, n.body, n.variables, n.template_id, t.name AS template_name,
           n.member_id, m.name AS member_name, m.external_id, m.phone AS member_phone, m.email AS member_email,
           n.flow_id, f.name AS flow_name, n.node_id, n.journey_id::float8 AS journey_id, n.visit
    FROM notifications n
    JOIN members m ON m.id = n.member_id
    LEFT JOIN flows f ON f.id = n.flow_id
    LEFT JOIN notification_templates t ON t.id = n.template_id
    WHERE n.id = ${id}`;
  if (!r) throw new DomainError("not_found", `No message ${id}`, { field: "id" });
  const shown = shownText(r);
  return {
    id: r.id,
    status: r.status,
    channel: r.channel,
    title: shown.title,
    body: shown.body,
    /** True when the text is the template rendered here (not sent yet, failed or suppressed). */
    renderedHere: r.status !== "sent",
    variables: (r.variables ?? {}) as Record<string, string | number | null>,
    suppressedReason: r.suppressed_reason,
    attempts: r.attempts,
    provider: r.provider,
    error: r.error,
    createdAt: r.created_at,
    scheduledFor: r.scheduled_for,
    sentAt: r.sent_at,
    openedAt: r.opened_at,
    clickedAt: r.clicked_at,
    member: { id: r.member_id, name: r.member_name, externalId: r.external_id, phone: r.member_phone, email: r.member_email },
    flow: r.flow_id ? { id: r.flow_id, name: r.flow_name, nodeId: r.node_id, journeyId: r.journey_id, visit: r.visit } : null,
    template: r.template_id ? { id: r.template_id, name: r.template_name } : null,
  };
}

/** Flows to filter the outbox by: those that have a send_notification node, by name. */
export async function outboxFlows(db: PrismaClient) {
  return db.$queryRaw<{ id: string; name: string; status: string }[]>`
    SELECT f.id, f.name, f.status::text AS status FROM flows f
    WHERE EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(f.draft->'nodes') = 'array' THEN f.draft->'nodes' ELSE '[]'::jsonb END) n WHERE n->>'kind' = 'send_notification')
       OR EXISTS (SELECT 1 FROM flow_versions v, jsonb_array_elements(CASE WHEN jsonb_typeof(v.definition->'nodes') = 'array' THEN v.definition->'nodes' ELSE '[]'::jsonb END) n
                  WHERE v.flow_id = f.id AND n->>'kind' = 'send_notification')
    ORDER BY f.name LIMIT 500`;
}
