import type { FlowNode } from "../definition";
import { allOf, defineFlowTemplate, memberIn } from "./template";

export const wakeSilentMembers = defineFlowTemplate({
  id: "wake-silent-members",
  name: { en: "Wake up silent members", "zh-CN": "沉默会员唤醒" },
  description: {
    en: "Every Monday, silent members get an exclusive coupon; 10% are held out to measure the uplift.",
    "zh-CN": "每周一向沉默会员发放专属优惠券；留出 10% 对照组衡量提升效果。",
  },
  nodes: (say): FlowNode[] => [
    {
      id: "weekly",
      kind: "schedule_trigger",
      config: {
        schedule: { mode: "recurring", cron: "0 10 * * 1" },
        timezone: "Asia/Shanghai",
        entry: { mode: "conditions", conditions: allOf(memberIn("lifecycle_stage", ["silent"])) },
      },
    },
    {
      id: "holdout",
      kind: "random_split",
      config: { buckets: [{ id: "treatment", name: say("Treatment", "实验组"), percent: 90 }], holdout: { percent: 10 } },
    },
    {
      id: "comeback_coupon",
      kind: "issue_coupon",
      config: { template: { mode: "inline", name: "回归礼券 9 折", type: "percent", value: 10, minSpend: 0, validDays: 7 } },
    },
    {
      id: "comeback_sms",
      kind: "send_notification",
      config: {
        channel: "sms",
        content: { mode: "inline", title: "", body: "{{member.name}}，好久不见！送您一张 9 折券 {{coupon.code}}，7 天内有效。" },
      },
    },
    {
      id: "wait_redeem",
      kind: "wait_for_response",
      config: { event: { type: "coupon.redeemed", sourceNodeId: "comeback_coupon" }, window: { amount: 7, unit: "days" } },
    },
    { id: "tag_reactivated", kind: "tag", config: { action: "add", tags: ["reactivated"] } },
    { id: "tag_no_response", kind: "tag", config: { action: "add", tags: ["silent_no_response"] } },
    { id: "done", kind: "exit", config: {} },
  ],
  edges: [
    ["weekly", "holdout"],
    ["holdout", "treatment", "comeback_coupon"],
    ["holdout", "control", "done"],
    ["comeback_coupon", "comeback_sms"],
    ["comeback_sms", "wait_redeem"],
    ["wait_redeem", "responded", "tag_reactivated"],
    ["wait_redeem", "timeout", "tag_no_response"],
    ["tag_reactivated", "done"],
    ["tag_no_response", "done"],
  ],
  settings: { reEntry: { mode: "cooldown", days: 30 }, goal: { event: "order.placed", conditions: [], windowDays: 14 } },
});
