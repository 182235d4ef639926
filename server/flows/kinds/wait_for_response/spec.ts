import { z } from "zod";
import { defineNodeKind } from "../spec";
import type { KindIssue, Localized } from "../spec";
import { durationSchema, eventNameSchema, formatDuration, msg, propertyConditionSchema, requiredId } from "../shared";

const conditionsSchema = z.array(propertyConditionSchema).max(20, { error: msg("At most 20 conditions", "最多 20 个条件") });
const sourceNode = (what: Localized) => requiredId(what);

// Responses tied to something this flow did name the node that did it.
const responseEventSchema = z.discriminatedUnion(
  "type",
  [
    z.object({ type: z.literal("coupon.redeemed"), sourceNodeId: sourceNode({ en: "coupon node", "zh-CN": "发券节点" }) }),
    z.object({ type: z.literal("order.placed"), conditions: conditionsSchema }),
    z.object({ type: z.literal("notification.opened"), sourceNodeId: sourceNode({ en: "notification node", "zh-CN": "通知节点" }) }),
    z.object({ type: z.literal("notification.clicked"), sourceNodeId: sourceNode({ en: "notification node", "zh-CN": "通知节点" }) }),
    z.object({ type: z.literal("banner.clicked"), sourceNodeId: sourceNode({ en: "banner node", "zh-CN": "Banner 节点" }) }),
    z.object({ type: z.literal("custom"), name: eventNameSchema, conditions: conditionsSchema }),
  ],
  { error: msg("Choose what counts as a response", "请选择什么算作响应") },
);
export type ResponseEvent = z.infer<typeof responseEventSchema>;

const configSchema = z.object({ event: responseEventSchema, window: durationSchema });
export type WaitForResponseConfig = z.infer<typeof configSchema>;

/** Which node kind a response's source must be. */
const sourceKinds: Partial<Record<ResponseEvent["type"], string>> = {
  "coupon.redeemed": "issue_coupon",
  "notification.opened": "send_notification",
  "notification.clicked": "send_notification",
  "banner.clicked": "show_banner",
};

const eventLabels: Record<ResponseEvent["type"], Localized> = {
  "coupon.redeemed": { en: "Coupon redeemed", "zh-CN": "核销优惠券" },
  "order.placed": { en: "Order placed", "zh-CN": "下单" },
  "notification.opened": { en: "Notification opened", "zh-CN": "打开通知" },
  "notification.clicked": { en: "Notification clicked", "zh-CN": "点击通知" },
  "banner.clicked": { en: "Banner clicked", "zh-CN": "点击 Banner" },
  custom: { en: "Event", "zh-CN": "事件" },
};

export const waitForResponse = defineNodeKind({
  kind: "wait_for_response",
  category: "wait",
  label: { en: "Wait for response", "zh-CN": "等待响应" },
  description: {
    en: "Waits up to a window for what the member does: leaves on “responded” the moment it happens, or on “timeout”.",
    "zh-CN": "在时间窗口内等待会员的行为：一旦发生即走“已响应”，超时走“未响应”。",
  },
  icon: "MessageSquareReply",
  configSchema,
  defaults: (): WaitForResponseConfig => ({ event: { type: "order.placed", conditions: [] }, window: { amount: 3, unit: "days" } }),
  branches: () => [
    { id: "responded", label: { en: "Responded", "zh-CN": "已响应" } },
    { id: "timeout", label: { en: "No response", "zh-CN": "未响应" } },
  ],
  summary: (c, locale) => {
    const what = c.event.type === "custom" ? c.event.name : eventLabels[c.event.type][locale];
    return locale === "zh-CN" ? `${formatDuration(c.window, locale)}内${what}` : `${what} within ${formatDuration(c.window, locale)}`;
  },
  check: (c, flow): KindIssue[] => {
    if (!("sourceNodeId" in c.event)) return [];
    const expected = sourceKinds[c.event.type];
    const actual = flow.nodeKind(c.event.sourceNodeId);
    if (expected === undefined || actual === expected) return [];
    return [
      {
        code: "response_source_invalid",
        severity: "error",
        path: ["event", "sourceNodeId"],
        message:
          actual === undefined
            ? { en: `The node "${c.event.sourceNodeId}" this wait listens to no longer exists`, "zh-CN": `所等待的节点“${c.event.sourceNodeId}”已不存在` }
            : { en: `The node "${c.event.sourceNodeId}" is not a ${expected} node`, "zh-CN": `节点“${c.event.sourceNodeId}”不是 ${expected} 类型` },
      },
    ];
  },
});
