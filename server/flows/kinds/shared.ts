// Schema pieces several node kinds (and the flow settings) share.
import { z } from "zod";
import type { Locale, Localized } from "./spec";

import { msg } from "@/lib/i18n/schema-messages";

export { msg, localizeSchemaMessage } from "@/lib/i18n/schema-messages";
export { propertyConditionSchema, propertyOperators, type PropertyCondition, type PropertyOperator } from "@/server/events/property-conditions";

export const channels = ["sms", "email", "push", "in_app", "webhook"] as const;
export type Channel = (typeof channels)[number];
export const channelSchema = z.enum(channels, {
  error: msg("Pick a channel: SMS, email, push, in-app or webhook", "请选择渠道：短信、邮件、推送、站内信或 Webhook"),
});
export const channelLabels: Record<Channel, Localized> = {
  sms: { en: "SMS", "zh-CN": "短信" },
  email: { en: "Email", "zh-CN": "邮件" },
  push: { en: "App push", "zh-CN": "App 推送" },
  in_app: { en: "In-app message", "zh-CN": "站内信" },
  webhook: { en: "Webhook", "zh-CN": "Webhook" },
};

export const requiredId = (what: Localized) => {
  // "Choose an audience", "Choose a coupon template".
  const choose = msg(`Choose ${/^[aeiou]/i.test(what.en) ? "an" : "a"} ${what.en}`, `请选择${what["zh-CN"]}`);
  return z.string({ error: choose }).min(1, { error: choose });
};

export const timeOfDaySchema = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: msg("Use 24-hour time HH:mm, e.g. 09:00", "请使用 24 小时制 HH:mm，例如 09:00") });

export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export const timezoneSchema = z.string().refine(isTimeZone, {
  error: msg("Use an IANA time zone, e.g. Asia/Shanghai", "请使用 IANA 时区，例如 Asia/Shanghai"),
});

export const dateTimeSchema = z.iso.datetime({
  offset: true,
  error: msg(
    "Use an ISO date and time with offset, e.g. 2026-12-12T10:00:00+08:00",
    "请使用带时区偏移的 ISO 日期时间，例如 2026-12-12T10:00:00+08:00",
  ),
});

export const durationUnits = ["minutes", "hours", "days"] as const;
export type DurationUnit = (typeof durationUnits)[number];
const unitMinutes: Record<DurationUnit, number> = { minutes: 1, hours: 60, days: 1440 };
const maxDurationMinutes = 366 * 1440;

export const durationSchema = z
  .object({
    amount: z
      .number({ error: msg("Enter a number", "请输入数字") })
      .int({ error: msg("Use a whole number", "请输入整数") })
      .min(1, { error: msg("Wait at least 1", "至少等待 1 个单位") }),
    unit: z.enum(durationUnits, { error: msg("Pick minutes, hours or days", "请选择分钟、小时或天") }),
  })
  .refine((d) => d.amount * unitMinutes[d.unit] <= maxDurationMinutes, {
    error: msg("A wait can last at most one year", "等待时长最多一年"),
    path: ["amount"],
  });
export type Duration = z.infer<typeof durationSchema>;

export const durationMinutes = (d: Duration): number => d.amount * unitMinutes[d.unit];

export function formatDuration(d: Duration, locale: Locale): string {
  if (locale === "zh-CN") return `${d.amount} ${{ minutes: "分钟", hours: "小时", days: "天" }[d.unit]}`;
  const unit = d.amount === 1 ? d.unit.slice(0, -1) : d.unit;
  return `${d.amount} ${unit}`;
}


export const eventNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/, {
    error: msg("Use an event name like order.placed (lowercase, dots)", "请使用事件名，例如 order.placed（小写、点分隔）"),
  });

export const httpsUrlSchema = z.string().refine(
  (value) => {
    try {
      return new URL(value).protocol === "https:";
    } catch {
      return false;
    }
  },
  { error: msg("Use an https:// address", "请使用 https:// 地址") },
);

export const validDaysSchema = z
  .number({ error: msg("Enter a number of days", "请输入天数") })
  .int({ error: msg("Use a whole number of days", "请输入整数天数") })
  .min(1, { error: msg("At least 1 day", "至少 1 天") })
  .max(3650, { error: msg("At most 3650 days", "最多 3650 天") });

export const weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof weekdays)[number];
export const weekdayLabels: Record<Weekday, Localized> = {
  mon: { en: "Mon", "zh-CN": "周一" },
  tue: { en: "Tue", "zh-CN": "周二" },
  wed: { en: "Wed", "zh-CN": "周三" },
  thu: { en: "Thu", "zh-CN": "周四" },
  fri: { en: "Fri", "zh-CN": "周五" },
  sat: { en: "Sat", "zh-CN": "周六" },
  sun: { en: "Sun", "zh-CN": "周日" },
};

/** Branch / group ids are handle names on the canvas: short, stable, machine-friendly. */
export const handleIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, {
    error: msg("Use 1–40 lowercase letters, digits, - or _", "请使用 1–40 位小写字母、数字、- 或 _"),
  });

export const countLabel = (n: number, en: string, zh: string, locale: Locale): string =>
  locale === "zh-CN" ? `${n} ${zh}` : `${n} ${en}${n === 1 ? "" : "s"}`;

/** The first value that appears twice, if any. */
export function firstDuplicate(values: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) return v;
    seen.add(v);
  }
  return undefined;
}
