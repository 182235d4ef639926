import { describe, it, expect } from "vitest";
import { readdirSync } from "node:fs";
import { nodeKinds, nodeKindSpec, findNodeKindSpec, isNodeKind } from ".";
import type { NodeKind } from ".";
import { assignBucket, stableHash } from "./random_split/spec";
import { cronSchedule, describeCron, isValidCron } from "./schedule_trigger/spec";
import { localizeSchemaMessage } from "./shared";

const tree = (field = "tier") => ({
  type: "group" as const,
  op: "and" as const,
  children: [{ type: "rule" as const, field, operator: "in", value: ["gold"] }],
});
const emptyTree = { type: "group", op: "and", children: [] };

type Bad = { config: unknown; path: (string | number)[] };
/** For every kind: configs it must accept, and configs it must refuse at a given path. */
const cases: Record<NodeKind, { good: unknown[]; bad: Bad[] }> = {
  schedule_trigger: {
    good: [
      { schedule: { mode: "recurring", cron: "0 9 * * 1" }, timezone: "Asia/Shanghai", entry: { mode: "audience", audienceId: "aud_1" } },
      { schedule: { mode: "once", at: "2026-12-12T10:00:00+08:00" }, timezone: "UTC", entry: { mode: "conditions", conditions: tree() } },
    ],
    bad: [
      { config: { schedule: { mode: "recurring", cron: "every monday" }, timezone: "Asia/Shanghai", entry: { mode: "audience", audienceId: "a" } }, path: ["schedule", "cron"] },
      { config: { schedule: { mode: "recurring", cron: "0 0 9 * * 1" }, timezone: "Asia/Shanghai", entry: { mode: "audience", audienceId: "a" } }, path: ["schedule", "cron"] },
      { config: { schedule: { mode: "once", at: "tomorrow" }, timezone: "Asia/Shanghai", entry: { mode: "audience", audienceId: "a" } }, path: ["schedule", "at"] },
      { config: { schedule: { mode: "recurring", cron: "0 9 * * 1" }, timezone: "Mars/Olympus", entry: { mode: "audience", audienceId: "a" } }, path: ["timezone"] },
      { config: { schedule: { mode: "recurring", cron: "0 9 * * 1" }, timezone: "Asia/Shanghai", entry: { mode: "conditions", conditions: emptyTree } }, path: ["entry", "conditions"] },
      { config: { schedule: { mode: "recurring", cron: "0 9 * * 1" }, timezone: "Asia/Shanghai", entry: { mode: "audience", audienceId: "" } }, path: ["entry", "audienceId"] },
    ],
  },
  event_trigger: {
    good: [
      { event: "order.placed", conditions: [{ path: "amount", operator: "gte", value: 100 }] },
      { event: "storefront.review_posted", conditions: [{ path: "rating", operator: "exists" }] },
    ],
    bad: [
      { config: { event: "Order Placed", conditions: [] }, path: ["event"] },
      { config: { event: "order.placed", conditions: [{ path: "amount", operator: "gte" }] }, path: ["conditions", 0, "value"] },
      { config: { event: "order.placed", conditions: [{ path: "items.category", operator: "in", value: "fresh" }] }, path: ["conditions", 0, "value"] },
      { config: { event: "order.placed", conditions: [{ path: "amount", operator: "like", value: 1 }] }, path: ["conditions", 0, "operator"] },
    ],
  },
  date_trigger: {
    good: [
      { date: "birthday", offsetDays: 0, time: "09:00" },
      { date: "points_expiry", offsetDays: -30, time: "23:59" },
    ],
    bad: [
      { config: { date: "wedding", offsetDays: 0, time: "09:00" }, path: ["date"] },
      { config: { date: "birthday", offsetDays: 1.5, time: "09:00" }, path: ["offsetDays"] },
      { config: { date: "birthday", offsetDays: 400, time: "09:00" }, path: ["offsetDays"] },
      { config: { date: "birthday", offsetDays: 0, time: "9am" }, path: ["time"] },
      { config: { date: "birthday", offsetDays: 0, time: "24:00" }, path: ["time"] },
    ],
  },
  audience_trigger: {
    good: [{ audienceId: "aud_1" }],
    bad: [
      { config: { audienceId: "" }, path: ["audienceId"] },
      { config: {}, path: ["audienceId"] },
    ],
  },
  manual_trigger: { good: [{}], bad: [{ config: null, path: [] }] },
  split: {
    good: [{ groups: [{ id: "vip", name: "VIP", conditions: tree() }, { id: "east", name: "East", conditions: tree("province") }], elseName: "Others" }],
    bad: [
      { config: { groups: [], elseName: "Others" }, path: ["groups"] },
      { config: { groups: [{ id: "vip", name: "VIP", conditions: emptyTree }], elseName: "Others" }, path: ["groups", 0, "conditions"] },
      { config: { groups: [{ id: "else", name: "Else", conditions: tree() }], elseName: "Others" }, path: ["groups", 0, "id"] },
      { config: { groups: [{ id: "Has Space", name: "X", conditions: tree() }], elseName: "Others" }, path: ["groups", 0, "id"] },
      { config: { groups: [{ id: "a", name: "A", conditions: tree() }, { id: "a", name: "A2", conditions: tree() }], elseName: "Others" }, path: ["groups", 1, "id"] },
      { config: { groups: [{ id: "a", name: " ", conditions: tree() }], elseName: "Others" }, path: ["groups", 0, "name"] },
    ],
  },
  random_split: {
    good: [
      { buckets: [{ id: "a", name: "A", percent: 50 }, { id: "b", name: "B", percent: 50 }], holdout: null },
      { buckets: [{ id: "t", name: "Treatment", percent: 90 }], holdout: { percent: 10 } },
    ],
    bad: [
      { config: { buckets: [{ id: "control", name: "C", percent: 100 }], holdout: null }, path: ["buckets", 0, "id"] },
      { config: { buckets: [{ id: "a", name: "A", percent: 0 }], holdout: null }, path: ["buckets", 0, "percent"] },
      { config: { buckets: [{ id: "a", name: "A", percent: 20.5 }], holdout: null }, path: ["buckets", 0, "percent"] },
      { config: { buckets: [{ id: "a", name: "A", percent: 40 }], holdout: { percent: 60 } }, path: ["holdout", "percent"] },
      { config: { buckets: [{ id: "a", name: "A", percent: 50 }, { id: "a", name: "B", percent: 50 }], holdout: null }, path: ["buckets", 1, "id"] },
    ],
  },
  issue_coupon: {
    good: [
      { template: { mode: "existing", id: "tpl_1" } },
      { template: { mode: "inline", name: "¥20 off", type: "amount", value: 20, minSpend: 99, validDays: 14 } },
      { template: { mode: "inline", name: "10% off", type: "percent", value: 10, minSpend: 0, validDays: 7 } },
    ],
    bad: [
      { config: { template: { mode: "existing", id: "" } }, path: ["template", "id"] },
      { config: { template: { mode: "inline", name: "x", type: "percent", value: 100, minSpend: 0, validDays: 7 } }, path: ["template", "value"] },
      { config: { template: { mode: "inline", name: "x", type: "amount", value: 120, minSpend: 99, validDays: 7 } }, path: ["template", "value"] },
      { config: { template: { mode: "inline", name: "x", type: "amount", value: 10, minSpend: -1, validDays: 7 } }, path: ["template", "minSpend"] },
      { config: { template: { mode: "inline", name: "x", type: "amount", value: 10, minSpend: 0, validDays: 0 } }, path: ["template", "validDays"] },
      { config: { couponTemplateId: "tpl_1" }, path: ["template"] },
    ],
  },
  member_price: {
    good: [
      { list: { mode: "existing", id: "pl_1" } },
      { list: { mode: "inline", target: { type: "products", productIds: [1] }, price: { type: "fixed", amount: 9.9 }, validDays: 7 } },
      { list: { mode: "inline", target: { type: "categories", categoryIds: [4] }, price: { type: "percent_off", percent: 15 }, validDays: 30 } },
    ],
    bad: [
      { config: { list: { mode: "existing", id: "" } }, path: ["list", "id"] },
      { config: { list: { mode: "inline", target: { type: "products", productIds: [] }, price: { type: "fixed", amount: 9.9 }, validDays: 7 } }, path: ["list", "target", "productIds"] },
      { config: { list: { mode: "inline", target: { type: "products", productIds: [1] }, price: { type: "fixed", amount: 0 }, validDays: 7 } }, path: ["list", "price", "amount"] },
      { config: { list: { mode: "inline", target: { type: "products", productIds: [1] }, price: { type: "percent_off", percent: 100 }, validDays: 7 } }, path: ["list", "price", "percent"] },
      { config: { list: { mode: "inline", target: { type: "products", productIds: [2 ** 31] }, price: { type: "fixed", amount: 1 }, validDays: 7 } }, path: ["list", "target", "productIds", 0] },
      { config: { list: { mode: "inline", target: { type: "brands", brandIds: ["b"] }, price: { type: "fixed", amount: 1 }, validDays: 7 } }, path: ["list", "target", "type"] },
      { config: { target: { type: "products", productIds: [1] }, price: { type: "fixed", amount: 1 }, validDays: 7 }, path: ["list"] },
    ],
  },
  send_notification: {
    good: [
      { channel: "sms", content: { mode: "inline", title: "", body: "{{member.name}}，券码 {{ coupon.code }}" } },
      { channel: "push", content: { mode: "inline", title: "Hi {{member.name}}", body: "Your coupon is ready" } },
      { channel: "email", content: { mode: "template", templateId: "msg_1" } },
    ],
    bad: [
      { config: { channel: "fax", content: { mode: "template", templateId: "m" } }, path: ["channel"] },
      { config: { channel: "sms", content: { mode: "inline", title: "", body: "  " } }, path: ["content", "body"] },
      { config: { channel: "sms", content: { mode: "inline", title: "", body: "Hi {{member.nickname}}" } }, path: ["content", "body"] },
      { config: { channel: "push", content: { mode: "inline", title: "{{foo}}", body: "x" } }, path: ["content", "title"] },
      { config: { channel: "push", content: { mode: "inline", title: "", body: "x" } }, path: ["content", "title"] },
      { config: { channel: "sms", content: { mode: "inline", title: "", body: "x".repeat(501) } }, path: ["content", "body"] },
    ],
  },
  show_banner: {
    good: [{ banner: { mode: "existing", id: "bc_1" } }, { banner: { mode: "inline", placement: "app_home_top", imageUrl: "https://cdn.example.com/a.png", title: "Sale", link: "/sale", validDays: 7 } }],
    bad: [
      { config: { banner: { mode: "inline", placement: "app_home_top", imageUrl: "http://cdn.example.com/a.png", title: "Sale", link: "/sale", validDays: 7 } }, path: ["banner", "imageUrl"] },
      { config: { banner: { mode: "inline", placement: "App Home", imageUrl: "https://cdn.example.com/a.png", title: "Sale", link: "/sale", validDays: 7 } }, path: ["banner", "placement"] },
      { config: { banner: { mode: "inline", placement: "app_home_top", imageUrl: "https://cdn.example.com/a.png", title: "Sale", link: "javascript:alert(1)", validDays: 7 } }, path: ["banner", "link"] },
      { config: { banner: { mode: "inline", placement: "app_home_top", imageUrl: "https://cdn.example.com/a.png", title: "", link: "/", validDays: 7 } }, path: ["banner", "title"] },
    ],
  },
  tag: {
    good: [{ action: "add", tags: ["vip", "reactivated"] }, { action: "remove", tags: ["silent"] }],
    bad: [
      { config: { action: "toggle", tags: ["a"] }, path: ["action"] },
      { config: { action: "add", tags: [] }, path: ["tags"] },
      { config: { action: "add", tags: ["a", "a"] }, path: ["tags"] },
    ],
  },
  points: {
    good: [{ action: "award", amount: 200, reason: "Tier upgrade" }],
    bad: [
      { config: { action: "award", amount: 0, reason: "x" }, path: ["amount"] },
      { config: { action: "award", amount: 1.5, reason: "x" }, path: ["amount"] },
      { config: { action: "deduct", amount: 10, reason: "" }, path: ["reason"] },
    ],
  },
  webhook: {
    good: [{ url: "https://hooks.example.com/x", method: "POST", headers: [{ name: "X-Source", value: "memberflow" }], bodyTemplate: "{}" }],
    bad: [
      { config: { url: "http://hooks.example.com/x", method: "POST", headers: [], bodyTemplate: "" }, path: ["url"] },
      { config: { url: "not a url", method: "POST", headers: [], bodyTemplate: "" }, path: ["url"] },
      { config: { url: "https://h.example.com", method: "DELETE", headers: [], bodyTemplate: "" }, path: ["method"] },
      { config: { url: "https://h.example.com", method: "GET", headers: [], bodyTemplate: "{}" }, path: ["bodyTemplate"] },
      { config: { url: "https://h.example.com", method: "POST", headers: [{ name: "Bad Header", value: "" }], bodyTemplate: "" }, path: ["headers", 0, "name"] },
    ],
  },
  delay: {
    good: [{ amount: 3, unit: "days" }, { amount: 90, unit: "minutes" }],
    bad: [
      { config: { amount: 0, unit: "days" }, path: ["amount"] },
      { config: { amount: 2, unit: "weeks" }, path: ["unit"] },
      { config: { amount: 400, unit: "days" }, path: ["amount"] },
    ],
  },
  wait_until: {
    good: [
      { mode: "datetime", at: "2026-12-12T10:00:00+08:00" },
      { mode: "time_of_day", time: "10:00", weekday: null },
      { mode: "time_of_day", time: "10:00", weekday: "sat" },
    ],
    bad: [
      { config: { mode: "time_of_day", time: "10:00", weekday: "someday" }, path: ["weekday"] },
      { config: { mode: "datetime", at: "2026-12-12" }, path: ["at"] },
      { config: { mode: "later" }, path: ["mode"] },
    ],
  },
  wait_for_response: {
    good: [
      { event: { type: "coupon.redeemed", sourceNodeId: "coupon" }, window: { amount: 3, unit: "days" } },
      { event: { type: "order.placed", conditions: [{ path: "amount", operator: "gte", value: 99 }] }, window: { amount: 7, unit: "days" } },
      { event: { type: "notification.clicked", sourceNodeId: "sms" }, window: { amount: 12, unit: "hours" } },
      { event: { type: "custom", name: "survey.completed", conditions: [] }, window: { amount: 1, unit: "days" } },
    ],
    bad: [
      { config: { event: { type: "coupon.redeemed", sourceNodeId: "" }, window: { amount: 3, unit: "days" } }, path: ["event", "sourceNodeId"] },
      { config: { event: { type: "order.placed", conditions: [] }, window: { amount: 0, unit: "days" } }, path: ["window", "amount"] },
      { config: { event: { type: "custom", name: "Survey Done", conditions: [] }, window: { amount: 1, unit: "days" } }, path: ["event", "name"] },
      { config: { event: { type: "page.viewed" }, window: { amount: 1, unit: "days" } }, path: ["event", "type"] },
    ],
  },
  exit: { good: [{}], bad: [{ config: "stop", path: [] }] },
};

