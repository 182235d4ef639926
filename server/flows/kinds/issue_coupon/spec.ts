import { z } from "zod";
import { twoDecimalNumber } from "@/server/decimal";
import { defineNodeKind, noReferences } from "../spec";
import { msg, requiredId, validDaysSchema } from "../shared";

const moneySchema = twoDecimalNumber(msg("Enter an amount", "请输入金额"))
  .nonnegative({ error: msg("The amount cannot be negative", "金额不能为负数") })
  .max(1_000_000, { error: msg("At most 1,000,000", "最多 1,000,000") });

/** A coupon template described in the flow itself, e.g. in a flow template before import. */
const inlineTemplateSchema = z
  .object({
    mode: z.literal("inline"),
    name: z.string().trim().min(1, { error: msg("Name the coupon", "请填写优惠券名称") }),
    type: z.enum(["amount", "percent"], { error: msg("Pick amount off or percent off", "请选择满减或折扣") }),
    // amount: money off; percent: percent off (20 = 20% off).
    value: twoDecimalNumber(msg("Enter the coupon value", "请输入优惠券面值")).min(0.01, { error: msg("The value must be above 0", "面值必须大于 0") }),
    minSpend: moneySchema,
    validDays: validDaysSchema,
  })
  .superRefine((t, ctx) => {
    if (t.type === "percent" && t.value >= 100) {
      ctx.addIssue({ code: "custom", path: ["value"], message: msg("Percent off must be below 100", "折扣比例必须小于 100") });
    }
    if (t.type === "amount" && t.minSpend > 0 && t.value > t.minSpend) {
      ctx.addIssue({
        code: "custom",
        path: ["value"],
        message: msg("The amount off cannot exceed the minimum spend", "减免金额不能超过使用门槛"),
      });
    }
  });

const configSchema = z.object({
  template: z.discriminatedUnion(
    "mode",
    [z.object({ mode: z.literal("existing"), id: requiredId({ en: "coupon template", "zh-CN": "优惠券模板" }) }), inlineTemplateSchema],
    { error: msg("Choose a coupon template or describe a new one", "请选择优惠券模板或新建") },
  ),
});
export type IssueCouponConfig = z.infer<typeof configSchema>;

export const issueCoupon = defineNodeKind({
  kind: "issue_coupon",
  category: "action",
  label: { en: "Issue coupon", "zh-CN": "发放优惠券" },
  description: {
    en: "Gives each member a coupon with a unique code from a coupon template.",
    "zh-CN": "按优惠券模板给每位会员发放一张独立券码的优惠券。",
  },
  icon: "TicketPercent",
  configSchema,
  defaults: (): IssueCouponConfig => ({ template: { mode: "existing", id: "" } }),
  summary: (c, locale, names) => {
    const t = c.template;
    if (t.mode === "existing") return names?.couponTemplate(t.id) ?? (locale === "zh-CN" ? "优惠券模板" : "Coupon template");
    const value =
      t.type === "amount"
        ? locale === "zh-CN" ? `减 ¥${t.value}` : `¥${t.value} off`
        : locale === "zh-CN" ? `${(100 - t.value) / 10} 折` : `${t.value}% off`;
    const min = t.minSpend > 0 ? (locale === "zh-CN" ? `满 ¥${t.minSpend}` : ` over ¥${t.minSpend}`) : "";
    return locale === "zh-CN" ? `${t.name}：${min}${value}，${t.validDays} 天有效` : `${t.name}: ${value}${min}, ${t.validDays} days`;
  },
  references: (c) => ({
    ...noReferences(),
    couponTemplateIds: c.template.mode === "existing" ? [c.template.id] : [],
  }),
});
