import { z } from "zod";
import { defineNodeKind } from "../spec";

const configSchema = z.object({});
export type ExitConfig = z.infer<typeof configSchema>;

export const exit = defineNodeKind({
  kind: "exit",
  category: "exit",
  label: { en: "Exit", "zh-CN": "结束" },
  description: { en: "Members leave the flow here.", "zh-CN": "会员在此离开流程。" },
  icon: "LogOut",
  configSchema,
  defaults: (): ExitConfig => ({}),
  summary: (_c, locale) => (locale === "zh-CN" ? "离开流程" : "Leave the flow"),
});
