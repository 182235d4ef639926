import type { FlowNode } from "../definition";
import { allOf, defineFlowTemplate, memberIn } from "./template";

export const birthdayGift = defineFlowTemplate({
  id: "birthday-gift",
  name: { en: "Birthday gift", "zh-CN": "生日礼" },
  description: {
    en: "On the member's birthday: a coupon, a bigger one plus bonus points for gold and platinum.",
    "zh-CN": "会员生日当天送券；金卡、白金会员额外送积分、券面额更高。",
  },
  nodes: (say): FlowNode[] => [
    { id: "birthday", kind: "date_trigger", config: { date: "birthday", offsetDays: 0, time: "09:00" } },
    {
      id: "by_tier",
      kind: "split",
      config: {
        groups: [{ id: "vip", name: say("Gold & Platinum", "黄金与铂金"), conditions: allOf(memberIn("tier", ["gold", "platinum"])) }],
        elseName: say("Other members", "其他会员"),
      },
    },
    {
      id: "vip_coupon",
      kind: "issue_coupon",
      config: { template: { mode: "inline", name: "生日礼券 ¥50", type: "amount", value: 50, minSpend: 199, validDays: 30 } },
    },
    { id: "vip_points", kind: "points", config: { action: "award", amount: 500, reason: "生日礼" } },
    {
      id: "standard_coupon",
      kind: "issue_coupon",
      config: { template: { mode: "inline", name: "生日礼券 ¥20", type: "amount", value: 20, minSpend: 99, validDays: 30 } },
    },
    {
      id: "greeting",
      kind: "send_notification",
      config: {
        channel: "push",
        content: { mode: "inline", title: "生日快乐，{{member.name}}！", body: "生日礼券 {{coupon.code}} 已到账，{{coupon.validTo}} 前有效。" },
      },
    },
    { id: "done", kind: "exit", config: {} },
  ],
  edges: [
    ["birthday", "by_tier"],
    ["by_tier", "vip", "vip_coupon"],
    ["by_tier", "else", "standard_coupon"],
    ["vip_coupon", "vip_points"],
    ["vip_points", "greeting"],
    ["standard_coupon", "greeting"],
    ["greeting", "done"],
  ],
  // Every year again.
  settings: { reEntry: { mode: "after_exit" } },
});