describe("node kind registry", () => {
  it("has every kind once, and a test case table entry for each", () => {
    const kinds = nodeKinds.map((s) => s.kind);
    expect(new Set(kinds).size).toBe(kinds.length);
    expect([...kinds].sort()).toEqual(Object.keys(cases).sort());
  });

  it("registers every kind folder in this folder", () => {
    const modules = readdirSync(import.meta.dirname, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    expect(modules.sort()).toEqual(nodeKinds.map((s) => s.kind).sort());
  });

  it("looks kinds up", () => {
    expect(nodeKindSpec("delay").kind).toBe("delay");
    expect(findNodeKindSpec("nope")).toBeUndefined();
    expect(isNodeKind("split")).toBe(true);
    expect(isNodeKind("nope")).toBe(false);
  });

  it.each(nodeKinds.map((s) => [s.kind, s] as const))("%s has bilingual text, an icon and a consistent category", (_k, spec) => {
    for (const text of [spec.label, spec.description]) {
      expect(text.en.length).toBeGreaterThan(0);
      expect(text["zh-CN"].length).toBeGreaterThan(0);
    }
    expect(spec.icon).toMatch(/^[A-Z][A-Za-z0-9]+$/);
    expect(spec.isWait).toBe(spec.category === "wait");
  });
});

describe.each(Object.entries(cases))("%s config", (kind, { good, bad }) => {
  const spec = findNodeKindSpec(kind)!;

  it.each(good.map((c, i) => [i, c] as const))("accepts good config #%i", (_i, config) => {
    const result = spec.configSchema.safeParse(config);
    expect(result.success ? [] : result.error.issues).toEqual([]);
    const parsed = spec.configSchema.parse(config);
    for (const locale of ["en", "zh-CN"] as const) expect(spec.summary(parsed, locale).length).toBeGreaterThan(0);
    const branches = spec.branches(parsed).map((b) => b.id);
    if (spec.category === "exit") expect(branches).toEqual([]);
    else expect(branches.length).toBeGreaterThan(0);
    expect(new Set(branches).size).toBe(branches.length);
  });

  it.each(bad.map((c, i) => [i, c] as const))("refuses bad config #%i at its field", (_i, { config, path }) => {
    const result = spec.configSchema.safeParse(config);
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.error.issues.map((i) => i.path)).toContainEqual(path);
    for (const issue of result.error.issues) expect(issue.message.length).toBeGreaterThan(0);
  });
});

