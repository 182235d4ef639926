// The tier program: ordered levels with growth-value thresholds and benefits, how growth value is
// earned (spend and tasks), when levels are re-evaluated, how long growth value lasts. A zod
// document shared by Settings → Tiers (the browser, incl. the preview) and the server. Pure: no
// server imports.
import { TZDate } from "@date-fns/tz";
import { z } from "zod";
import { msg } from "@/lib/i18n/schema-messages";
import { eventNameSchema } from "@/server/flows/kinds/shared";
import { text } from "@/server/text";

const wholeNumber = (min: number, max: number) =>
  z
    .number({ error: msg("Enter a number", "请输入数字") })
    .int({ error: msg("Must be a whole number", "必须是整数") })
    .min(min, { error: msg(`At least ${min}`, `不能小于 ${min}`) })
    .max(max, { error: msg(`At most ${max}`, `最多 ${max}`) });

/** A number on the 0.01 grid (as a numeric(…, 2) would hold it), within bounds. */
const hundredths = (min: number, max: number) =>
  z
    .number({ error: msg("Enter a number", "请输入数字") })
    .min(min, { error: msg(`At least ${min}`, `不能小于 ${min}`) })
    .max(max, { error: msg(`At most ${max}`, `最多 ${max}`) })
    .refine((v) => Math.abs(Math.round(v * 100) - v * 100) < 1e-6, { error: msg("At most two decimals", "最多两位小数") });

const templateId = text({ min: 1, max: 100 });

export const tierBenefitsSchema = z.object({
  /** Percent off member prices at the storefront (0: none). */
  discountPercent: hundredths(0, 100),
  /** Points an order earns are multiplied by this (the one source of the tier multiplier). */
  pointsMultiplier: hundredths(0.01, 100),
  /** Coupons of a template issued each month. */
  monthlyCoupons: z.object({ couponTemplateId: templateId, count: wholeNumber(1, 20) }).nullable(),
  /** A coupon of a template on the member's birthday. */
  birthdayGift: z.object({ couponTemplateId: templateId }).nullable(),
  /** Other benefits, shown as text (free shipping, a personal adviser …). */
  notes: z.array(text({ min: 1, max: 60 })).max(10, { error: msg("At most 10 notes", "最多 10 条说明") }),
});
export type TierBenefits = z.infer<typeof tierBenefitsSchema>;

export const defaultBenefits: TierBenefits = { discountPercent: 0, pointsMultiplier: 1, monthlyCoupons: null, birthdayGift: null, notes: [] };

/** Benefits as stored: earlier data held a list of display strings (kept as notes). */
export function benefitsOf(stored: unknown): TierBenefits {
  if (Array.isArray(stored)) return { ...defaultBenefits, notes: stored.filter((s): s is string => typeof s === "string").slice(0, 10) };
  const parsed = tierBenefitsSchema.safeParse({ ...defaultBenefits, ...(stored as object | null) });
  return parsed.success ? parsed.data : defaultBenefits;
}

export const tierLevelSchema = z.object({
  /** Stable key (members and audiences refer to it). */
  id: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, { error: msg("Use a key like gold (lowercase letters, digits, _)", "请使用 gold 这样的键（小写字母、数字、下划线）") }),
  name: text({ min: 1, max: 40 }),
  nameEn: text({ min: 1, max: 40 }),
  /** Growth value from which a member holds this level. */
  threshold: wholeNumber(0, 1_000_000_000),
  benefits: tierBenefitsSchema,
});
export type TierLevel = z.infer<typeof tierLevelSchema>;

export const growthTaskSchema = z.object({
  /** The event that earns growth: sign_in, review, profile.completed, invitation.accepted … */
  event: eventNameSchema.max(100),
  growth: wholeNumber(1, 100_000),
  /** At most once a day (program time zone), e.g. for sign-ins. */
  oncePerDay: z.boolean(),
});
export type GrowthTask = z.infer<typeof growthTaskSchema>;

const notTasks = new Set(["order.placed", "order.refunded", "tier.changed"]);

export const evaluationPeriods = ["monthly", "yearly"] as const;
export const downgradeRules = ["one_level", "recompute"] as const;

