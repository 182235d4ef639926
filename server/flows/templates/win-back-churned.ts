import { allOf, defineFlowTemplate, memberIn } from "./template";

export const winBackChurned = defineFlowTemplate({
  id: "win-back-churned",
  name: { en: "Win back churned members", "zh-CN": "流失会员挽回" },
  description: {
    en: "A win-back coupon, then up to two reminders, 3 days apart, until it is redeemed.",
    "zh-CN": "发放挽回券；3 天内未核销则提醒，最多提醒两次。",
  },
  nodes: [
    {
      id: "monthly",
      kind: "schedule_trigger",
      config: {
        schedule: { mode: "recurring", cron: "0 10 1 * *" },
        timezone: "Asia/Shanghai",
        entry: { mode: "conditions", conditions: allOf(memberIn("lifecycle_stage", ["churned"])) },
      },
    },
    {
      id: "winback_coupon",
      kind: "issue_coupon",
      config: { template: { mode: "inline", name: "老友回归券 ¥30", type: "amount", value: 30, minSpend: 129, validDays: 14 } },
    },
    {
      id: "winback_sms",
      kind: "send_notification",
      config: {
        channel: "sms",
        content: { mode: "inline", title: "", body: "{{member.name}}，我们想您了！¥30 回归券 {{coupon.code}}，满 129 可用，14 天有效。" },
      },
    },
    // Visited once after the first message and once after each reminder: 3 visits.
    {
      id: "wait_redeem",
      kind: "wait_for_response",
      visitLimit: 3,
      config: { event: { type: "coupon.redeemed", sourceNodeId: "winback_coupon" }, window: { amount: 3, unit: "days" } },
    },
    // At most two reminders: a third timeout finds this node's limit reached and the member leaves.
    {
      id: "reminder",
      kind: "send_notification",
      visitLimit: 2,
      config: {
        channel: "push",
        content: { mode: "inline", title: "您的回归券还没用哦", body: "{{member.name}}，券码 {{coupon.code}} 将于 {{coupon.validTo}} 到期。" },
      },
    },
    { id: "tag_won_back", kind: "tag", config: { action: "add", tags: ["won_back"] } },
    { id: "done", kind: "exit", config: {} },
  ],
  edges: [
    ["monthly", "winback_coupon"],
    ["winback_coupon", "winback_sms"],
    ["winback_sms", "wait_redeem"],
    ["wait_redeem", "responded", "tag_won_back"],
    ["wait_redeem", "timeout", "reminder"],
    ["reminder", "wait_redeem"],
    ["tag_won_back", "done"],
  ],
  settings: { reEntry: { mode: "cooldown", days: 90 }, goal: { event: "order.placed", conditions: [], windowDays: 30 } },
});