describe("defaults", () => {
  // Kinds whose defaults need no input from the marketer are ready to run as dropped.
  const complete: NodeKind[] = ["event_trigger", "date_trigger", "manual_trigger", "random_split", "delay", "wait_until", "wait_for_response", "exit"];
  it.each(complete)("%s defaults are valid", (kind) => {
    const spec = nodeKindSpec(kind);
    expect(spec.configSchema.safeParse(spec.defaults()).success).toBe(true);
  });
  it("defaults are fresh objects every time", () => {
    for (const spec of nodeKinds) {
      const a = spec.defaults();
      expect(spec.defaults()).toEqual(a);
      if (typeof a === "object" && a !== null && Object.keys(a).length > 0) expect(spec.defaults()).not.toBe(a);
    }
  });
});

describe("branches", () => {
  it("triggers and actions have one out branch, exit none", () => {
    expect(nodeKindSpec("event_trigger").branches({ event: "order.placed", conditions: [] }).map((b) => b.id)).toEqual(["out"]);
    expect(nodeKindSpec("tag").branches({ action: "add", tags: ["x"] }).map((b) => b.id)).toEqual(["out"]);
    expect(nodeKindSpec("delay").branches({ amount: 1, unit: "days" }).map((b) => b.id)).toEqual(["out"]);
    expect(nodeKindSpec("exit").branches({})).toEqual([]);
  });
  it("split: one per group in order, then else", () => {
    const config = nodeKindSpec("split").configSchema.parse(cases.split.good[0]);
    expect(nodeKindSpec("split").branches(config).map((b) => b.id)).toEqual(["vip", "east", "else"]);
  });
  it("random split: one per bucket, plus control when there is a holdout", () => {
    const spec = nodeKindSpec("random_split");
    expect(spec.branches(spec.configSchema.parse(cases.random_split.good[0])).map((b) => b.id)).toEqual(["a", "b"]);
    expect(spec.branches(spec.configSchema.parse(cases.random_split.good[1])).map((b) => b.id)).toEqual(["t", "control"]);
  });
  it("wait for response: responded and timeout", () => {
    const spec = nodeKindSpec("wait_for_response");
    expect(spec.branches(spec.defaults()).map((b) => b.id)).toEqual(["responded", "timeout"]);
  });
});

