// Profile upsert by the storefront's external id. Fields left out keep their value; a new member
// starts in the lowest tier and registers through the event path, so registration-triggered
// flows greet them at once.
import { z } from "zod";
import { sharedPool, sql, withTransaction } from "@/server/db/sql";
import { DomainError } from "@/server/errors";
import { ingestEventsIn } from "@/server/events/ingest";
import { text } from "@/server/text";
import { defineEndpoint } from "./endpoint";
import { memberPathSchema, timestampSchema } from "./schemas";

const channels = ["app", "mini_program", "web", "store"] as const;

export const memberProfileSchema = z
  .object({
    name: text({ min: 1, max: 100 }).meta({ description: "Required when the member is new", example: "王小明" }),
    phone: text({ min: 5, max: 32 }).regex(/^\+?[0-9 -]+$/, { error: "Digits, spaces, dashes and a leading + only" }).nullable().meta({ example: "+86 138 0013 8000" }),
    email: z.email({ error: "Not an email address" }).max(200).nullable(),
    gender: z.enum(["male", "female", "unknown"]),
    province: text({ min: 1, max: 50 }).nullable().meta({ example: "江苏省" }),
    city: text({ min: 1, max: 50 }).nullable().meta({ example: "南京市" }),
    businessDistrict: text({ min: 1, max: 100 }).nullable().meta({ example: "新街口" }),
    birthday: z.iso.date({ error: "Use a date like 1990-05-17" }).nullable(),
    registeredAt: timestampSchema.meta({ description: "When the member joined; defaults to now for a new member" }),
    registrationChannel: z.enum(channels),
    consent: z
      .object({ sms: z.boolean(), email: z.boolean(), push: z.boolean(), inApp: z.boolean() })
      .partial()
      .meta({ description: "Marketing consent per channel; notifications honour it" }),
    attributes: z
      .record(text({ min: 1, max: 64 }), z.union([z.string().max(1000), z.number(), z.boolean(), z.null()]))
      .refine((a) => Object.keys(a).length <= 50, { error: "At most 50 attributes" })
      .meta({ description: "Your own flat fields; merged into the stored ones (null removes one)", example: { vip_card: "A-0012" } }),
  })
  .partial()
  .strict()
  .meta({ id: "MemberProfileInput" });

const memberSchema = z
  .object({
    externalId: z.string(),
    created: z.boolean().meta({ description: "True when this call created the member" }),
    name: z.string(),
    phone: z.string().nullable(),
    email: z.string().nullable(),
    gender: z.enum(["male", "female", "unknown"]),
    province: z.string().nullable(),
    city: z.string().nullable(),
    businessDistrict: z.string().nullable(),
    birthday: z.string().nullable(),
    registeredAt: timestampSchema,
    registrationChannel: z.string(),
    tier: z.string(),
    pointsBalance: z.number().int(),
    consent: z.object({ sms: z.boolean(), email: z.boolean(), push: z.boolean(), inApp: z.boolean() }),
    attributes: z.record(z.string(), z.unknown()),
  })
  .meta({ id: "Member" });

type MemberRow = {
  id: number; external_id: string; name: string; phone: string | null; email: string | null; gender: "male" | "female" | "unknown";
  province: string | null; city: string | null; business_district: string | null; birthday: string | null; registered_at: Date;
  registration_channel: string; tier_id: string; points_balance: number; consent_sms: boolean; consent_email: boolean;
  consent_push: boolean; consent_in_app: boolean; attributes: Record<string, unknown>; created: boolean;
};

