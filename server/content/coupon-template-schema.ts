// What a marketer fills in for a coupon template, validated the same way in the form and on the
// server. Pure: the Coupons & content page imports it.
import { z } from "zod";
import { rowIdSchema } from "@/server/text";
import { twoDecimalNumber } from "@/server/decimal";
import { msg } from "@/lib/i18n/schema-messages";

const money = (what: string, zh: string) =>
  twoDecimalNumber(msg(`Enter ${what}`, `请输入${zh}`))
    .nonnegative({ error: msg("Cannot be negative", "不能为负数") })
    .max(1_000_000, { error: msg("At most 1,000,000", "最多 1,000,000") });

const idList = z.array(rowIdSchema).max(500, { error: msg("At most 500", "最多 500 个") });

export const couponValiditySchema = z.discriminatedUnion(
  "kind",
  [
    z.object({ kind: z.literal("days"), days: z.number({ error: msg("Enter a number of days", "请输入天数") }).int({ error: msg("Whole days", "请输入整数天") }).min(1, { error: msg("At least 1 day", "至少 1 天") }).max(3650, { error: msg("At most 3,650 days", "最多 3,650 天") }) }),
    z.object({
      kind: z.literal("range"),
      from: z.iso.datetime({ offset: true, error: msg("Pick a start time", "请选择开始时间") }),
      to: z.iso.datetime({ offset: true, error: msg("Pick an end time", "请选择结束时间") }),
    }),
  ],
  { error: msg("Choose days from issue or a fixed period", "请选择领取后有效天数或固定时段") },
);

export const couponTemplateInput = z
  .object({
    name: z.string().trim().min(1, { error: msg("Name the coupon", "请填写优惠券名称") }).max(80, { error: msg("At most 80 characters", "最多 80 个字符") }),
    description: z.string().trim().max(500, { error: msg("At most 500 characters", "最多 500 个字符") }).default(""),
    type: z.enum(["amount", "percent"], { error: msg("Pick amount off or percent off", "请选择满减或折扣") }),
    // amount: yuan off; percent: percent off (20 = 20% off).
    value: money("the coupon value", "优惠券面值").min(0.01, { error: msg("The value must be above 0", "面值必须大于 0") }),
    maxDiscount: money("the largest discount", "最高优惠").nullable().default(null),
    minSpend: money("the minimum spend", "使用门槛").default(0),
    validity: couponValiditySchema,
    productIds: idList.default([]),
    categoryIds: idList.default([]),
    totalLimit: z.number().int({ error: msg("A whole number", "请输入整数") }).min(1, { error: msg("At least 1, or no limit", "至少 1，或不限") }).max(100_000_000).nullable().default(null),
    perMemberMax: z.number().int({ error: msg("A whole number", "请输入整数") }).min(1, { error: msg("At least 1", "至少 1") }).max(100, { error: msg("At most 100", "最多 100") }).default(1),
    codePrefix: z.string().regex(/^[A-Z0-9-]{0,12}$/, { error: msg("Up to 12 capital letters, digits or dashes", "最多 12 位大写字母、数字或短横线") }).default(""),
  })
  .superRefine((t, ctx) => {
    if (t.type === "percent" && t.value >= 100) ctx.addIssue({ code: "custom", path: ["value"], message: msg("Percent off must be below 100", "折扣比例必须小于 100") });
    if (t.type === "amount" && t.minSpend > 0 && t.value > t.minSpend) {
      ctx.addIssue({ code: "custom", path: ["value"], message: msg("The amount off cannot exceed the minimum spend", "减免金额不能超过使用门槛") });
    }
    if (t.type === "amount" && t.maxDiscount !== null) ctx.addIssue({ code: "custom", path: ["maxDiscount"], message: msg("Only a percent coupon has a largest discount", "仅折扣券可设置最高优惠") });
    if (t.validity.kind === "range" && new Date(t.validity.to) <= new Date(t.validity.from)) {
      ctx.addIssue({ code: "custom", path: ["validity", "to"], message: msg("The end must come after the start", "结束时间必须晚于开始时间") });
    }
  });
export type CouponTemplateInput = z.input<typeof couponTemplateInput>;

/** The fields whose change alters issued coupons' terms: a template with coupons under its current revision gets a new revision. */
export const couponTermFields = ["name", "description", "type", "value", "maxDiscount", "minSpend", "productIds", "categoryIds"] as const;

/** The id of the library template a flow's inline coupon becomes: its flow's own. */
export const inlineTemplateId = (flowId: string, nodeId: string) => `flow_${flowId}_${nodeId}`;
