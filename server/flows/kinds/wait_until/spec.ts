import { z } from "zod";
import { defineNodeKind } from "../spec";
import { dateTimeSchema, msg, timeOfDaySchema, weekdayLabels, weekdays } from "../shared";

const configSchema = z.discriminatedUnion(
  "mode",
  [
    z.object({ mode: z.literal("datetime"), at: dateTimeSchema }),
    // The next such time in the flow's time zone; a weekday narrows it to that day.
    z.object({
      mode: z.literal("time_of_day"),
      time: timeOfDaySchema,
      weekday: z.enum(weekdays, { error: msg("Pick a weekday or none", "请选择星期几或不限") }).nullable(),
    }),
  ],
  { error: msg("Choose a date and time, or a time of day", "请选择具体日期时间或每天的时间") },
);
export type WaitUntilConfig = z.infer<typeof configSchema>;

export const waitUntil = defineNodeKind({
  kind: "wait_until",
  category: "wait",
  label: { en: "Wait until", "zh-CN": "等待至" },
  description: {
    en: "Holds each member until a date and time, or the next time of day (optionally on a weekday).",
    "zh-CN": "让会员等待到指定日期时间，或下一个指定时刻（可限定星期几）。",
  },
  icon: "AlarmClock",
  configSchema,
  defaults: (): WaitUntilConfig => ({ mode: "time_of_day", time: "10:00", weekday: null }),
  summary: (c, locale) => {
    const until = locale === "zh-CN" ? "等待至" : "Until";
    if (c.mode === "datetime") return `${until} ${c.at.slice(0, 16).replace("T", " ")}`;
    const day = c.weekday ? `${weekdayLabels[c.weekday][locale]} ` : locale === "zh-CN" ? "次日或当天 " : "next ";
    return `${until} ${day}${c.time}`;
  },
});
