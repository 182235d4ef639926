// Server-only (the lint rule keeps components/ away from execute.ts files).
import { TZDate } from "@date-fns/tz";
import type { Executor } from "@/server/engine/executor";
import { weekdays } from "../shared";
import type { WaitUntilConfig } from "./spec";

/** The instant a wait-until node releases a member who arrives at `now`, read in `timezone`. */
export function waitUntilInstant(config: WaitUntilConfig, now: Date, timezone: string): Date {
  if (config.mode === "datetime") return new Date(config.at);
  const [hours, minutes] = config.time.split(":").map(Number) as [number, number];
  const local = new TZDate(now.getTime(), timezone);
  for (let day = 0; day <= 7; day++) {
    const candidate = new TZDate(local.getFullYear(), local.getMonth(), local.getDate() + day, hours, minutes, 0, 0, timezone);
    const weekday = weekdays[(candidate.getDay() + 6) % 7];
    if (candidate.getTime() > now.getTime() && (config.weekday === null || config.weekday === weekday)) return new Date(candidate.getTime());
  }
  throw new Error("unreachable: a week always holds the next such time");
}

export const execute: Executor<"wait_until"> = async ({ node, now, flow }) => ({
  type: "wait",
  wait: { until: waitUntilInstant(node.config, now, flow.definition.settings.timezone), onDeadline: "out" },
});
