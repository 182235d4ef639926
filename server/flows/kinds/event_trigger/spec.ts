import { z } from "zod";
import { defineNodeKind } from "../spec";
import type { Localized } from "../spec";
import { eventNameSchema, msg, propertyConditionSchema } from "../shared";

/** Events the product itself emits; any other well-formed name is a custom storefront event. */
export const memberEvents = {
  "member.registered": { en: "Member registered", "zh-CN": "会员注册" },
  "order.placed": { en: "Order placed", "zh-CN": "下单" },
  "coupon.redeemed": { en: "Coupon redeemed", "zh-CN": "核销优惠券" },
  "points.earned": { en: "Points earned", "zh-CN": "获得积分" },
  "points.expiring": { en: "Points expiring", "zh-CN": "积分即将过期" },
  "points.expired": { en: "Points expired", "zh-CN": "积分已过期" },
  "points.redeemed": { en: "Points redeemed", "zh-CN": "积分已兑换" },
  "tier.changed": { en: "Tier changed", "zh-CN": "等级变更" },
  "tag.added": { en: "Tag added", "zh-CN": "添加标签" },
  "tag.removed": { en: "Tag removed", "zh-CN": "移除标签" },
  "badge.granted": { en: "Badge granted", "zh-CN": "获得徽章" },
  /** properties: from, to (stages), reason (schedule, orders, settings) */
  "lifecycle.changed": { en: "Lifecycle stage changed", "zh-CN": "生命周期阶段变更" },
} as const satisfies Record<string, Localized>;
export type MemberEventName = keyof typeof memberEvents;

const configSchema = z.object({
  event: eventNameSchema,
  conditions: z.array(propertyConditionSchema).max(20, { error: msg("At most 20 conditions", "最多 20 个条件") }),
});
export type EventTriggerConfig = z.infer<typeof configSchema>;

const eventLabel = (name: string): Localized | undefined =>
  (memberEvents as Record<string, Localized | undefined>)[name];

export const eventTrigger = defineNodeKind({
  kind: "event_trigger",
  category: "trigger",
  label: { en: "On an event", "zh-CN": "事件触发" },
  description: {
    en: "A member enters when an event happens, e.g. registers or places an order.",
    "zh-CN": "会员发生某个事件时进入，例如注册或下单。",
  },
  icon: "Zap",
  configSchema,
  defaults: (): EventTriggerConfig => ({ event: "member.registered", conditions: [] }),
  summary: (c, locale) => {
    const name = eventLabel(c.event)?.[locale] ?? c.event;
    const n = c.conditions.length;
    if (n === 0) return name;
    return locale === "zh-CN" ? `${name}（${n} 个条件）` : `${name} (${n} condition${n === 1 ? "" : "s"})`;
  },
});
