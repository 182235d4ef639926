import { defineFlowTemplate } from "./template";

export const welcomeNewMembers = defineFlowTemplate({
  id: "welcome-new-members",
  name: { en: "Welcome new members", "zh-CN": "新会员欢迎礼" },
  description: {
    en: "A welcome coupon on registration, a reminder if there is no first order within 7 days.",
    "zh-CN": "注册即送新人券；7 天内未下单则再提醒一次。",
  },
  nodes: [
    { id: "registered", kind: "event_trigger", config: { event: "member.registered", conditions: [] } },
    {
      id: "welcome_coupon",
      kind: "issue_coupon",
      config: { template: { mode: "inline", name: "新人礼券 ¥20", type: "amount", value: 20, minSpend: 99, validDays: 14 } },
    },
    {
      id: "welcome_sms",
      kind: "send_notification",
      config: {
        channel: "sms",
        content: { mode: "inline", title: "", body: "{{member.name}}，欢迎加入！¥20 新人券已到账，券码 {{coupon.code}}，满 99 可用。" },
      },
    },
    {
      id: "wait_first_order",
      kind: "wait_for_response",
      config: { event: { type: "order.placed", conditions: [] }, window: { amount: 7, unit: "days" } },
    },
    {
      id: "reminder",
      kind: "send_notification",
      config: {
        channel: "push",
        content: { mode: "inline", title: "新人券还没用哦", body: "{{member.name}}，您的新人券 {{coupon.code}} 将于 {{coupon.validTo}} 到期，别错过～" },
      },
    },
    { id: "done", kind: "exit", config: {} },
  ],
  edges: [
    ["registered", "welcome_coupon"],
    ["welcome_coupon", "welcome_sms"],
    ["welcome_sms", "wait_first_order"],
    ["wait_first_order", "responded", "done"],
    ["wait_first_order", "timeout", "reminder"],
    ["reminder", "done"],
  ],
  settings: { reEntry: { mode: "once" }, goal: { event: "order.placed", conditions: [], windowDays: 14 } },
});