export const tierProgramSchema = z
  .object({
    /** Lowest first; the first starts at 0. */
    levels: z.array(tierLevelSchema).min(1, { error: msg("Add at least one level", "至少需要一个等级") }).max(20, { error: msg("At most 20 levels", "最多 20 个等级") }),
    /** Growth value per currency unit paid (after discounts), rounded down per order. */
    growthPerCurrencyUnit: hundredths(0, 1000),
    tasks: z.array(growthTaskSchema).max(30, { error: msg("At most 30 tasks", "最多 30 个任务") }),
    evaluation: z.object({
      /** Downgrades happen when a period ends (upgrades at once). */
      period: z.enum(evaluationPeriods, { error: msg("Pick a period", "请选择周期") }),
      /** `one_level`: drop at most one level per evaluation; `recompute`: land where the growth value says. */
      downgrade: z.enum(downgradeRules, { error: msg("Pick a downgrade rule", "请选择降级规则") }),
    }),
    /** Growth value lapses this many months after it was earned. */
    validityMonths: wholeNumber(1, 120),
  })
  .superRefine((p, ctx) => {
    if (p.levels[0] && p.levels[0].threshold !== 0) ctx.addIssue({ code: "custom", path: ["levels", 0, "threshold"], message: msg("The first level starts at 0", "第一个等级必须从 0 开始") });
    p.levels.forEach((level, i) => {
      const before = p.levels[i - 1];
      if (before && level.threshold <= before.threshold) ctx.addIssue({ code: "custom", path: ["levels", i, "threshold"], message: msg("Must be above the level before", "必须高于上一个等级") });
      if (p.levels.findIndex((l) => l.id === level.id) !== i) ctx.addIssue({ code: "custom", path: ["levels", i, "id"], message: msg("Keys must be unique", "键不能重复") });
    });
    p.tasks.forEach((task, i) => {
      // Orders earn by the amount paid, and the program's own events must not feed themselves.
      if (notTasks.has(task.event)) ctx.addIssue({ code: "custom", path: ["tasks", i, "event"], message: msg("Orders and tier changes cannot be tasks", "订单和等级变更不能作为任务") });
      if (p.tasks.findIndex((t) => t.event === task.event) !== i) ctx.addIssue({ code: "custom", path: ["tasks", i, "event"], message: msg("One entry per event", "每个事件只能设置一次") });
    });
  });
export type TierProgram = z.infer<typeof tierProgramSchema>;

export const defaultTierRules: Omit<TierProgram, "levels"> = {
  growthPerCurrencyUnit: 1,
  tasks: [
    { event: "sign_in", growth: 1, oncePerDay: true },
    { event: "review", growth: 5, oncePerDay: false },
  ],
  evaluation: { period: "yearly", downgrade: "one_level" },
  validityMonths: 12,
};

/** Growth value an order paying `paid` earns: whole, rounded down (in cents and hundredths, as integers). */
export function growthForPaid(paid: number, perUnit: number): number {
  return Math.max(0, Number((BigInt(Math.round(paid * 100)) * BigInt(Math.round(perUnit * 100))) / 10_000n));
}

/**
 * The evaluation period `at` falls in, in the program's time zone: it started at `start` (the last
 * evaluation) and is named `key` (one evaluation per member and key).
 */
export function evaluationPeriodOf(at: Date, period: TierProgram["evaluation"]["period"], timezone: string): { key: string; start: Date } {
  const local = new TZDate(at.getTime(), timezone);
  const year = local.getFullYear();
  if (period === "yearly") return { key: `${year}`, start: new Date(new TZDate(year, 0, 1, 0, 0, 0, 0, timezone).getTime()) };
  const month = local.getMonth();
  return { key: `${year}-${String(month + 1).padStart(2, "0")}`, start: new Date(new TZDate(year, month, 1, 0, 0, 0, 0, timezone).getTime()) };
}

/** What the preview answers: per level, members now and after; and how many go up and down. */
export type TierPreview = {
  levels: { id: string; now: number; after: number }[];
  up: number;
  down: number;
  /** Members whose level is not in the candidate program (placed by growth value). */
  placed: number;
  members: number;
  ms: number;
};

/**
 * The calendar day `at` falls on in the program's time zone, as the benefit grants key it: the month
 * (`yyyy-mm`, monthly coupons), the year (`yyyy`, the birthday gift) and the birthdays that fall
 * today as month*100+day codes (the members_birthday_mmdd_idx expression): a 29 Feb birthday falls
 * on 28 Feb in common years.
 */
export function benefitDayOf(at: Date, timezone: string): { month: string; year: string; date: string; birthdayCodes: number[] } {
  const local = new TZDate(at.getTime(), timezone);
  const year = local.getFullYear();
  const month = String(local.getMonth() + 1).padStart(2, "0");
  const code = (local.getMonth() + 1) * 100 + local.getDate();
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return {
    month: `${year}-${month}`,
    year: `${year}`,
    date: `${year}-${month}-${String(local.getDate()).padStart(2, "0")}`,
    birthdayCodes: code === 228 && !leap ? [228, 229] : [code],
  };
}

/** The `days` local days before `at`'s, latest first, within its year (a birthday gift is keyed by year). */
export function benefitDaysBefore(at: Date, timezone: string, days: number): ReturnType<typeof benefitDayOf>[] {
  const today = new TZDate(at.getTime(), timezone);
  const out: ReturnType<typeof benefitDayOf>[] = [];
  for (let k = 1; k <= days; k++) {
    // Noon of the local day k days back: clear of any daylight-saving shift at midnight.
    const day = new TZDate(today.getFullYear(), today.getMonth(), today.getDate() - k, 12, 0, 0, 0, timezone);
    if (day.getFullYear() !== today.getFullYear()) break;
    out.push(benefitDayOf(day, timezone));
  }
  return out;
}
