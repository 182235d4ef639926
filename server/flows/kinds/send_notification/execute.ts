// Server-only (the lint rule keeps components/ away from execute.ts files).
import { raw, sql, type Sql } from "@/server/db/sql";
import { batchRows, suppressHoldout, type Executor } from "@/server/engine/executor";
import { quietHoursEnd } from "@/server/engine/messaging/quiet-hours";
import type { Channel } from "../shared";

/** Whether a member may be sent a message on a channel: consent, and an address to send to. */
const reachable: Record<Channel, Sql> = {
  sms: raw("m.consent_sms AND m.phone IS NOT NULL"),
  email: raw("m.consent_email AND m.email IS NOT NULL"),
  push: raw("m.consent_push"),
  in_app: raw("m.consent_in_app"),
  webhook: raw("TRUE"),
};

/** Messages deferred by quiet hours are spread at this rate when the flow sets none: never a burst. */
const DEFAULT_DEFERRED_PER_MINUTE = 1000;

// One INSERT … SELECT writes the batch's messages into the outbox, each already decided:
// suppressed (no consent or address, or over the flow's frequency cap: the member moves on, the
// reason recorded), deferred to the end of quiet hours, or queued; deferred and rate-limited
// messages get send times spread at the channel's rate after the last one already scheduled.
// Title and body keep the template text; `variables` holds the values the sender renders them with
// (the same renderer as the builder's preview).
export const execute: Executor<"send_notification"> = async (ctx) => {
  const batch = await suppressHoldout(ctx, "notification");
  if (batch.length === 0) return { type: "branch", branch: "out" };
  const { channel, content } = ctx.node.config;
  const settings = ctx.flow.definition.settings;
  const [text] =
    content.mode === "inline"
      ? [{ id: null, title: content.title, body: content.body }]
      : await ctx.tx.query<{ id: string; title: string; body: string }>(
          sql`SELECT id, title, body FROM notification_templates WHERE id = ${content.templateId}`,
        );
  if (!text) throw new Error(`message template ${content.mode === "template" ? content.templateId : ""} does not exist`);

  const deferUntil = quietHoursEnd(ctx.now, settings.quietHours, settings.timezone);
  const perMinute = settings.sendRateLimits[channel] ?? (deferUntil ? DEFAULT_DEFERRED_PER_MINUTE : null);
  const spacingMs = perMinute ? 60_000 / perMinute : 0;
  const start = (deferUntil ?? ctx.now).toISOString();
  const cap = settings.frequencyCaps[channel];
  const overCap = cap
    ? sql`(SELECT count(*) FROM notifications n WHERE n.flow_id = ${ctx.flow.flowId} AND n.member_id = b.member_id
             AND n.channel = ${channel}::"Channel" AND n.status IN ('queued', 'deferred', 'sent')
             AND n.created_at > ${ctx.now.toISOString()}::timestamptz - make_interval(days => ${cap.days}::int)) >= ${cap.max}::int`
    : sql`FALSE`;

  await ctx.effects.insert(
    "notifications",
    sql`
      WITH decided AS (
        SELECT b.journey_id, b.member_id, b.visit, m.name, m.points_balance, t.name AS tier_name,
               CASE WHEN NOT (${reachable[channel]}) THEN 'no_consent' WHEN ${overCap} THEN 'frequency_cap' END AS suppressed
        FROM ${batchRows(batch)} b JOIN members m ON m.id = b.member_id LEFT JOIN tiers t ON t.id = m.tier_id
      ), spaced AS (
        SELECT d.*, row_number() OVER (PARTITION BY d.suppressed IS NULL ORDER BY d.journey_id) - 1 AS slot FROM decided d
      ), base AS (
        SELECT greatest(${start}::timestamptz, coalesce(max(n.scheduled_for), ${start}::timestamptz)) AS at
        FROM notifications n WHERE n.flow_id = ${ctx.flow.flowId} AND n.channel = ${channel}::"Channel" AND n.status IN ('queued', 'deferred')
      )
      SELECT s.member_id, ${channel}::"Channel", ${text.id}, ${text.title}, ${text.body},
             (CASE WHEN s.suppressed IS NOT NULL THEN 'suppressed' WHEN ${deferUntil !== null} THEN 'deferred' ELSE 'queued' END)::"NotificationStatus",
             CASE WHEN s.suppressed IS NOT NULL THEN ${ctx.now.toISOString()}::timestamptz
                  ELSE (SELECT at FROM base) + make_interval(secs => s.slot * ${spacingMs / 1000}::float8) END,
             s.suppressed,
             jsonb_strip_nulls(jsonb_build_object(
               'member.name', s.name, 'member.tier', s.tier_name, 'member.points', s.points_balance,
               'member.expiringPoints', px.amount, 'member.pointsExpireAt', to_char(px.expires_at AT TIME ZONE ${settings.timezone}, 'YYYY-MM-DD'),
               'coupon.code', c.code, 'coupon.name', ct.name,
               'coupon.value', CASE WHEN ct.type = 'percent' THEN ct.value::text || '%' ELSE ct.value::text END,
               'coupon.validTo', to_char(c.valid_to AT TIME ZONE ${settings.timezone}, 'YYYY-MM-DD'),
               'flow.name', (SELECT f.name FROM flows f WHERE f.id = ${ctx.flow.flowId}))),
             ${ctx.flow.flowId}, s.journey_id, ${ctx.node.id}, s.visit
      FROM spaced s
      LEFT JOIN LATERAL (SELECT c.code, c.template_id, c.template_revision, c.valid_to FROM coupons c WHERE c.journey_id = s.journey_id ORDER BY c.issued_at DESC, c.id LIMIT 1) c ON TRUE
      LEFT JOIN coupon_template_revisions ct ON ct.template_id = c.template_id AND ct.revision = c.template_revision
      -- Points about to expire: what is left of the member's open lots on their earliest due date.
      LEFT JOIN LATERAL (
        SELECT l.expires_at, sum(l.remaining) AS amount FROM points_entries l
        WHERE l.member_id = s.member_id AND l.remaining > 0 AND l.expires_at > ${ctx.now.toISOString()}::timestamptz
        GROUP BY l.expires_at ORDER BY l.expires_at LIMIT 1
      ) px ON TRUE`,
    ["member_id", "channel", "template_id", "title", "body", "status", "scheduled_for", "suppressed_reason", "variables", "flow_id", "journey_id", "node_id", "visit"],
  );
  return { type: "branch", branch: "out" };
};
