// Periods of the Insights charts: whole days in the program's time zone, both ends included.
// Shared by the Sankey, the overview and the radar so a "day" means the same everywhere.
import { TZDate } from "@date-fns/tz";
import { z } from "zod";

/** The program's time zone: days and periods are read in it. */
export const PROGRAM_TIMEZONE = "Asia/Shanghai";
export const MAX_PERIOD_DAYS = 366;

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
export const isRealDay = (value: string) => {
  const m = DAY.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return y >= 2000 && y <= 2100 && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
};
export const daySchema = z
  .string()
  .max(10, { error: "Use a date like 2026-12-01" })
  .refine(isRealDay, { error: "Use a date like 2026-12-01 (years 2000–2100)" });

/** Days since 1970-01-01 of a YYYY-MM-DD day. */
export const dayNumber = (day: string) => Date.parse(`${day}T00:00:00Z`) / 86_400_000;

export const periodSchema = z
  .object({ from: daySchema, to: daySchema })
  .refine((p) => !isRealDay(p.from) || !isRealDay(p.to) || dayNumber(p.from) <= dayNumber(p.to), {
    error: "The period must not end before it starts",
    path: ["to"],
  })
  .refine((p) => !isRealDay(p.from) || !isRealDay(p.to) || dayNumber(p.to) - dayNumber(p.from) < MAX_PERIOD_DAYS, {
    error: `A period is at most ${MAX_PERIOD_DAYS} days`,
    path: ["to"],
  });
export type Period = z.infer<typeof periodSchema>;

/** Today's date (YYYY-MM-DD) in the time zone. */
export function todayIn(timezone: string, now = new Date()): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: timezone, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
}

export const addDays = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** Days in a period, both ends included. */
export const periodDays = (p: Period) => dayNumber(p.to) - dayNumber(p.from) + 1;

/** The last `days` days ending today (today included) in the time zone. */
export function lastDays(days: number, now = new Date(), timezone = PROGRAM_TIMEZONE): Period {
  const today = todayIn(timezone, now);
  return { from: addDays(today, -(days - 1)), to: today };
}

/** The period of the same length that ends the day before `p` starts. */
export function previousPeriod(p: Period): Period {
  const days = periodDays(p);
  return { from: addDays(p.from, -days), to: addDays(p.from, -1) };
}

/** The instants a period covers: [start of `from`, start of the day after `to`) in the time zone. */
export function periodRange(p: Period, timezone = PROGRAM_TIMEZONE): { start: Date; end: Date } {
  const at = (day: string) => {
    const [y, m, d] = day.split("-").map(Number) as [number, number, number];
    return new Date(new TZDate(y, m - 1, d, timezone).getTime());
  };
  return { start: at(p.from), end: at(addDays(p.to, 1)) };
}
