// The members list as CSV: exactly the rows of a list query, in its order, streamed from a
// PostgreSQL cursor in batches, so an export of the whole base never holds more than one batch.
// UTF-8 with a byte-order mark (Excel then reads Chinese correctly), one member per line (line
// breaks inside values become spaces, so a reader can count progress by lines), and values that
// a spreadsheet would run as a formula are defused (papaparse's escapeFormulae).
import Papa from "papaparse";
import { CSV_FORMULA } from "@/lib/csv";
import { raw, runnerFor, sql, type Pool, type Sql } from "@/server/db/sql";
import { countMembers, segmentQuery, segments } from "./list";
import type { LifecycleStage, MemberQuery } from "./schemas";

export const EXPORT_BATCH_ROWS = 2_000;
/** Each export holds a pooled connection for its whole length; more wait for one to finish. */
export const MAX_CONCURRENT_EXPORTS = 2;

export const exportColumns = [
  "externalId", "name", "phone", "email", "province", "city", "district", "tier", "lifecycle",
  "orders", "spend", "points", "lastOrder", "registered", "tags",
] as const;
export type ExportColumn = (typeof exportColumns)[number];

/** The words of the export, in the reader's language. */
export type ExportLabels = {
  columns: Record<ExportColumn, string>;
  tier: (tier: { name: string; nameEn: string }) => string;
  lifecycle: (stage: LifecycleStage) => string;
  timeZone: string;
};

type Row = {
  external_id: string; name: string; phone: string | null; email: string | null; province: string | null; city: string | null;
  district: string | null; tier_name: string; tier_name_en: string; lifecycle: LifecycleStage | null; orders: number | null;
  spend: string | null; points: number; last_order: string | null; registered: string; tags: string | null;
};

const oneLine = (v: string | null) => (v === null ? "" : v.replace(/[\r\n]+/g, " "));

function columnsSql(timeZone: string) {
  const local = (column: Sql) => sql`to_char(${column} AT TIME ZONE ${timeZone}, 'YYYY-MM-DD HH24:MI')`;
  return sql`m.external_id, m.name, m.phone, m.email, m.province, m.city, m.business_district AS district,
    (SELECT t.name FROM tiers t WHERE t.id = m.tier_id) AS tier_name, (SELECT t.name_en FROM tiers t WHERE t.id = m.tier_id) AS tier_name_en,
    s.lifecycle_stage::text AS lifecycle, s.order_count AS orders, s.total_spend::text AS spend, m.points_balance AS points,
    ${local(sql`s.last_order_at`)} AS last_order, ${local(sql`m.registered_at`)} AS registered,
    (SELECT string_agg(g.name, ' / ' ORDER BY g.name) FROM member_tags mt JOIN tags g ON g.id = mt.tag_id WHERE mt.member_id = m.id) AS tags`;
}

function csv(rows: unknown[][]): string {
  return `${Papa.unparse(rows, { newline: "\r\n", escapeFormulae: CSV_FORMULA })}\r\n`;
}

let running = 0;

export class ExportBusyError extends Error {}

/**
 * Opens an export: the number of rows it will have (read in the same snapshot as the rows) and
 * the CSV as a byte stream. The stream holds one connection in a read-only transaction until it
 * ends or is cancelled; an idle reader is cut off by the server after two minutes.
 */
export async function openMemberExport(pool: Pool, query: MemberQuery, labels: ExportLabels, batchRows = EXPORT_BATCH_ROWS): Promise<{ total: number; stream: ReadableStream<Uint8Array> }> {
  if (running >= MAX_CONCURRENT_EXPORTS) throw new ExportBusyError("Another export is running; try again when it has finished");
  running++;
  const client = await pool.connect().catch((error: unknown) => {
    running--;
    throw error;
  });
  let released = false;
  // After a failure the connection may be gone (the idle timeout): it is dropped, not pooled.
  const release = async (end: "COMMIT" | "ROLLBACK", failure?: unknown) => {
    if (released) return;
    released = true;
    running--;
    await client.query(end).catch(() => undefined);
    client.release(failure instanceof Error ? failure : undefined);
  };
  const tx = runnerFor(client);
  try {
    // Repeatable read: the count and every batch see the same members.
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    await client.query("SET LOCAL idle_in_transaction_session_timeout = '120s'");
    const total = await countMembers(tx, query);
    const parts = await segments(tx, query);
    // FETCH takes no bind parameter; the count is a whole number of this module's choosing.
    const batch = Math.max(1, Math.trunc(batchRows));
    const fetchBatch = sql`FETCH ${raw(String(batch))} FROM member_export`;
    const encoder = new TextEncoder();
    const columns = columnsSql(labels.timeZone);
    let part = -1;
    let open = false;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode(`\uFEFF${csv([exportColumns.map((c) => labels.columns[c])])}`));
      },
      // Called when the reader wants more: the next batch of the current segment's cursor.
      async pull(controller) {
        try {
          for (;;) {
            if (!open) {
              if (++part >= parts.length) {
                await release("COMMIT");
                controller.close();
                return;
              }
              await tx.execute(sql`DECLARE member_export NO SCROLL CURSOR FOR ${segmentQuery(query, parts[part]!, columns)}`);
              open = true;
            }
            const rows = await tx.query<Row>(fetchBatch);
            if (rows.length < batch) {
              await tx.execute(sql`CLOSE member_export`);
              open = false;
            }
            if (rows.length > 0) {
              controller.enqueue(encoder.encode(csv(rows.map((r) => formatRow(r, labels)))));
              return;
            }
          }
        } catch (error) {
          await release("ROLLBACK", error);
          controller.error(error);
        }
      },
      async cancel() {
        await release("ROLLBACK");
      },
    });
    return { total, stream };
  } catch (error) {
    await release("ROLLBACK", error);
    throw error;
  }
}

function formatRow(r: Row, labels: ExportLabels): unknown[] {
  return [
    r.external_id, oneLine(r.name), oneLine(r.phone), oneLine(r.email), oneLine(r.province), oneLine(r.city), oneLine(r.district),
    labels.tier({ name: r.tier_name, nameEn: r.tier_name_en }), r.lifecycle ? labels.lifecycle(r.lifecycle) : "",
    r.orders ?? 0, r.spend ?? "0.00", r.points, r.last_order ?? "", r.registered, oneLine(r.tags),
  ];
}
