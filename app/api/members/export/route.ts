// The members list as CSV: the same query parameters as the list's address (?q=…&stage=…&tag=…
// &sort=…&dir=…), every matching member, streamed (server/members/export.ts). X-Total-Count says
// how many rows follow, so the page can show progress. Signed-in admins, marketers and analysts
// only: it holds contact details. Bad parameters answer 400 with `{ error: { code, message,
// fields: { <param>: [messages] } } }`, never a 500.
import { randomUUID } from "node:crypto";
import { getSession } from "@/server/auth/session";
import { can } from "@/server/auth/roles";
import { audit } from "@/server/audit/service";
import { db } from "@/server/db";
import { sharedPool } from "@/server/db/sql";
import { exportColumns, ExportBusyError, openMemberExport } from "@/server/members/export";
import { parseMemberSearchParams } from "@/server/members/schemas";
import { getLocale, getT } from "@/lib/i18n/server";
import { DEFAULT_TIME_ZONE } from "@/lib/i18n/locale";

export const dynamic = "force-dynamic";

const refuse = (status: number, code: string, message: string, fields?: Record<string, string[]>, headers: Record<string, string> = {}) =>
  Response.json({ error: { code, message, ...(fields ? { fields } : {}) } }, { status, headers: { "Cache-Control": "no-store", ...headers } });

export async function GET(request: Request) {
  const session = await getSession(request.headers);
  if (!session) return refuse(401, "unauthorized", "Sign in to continue.");
  if (!can(session.user, "exportData")) return refuse(403, "forbidden", "Exporting members needs the admin, marketer or analyst role.");
  const parsed = parseMemberSearchParams(new URL(request.url).searchParams);
  if (!parsed.ok) return refuse(400, "invalid_query", "Some parameters of the export cannot be read", parsed.fieldErrors);

  const [locale, t] = await Promise.all([getLocale(), getT("members")]);
  try {
    const { total, stream } = await openMemberExport(sharedPool(), parsed.query, {
      columns: Object.fromEntries(exportColumns.map((c) => [c, t(`export.columns.${c}`)])) as Record<(typeof exportColumns)[number], string>,
      tier: (tier) => (locale === "en" ? tier.nameEn : tier.name),
      lifecycle: (stage) => t(`lifecycle.${stage}`),
      timeZone: DEFAULT_TIME_ZONE,
    });
    await audit(db, session, { action: "members.export", entityType: "members", entityId: "list", details: { rows: total, query: parsed.query } });
    const day = new Date().toISOString().slice(0, 10).replaceAll("-", "");
    return new Response(stream, {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="members-${day}.csv"`,
        "X-Total-Count": String(total),
        "Cache-Control": "no-store",
      },
    });
  } catch (error) {
    if (error instanceof ExportBusyError) return refuse(429, "busy", error.message, undefined, { "Retry-After": "30" });
    const reference = randomUUID().slice(0, 8);
    console.error(`[members/export] failed, reference ${reference}:`, error);
    return refuse(500, "internal", `Something went wrong on our side. Reference: ${reference}`);
  }
}