describe("required choices", () => {
  it("read as English: an audience, a coupon template", () => {
    const issue = (kind: "audience_trigger" | "issue_coupon", config: unknown) => nodeKindSpec(kind).configSchema.safeParse(config).error?.issues[0]?.message;
    expect(issue("audience_trigger", { audienceId: "" })).toBe("Choose an audience");
    expect(localizeSchemaMessage("Choose an audience")["zh-CN"]).toBe("请选择人群");
    expect(issue("issue_coupon", { template: { mode: "existing", id: "" } })).toBe("Choose a coupon template");
  });
});

describe("a one-time schedule", () => {
  it("is refused once well past (it would never run), and allowed just gone (the engine catches up) or ahead", () => {
    const spec = nodeKindSpec("schedule_trigger");
    const at = (iso: string) => spec.configSchema.parse({ schedule: { mode: "once", at: iso }, timezone: "UTC", entry: { mode: "all" } });
    const now = new Date("2026-12-12T10:00:00Z");
    const check = (iso: string) => spec.check(at(iso), { nodeKind: () => undefined, now }).map((i) => [i.code, i.path]);
    expect(check("2026-12-12T09:00:00Z")).toEqual([["schedule_in_past", ["schedule", "at"]]]);
    expect(check("2026-12-12T09:50:00Z")).toEqual([]);
    expect(check("2026-12-13T09:00:00Z")).toEqual([]);
    expect(spec.check(spec.defaults(), { nodeKind: () => undefined, now })).toEqual([]);
  });
});

