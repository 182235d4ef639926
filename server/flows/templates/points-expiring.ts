import { defineFlowTemplate } from "./template";

export const pointsExpiring = defineFlowTemplate({
  id: "points-expiring",
  name: { en: "Points about to expire", "zh-CN": "积分即将过期提醒" },
  description: {
    en: "30 days before points expire, tell the member; remind them a week before if they have not redeemed.",
    "zh-CN": "积分过期前 30 天提醒会员；若未兑换，过期前一周再提醒。",
  },
  nodes: [
    { id: "expiry", kind: "date_trigger", config: { date: "points_expiry", offsetDays: -30, time: "10:00" } },
    {
      id: "notice",
      kind: "send_notification",
      config: {
        channel: "sms",
        content: {
          mode: "inline",
          title: "",
          body: "{{member.name}}，您有 {{member.expiringPoints}} 积分将于 {{member.pointsExpireAt}} 过期，快来兑换好礼吧！",
        },
      },
    },
    {
      id: "wait_redeem",
      kind: "wait_for_response",
      config: { event: { type: "custom", name: "points.redeemed", conditions: [] }, window: { amount: 23, unit: "days" } },
    },
    {
      id: "last_call",
      kind: "send_notification",
      config: {
        channel: "push",
        content: { mode: "inline", title: "积分 7 天后过期", body: "{{member.expiringPoints}} 积分即将清零，立即兑换 >" },
      },
    },
    { id: "done", kind: "exit", config: {} },
  ],
  edges: [
    ["expiry", "notice"],
    ["notice", "wait_redeem"],
    ["wait_redeem", "responded", "done"],
    ["wait_redeem", "timeout", "last_call"],
    ["last_call", "done"],
  ],
  settings: { reEntry: { mode: "after_exit" } },
});
