// A member price list: what it covers (products or categories) and the price (a fixed member
// price or a percent off the catalogue price), with a validity. The same rule is what a flow's
// "Set member price" node describes inline. Pure: the library page and the node inspector import it.
import { z } from "zod";
import { rowIdSchema, text } from "@/server/text";
import { twoDecimalNumber } from "@/server/decimal";
import { msg } from "@/lib/i18n/schema-messages";
import { couponValiditySchema } from "./coupon-template-schema";

const idList = (atLeastOne: string, atLeastOneZh: string) =>
  z
    .array(rowIdSchema)
    .min(1, { error: msg(atLeastOne, atLeastOneZh) })
    .max(500, { error: msg("At most 500 items", "最多 500 项") });

export const priceTargetSchema = z.discriminatedUnion(
  "type",
  [
    z.object({ type: z.literal("products"), productIds: idList("Pick at least one product", "请至少选择一个商品") }),
    z.object({ type: z.literal("categories"), categoryIds: idList("Pick at least one category", "请至少选择一个品类") }),
  ],
  { error: msg("Choose products or categories", "请选择商品或品类") },
);
export type PriceTarget = z.infer<typeof priceTargetSchema>;

export const priceRuleSchema = z.discriminatedUnion(
  "type",
  [
    z.object({
      type: z.literal("fixed"),
      amount: twoDecimalNumber(msg("Enter a price", "请输入价格"))
        .min(0.01, { error: msg("The price must be above 0", "价格必须大于 0") })
        .max(1_000_000, { error: msg("At most 1,000,000", "最多 1,000,000") }),
    }),
    z.object({
      type: z.literal("percent_off"),
      percent: twoDecimalNumber(msg("Enter a percentage", "请输入百分比"))
        .min(0.01, { error: msg("Percent off must be above 0", "折扣比例必须大于 0") })
        .max(99.99, { error: msg("Percent off must be below 100", "折扣比例必须小于 100") }),
    }),
  ],
  { error: msg("Choose a fixed price or percent off", "请选择固定价格或折扣") },
);
export type PriceRule = z.infer<typeof priceRuleSchema>;

export const priceListInput = z
  .object({
    name: text({ min: 1, max: 80 }),
    description: text({ max: 500 }).default(""),
    target: priceTargetSchema,
    price: priceRuleSchema,
    validity: couponValiditySchema,
  })
  .superRefine((p, ctx) => {
    if (p.validity.kind === "range" && new Date(p.validity.to) <= new Date(p.validity.from)) {
      ctx.addIssue({ code: "custom", path: ["validity", "to"], message: msg("The end must come after the start", "结束时间必须晚于开始时间") });
    }
  });
export type PriceListInput = z.input<typeof priceListInput>;

/** The member price a rule gives on a catalogue price (never below 0.01, rounded to the fen). */
export function memberPriceOf(rule: PriceRule, catalogue: number): number {
  // A fixed price may sit above the catalogue price: the preview flags it rather than hiding it.
  const price = rule.type === "fixed" ? rule.amount : catalogue * (1 - rule.percent / 100);
  return Math.max(0.01, Math.round(price * 100) / 100);
}

/** The id of the library list a flow's inline member price becomes: its flow's own. */
export const inlinePriceListId = (flowId: string, nodeId: string) => `flow_${flowId}_${nodeId}`;