describe("summaries", () => {
  it("describes a cron schedule in both languages with the time zone", () => {
    const spec = nodeKindSpec("schedule_trigger");
    const config = spec.configSchema.parse(cases.schedule_trigger.good[0]);
    expect(spec.summary(config, "en")).toContain("09:00");
    expect(spec.summary(config, "en")).toContain("Monday");
    expect(spec.summary(config, "en")).toContain("(Asia/Shanghai)");
    expect(spec.summary(config, "zh-CN")).toContain("星期一");
    expect(describeCron("0 9 * * 1", "zh-CN")).toContain("09:00");
  });
  it("validates five-field cron only", () => {
    expect(isValidCron("*/15 * * * *")).toBe(true);
    expect(isValidCron("0 9 * * 1 2026")).toBe(false);
    expect(isValidCron("61 * * * *")).toBe(false);
    expect(isValidCron("0 9 * * 1-5")).toBe(true);
    expect(isValidCron("0 9 * *")).toBe(false);
  });
  it("reads a cron schedule in the trigger's time zone", () => {
    // Mondays 09:00 in Shanghai is 01:00 UTC; the next one after Wed 2026-11-25 is Mon 2026-11-30.
    const next = cronSchedule("0 9 * * 1", "Asia/Shanghai").nextRun(new Date("2026-11-25T00:00:00Z"));
    expect(next?.toISOString()).toBe("2026-11-30T01:00:00.000Z");
  });
  it("names the coupon, audience or message template a node points at, when the names are known", () => {
    const names = {
      couponTemplate: (id: string) => (id === "tpl_1" ? "Gold ¥50" : undefined),
      audience: (id: string) => (id === "aud_1" ? "East VIPs" : undefined),
      notificationTemplate: (id: string) => (id === "msg_1" ? "Reminder" : undefined),
      priceList: (id: string) => (id === "pl_1" ? "Gold prices" : undefined),
      bannerCreative: (id: string) => (id === "bc_1" ? "Double 12 hero" : undefined),
    };
    expect(nodeKindSpec("issue_coupon").summary({ template: { mode: "existing", id: "tpl_1" } }, "en", names)).toBe("Gold ¥50");
    expect(nodeKindSpec("issue_coupon").summary({ template: { mode: "existing", id: "gone" } }, "en", names)).toBe("Coupon template");
    expect(nodeKindSpec("audience_trigger").summary({ audienceId: "aud_1" }, "zh-CN", names)).toBe("进入“East VIPs”时");
    expect(nodeKindSpec("send_notification").summary({ channel: "sms", content: { mode: "template", templateId: "msg_1" } }, "en", names)).toContain("Reminder");
    expect(nodeKindSpec("member_price").summary({ list: { mode: "existing", id: "pl_1" } }, "en", names)).toBe("Gold prices");
    expect(nodeKindSpec("show_banner").summary({ banner: { mode: "existing", id: "bc_1" } }, "en", names)).toBe("Double 12 hero");
    expect(nodeKindSpec("member_price").references({ list: { mode: "existing", id: "pl_1" } }).priceListIds).toEqual(["pl_1"]);
    expect(nodeKindSpec("show_banner").references({ banner: { mode: "existing", id: "bc_1" } }).bannerCreativeIds).toEqual(["bc_1"]);
  });
  it("describes date offsets", () => {
    const spec = nodeKindSpec("date_trigger");
    expect(spec.summary({ date: "points_expiry", offsetDays: -30, time: "10:00" }, "en")).toBe("30 days before points expiry at 10:00");
    expect(spec.summary({ date: "points_expiry", offsetDays: -30, time: "10:00" }, "zh-CN")).toBe("积分过期日前 30 天 10:00");
    expect(spec.summary({ date: "birthday", offsetDays: 0, time: "09:00" }, "en")).toBe("On birthday at 09:00");
  });
  it("describes waits and coupons", () => {
    expect(nodeKindSpec("delay").summary({ amount: 1, unit: "days" }, "en")).toBe("Wait 1 day");
    expect(nodeKindSpec("delay").summary({ amount: 3, unit: "hours" }, "zh-CN")).toBe("等待 3 小时");
    expect(
      nodeKindSpec("wait_for_response").summary({ event: { type: "order.placed", conditions: [] }, window: { amount: 7, unit: "days" } }, "en"),
    ).toBe("Order placed within 7 days");
    expect(
      nodeKindSpec("issue_coupon").summary({ template: { mode: "inline", name: "Welcome", type: "amount", value: 20, minSpend: 99, validDays: 14 } }, "en"),
    ).toBe("Welcome: ¥20 off over ¥99, 14 days");
  });
});

