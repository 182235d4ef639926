import { describe, expect, it } from "vitest";
import { buildCron, parseCron, zonedIso } from "./time";

describe("schedule helpers", () => {
  it("writes a wall-clock time with the zone's offset", () => {
    expect(zonedIso("2026-12-12T10:00", "Asia/Shanghai")).toBe("2026-12-12T10:00:00+08:00");
    expect(zonedIso("2026-07-01T09:30", "America/New_York")).toBe("2026-07-01T09:30:00-04:00");
    expect(zonedIso("2026-01-15T09:30", "America/New_York")).toBe("2026-01-15T09:30:00-05:00");
    expect(zonedIso("nope", "UTC")).toBe("");
  });

  it("round-trips the crons the builder writes", () => {
    expect(parseCron("0 9 * * 1")).toEqual({ frequency: "weekly", time: "09:00", days: ["mon"] });
    expect(parseCron("30 8 * * *")).toEqual({ frequency: "daily", time: "08:30" });
    expect(parseCron("0 10 15 * *")).toEqual({ frequency: "monthly", time: "10:00", dayOfMonth: 15 });
    expect(parseCron("*/5 * * * *")).toEqual({ frequency: "custom" });
    expect(buildCron({ frequency: "weekly", time: "09:00", days: ["fri", "mon"] })).toBe("0 9 * * 1,5");
    expect(buildCron({ frequency: "weekly", time: "18:45", days: ["sun"] })).toBe("45 18 * * 0");
    expect(parseCron(buildCron({ frequency: "monthly", time: "07:05", dayOfMonth: 1 }))).toEqual({ frequency: "monthly", time: "07:05", dayOfMonth: 1 });
  });
});
