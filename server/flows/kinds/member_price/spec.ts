import { z } from "zod";
import { defineNodeKind } from "../spec";
import { msg, validDaysSchema } from "../shared";

const idListSchema = (atLeastOne: string, atLeastOneZh: string) =>
  z
    .array(z.string().min(1))
    .min(1, { error: msg(atLeastOne, atLeastOneZh) })
    .max(500, { error: msg("At most 500 items", "最多 500 项") });

const configSchema = z.object({
  target: z.discriminatedUnion(
    "type",
    [
      z.object({ type: z.literal("products"), productIds: idListSchema("Pick at least one product", "请至少选择一个商品") }),
      z.object({ type: z.literal("categories"), categoryIds: idListSchema("Pick at least one category", "请至少选择一个品类") }),
    ],
    { error: msg("Choose products or categories", "请选择商品或品类") },
  ),
  price: z.discriminatedUnion(
    "type",
    [
      z.object({
        type: z.literal("fixed"),
        amount: z.number({ error: msg("Enter a price", "请输入价格") }).positive({ error: msg("The price must be above 0", "价格必须大于 0") }),
      }),
      z.object({
        type: z.literal("percent_off"),
        percent: z
          .number({ error: msg("Enter a percentage", "请输入百分比") })
          .gt(0, { error: msg("Percent off must be above 0", "折扣比例必须大于 0") })
          .lt(100, { error: msg("Percent off must be below 100", "折扣比例必须小于 100") }),
      }),
    ],
    { error: msg("Choose a fixed price or percent off", "请选择固定价格或折扣") },
  ),
  validDays: validDaysSchema,
});
export type MemberPriceConfig = z.infer<typeof configSchema>;

export const memberPrice = defineNodeKind({
  kind: "member_price",
  category: "action",
  label: { en: "Set member price", "zh-CN": "设置会员价" },
  description: {
    en: "Gives each member a special price on products or categories for a while.",
    "zh-CN": "在一段时间内为会员提供商品或品类的专属价格。",
  },
  icon: "BadgePercent",
  configSchema,
  defaults: (): MemberPriceConfig => ({
    target: { type: "categories", categoryIds: [] },
    price: { type: "percent_off", percent: 10 },
    validDays: 7,
  }),
  summary: (c, locale) => {
    const n = c.target.type === "products" ? c.target.productIds.length : c.target.categoryIds.length;
    const what =
      c.target.type === "products"
        ? locale === "zh-CN" ? `${n} 个商品` : `${n} product${n === 1 ? "" : "s"}`
        : locale === "zh-CN" ? `${n} 个品类` : `${n} categor${n === 1 ? "y" : "ies"}`;
    const price =
      c.price.type === "fixed"
        ? `¥${c.price.amount}`
        : locale === "zh-CN" ? `${(100 - c.price.percent) / 10} 折` : `${c.price.percent}% off`;
    return locale === "zh-CN" ? `${what} ${price}，${c.validDays} 天` : `${price} on ${what}, ${c.validDays} days`;
  },
});