describe("references", () => {
  it("lists the coupon templates, audiences and message templates a node uses", () => {
    expect(nodeKindSpec("issue_coupon").references({ template: { mode: "existing", id: "tpl_1" } }).couponTemplateIds).toEqual(["tpl_1"]);
    expect(
      nodeKindSpec("issue_coupon").references({ template: { mode: "inline", name: "x", type: "amount", value: 1, minSpend: 0, validDays: 1 } })
        .couponTemplateIds,
    ).toEqual([]);
    expect(nodeKindSpec("audience_trigger").references({ audienceId: "aud_9" }).audienceIds).toEqual(["aud_9"]);
    const schedule = nodeKindSpec("schedule_trigger").configSchema.parse(cases.schedule_trigger.good[0]);
    expect(nodeKindSpec("schedule_trigger").references(schedule).audienceIds).toEqual(["aud_1"]);
    expect(
      nodeKindSpec("send_notification").references({ channel: "email", content: { mode: "template", templateId: "msg_1" } })
        .notificationTemplateIds,
    ).toEqual(["msg_1"]);
  });
});

describe("random split assignment", () => {
  const config = { buckets: [{ id: "a", name: "A", percent: 45 }, { id: "b", name: "B", percent: 45 }], holdout: { percent: 10 } };
  it("is stable per key", () => {
    for (let i = 0; i < 50; i++) expect(assignBucket(config, `flow:node:m${i}`)).toBe(assignBucket(config, `flow:node:m${i}`));
    expect(stableHash("member-1")).toBe(stableHash("member-1"));
    expect(stableHash("member-1")).not.toBe(stableHash("member-2"));
  });
  it("follows the percentages", () => {
    const counts: Record<string, number> = { a: 0, b: 0, control: 0 };
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const branch = assignBucket(config, `flow_1:split:member_${i}`);
      counts[branch] = (counts[branch] ?? 0) + 1;
    }
    expect(counts.a! / n).toBeCloseTo(0.45, 1);
    expect(counts.b! / n).toBeCloseTo(0.45, 1);
    expect(counts.control! / n).toBeGreaterThan(0.08);
    expect(counts.control! / n).toBeLessThan(0.12);
  });
  it("sends everyone to the only bucket at 100%", () => {
    const all = { buckets: [{ id: "only", name: "Only", percent: 100 }], holdout: null };
    for (let i = 0; i < 200; i++) expect(assignBucket(all, `k${i}`)).toBe("only");
  });
});

describe("schema messages", () => {
  it("come in both languages", () => {
    const result = nodeKindSpec("delay").configSchema.safeParse({ amount: 0, unit: "days" });
    expect(result.success).toBe(false);
    if (result.success) return;
    const message = localizeSchemaMessage(result.error.issues[0]!.message);
    expect(message.en).toBe("Wait at least 1");
    expect(message["zh-CN"]).toBe("至少等待 1 个单位");
  });
});
