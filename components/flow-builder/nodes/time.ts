// Wall-clock times in a time zone <-> ISO strings with an offset, and a human cron builder.
import { weekdays, type Weekday } from "@/server/flows/kinds/shared";

/** Minutes the zone is ahead of UTC at an instant. */
export function zoneOffsetMinutes(timeZone: string, at: Date): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
}

/** "2026-12-12T10:00" read in `timeZone` → "2026-12-12T10:00:00+08:00". */
export function zonedIso(local: string, timeZone: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(local);
  if (!m) return "";
  const naive = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  let offset = 0;
  try {
    offset = zoneOffsetMinutes(timeZone, new Date(naive));
    offset = zoneOffsetMinutes(timeZone, new Date(naive - offset * 60_000));
  } catch {
    offset = 0;
  }
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  const hh = String(Math.floor(abs / 60)).padStart(2, "0");
  const mm = String(abs % 60).padStart(2, "0");
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:00${sign}${hh}:${mm}`;
}

/** The wall-clock part of an ISO string with offset (what the marketer typed). */
export const localPart = (iso: string | undefined): string => (iso ?? "").slice(0, 16);

export type CronParts =
  | { frequency: "daily"; time: string }
  | { frequency: "weekly"; time: string; days: Weekday[] }
  | { frequency: "monthly"; time: string; dayOfMonth: number }
  | { frequency: "custom" };

const cronDay: Record<Weekday, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };

const pad = (n: number) => String(n).padStart(2, "0");

/** Reads the crons the builder writes; anything else is "custom" (edited raw). */
export function parseCron(cron: string): CronParts {
  const f = cron.trim().split(/\s+/);
  if (f.length !== 5) return { frequency: "custom" };
  const [min, hour, dom, month, dow] = f as [string, string, string, string, string];
  if (!/^\d{1,2}$/.test(min) || !/^\d{1,2}$/.test(hour) || month !== "*") return { frequency: "custom" };
  const time = `${pad(Number(hour))}:${pad(Number(min))}`;
  if (dom === "*" && dow === "*") return { frequency: "daily", time };
  if (dom === "*" && /^[0-7](,[0-7])*$/.test(dow)) {
    const nums = new Set(dow.split(",").map((d) => Number(d) % 7));
    return { frequency: "weekly", time, days: weekdays.filter((w) => nums.has(cronDay[w])) };
  }
  if (/^\d{1,2}$/.test(dom) && dow === "*") return { frequency: "monthly", time, dayOfMonth: Number(dom) };
  return { frequency: "custom" };
}

export function buildCron(parts: Exclude<CronParts, { frequency: "custom" }>): string {
  const [h, m] = parts.time.split(":").map(Number);
  const base = `${m ?? 0} ${h ?? 0}`;
  if (parts.frequency === "daily") return `${base} * * *`;
  if (parts.frequency === "monthly") return `${base} ${parts.dayOfMonth} * *`;
  const days = parts.days.length ? parts.days : (["mon"] as Weekday[]);
  return `${base} * * ${days.map((d) => cronDay[d]).sort((a, b) => a - b).join(",")}`;
}
