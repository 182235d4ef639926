// The loyalty program's settings: a zod-validated document, shared by Settings → Loyalty (the
// browser) and the ledger (the server). Pure: no server imports.
import { TZDate } from "@date-fns/tz";
import { z } from "zod";
import { msg } from "@/lib/i18n/schema-messages";
import { timezoneSchema } from "@/server/flows/kinds/shared";
import { text } from "@/server/text";

/** A rate kept on the 0.01 grid (as a numeric(…, 2) would), within bounds. */
const rate = (max: number) =>
  z
    .number({ error: msg("Enter a number", "请输入数字") })
    .min(0, { error: msg("Must be 0 or more", "不能小于 0") })
    .max(max, { error: msg(`At most ${max}`, `最多 ${max}`) })
    .refine((v) => Math.abs(Math.round(v * 100) - v * 100) < 1e-6, { error: msg("At most two decimals", "最多两位小数") });

export const expiryRuleSchema = z.discriminatedUnion(
  "kind",
  [
    /** Points earned in a year expire at the end of the following calendar year (program time zone). */
    z.object({ kind: z.literal("following_year_end") }),
    /** Points expire N months after they are earned. */
    z.object({
      kind: z.literal("rolling_months"),
      months: z
        .number({ error: msg("Enter a number of months", "请输入月数") })
        .int({ error: msg("Must be a whole number", "必须是整数") })
        .min(1, { error: msg("At least 1 month", "至少 1 个月") })
        .max(120, { error: msg("At most 120 months", "最多 120 个月") }),
    }),
    z.object({ kind: z.literal("never") }),
  ],
  { error: msg("Pick an expiry rule", "请选择过期规则") },
);
export type ExpiryRule = z.infer<typeof expiryRuleSchema>;

export const loyaltyProgramSchema = z.object({
  timezone: timezoneSchema,
  /** Points per currency unit paid (after discounts). */
  earnRate: rate(1000),
  expiry: expiryRuleSchema,
  /** Days before a lot's date on which members hear that points are expiring (`points.expiring`), e.g. [30, 7]. */
  expiringReminderDays: z
    .array(
      z
        .number({ error: msg("Enter a number of days", "请输入天数") })
        .int({ error: msg("Must be a whole number", "必须是整数") })
        .min(1, { error: msg("At least 1 day", "至少 1 天") })
        .max(365, { error: msg("At most 365 days", "最多 365 天") }),
    )
    .max(5, { error: msg("At most 5 reminders", "最多 5 次提醒") })
    .refine((days) => new Set(days).size === days.length, { error: msg("Each number of days once", "天数不能重复") }),
  /** Points → coupon: how many points one coupon of the template costs. */
  redemption: z.object({
    couponTemplateId: text({ min: 1, max: 100 }).nullable(),
    pointsPerCoupon: z
      .number({ error: msg("Enter a number of points", "请输入积分数") })
      .int({ error: msg("Must be a whole number", "必须是整数") })
      .min(1, { error: msg("At least 1 point", "至少 1 积分") })
      .max(10_000_000, { error: msg("At most 10,000,000 points", "最多 10,000,000 积分") }),
  }),
});
export type LoyaltyProgram = z.infer<typeof loyaltyProgramSchema>;

export const defaultLoyaltyProgram: LoyaltyProgram = {
  timezone: "Asia/Shanghai",
  earnRate: 1,
  expiry: { kind: "following_year_end" },
  expiringReminderDays: [30, 7],
  redemption: { couponTemplateId: null, pointsPerCoupon: 1000 },
};

/** When points earned at `earnedAt` expire under `rule` (null: never), in the program's zone. */
export function expiryOf(earnedAt: Date, rule: ExpiryRule, timezone: string): Date | null {
  const local = new TZDate(earnedAt.getTime(), timezone);
  switch (rule.kind) {
    case "never":
      return null;
    case "following_year_end":
      // The last millisecond of the following calendar year: 23:59:59.999 on 31 December, local.
      return new Date(new TZDate(local.getFullYear() + 2, 0, 1, 0, 0, 0, 0, timezone).getTime() - 1);
    case "rolling_months": {
      // The same local time N months later (the month's last day when it is shorter).
      const target = new TZDate(local.getFullYear(), local.getMonth() + rule.months, 1, local.getHours(), local.getMinutes(), local.getSeconds(), local.getMilliseconds(), timezone);
      const lastDay = new TZDate(target.getFullYear(), target.getMonth() + 1, 0, 0, 0, 0, 0, timezone).getDate();
      target.setDate(Math.min(local.getDate(), lastDay));
      return new Date(target.getTime());
    }
  }
}

/** Points an order paying `paid` earns at `multiplier` (the member's tier benefit): whole points, rounded down. */
export function pointsForPaid(paid: number, earnRate: number, multiplier: number): number {
  // In cents and hundredths, as integers: 278.10 × 1.5 × 1.25 is not left to binary floating point.
  const cents = Math.round(paid * 100);
  const rateH = Math.round(earnRate * 100);
  const multH = Math.round(multiplier * 100);
  return Number((BigInt(cents) * BigInt(rateH) * BigInt(multH)) / 1_000_000n);
}
