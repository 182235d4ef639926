import { z } from "zod";
import { defineNodeKind } from "../spec";

// The members are given at run time (run now, the API, or a chart selection).
const configSchema = z.object({});
export type ManualTriggerConfig = z.infer<typeof configSchema>;

export const manualTrigger = defineNodeKind({
  kind: "manual_trigger",
  category: "trigger",
  label: { en: "Manually", "zh-CN": "手动触发" },
  description: {
    en: "Members enter when you run the flow, call the API, or target a chart selection.",
    "zh-CN": "手动运行、调用 API 或从图表圈选人群时进入。",
  },
  icon: "Hand",
  configSchema,
  defaults: (): ManualTriggerConfig => ({}),
  summary: (_c, locale) => (locale === "zh-CN" ? "手动运行 / API / 图表圈选" : "Run now, API or chart selection"),
});
