import { z } from "zod";
import { defineNodeKind, noReferences } from "../spec";
import type { Localized } from "../spec";
import { channelLabels, channelSchema, msg, requiredId } from "../shared";

/** Variables a message may use, filled per member when it is rendered. */
export const notificationVariables = {
  "member.name": { en: "Member name", "zh-CN": "会员姓名" },
  "member.tier": { en: "Tier", "zh-CN": "会员等级" },
  "member.points": { en: "Points balance", "zh-CN": "积分余额" },
  "member.expiringPoints": { en: "Points about to expire", "zh-CN": "即将过期积分" },
  "member.pointsExpireAt": { en: "Points expiry date", "zh-CN": "积分过期日期" },
  "coupon.code": { en: "Coupon code", "zh-CN": "券码" },
  "coupon.name": { en: "Coupon name", "zh-CN": "优惠券名称" },
  "coupon.value": { en: "Coupon value", "zh-CN": "优惠券面值" },
  "coupon.validTo": { en: "Coupon valid until", "zh-CN": "优惠券有效期至" },
  "flow.name": { en: "Campaign (flow) name", "zh-CN": "活动（流程）名称" },
} as const satisfies Record<string, Localized>;

const variablePattern = /\{\{\s*([^}]*?)\s*\}\}/g;

/** Variable names used in a text, in order of appearance. */
export const variablesIn = (text: string): string[] => [...text.matchAll(variablePattern)].map((m) => m[1] ?? "");

const knownVariable = (name: string): boolean => Object.hasOwn(notificationVariables, name);

function checkVariables(text: string, ctx: z.RefinementCtx): void {
  if (variablesIn(text).every(knownVariable)) return;
  ctx.addIssue({
    code: "custom",
    // A fixed text: messages are registered for translation once, not per input.
    message: msg(
      "Unknown variable: use ones from the list, e.g. {{member.name}} or {{coupon.code}}",
      "未知变量：请使用列表中的变量，例如 {{member.name}} 或 {{coupon.code}}",
    ),
  });
}

const configSchema = z
  .object({
    channel: channelSchema,
    content: z.discriminatedUnion(
      "mode",
      [
        z.object({ mode: z.literal("template"), templateId: requiredId({ en: "message template", "zh-CN": "消息模板" }) }),
        z.object({
          mode: z.literal("inline"),
          title: z.string().trim().max(100, { error: msg("At most 100 characters", "最多 100 个字符") }).superRefine(checkVariables),
          body: z
            .string()
            .trim()
            .min(1, { error: msg("Write the message", "请填写消息内容") })
            .max(1000, { error: msg("At most 1000 characters", "最多 1000 个字符") })
            .superRefine(checkVariables),
        }),
      ],
      { error: msg("Choose a message template or write the message", "请选择消息模板或填写消息") },
    ),
  })
  .superRefine((c, ctx) => {
    // SMS and webhooks have no title; the other channels show one.
    const needsTitle = c.channel === "email" || c.channel === "push" || c.channel === "in_app";
    if (c.content.mode === "inline" && needsTitle && c.content.title.length === 0) {
      ctx.addIssue({ code: "custom", path: ["content", "title"], message: msg("Write a title", "请填写标题") });
    }
    if (c.content.mode === "inline" && c.channel === "sms" && c.content.body.length > 500) {
      ctx.addIssue({ code: "custom", path: ["content", "body"], message: msg("An SMS is at most 500 characters", "短信最多 500 个字符") });
    }
  });
export type SendNotificationConfig = z.infer<typeof configSchema>;

export const sendNotification = defineNodeKind({
  kind: "send_notification",
  category: "action",
  label: { en: "Send notification", "zh-CN": "发送通知" },
  description: {
    en: "Sends an SMS, email, push, in-app message or webhook; respects consent, quiet hours and caps.",
    "zh-CN": "发送短信、邮件、推送、站内信或 Webhook；遵守授权、免打扰时段与频次上限。",
  },
  icon: "Send",
  configSchema,
  defaults: (): SendNotificationConfig => ({ channel: "sms", content: { mode: "inline", title: "", body: "" } }),
  // {{coupon.*}} is the coupon this member was issued earlier in the flow.
  needsUpstream: (c) =>
    c.content.mode === "inline" && [c.content.title, c.content.body].some((text) => variablesIn(text).some((v) => v.startsWith("coupon.")))
      ? ["issue_coupon"]
      : [],
  summary: (c, locale, names) => {
    const channel = channelLabels[c.channel][locale];
    if (c.content.mode === "template") return `${channel} · ${names?.notificationTemplate(c.content.templateId) ?? (locale === "zh-CN" ? "模板" : "template")}`;
    const text = c.content.title || c.content.body;
    return `${channel} · ${text.length > 24 ? `${text.slice(0, 24)}…` : text}`;
  },
  references: (c) => ({
    ...noReferences(),
    notificationTemplateIds: c.content.mode === "template" ? [c.content.templateId] : [],
  }),
});
