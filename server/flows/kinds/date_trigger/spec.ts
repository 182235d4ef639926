import { z } from "zod";
import { defineNodeKind } from "../spec";
import type { Localized } from "../spec";
import { msg, timeOfDaySchema } from "../shared";

export const memberDates = {
  birthday: { en: "Birthday", "zh-CN": "生日" },
  registration_anniversary: { en: "Registration anniversary", "zh-CN": "注册周年" },
  points_expiry: { en: "Points expiry", "zh-CN": "积分过期日" },
} as const satisfies Record<string, Localized>;
export type MemberDate = keyof typeof memberDates;

const configSchema = z.object({
  date: z.enum(Object.keys(memberDates) as [MemberDate, ...MemberDate[]], {
    error: msg("Pick birthday, registration anniversary or points expiry", "请选择生日、注册周年或积分过期日"),
  }),
  // Negative = before the date (e.g. -30 = a month before points expire).
  offsetDays: z
    .number({ error: msg("Enter a number of days", "请输入天数") })
    .int({ error: msg("Use a whole number of days", "请输入整数天数") })
    .min(-365, { error: msg("At most 365 days before", "最多提前 365 天") })
    .max(365, { error: msg("At most 365 days after", "最多延后 365 天") }),
  // Read in the flow's time zone.
  time: timeOfDaySchema,
});
export type DateTriggerConfig = z.infer<typeof configSchema>;

export const dateTrigger = defineNodeKind({
  kind: "date_trigger",
  category: "trigger",
  label: { en: "On a member's date", "zh-CN": "日期触发" },
  description: {
    en: "Each member enters N days before or after their birthday, anniversary or points expiry.",
    "zh-CN": "在会员生日、注册周年或积分过期日的前后 N 天进入。",
  },
  icon: "Cake",
  configSchema,
  defaults: (): DateTriggerConfig => ({ date: "birthday", offsetDays: 0, time: "09:00" }),
  summary: (c, locale) => {
    const date = memberDates[c.date][locale];
    const d = Math.abs(c.offsetDays);
    if (locale === "zh-CN") {
      const offset = c.offsetDays === 0 ? "当天" : c.offsetDays < 0 ? `前 ${d} 天` : `后 ${d} 天`;
      return `${date}${offset} ${c.time}`;
    }
    const offset =
      c.offsetDays === 0 ? "On" : `${d} day${d === 1 ? "" : "s"} ${c.offsetDays < 0 ? "before" : "after"}`;
    return `${offset} ${date.toLowerCase()} at ${c.time}`;
  },
});
