import { defineFlowTemplate } from "./template";

export const tierUpgrade = defineFlowTemplate({
  id: "tier-upgrade",
  name: { en: "Tier upgrade congratulations", "zh-CN": "会员升级祝贺" },
  description: {
    en: "When a member moves up a tier: bonus points, a congratulation and a benefits banner.",
    "zh-CN": "会员升级时：发放升级奖励积分、发送祝贺并展示权益 Banner。",
  },
  nodes: [
    {
      id: "upgraded",
      kind: "event_trigger",
      config: { event: "tier.changed", conditions: [{ path: "direction", operator: "eq", value: "up" }] },
    },
    { id: "bonus", kind: "points", config: { action: "award", amount: 200, reason: "升级奖励" } },
    {
      id: "congrats",
      kind: "send_notification",
      config: {
        channel: "push",
        content: { mode: "inline", title: "恭喜升级为 {{member.tier}} 会员！", body: "{{member.name}}，200 积分升级奖励已到账，更多专属权益等您解锁。" },
      },
    },
    {
      id: "benefits_banner",
      kind: "show_banner",
      config: {
        banner: {
          mode: "inline",
          placement: "member_center",
          imageUrl: "https://static.example.com/banners/tier-upgrade.png",
          title: "专属权益已解锁",
          link: "/member/benefits",
          validDays: 14,
        },
      },
    },
    { id: "done", kind: "exit", config: {} },
  ],
  edges: [
    ["upgraded", "bonus"],
    ["bonus", "congrats"],
    ["congrats", "benefits_banner"],
    ["benefits_banner", "done"],
  ],
  settings: { reEntry: { mode: "after_exit" } },
});
