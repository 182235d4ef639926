import { z } from "zod";
import { defineNodeKind, noReferences } from "../spec";
import { priceRuleSchema, priceTargetSchema } from "@/server/content/price-list-schema";
import { msg, requiredId, validDaysSchema } from "../shared";

// A list from the library, or the rule written here (it becomes the flow's own library list on
// publish, inlinePriceListId). The rule is the library's: one schema, not two.
const configSchema = z.object({
  list: z.discriminatedUnion(
    "mode",
    [
      z.object({ mode: z.literal("existing"), id: requiredId({ en: "price list", "zh-CN": "会员价" }) }),
      z.object({ mode: z.literal("inline"), target: priceTargetSchema, price: priceRuleSchema, validDays: validDaysSchema }),
    ],
    { error: msg("Choose a price list or set the price here", "请选择会员价或在此设置价格") },
  ),
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
  defaults: (): MemberPriceConfig => ({ list: { mode: "existing", id: "" } }),
  summary: (config, locale, names) => {
    const c = config.list;
    if (c.mode === "existing") return names?.priceList(c.id) ?? (locale === "zh-CN" ? "会员价" : "Price list");
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
  references: (c) => ({ ...noReferences(), priceListIds: c.list.mode === "existing" ? [c.list.id] : [] }),
});

/** A member_price config of definition format 1 (the rule at the top, ids as text) in today's shape. */
export function upgradeMemberPriceV1(config: unknown): unknown {
  const c = config as { target?: { type?: string; productIds?: unknown[]; categoryIds?: unknown[] }; price?: unknown; validDays?: unknown } | null;
  if (!c || typeof c !== "object" || "list" in c) return config;
  const ids = (list: unknown[] | undefined) => (list ?? []).map((id) => (typeof id === "string" && /^\d+$/.test(id) ? Number(id) : id));
  const target = c.target?.type === "products" ? { type: "products", productIds: ids(c.target.productIds) } : { type: "categories", categoryIds: ids(c.target?.categoryIds) };
  return { list: { mode: "inline", target, price: c.price, validDays: c.validDays } };
}
