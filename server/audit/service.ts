// The audit log: who did what and when. Entries are only ever added (a database trigger refuses
// UPDATE, DELETE and TRUNCATE on audit_logs); services add theirs inside the transaction of the
// change they record, so an entry exists exactly when its change does.
import "server-only";

import { Prisma } from "@prisma/client";
import type { PrismaClient } from "@/server/prisma-client";
import type { Session } from "@/server/auth/roles";
import { actorOf } from "@/server/auth/roles";
import { auditListInput, type AuditEntry, type AuditListInput } from "@/server/audit/schemas";

type Tx = Pick<PrismaClient, "auditLog">;

export type AuditRecord = { action: string; entityType: string; entityId: string; details?: Prisma.InputJsonValue };

/** Adds one entry for the signed-in user (actor = their email). */
export async function audit(tx: Tx, session: Session, record: AuditRecord): Promise<void> {
  await tx.auditLog.create({
    data: {
      actor: actorOf(session),
      action: record.action,
      entityType: record.entityType,
      entityId: record.entityId,
      details: record.details ?? {},
    },
  });
}

/** The newest entries first, filtered; a page of `limit` and the cursor of the next one. */
export async function listAudit(db: PrismaClient, raw: AuditListInput): Promise<{ entries: AuditEntry[]; next: string | null; actions: string[] }> {
  const input = auditListInput.parse(raw);
  const where: Prisma.Sql[] = [];
  if (input.q) {
    const like = `%${input.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(Prisma.sql`(a.action ILIKE ${like} OR a.entity_type ILIKE ${like} OR a.entity_id ILIKE ${like} OR a.actor ILIKE ${like} OR a.details::text ILIKE ${like})`);
  }
  if (input.actor) {
    const like = `%${input.actor.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(Prisma.sql`(a.actor ILIKE ${like} OR u.name ILIKE ${like} OR u.email ILIKE ${like})`);
  }
  if (input.action) where.push(Prisma.sql`(a.action = ${input.action} OR a.action LIKE ${`${input.action.replace(/[\\%_]/g, (c) => `\\${c}`)}.%`})`);
  if (input.from) where.push(Prisma.sql`a.created_at >= ${`${input.from}T00:00:00Z`}::timestamptz`);
  if (input.to) where.push(Prisma.sql`a.created_at < (${`${input.to}T00:00:00Z`}::timestamptz + interval '1 day')`);
  if (input.cursor) where.push(Prisma.sql`a.id < ${BigInt(input.cursor)}`);
  const condition = where.length ? Prisma.sql`WHERE ${Prisma.join(where, " AND ")}` : Prisma.empty;
  const rows = await db.$queryRaw<{ id: bigint; at: Date; actor: string; actor_name: string | null; action: string; entity_type: string; entity_id: string; details: unknown }[]>`
    SELECT a.id, a.created_at AS at, a.actor, u.name AS actor_name, a.action, a.entity_type, a.entity_id, a.details
    FROM audit_logs a
    LEFT JOIN users u ON u.id = a.user_id OR (a.user_id IS NULL AND (u.id = a.actor OR u.email = a.actor))
    ${condition}
    ORDER BY a.id DESC
    LIMIT ${input.limit + 1}`;
  const actions = await db.$queryRaw<{ action: string }[]>`SELECT DISTINCT action FROM audit_logs ORDER BY action LIMIT 500`;
  const page = rows.slice(0, input.limit);
  return {
    entries: page.map((r) => ({
      id: r.id.toString(),
      at: r.at,
      actor: r.actor,
      actorName: r.actor_name,
      action: r.action,
      entityType: r.entity_type,
      entityId: r.entity_id,
      details: r.details,
    })),
    next: rows.length > input.limit ? page[page.length - 1]!.id.toString() : null,
    actions: actions.map((a) => a.action),
  };
}
