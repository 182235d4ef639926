import { z } from "zod";
import { defineNodeKind } from "../spec";
import { msg } from "../shared";

const configSchema = z.object({
  action: z.enum(["award", "deduct"], { error: msg("Pick award or deduct", "请选择发放或扣减") }),
  amount: z
    .number({ error: msg("Enter a number of points", "请输入积分数") })
    .int({ error: msg("Use a whole number of points", "积分必须是整数") })
    .min(1, { error: msg("At least 1 point", "至少 1 积分") })
    .max(1_000_000, { error: msg("At most 1,000,000 points", "最多 1,000,000 积分") }),
  // Shown in the member's points ledger.
  reason: z
    .string()
    .trim()
    .min(1, { error: msg("Give a reason (shown in the points history)", "请填写原因（显示在积分明细中）") })
    .max(60, { error: msg("At most 60 characters", "最多 60 个字符") }),
});
export type PointsConfig = z.infer<typeof configSchema>;

export const points = defineNodeKind({
  kind: "points",
  category: "action",
  label: { en: "Award / deduct points", "zh-CN": "发放 / 扣减积分" },
  description: { en: "Adds points to or takes points from each member's balance.", "zh-CN": "为会员发放或扣减积分。" },
  icon: "Coins",
  configSchema,
  defaults: (): PointsConfig => ({ action: "award", amount: 100, reason: "" }),
  summary: (c, locale) =>
    locale === "zh-CN"
      ? `${c.action === "award" ? "发放" : "扣减"} ${c.amount} 积分`
      : `${c.action === "award" ? "Award" : "Deduct"} ${c.amount} points`,
});
