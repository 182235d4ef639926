// Lifecycle thresholds and RFM windows: a zod-validated document shared by Settings → Lifecycle
// (the browser) and the evaluation (the server). Pure: no server imports.
import { z } from "zod";
import { msg } from "@/lib/i18n/schema-messages";

/** The stages in the order a member drifts through them without ordering. */
export const lifecycleStages = ["new", "active", "silent", "churn_risk", "churned"] as const;
export type LifecycleStage = (typeof lifecycleStages)[number];

const days = (max: number) =>
  z
    .number({ error: msg("Enter a number of days", "请输入天数") })
    .int({ error: msg("Must be a whole number", "必须是整数") })
    .min(1, { error: msg("At least 1 day", "至少 1 天") })
    .max(max, { error: msg(`At most ${max} days`, `最多 ${max} 天`) });

export const lifecycleSettingsSchema = z
  .object({
    /** Frequency and monetary count the orders of this many days; recency is the last order's date. */
    rfmWindowDays: days(3650),
    /** New: registered within `newDays` with at most `newMaxOrders` orders. */
    newDays: days(365),
    newMaxOrders: z
      .number({ error: msg("Enter a number of orders", "请输入订单数") })
      .int({ error: msg("Must be a whole number", "必须是整数") })
      .min(0, { error: msg("Must be 0 or more", "不能小于 0") })
      .max(100, { error: msg("At most 100 orders", "最多 100 单") }),
    /** Days since the last order (or, without orders, since registering) below which a member is active, silent, at risk; churned beyond. */
    activeDays: days(3650),
    silentDays: days(3650),
    churnRiskDays: days(3650),
  })
  .superRefine((s, ctx) => {
    // Each stage must start after the previous one: an empty or inverted band would make a stage unreachable.
    if (s.silentDays <= s.activeDays) ctx.addIssue({ code: "custom", path: ["silentDays"], message: msg("Must be more than the active days", "必须大于活跃天数") });
    if (s.churnRiskDays <= s.silentDays) ctx.addIssue({ code: "custom", path: ["churnRiskDays"], message: msg("Must be more than the silent days", "必须大于沉默天数") });
  });
export type LifecycleSettings = z.infer<typeof lifecycleSettingsSchema>;

export const defaultLifecycleSettings: LifecycleSettings = {
  rfmWindowDays: 365,
  newDays: 30,
  newMaxOrders: 1,
  activeDays: 90,
  silentDays: 180,
  churnRiskDays: 365,
};

/** The score of members without orders in the window (or, for recency, without any order): the lowest. */
export const RFM_NO_ORDERS_SCORE = 1;
export const RFM_BUCKETS = 5;

const DAY_MS = 86_400_000;

/**
 * A member's stage at `asOf` (first match wins), the TypeScript twin of the SQL in evaluate.ts:
 * 1. new        — registered less than `newDays` ago with at most `newMaxOrders` orders;
 * 2. active     — last order less than `activeDays` ago;
 * 3. silent     — last order (or, without orders, registration) less than `silentDays` ago;
 * 4. churn_risk — … less than `churnRiskDays` ago;
 * 5. churned    — everyone else.
 */
export function stageOf(
  member: { registeredAt: Date; orderCount: number; lastOrderAt: Date | null },
  settings: LifecycleSettings,
  asOf: Date,
): LifecycleStage {
  const within = (at: Date | null, d: number) => at !== null && at.getTime() > asOf.getTime() - d * DAY_MS;
  if (within(member.registeredAt, settings.newDays) && member.orderCount <= settings.newMaxOrders) return "new";
  if (within(member.lastOrderAt, settings.activeDays)) return "active";
  const last = member.lastOrderAt ?? member.registeredAt;
  if (within(last, settings.silentDays)) return "silent";
  if (within(last, settings.churnRiskDays)) return "churn_risk";
  return "churned";
}
