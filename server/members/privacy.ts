// A member's privacy: consent per channel (each change audited with who made it), everything
// memberflow holds about the member as JSON (audited), and erasure. Each is one transaction with
// its audit entry.
//
// Erasure anonymises instead of deleting, so counts, revenue and flow results still add up while
// nothing names the person: the profile (name, external id, phone, email, region, birthday,
// attributes) is blanked and consent withdrawn; tags and static-audience memberships removed;
// journeys still running end (exited, "erased"); messages keep their channel, status and times but
// lose their rendered title, body and variables; pending messages and webhook calls are cancelled;
// coupons still open are revoked and banners and member prices end now; events keep their name and
// time but lose their properties (which may carry addresses or names). member_erasures records who
// erased whom and when; erasing twice is refused.
import "server-only";

import type { PrismaClient } from "@/server/prisma-client";
import type { Session } from "@/server/auth/roles";
import { audit } from "@/server/audit/service";
import { DomainError } from "@/server/errors";
import { eraseMemberInput, setConsentInput, type ConsentChannel } from "@/server/members/privacy-schemas";
import type { z } from "zod";

const consentColumn = { sms: "consentSms", email: "consentEmail", push: "consentPush", inApp: "consentInApp" } as const satisfies Record<ConsentChannel, string>;

export async function setMemberConsent(db: PrismaClient, session: Session, raw: z.input<typeof setConsentInput>) {
  const input = setConsentInput.parse(raw);
  return db.$transaction(async (tx) => {
    const member = await tx.member.findUnique({ where: { id: input.id } });
    if (!member) throw new DomainError("not_found", `Member ${input.id} does not exist`, { field: "id" });
    if (await tx.memberErasure.findUnique({ where: { memberId: input.id } })) throw new DomainError("archived", "This member was erased");
    const changes: Record<string, { from: boolean; to: boolean }> = {};
    const data: Record<string, boolean> = {};
    for (const channel of Object.keys(input.consent) as ConsentChannel[]) {
      const to = input.consent[channel]!;
      const from = member[consentColumn[channel]];
      if (from !== to) {
        changes[channel] = { from, to };
        data[consentColumn[channel]] = to;
      }
    }
    if (Object.keys(data).length) {
      await tx.member.update({ where: { id: member.id }, data });
      await audit(tx, session, { action: "member.consent_change", entityType: "member", entityId: String(member.id), details: { changes } });
    }
    return { id: member.id, changed: Object.keys(changes) };
  });
}

/** Everything memberflow holds about one member, as JSON; the export itself is audited. */
export async function exportMemberData(db: PrismaClient, session: Session, id: number) {
  return db.$transaction(async (tx) => {
    const member = await tx.member.findUnique({
      where: { id },
      include: { tier: { select: { name: true } }, tags: { include: { tag: { select: { name: true } } } }, badges: true, stats: true },
    });
    if (!member) throw new DomainError("not_found", `Member ${id} does not exist`, { field: "id" });
    const [orders, visits, events, coupons, messages, journeys, points, banners, prices, audiences, erasure] = await Promise.all([
      tx.order.findMany({ where: { memberId: id }, include: { items: true }, orderBy: { placedAt: "asc" } }),
      tx.visit.findMany({ where: { memberId: id }, orderBy: { visitedAt: "asc" } }),
      tx.memberEvent.findMany({ where: { memberId: id }, orderBy: { occurredAt: "asc" } }),
      tx.coupon.findMany({ where: { memberId: id }, orderBy: { issuedAt: "asc" } }),
      tx.notification.findMany({ where: { memberId: id }, orderBy: { createdAt: "asc" } }),
      tx.journey.findMany({ where: { memberId: id }, orderBy: { enteredAt: "asc" } }),
      tx.pointsEntry.findMany({ where: { memberId: id } }),
      tx.banner.findMany({ where: { memberId: id } }),
      tx.memberPrice.findMany({ where: { memberId: id } }),
      tx.audienceMember.findMany({ where: { memberId: id }, select: { audienceId: true, addedAt: true } }),
      tx.memberErasure.findUnique({ where: { memberId: id } }),
    ]);
    await audit(tx, session, { action: "member.export", entityType: "member", entityId: String(id), details: {} });
    // Plain JSON: BigInt ids and decimals as strings.
    return JSON.parse(
      JSON.stringify(
        { exportedAt: new Date(), member, erasure, orders, visits, events, coupons, messages, journeys, points, banners, memberPrices: prices, staticAudiences: audiences },
        (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value),
      ),
    ) as Record<string, unknown>;
  });
}

