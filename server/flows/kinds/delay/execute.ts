// Server-only (the lint rule keeps components/ away from execute.ts files).
import type { Executor } from "@/server/engine/executor";
import { durationMinutes } from "../shared";

export const execute: Executor<"delay"> = async ({ node, now }) => ({
  type: "wait",
  wait: { until: new Date(now.getTime() + durationMinutes(node.config) * 60_000), onDeadline: "out" },
});
