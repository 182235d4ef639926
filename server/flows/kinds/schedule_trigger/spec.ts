import { z } from "zod";
import { Cron } from "croner";
import cronstrue from "cronstrue";
// Registers the Chinese wording only (the all-locales bundle is ~300 kB in the browser).
import "cronstrue/locales/zh_CN";
import { defineNodeKind, noReferences } from "../spec";
import type { Locale } from "../spec";
import { dateTimeSchema, msg, timezoneSchema } from "../shared";
import { defaultEntry, entryAudienceSchema, entryReferences, entrySummary } from "../entry";

/** Five-field cron (minute hour day-of-month month day-of-week), read in the trigger's time zone. */
export function isValidCron(expression: string): boolean {
  try {
    cronSchedule(expression, "UTC");
    return true;
  } catch {
    return false;
  }
}

/** The schedule of a five-field cron in a time zone (throws on a malformed expression). Never runs anything. */
export function cronSchedule(expression: string, timezone: string): Cron {
  return new Cron(expression.trim(), { mode: "5-part", timezone, paused: true });
}

/** How far in the past a one-time schedule may be and still run at once when published. */
export const PAST_GRACE_MS = 15 * 60_000;

const cronSchema = z.string().refine(isValidCron, {
  error: msg(
    "Use a five-field cron expression, e.g. 0 9 * * 1 (Mondays at 09:00)",
    "请使用五段式 cron 表达式，例如 0 9 * * 1（每周一 09:00）",
  ),
});

const configSchema = z.object({
  schedule: z.discriminatedUnion(
    "mode",
    [
      z.object({ mode: z.literal("once"), at: dateTimeSchema }),
      z.object({ mode: z.literal("recurring"), cron: cronSchema }),
    ],
    { error: msg("Choose once or recurring", "请选择单次或周期") },
  ),
  timezone: timezoneSchema,
  entry: entryAudienceSchema,
});
export type ScheduleTriggerConfig = z.infer<typeof configSchema>;

export function describeCron(expression: string, locale: Locale): string {
  try {
    return cronstrue.toString(expression, {
      locale: locale === "zh-CN" ? "zh_CN" : "en",
      use24HourTimeFormat: true,
      throwExceptionOnParseError: true,
    });
  } catch {
    return expression;
  }
}

export const scheduleTrigger = defineNodeKind({
  kind: "schedule_trigger",
  category: "trigger",
  label: { en: "On a schedule", "zh-CN": "定时触发" },
  description: {
    en: "Members of an audience enter once at a set time, or on a recurring schedule.",
    "zh-CN": "指定人群在固定时间或按周期进入流程。",
  },
  icon: "CalendarClock",
  configSchema,
  defaults: (): ScheduleTriggerConfig => ({
    schedule: { mode: "recurring", cron: "0 9 * * 1" },
    timezone: "Asia/Shanghai",
    entry: defaultEntry(),
  }),
  summary: (c, locale, names) => {
    const when =
      c.schedule.mode === "recurring"
        ? describeCron(c.schedule.cron, locale)
        : (locale === "zh-CN" ? "于 " : "Once at ") + c.schedule.at.slice(0, 16).replace("T", " ");
    return `${when} (${c.timezone}) · ${entrySummary(c.entry, locale, names)}`;
  },
  references: (c) => ({ ...noReferences(), audienceIds: entryReferences(c.entry) }),
  check: (c, { now }) =>
    // A time just gone still runs (the engine catches up on publish); one well past never would.
    c.schedule.mode === "once" && Date.parse(c.schedule.at) < now.getTime() - PAST_GRACE_MS
      ? [
          {
            code: "schedule_in_past",
            severity: "error",
            path: ["schedule", "at"],
            message: {
              en: "This one-time schedule is in the past: published, it would never run. Pick a later time, or a recurring schedule.",
              "zh-CN": "单次定时已过去：发布后不会运行。请选择之后的时间，或改为周期触发。",
            },
          },
        ]
      : [],
});
