// The sender: takes due rows from the outbox (notifications) and from webhook_deliveries, sends
// them and records the outcome. Several senders may run at once: each batch claims its rows with
// FOR UPDATE SKIP LOCKED and holds them until its transaction commits, so no row goes out twice
// while it is being sent. (A crash after a provider accepted a message but before the commit sends
// it again on retry: delivery is at least once.)
import { raw, sql, withTransaction, type Pool, type Sql, type Tx } from "@/server/db/sql";
import { signPayload, unixSeconds, SIGNATURE_HEADER } from "@/server/signing";
import { localProvider, type Channel, type MessageProvider, type Providers } from "./providers";
import { renderTemplate, type TemplateVariables } from "./render";

export type DeliveryCounts = { sent: number; failed: number };

/** After this many failed attempts a message is given up on (status 'failed'). */
export const MAX_ATTEMPTS = 5;
const DEFAULT_LIMIT = 100;
/** Provider calls in flight at once within a batch. */
const CONCURRENCY = 8;
const WEBHOOK_TIMEOUT_MS = 10_000;
const ERROR_LENGTH = 300;

type BatchOptions = {
  /** The clock: rows scheduled up to it are due. Defaults to the time each batch starts. */
  now?: Date;
  /** Rows per batch (one transaction). */
  limit?: number;
  /** Keep taking batches until nothing is due; otherwise one batch. */
  untilEmpty?: boolean;
};

export type DeliverOutboxOptions = BatchOptions & { providers: Providers };

/** Sends due notifications (queued, or deferred past quiet hours) through their channel's provider. */
export function deliverOutbox(pool: Pool, options: DeliverOutboxOptions): Promise<DeliveryCounts> {
  return inBatches(options, (now, limit) => withTransaction(pool, (tx) => deliverNotificationBatch(tx, options.providers, now, limit), noRetries));
}

export type DeliverWebhooksOptions = BatchOptions & {
  /** Signs every request (X-Memberflow-Signature), so receivers can tell it came from us. */
  secret: string;
  fetchImpl?: typeof fetch;
};

/** Calls due webhooks that flows queued in webhook_deliveries. */
export function deliverWebhooks(pool: Pool, options: DeliverWebhooksOptions): Promise<DeliveryCounts> {
  const fetchImpl = options.fetchImpl ?? fetch;
  return inBatches(options, (now, limit) => withTransaction(pool, (tx) => deliverWebhookBatch(tx, options.secret, fetchImpl, now, limit), noRetries));
}

// withTransaction retries serialization failures by running the work again, which here would
// call the providers again: a batch is never retried, its rows stay due for the next run.
const noRetries = { retries: 0 };

type Batch = DeliveryCounts & { claimed: number };

async function inBatches(options: BatchOptions, runBatch: (now: Date, limit: number) => Promise<Batch>): Promise<DeliveryCounts> {
  const limit = options.limit ?? DEFAULT_LIMIT;
  const total: DeliveryCounts = { sent: 0, failed: 0 };
  for (;;) {
    const batch = await runBatch(options.now ?? new Date(), limit);
    total.sent += batch.sent;
    total.failed += batch.failed;
    // A short batch means nothing else was due (or other senders hold it). Failed rows are
    // rescheduled after `now`, so they never keep this loop going.
    if (!options.untilEmpty || batch.claimed < limit) return total;
  }
}

// ───────────────────────────── Notifications ─────────────────────────────

type DueNotification = {
  id: number | string; // bigint: a string unless the pool parses int8 (createPool does)
  channel: Channel;
  title: string;
  body: string;
  variables: unknown;
  member_id: number;
  external_id: string;
  email: string | null;
  phone: string | null;
};

type Outcome = { id: number; sent: boolean; title: string | null; body: string | null; provider: string; error: string | null };

