import type { FlowNode } from "../definition";
import { allOf, defineFlowTemplate, memberIn } from "./template";

// 江浙沪: Jiangsu, Zhejiang and Shanghai, as the group names say.
const eastChina = memberIn("province", ["江苏省", "浙江省", "上海市"]);
// 黄金 / 铂金, the tiers' names in the app.
const goldOrPlatinum = memberIn("tier", ["gold", "platinum"]);

// The seed's own example (定向计划): a fixed time, groups by region and tier, a different offer
// per group, then act again on the members who did not respond.
export const targetedPlan = defineFlowTemplate({
  id: "targeted-plan",
  name: { en: "Targeted plan by region and tier", "zh-CN": "定向计划：按地区与等级" },
  description: {
    en: "At a fixed time, split members by region and tier, give each group its own offer, and follow up on those who did not respond.",
    "zh-CN": "在固定时间按地区与等级分组，每组不同权益（优惠券、会员价、Banner），对未响应的会员再次触达。",
  },
  nodes: (say): FlowNode[] => [
    {
      id: "start",
      kind: "schedule_trigger",
      config: {
        schedule: { mode: "once", at: "2026-12-12T10:00:00+08:00" },
        timezone: "Asia/Shanghai",
        entry: { mode: "conditions", conditions: allOf(memberIn("lifecycle_stage", ["active", "silent"])) },
      },
    },
    {
      id: "by_region_tier",
      kind: "split",
      config: {
        groups: [
          { id: "east_vip", name: say("Jiangsu, Zhejiang, Shanghai · Gold/Platinum", "江浙沪 黄金/铂金"), conditions: allOf(eastChina, goldOrPlatinum) },
          { id: "east", name: say("Jiangsu, Zhejiang, Shanghai · other tiers", "江浙沪 其他等级"), conditions: allOf(eastChina) },
          { id: "vip", name: say("Elsewhere · Gold/Platinum", "其他地区 黄金/铂金"), conditions: allOf(goldOrPlatinum) },
        ],
        elseName: say("Everyone else", "其余会员"),
      },
    },
    // east_vip: a big coupon.
    {
      id: "vip_coupon",
      kind: "issue_coupon",
      config: { template: { mode: "inline", name: "双十二专享 ¥50", type: "amount", value: 50, minSpend: 299, validDays: 7 } },
    },
    {
      id: "vip_sms",
      kind: "send_notification",
      config: {
        channel: "sms",
        content: { mode: "inline", title: "", body: "{{member.name}}，双十二专享 ¥50 券 {{coupon.code}} 已到账，满 299 可用。" },
      },
    },
    {
      id: "wait_vip",
      kind: "wait_for_response",
      config: { event: { type: "coupon.redeemed", sourceNodeId: "vip_coupon" }, window: { amount: 5, unit: "days" } },
    },
    // east: a member price on fresh food.
    {
      id: "east_price",
      kind: "member_price",
      // Category 4 is the demo catalogue's 食品饮料 (Food & Beverage); a catalogue without it gets
      // the node with no category, which the validator asks the marketer to pick.
      config: { list: { mode: "inline", target: { type: "categories", categoryIds: [4] }, price: { type: "percent_off", percent: 15 }, validDays: 7 } },
    },
    {
      id: "east_push",
      kind: "send_notification",
      config: { channel: "push", content: { mode: "inline", title: "食品饮料会员价 85 折", body: "{{member.name}}，食品饮料会员价 7 天限时 85 折。" } },
    },
    {
      id: "wait_east",
      kind: "wait_for_response",
      config: { event: { type: "order.placed", conditions: [] }, window: { amount: 7, unit: "days" } },
    },
    // vip elsewhere: an app banner.
    {
      id: "vip_banner",
      kind: "show_banner",
      config: {
        banner: {
          mode: "inline",
          placement: "app_home_top",
          imageUrl: "https://static.example.com/banners/double-12-vip.png",
          title: "黄金/铂金会员专享 双十二礼遇",
          link: "/campaigns/double-12",
          validDays: 7,
        },
      },
    },
    {
      id: "wait_banner",
      kind: "wait_for_response",
      config: { event: { type: "banner.clicked", sourceNodeId: "vip_banner" }, window: { amount: 5, unit: "days" } },
    },
    // Everyone else: a small coupon.
    {
      id: "standard_coupon",
      kind: "issue_coupon",
      config: { template: { mode: "inline", name: "双十二 ¥10", type: "amount", value: 10, minSpend: 99, validDays: 7 } },
    },
    {
      id: "wait_standard",
      kind: "wait_for_response",
      config: { event: { type: "coupon.redeemed", sourceNodeId: "standard_coupon" }, window: { amount: 5, unit: "days" } },
    },
    // Non-responders of every group are targeted again.
    {
      id: "retarget",
      kind: "send_notification",
      config: {
        channel: "push",
        content: { mode: "inline", title: "您的双十二专属优惠还在", body: "{{member.name}}，专属优惠最后 2 天，别错过！" },
      },
    },
    { id: "done", kind: "exit", config: {} },
  ],
  edges: [
    ["start", "by_region_tier"],
    ["by_region_tier", "east_vip", "vip_coupon"],
    ["by_region_tier", "east", "east_price"],
    ["by_region_tier", "vip", "vip_banner"],
    ["by_region_tier", "else", "standard_coupon"],
    ["vip_coupon", "vip_sms"],
    ["vip_sms", "wait_vip"],
    ["east_price", "east_push"],
    ["east_push", "wait_east"],
    ["vip_banner", "wait_banner"],
    ["standard_coupon", "wait_standard"],
    ["wait_vip", "responded", "done"],
    ["wait_vip", "timeout", "retarget"],
    ["wait_east", "responded", "done"],
    ["wait_east", "timeout", "retarget"],
    ["wait_banner", "responded", "done"],
    ["wait_banner", "timeout", "retarget"],
    ["wait_standard", "responded", "done"],
    ["wait_standard", "timeout", "retarget"],
    ["retarget", "done"],
  ],
  settings: { reEntry: { mode: "once" }, goal: { event: "order.placed", conditions: [], windowDays: 7 } },
});
