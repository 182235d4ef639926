import { describe, expect, it } from "vitest";
import { quietHoursEnd } from "./quiet-hours";

const night = { start: "22:00", end: "08:00" };
const lunch = { start: "13:00", end: "14:00" };
const at = (iso: string) => new Date(iso);

describe("quietHoursEnd", () => {
  describe("a window crossing midnight, Asia/Shanghai (UTC+8, no DST)", () => {
    it("23:30 waits until 08:00 the next morning", () => {
      expect(quietHoursEnd(at("2026-03-10T23:30:00+08:00"), night, "Asia/Shanghai")).toEqual(at("2026-03-11T00:00:00Z"));
    });
    it("22:00 is already quiet", () => {
      expect(quietHoursEnd(at("2026-03-10T22:00:00+08:00"), night, "Asia/Shanghai")).toEqual(at("2026-03-11T08:00:00+08:00"));
    });
    it("07:59 waits until 08:00 the same morning", () => {
      expect(quietHoursEnd(at("2026-03-11T07:59:00+08:00"), night, "Asia/Shanghai")).toEqual(at("2026-03-11T08:00:00+08:00"));
      expect(quietHoursEnd(at("2026-03-11T07:59:59.999+08:00"), night, "Asia/Shanghai")).toEqual(at("2026-03-11T08:00:00+08:00"));
    });
    it("00:00 and 03:00 wait until 08:00 that morning", () => {
      expect(quietHoursEnd(at("2026-03-11T00:00:00+08:00"), night, "Asia/Shanghai")).toEqual(at("2026-03-11T08:00:00+08:00"));
      expect(quietHoursEnd(at("2026-03-11T03:00:00+08:00"), night, "Asia/Shanghai")).toEqual(at("2026-03-11T08:00:00+08:00"));
    });
    it("08:00 and 21:59 are outside quiet hours", () => {
      expect(quietHoursEnd(at("2026-03-11T08:00:00+08:00"), night, "Asia/Shanghai")).toBeNull();
      expect(quietHoursEnd(at("2026-03-11T21:59:00+08:00"), night, "Asia/Shanghai")).toBeNull();
      expect(quietHoursEnd(at("2026-03-11T12:00:00+08:00"), night, "Asia/Shanghai")).toBeNull();
    });
    it("reads the wall clock of the zone, not of UTC", () => {
      // 15:00Z is 23:00 in Shanghai (quiet) but only 15:00 in UTC.
      expect(quietHoursEnd(at("2026-03-10T15:00:00Z"), night, "Asia/Shanghai")).toEqual(at("2026-03-11T00:00:00Z"));
      expect(quietHoursEnd(at("2026-03-10T15:00:00Z"), night, "UTC")).toBeNull();
    });
  });

  describe("a window within one day", () => {
    it("13:00–14:00 holds 13:00 and 13:59 until 14:00", () => {
      expect(quietHoursEnd(at("2026-03-11T13:00:00+08:00"), lunch, "Asia/Shanghai")).toEqual(at("2026-03-11T14:00:00+08:00"));
      expect(quietHoursEnd(at("2026-03-11T13:59:00+08:00"), lunch, "Asia/Shanghai")).toEqual(at("2026-03-11T14:00:00+08:00"));
    });
    it("lets 12:59, 14:00 and 23:00 through", () => {
      expect(quietHoursEnd(at("2026-03-11T12:59:00+08:00"), lunch, "Asia/Shanghai")).toBeNull();
      expect(quietHoursEnd(at("2026-03-11T14:00:00+08:00"), lunch, "Asia/Shanghai")).toBeNull();
      expect(quietHoursEnd(at("2026-03-11T23:00:00+08:00"), lunch, "Asia/Shanghai")).toBeNull();
    });
  });

  describe("across DST in America/New_York", () => {
    // 2026-03-08 02:00 EST → 03:00 EDT; 2026-11-01 02:00 EDT → 01:00 EST.
    it("spring forward: 23:30 EST ends at 08:00 EDT, a 9-hour night", () => {
      const start = at("2026-03-07T23:30:00-05:00");
      const end = quietHoursEnd(start, night, "America/New_York");
      expect(end).toEqual(at("2026-03-08T08:00:00-04:00"));
      expect(end).toEqual(at("2026-03-08T12:00:00Z"));
    });
    it("fall back: 23:30 EDT ends at 08:00 EST, an 11-hour night", () => {
      expect(quietHoursEnd(at("2026-10-31T23:30:00-04:00"), night, "America/New_York")).toEqual(at("2026-11-01T13:00:00Z"));
    });
    it("after the change, 07:00 EDT is held one hour", () => {
      expect(quietHoursEnd(at("2026-03-08T07:00:00-04:00"), night, "America/New_York")).toEqual(at("2026-03-08T08:00:00-04:00"));
    });
    it("a window ending in the skipped hour ends when the clocks jump", () => {
      // 02:30 does not exist on 2026-03-08: the wall clock goes 01:59 → 03:00, past the window.
      const end = quietHoursEnd(at("2026-03-08T01:00:00-05:00"), { start: "22:00", end: "02:30" }, "America/New_York");
      expect(end).toEqual(at("2026-03-08T03:00:00-04:00"));
    });
    it("a window ending in the repeated hour ends at the next 01:30 on the clock", () => {
      const window = { start: "22:00", end: "01:30" };
      expect(quietHoursEnd(at("2026-11-01T01:15:00-04:00"), window, "America/New_York")).toEqual(at("2026-11-01T01:30:00-04:00"));
      // 01:15 EST is the second 01:15 of the night: quiet again until the second 01:30.
      expect(quietHoursEnd(at("2026-11-01T01:15:00-05:00"), window, "America/New_York")).toEqual(at("2026-11-01T01:30:00-05:00"));
      expect(quietHoursEnd(at("2026-11-01T01:45:00-04:00"), window, "America/New_York")).toBeNull();
    });
  });

  it("without quiet hours nothing is held", () => {
    expect(quietHoursEnd(at("2026-03-10T23:30:00+08:00"), null, "Asia/Shanghai")).toBeNull();
  });

  it("rejects malformed times and unknown zones", () => {
    expect(() => quietHoursEnd(at("2026-03-10T23:30:00Z"), { start: "22", end: "08:00" }, "UTC")).toThrow(RangeError);
    expect(() => quietHoursEnd(at("2026-03-10T23:30:00Z"), night, "Mars/Olympus")).toThrow(RangeError);
  });
});