async function deliverNotificationBatch(tx: Tx, providers: Providers, now: Date, limit: number): Promise<Batch> {
  const due = await tx.query<DueNotification>(sql`
    SELECT n.id, n.channel::text AS channel, n.title, n.body, n.variables,
           m.id AS member_id, m.external_id, m.email, m.phone
    FROM notifications n
    JOIN members m ON m.id = n.member_id
    WHERE n.status IN ('queued', 'deferred') AND n.scheduled_for <= ${now}
    ORDER BY n.scheduled_for, n.id
    LIMIT ${limit}
    FOR UPDATE OF n SKIP LOCKED
  `);
  if (due.length === 0) return { claimed: 0, sent: 0, failed: 0 };

  const outcomes = await mapConcurrently(due, CONCURRENCY, async (row): Promise<Outcome> => {
    const id = Number(row.id);
    // The app itself shows in-app messages: nothing to hand to a third party.
    const provider: MessageProvider = row.channel === "in_app" ? localProvider : providers[row.channel];
    const variables = templateVariables(row.variables);
    const title = renderTemplate(row.title, variables);
    const body = renderTemplate(row.body, variables);
    try {
      await provider.send({
        notificationId: id,
        channel: row.channel,
        to: { memberId: row.member_id, externalId: row.external_id, email: row.email, phone: row.phone },
        title,
        body,
      });
      return { id, sent: true, title, body, provider: provider.name, error: null };
    } catch (error) {
      return { id, sent: false, title: null, body: null, provider: provider.name, error: shortError(error) };
    }
  });

  // One statement for the whole batch. Sent rows keep the rendered text (what the member got);
  // failed rows keep the template, to render again on the next attempt.
  await tx.execute(sql`
    UPDATE notifications n SET
      status = (CASE WHEN o.sent THEN 'sent' WHEN n.attempts + 1 >= ${MAX_ATTEMPTS} THEN 'failed' ELSE 'queued' END)::"NotificationStatus",
      attempts = n.attempts + 1,
      sent_at = CASE WHEN o.sent THEN ${now}::timestamptz ELSE n.sent_at END,
      title = COALESCE(o.title, n.title),
      body = COALESCE(o.body, n.body),
      provider = o.provider,
      error = o.error,
      scheduled_for = CASE WHEN o.sent THEN n.scheduled_for ELSE ${now}::timestamptz + ${retryDelay(raw("n.attempts"))} END
    FROM unnest(
      ${outcomes.map((o) => o.id)}::bigint[], ${outcomes.map((o) => o.sent)}::boolean[],
      ${outcomes.map((o) => o.title)}::text[], ${outcomes.map((o) => o.body)}::text[],
      ${outcomes.map((o) => o.provider)}::text[], ${outcomes.map((o) => o.error)}::text[]
    ) AS o(id, sent, title, body, provider, error)
    WHERE n.id = o.id
  `);
  return countOutcomes(due.length, outcomes);
}

// 1, 2, 4, 8 minutes after the 1st, 2nd, 3rd, 4th failure (the 5th gives up). `attempts` is the
// column before this attempt.
const retryDelay = (attempts: Sql) => sql`make_interval(mins => power(2, ${attempts})::int)`;

// ───────────────────────────── Webhooks ─────────────────────────────

type DueWebhook = { id: number | string; url: string; method: string; headers: unknown; body_template: string; variables: unknown };
type WebhookOutcome = { id: number; sent: boolean; responseStatus: number | null; error: string | null };