export async function eraseMember(db: PrismaClient, session: Session, raw: z.input<typeof eraseMemberInput>) {
  const input = eraseMemberInput.parse(raw);
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT 1 FROM members WHERE id = ${input.id} FOR UPDATE`;
    const member = await tx.member.findUnique({ where: { id: input.id }, select: { id: true, externalId: true } });
    if (!member) throw new DomainError("not_found", `Member ${input.id} does not exist`, { field: "id" });
    if (await tx.memberErasure.findUnique({ where: { memberId: member.id } })) throw new DomainError("conflict", "This member was already erased");
    if (member.externalId !== input.confirmExternalId) {
      throw new DomainError("invalid", "Type the member's external id to confirm", { field: "confirmExternalId" });
    }
    const id = member.id;
    const now = new Date();
    await tx.$executeRaw`
      UPDATE members SET name = 'Erased member', external_id = 'erased-' || id, phone = NULL, email = NULL, gender = 'unknown',
        province = NULL, city = NULL, business_district = NULL, birthday = NULL, attributes = '{}'::jsonb,
        consent_sms = false, consent_email = false, consent_push = false, consent_in_app = false, updated_at = now()
      WHERE id = ${id}`;
    const counts = {
      tags: await tx.memberTag.deleteMany({ where: { memberId: id } }).then((r) => r.count),
      staticAudiences: await tx.audienceMember.deleteMany({ where: { memberId: id } }).then((r) => r.count),
      journeysEnded: await tx.$executeRaw`
        UPDATE journeys SET status = 'exited', end_reason = 'erased', ended_at = now(), wait_until = NULL, wait_event = NULL, waiting_for = NULL
        WHERE member_id = ${id} AND status IN ('active', 'waiting')`,
      messages: await tx.$executeRaw`
        UPDATE notifications SET title = '', body = '', variables = '{}'::jsonb, error = NULL,
          status = CASE WHEN status IN ('queued', 'deferred') THEN 'suppressed'::"NotificationStatus" ELSE status END,
          suppressed_reason = CASE WHEN status IN ('queued', 'deferred') THEN 'erased' ELSE suppressed_reason END
        WHERE member_id = ${id}`,
      webhookCalls: await tx.$executeRaw`
        UPDATE webhook_deliveries SET variables = '{}'::jsonb, headers = '[]'::jsonb, body_template = '',
          status = CASE WHEN status IN ('queued', 'sending') THEN 'failed' ELSE status END,
          error = CASE WHEN status IN ('queued', 'sending') THEN 'member erased' ELSE error END
        WHERE member_id = ${id}`,
      couponsRevoked: await tx.coupon.updateMany({ where: { memberId: id, status: "issued" }, data: { status: "revoked" } }).then((r) => r.count),
      bannersEnded: await tx.banner.updateMany({ where: { memberId: id, validTo: { gt: now } }, data: { validTo: now } }).then((r) => r.count),
      pricesEnded: await tx.memberPrice.updateMany({ where: { memberId: id, validTo: { gt: now } }, data: { validTo: now } }).then((r) => r.count),
      events: await tx.$executeRaw`UPDATE member_events SET properties = '{}'::jsonb WHERE member_id = ${id}`,
    };
    await tx.memberErasure.create({ data: { memberId: id, erasedBy: session.user.email ?? session.user.id } });
    // The entry names the member by row id only: the external id would name the person.
    await audit(tx, session, { action: "member.erase", entityType: "member", entityId: String(id), details: counts });
    return { id, erasedAt: now, ...counts };
  });
}

/** When and by whom a member was erased, or null. */
export async function memberErasure(db: PrismaClient, id: number) {
  return db.memberErasure.findUnique({ where: { memberId: id } });
}
