// Quiet hours: a daily window, read on the wall clock of the flow's time zone, in which messages
// wait instead of going out. Pure (no Node built-ins): the builder may show when a message lands.
import { tzOffset } from "@date-fns/tz";

export type QuietHours = { start: string; end: string };

const MINUTE = 60_000;
const DAY = 1440 * MINUTE;

function minutesOfDay(time: string): number {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time);
  if (!match) throw new RangeError(`Quiet hours need HH:mm times, got "${time}"`);
  return Number(match[1]) * 60 + Number(match[2]);
}

function offsetMinutes(timezone: string, instant: number): number {
  const offset = tzOffset(timezone, new Date(instant));
  if (Number.isNaN(offset)) throw new RangeError(`Unknown time zone "${timezone}"`);
  return offset;
}

/**
 * When the quiet window that `at` falls in ends, or null if `at` is outside quiet hours.
 * The window is [start, end) on the wall clock of `timezone` and may cross midnight
 * (22:00–08:00). Across a DST change the answer is the first instant the wall clock is past
 * the window: 08:00 local on the day the clocks move, and 03:00 if the window ends at 02:30 on a
 * night 02:00–03:00 does not exist.
 */
export function quietHoursEnd(at: Date, quiet: QuietHours | null, timezone: string): Date | null {
  if (!quiet) return null;
  const start = minutesOfDay(quiet.start);
  const end = minutesOfDay(quiet.end);
  const inside = (wall: number) => {
    const minute = Math.floor((((wall % DAY) + DAY) % DAY) / MINUTE);
    return start < end ? minute >= start && minute < end : minute >= start || minute < end;
  };

  // Walk forward through stretches of constant UTC offset (at most a couple within a day). In
  // each, wall time = instant + offset, so the next `end` on the wall clock is plain arithmetic.
  let cursor = at.getTime();
  for (let stretch = 0; stretch < 4; stretch++) {
    const offset = offsetMinutes(timezone, cursor) * MINUTE;
    const wall = cursor + offset;
    if (!inside(wall)) return stretch === 0 ? null : new Date(cursor); // the clocks jumped past the end
    let endWall = Math.floor(wall / DAY) * DAY + end * MINUTE;
    if (endWall <= wall) endWall += DAY;
    const candidate = endWall - offset;
    if (offsetMinutes(timezone, candidate) * MINUTE === offset) return new Date(candidate);
    cursor = offsetChange(timezone, cursor, candidate, offset);
  }
  throw new Error(`Could not find the end of quiet hours in ${timezone}`);
}

/** The first whole minute in (from, to] whose offset differs from `offset` (zone changes fall on minutes). */
function offsetChange(timezone: string, from: number, to: number, offset: number): number {
  let low = Math.floor(from / MINUTE); // offset here is `offset`
  let high = Math.ceil(to / MINUTE); // and here it is not
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (offsetMinutes(timezone, middle * MINUTE) * MINUTE === offset) low = middle;
    else high = middle;
  }
  return high * MINUTE;
}