async function deliverWebhookBatch(tx: Tx, secret: string, fetchImpl: typeof fetch, now: Date, limit: number): Promise<Batch> {
  const due = await tx.query<DueWebhook>(sql`
    SELECT id, url, method, headers, body_template, variables
    FROM webhook_deliveries
    WHERE status = 'queued' AND scheduled_for <= ${now}
    ORDER BY scheduled_for, id
    LIMIT ${limit}
    FOR UPDATE SKIP LOCKED
  `);
  if (due.length === 0) return { claimed: 0, sent: 0, failed: 0 };

  const outcomes = await mapConcurrently(due, CONCURRENCY, async (row): Promise<WebhookOutcome> => {
    const id = Number(row.id);
    try {
      const response = await callWebhook(row, secret, fetchImpl);
      await response.body?.cancel(); // the answer's content is not kept; free the connection
      if (response.status >= 200 && response.status < 300) return { id, sent: true, responseStatus: response.status, error: null };
      return { id, sent: false, responseStatus: response.status, error: `HTTP ${response.status}` };
    } catch (error) {
      return { id, sent: false, responseStatus: null, error: shortError(error) };
    }
  });

  await tx.execute(sql`
    UPDATE webhook_deliveries w SET
      status = CASE WHEN o.sent THEN 'sent' WHEN w.attempts + 1 >= ${MAX_ATTEMPTS} THEN 'failed' ELSE 'queued' END,
      attempts = w.attempts + 1,
      sent_at = CASE WHEN o.sent THEN ${now}::timestamptz ELSE w.sent_at END,
      response_status = o.response_status,
      error = o.error,
      scheduled_for = CASE WHEN o.sent THEN w.scheduled_for ELSE ${now}::timestamptz + ${retryDelay(raw("w.attempts"))} END
    FROM unnest(
      ${outcomes.map((o) => o.id)}::bigint[], ${outcomes.map((o) => o.sent)}::boolean[],
      ${outcomes.map((o) => o.responseStatus)}::int[], ${outcomes.map((o) => o.error)}::text[]
    ) AS o(id, sent, response_status, error)
    WHERE w.id = o.id
  `);
  return countOutcomes(due.length, outcomes);
}

async function callWebhook(row: DueWebhook, secret: string, fetchImpl: typeof fetch): Promise<Response> {
  const headers = new Headers();
  for (const header of webhookHeaders(row.headers)) headers.set(header.name, header.value);
  if (!headers.has("content-type")) headers.set("content-type", "application/json");
  const json = /\bjson\b/i.test(headers.get("content-type") ?? "");
  // In a JSON body a value like `Say "hi"` must stay inside its string.
  const escape = json ? (value: string) => JSON.stringify(value).slice(1, -1) : undefined;
  const hasBody = row.method !== "GET";
  const body = hasBody ? renderTemplate(row.body_template, templateVariables(row.variables), escape) : "";
  // Set last, so a configured header cannot replace the signature.
  headers.set(SIGNATURE_HEADER, signPayload(secret, body, unixSeconds()));
  return fetchImpl(row.url, {
    method: row.method,
    headers,
    body: hasBody ? body : undefined,
    signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    // Member data goes only to the address the flow names, not wherever a redirect points.
    redirect: "manual",
  });
}

function webhookHeaders(value: unknown): { name: string; value: string }[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (h): h is { name: string; value: string } =>
      typeof h === "object" && h !== null && typeof (h as { name?: unknown }).name === "string" && typeof (h as { value?: unknown }).value === "string",
  );
}

// ───────────────────────────── Shared ─────────────────────────────

/** The jsonb `variables` column as template values: nested values are shown as JSON. */
function templateVariables(value: unknown): TemplateVariables {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return {};
  const variables: TemplateVariables = {};
  for (const [name, v] of Object.entries(value)) {
    variables[name] = typeof v === "string" || typeof v === "number" || v === null ? v : typeof v === "boolean" ? String(v) : JSON.stringify(v);
  }
  return variables;
}

/** One line for the row's error column: the message, not the stack. */
function shortError(error: unknown): string {
  const text = error instanceof Error ? error.message || error.name : String(error);
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > ERROR_LENGTH ? `${line.slice(0, ERROR_LENGTH - 1)}…` : line;
}

function countOutcomes(claimed: number, outcomes: { sent: boolean }[]): Batch {
  const sent = outcomes.filter((o) => o.sent).length;
  return { claimed, sent, failed: outcomes.length - sent };
}

/** Like Promise.all over `items.map(work)`, with at most `concurrency` calls in flight. */
async function mapConcurrently<T, R>(items: T[], concurrency: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
