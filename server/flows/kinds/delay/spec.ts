import { defineNodeKind } from "../spec";
import { durationSchema, formatDuration } from "../shared";
import type { Duration } from "../shared";

export type DelayConfig = Duration;

export const delay = defineNodeKind({
  kind: "delay",
  category: "wait",
  label: { en: "Delay", "zh-CN": "等待时长" },
  description: { en: "Holds each member for a fixed time.", "zh-CN": "让会员等待一段固定时长。" },
  icon: "Hourglass",
  configSchema: durationSchema,
  defaults: (): DelayConfig => ({ amount: 1, unit: "days" }),
  summary: (c, locale) => (locale === "zh-CN" ? `等待 ${formatDuration(c, locale)}` : `Wait ${formatDuration(c, locale)}`),
});