export const upsertMember = defineEndpoint({
  operationId: "upsertMember",
  method: "PUT",
  path: "/members/{externalId}",
  tag: "Members",
  summary: "Create or update a member's profile",
  description:
    "Creates the member (201) or updates the fields you send (200); fields left out keep their value. A new member needs a `name`, starts in the lowest tier, " +
    "and emits `member.registered`, which registration-triggered flows start from.",
  scope: "members:write",
  params: memberPathSchema,
  body: memberProfileSchema,
  success: { statuses: { 200: "Updated", 201: "Created" }, schema: memberSchema },
  problems: ["validation_failed", "unprocessable"],
  async handle({ key, params, body, now }) {
    return withTransaction(sharedPool(), async (tx) => {
      const [existing] = await tx.query<{ id: number }>(sql`SELECT id FROM members WHERE external_id = ${params.externalId} FOR UPDATE`);
      if (!existing && !body.name) {
        throw new DomainError("invalid", "A new member needs a name", { reason: "name_required", errors: [{ path: "body.name", message: "Required for a new member", code: "required" }] });
      }
      const has = (field: keyof typeof body) => body[field] !== undefined;
      const value = <T,>(field: keyof typeof body, v: T) => (has(field) ? v : null);
      const attributes = body.attributes ?? {};
      const removed = Object.entries(attributes).filter(([, v]) => v === null).map(([k]) => k);
      const kept = Object.fromEntries(Object.entries(attributes).filter(([, v]) => v !== null));
      const [row] = await tx.query<MemberRow>(sql`
        INSERT INTO members (external_id, name, phone, email, gender, province, city, business_district, birthday, registered_at,
                             registration_channel, tier_id, consent_sms, consent_email, consent_push, consent_in_app, attributes)
        VALUES (${params.externalId}, ${body.name ?? ""}, ${body.phone ?? null}, ${body.email ?? null}, ${body.gender ?? "unknown"}::"Gender",
                ${body.province ?? null}, ${body.city ?? null}, ${body.businessDistrict ?? null}, ${body.birthday ?? null}::date,
                ${body.registeredAt ? new Date(body.registeredAt) : now}, ${body.registrationChannel ?? "app"},
                (SELECT id FROM tiers ORDER BY rank LIMIT 1),
                ${body.consent?.sms ?? false}, ${body.consent?.email ?? false}, ${body.consent?.push ?? false}, ${body.consent?.inApp ?? true},
                ${JSON.stringify(kept)}::jsonb)
        ON CONFLICT (external_id) DO UPDATE SET
          name = coalesce(${value("name", body.name)}, members.name),
          phone = CASE WHEN ${has("phone")} THEN ${body.phone ?? null} ELSE members.phone END,
          email = CASE WHEN ${has("email")} THEN ${body.email ?? null} ELSE members.email END,
          gender = coalesce(${value("gender", body.gender)}::"Gender", members.gender),
          province = CASE WHEN ${has("province")} THEN ${body.province ?? null} ELSE members.province END,
          city = CASE WHEN ${has("city")} THEN ${body.city ?? null} ELSE members.city END,
          business_district = CASE WHEN ${has("businessDistrict")} THEN ${body.businessDistrict ?? null} ELSE members.business_district END,
          birthday = CASE WHEN ${has("birthday")} THEN ${body.birthday ?? null}::date ELSE members.birthday END,
          registered_at = coalesce(${body.registeredAt ? new Date(body.registeredAt) : null}::timestamptz, members.registered_at),
          registration_channel = coalesce(${value("registrationChannel", body.registrationChannel)}, members.registration_channel),
          consent_sms = coalesce(${body.consent?.sms ?? null}::boolean, members.consent_sms),
          consent_email = coalesce(${body.consent?.email ?? null}::boolean, members.consent_email),
          consent_push = coalesce(${body.consent?.push ?? null}::boolean, members.consent_push),
          consent_in_app = coalesce(${body.consent?.inApp ?? null}::boolean, members.consent_in_app),
          attributes = (members.attributes - ${removed}::text[]) || ${JSON.stringify(kept)}::jsonb,
          updated_at = now()
        RETURNING id, external_id, name, phone, email, gender, province, city, business_district, birthday::text, registered_at,
                  registration_channel, tier_id, points_balance, consent_sms, consent_email, consent_push, consent_in_app, attributes,
                  (xmax = 0) AS created`);
      const m = row!;
      if (m.created) {
        await tx.execute(sql`INSERT INTO member_stats (member_id) VALUES (${m.id}) ON CONFLICT DO NOTHING`);
        await ingestEventsIn(
          tx,
          [{ id: `member.registered:${m.external_id}`, memberId: m.id, name: "member.registered", occurredAt: m.registered_at, properties: { channel: m.registration_channel } }],
          { source: key.id, now },
        );
      }
      return {
        status: m.created ? 201 : 200,
        body: {
          externalId: m.external_id,
          created: m.created,
          name: m.name,
          phone: m.phone,
          email: m.email,
          gender: m.gender,
          province: m.province,
          city: m.city,
          businessDistrict: m.business_district,
          birthday: m.birthday,
          registeredAt: m.registered_at.toISOString(),
          registrationChannel: m.registration_channel,
          tier: m.tier_id,
          pointsBalance: m.points_balance,
          consent: { sms: m.consent_sms, email: m.consent_email, push: m.consent_push, inApp: m.consent_in_app },
          attributes: m.attributes,
        },
      };
    });
  },
});
