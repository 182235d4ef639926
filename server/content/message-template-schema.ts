// What a marketer fills in for a message template, validated the same way in the form and on the
// server. Pure: the Coupons & content page imports it (allow-list in eslint.config.mjs).
import { z } from "zod";
import { rowIdSchema, text } from "@/server/text";
import { msg } from "@/lib/i18n/schema-messages";
import { channelSchema, type Channel } from "@/server/flows/kinds/shared";
import { notificationVariables, variablesIn } from "@/server/flows/kinds/send_notification/spec";

export { channels, channelLabels, type Channel } from "@/server/flows/kinds/shared";
export { notificationVariables, variablesIn };

// text() reports its limits in English; their Chinese twins are registered once here.
for (const max of [80, 100, 200, 500, 1000, 2000, 5000, 10000]) msg(`At most ${max} characters`, `最多 ${max} 个字符`);
msg("Must not contain control characters (such as NUL)", "不能包含控制字符（如 NUL）");

/** Per channel: whether the message has a title (an email's subject) and how long each part may be. */
export const channelLimits: Record<Channel, { title: number | null; titleRequired: boolean; body: number }> = {
  sms: { title: null, titleRequired: false, body: 500 },
  email: { title: 200, titleRequired: true, body: 10000 },
  push: { title: 100, titleRequired: true, body: 1000 },
  in_app: { title: 100, titleRequired: true, body: 2000 },
  webhook: { title: null, titleRequired: false, body: 5000 },
};

/**
 * Variables a text uses that the engine does not fill in. The variable syntax is the send_notification
 * kind's (`variablesIn`); a name is known exactly when it is one of its `notificationVariables`.
 */
export const unknownVariables = (value: string): string[] => [...new Set(variablesIn(value).filter((name) => !Object.hasOwn(notificationVariables, name)))];

const unknownVariableMessage = msg(
  "Unknown variable: use ones from the list, e.g. {{member.name}} or {{coupon.code}}",
  "未知变量：请使用列表中的变量，例如 {{member.name}} 或 {{coupon.code}}",
);

/** A webhook payload is JSON once its variables are filled in (checked with each variable as 0, which fits a string or a number). */
function isJsonPayload(body: string): boolean {
  try {
    JSON.parse(body.replace(/\{\{\s*([^}]*?)\s*\}\}/g, "0"));
    return true;
  } catch {
    return false;
  }
}

export const messageTemplateInput = z
  .object({
    channel: channelSchema,
    name: text({ max: 80 }).min(1, { error: msg("Name the template", "请填写模板名称") }),
    description: text({ max: 500 }).default(""),
    /** The email subject, or the push / in-app title; SMS and webhooks have none. */
    title: text({ max: 200 }).default(""),
    body: text({ max: 10000 }).min(1, { error: msg("Write the message", "请填写消息内容") }),
  })
  .superRefine((t, ctx) => {
    const limits = channelLimits[t.channel];
    if (limits.title === null && t.title.length > 0) {
      ctx.addIssue({ code: "custom", path: ["title"], message: msg("This channel has no title: leave it empty", "该渠道没有标题，请留空") });
    }
    if (limits.title !== null && t.title.length > limits.title) {
      ctx.addIssue({ code: "custom", path: ["title"], message: msg(`At most ${limits.title} characters`, `最多 ${limits.title} 个字符`) });
    }
    if (limits.titleRequired && t.title.length === 0) {
      ctx.addIssue({
        code: "custom",
        path: ["title"],
        message: t.channel === "email" ? msg("Write the subject", "请填写邮件主题") : msg("Write a title", "请填写标题"),
      });
    }
    if (t.body.length > limits.body) {
      ctx.addIssue({
        code: "custom",
        path: ["body"],
        message: t.channel === "sms" ? msg("An SMS is at most 500 characters", "短信最多 500 个字符") : msg(`At most ${limits.body} characters`, `最多 ${limits.body} 个字符`),
      });
    }
    for (const field of ["title", "body"] as const) {
      if (unknownVariables(t[field]).length > 0) ctx.addIssue({ code: "custom", path: [field], message: unknownVariableMessage });
    }
    if (t.channel === "webhook" && t.body.length > 0 && !isJsonPayload(t.body)) {
      ctx.addIssue({ code: "custom", path: ["body"], message: msg("A webhook payload must be JSON, e.g. {\"name\": \"{{member.name}}\"}", "Webhook 内容必须是 JSON，例如 {\"name\": \"{{member.name}}\"}") });
    }
  });
export type MessageTemplateInput = z.input<typeof messageTemplateInput>;
export type MessageTemplate = z.output<typeof messageTemplateInput>;

/** What a preview renders: the text as it stands in the form, for one real member. */
export const messagePreviewInput = z.object({
  channel: channelSchema,
  title: text({ max: 200 }).default(""),
  body: text({ max: 10000 }),
  memberId: rowIdSchema,
});

/** The id of the library template a flow's inline message becomes: its flow's own. */
export const inlineMessageTemplateId = (flowId: string, nodeId: string) => `flow_${flowId}_${nodeId}`;

export const notificationStatuses = ["queued", "deferred", "sent", "failed", "suppressed"] as const;
export type NotificationStatus = (typeof notificationStatuses)[number];
/** Why a message was not sent (notifications.suppressed_reason). */
export const suppressedReasons = ["no_consent", "frequency_cap", "holdout", "no_address"] as const;

/** The outbox's filters; `before` pages to older messages (keyset on the id). */
export const outboxFilterInput = z.object({
  memberId: rowIdSchema.optional(),
  flowId: text({ max: 64 }).optional(),
  channel: channelSchema.optional(),
  status: z.enum(notificationStatuses).optional(),
  reason: text({ max: 40 }).optional(),
  templateId: text({ max: 200 }).optional(),
});
export type OutboxFilter = z.input<typeof outboxFilterInput>;
export const outboxPageInput = outboxFilterInput.extend({
  before: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  pageSize: z.number().int().min(1).max(100).default(50),
});
