import { describe, expect, it } from "vitest";

import { MAX_DEPTH, and, checkConditionTree, emptyConditionTree, or, rule, type ConditionTree } from "@/server/audiences/condition";
import { fieldCatalog, getField } from "@/server/audiences/fields";
import {
  canAddGroup,
  changeField,
  changeOperator,
  convertValue,
  countRules,
  defaultOperator,
  getNode,
  insertChild,
  newGroup,
  newRule,
  removeNode,
  replaceNode,
  ruleIssues,
  updateGroup,
  updateRule,
} from "./tree-ops";

const deepFreeze = <T>(value: T): T => {
  if (value && typeof value === "object") {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
};

const sample = (): ConditionTree =>
  deepFreeze(
    and(
      rule("city", "in", ["上海市"]),
      or(rule("tier", "eq", "gold"), rule("points_balance", "gte", 100)),
      rule("consent_sms", "eq", true),
    ),
  );

describe("tree paths", () => {
  it("reads nodes by path", () => {
    const tree = sample();
    expect(getNode(tree, [])).toBe(tree);
    expect(getNode(tree, [1, 1])).toEqual(rule("points_balance", "gte", 100));
    expect(getNode(tree, [5])).toBeUndefined();
    expect(getNode(tree, [0, 0])).toBeUndefined();
  });

  it("inserts at a path without mutating and shares untouched branches", () => {
    const tree = sample();
    const next = insertChild(tree, [1], rule("gender", "eq", "female"));
    expect(next).not.toBe(tree);
    expect((getNode(next, [1]) as { children: unknown[] }).children).toHaveLength(3);
    expect(getNode(next, [1, 2])).toEqual(rule("gender", "eq", "female"));
    expect(next.children[0]).toBe(tree.children[0]);
    expect(next.children[2]).toBe(tree.children[2]);
    expect((getNode(tree, [1]) as { children: unknown[] }).children).toHaveLength(2);
  });

  it("inserts at an index", () => {
    const next = insertChild(sample(), [], newGroup("or"), 0);
    expect(next.children[0]).toEqual({ type: "group", op: "or", children: [] });
    expect(next.children).toHaveLength(4);
  });

  it("removes at a path; the root stays", () => {
    const tree = sample();
    const next = removeNode(tree, [1, 0]);
    expect(getNode(next, [1])).toEqual(or(rule("points_balance", "gte", 100)));
    expect(next.children[0]).toBe(tree.children[0]);
    expect(removeNode(tree, [])).toBe(tree);
    expect(removeNode(tree, [9])).toBe(tree);
    expect(removeNode(removeNode(removeNode(tree, [2]), [1]), [0])).toEqual(emptyConditionTree());
  });

  it("updates rules and groups at a path, and only those", () => {
    const tree = sample();
    const next = updateRule(tree, [1, 1], (r) => ({ ...r, value: 200 }));
    expect(getNode(next, [1, 1])).toEqual(rule("points_balance", "gte", 200));
    expect(getNode(tree, [1, 1])).toEqual(rule("points_balance", "gte", 100));
    // a rule updater on a group path is a no-op (same reference)
    expect(updateRule(tree, [1], (r) => ({ ...r, value: 1 }))).toBe(tree);
    const toggled = updateGroup(tree, [1], (g) => ({ ...g, op: "and", not: true }));
    expect(getNode(toggled, [1])).toMatchObject({ op: "and", not: true });
    expect(updateGroup(tree, [0], (g) => ({ ...g, op: "or" }))).toBe(tree);
  });

  it("never replaces the root with a rule", () => {
    const tree = sample();
    expect(replaceNode(tree, [], rule("city", "is_set"))).toBe(tree);
    expect(replaceNode(tree, [2], rule("city", "is_set")).children[2]).toEqual(rule("city", "is_set"));
  });

  it("counts rules and limits depth", () => {
    expect(countRules(sample())).toBe(4);
    expect(canAddGroup([])).toBe(true);
    expect(canAddGroup(Array.from({ length: MAX_DEPTH - 2 }, () => 0))).toBe(true);
    expect(canAddGroup(Array.from({ length: MAX_DEPTH - 1 }, () => 0))).toBe(false);
  });
});

describe("catalog-driven defaults", () => {
  it("every field gets a known operator and a value of the right shape", () => {
    for (const field of fieldCatalog) {
      const r = newRule(field.id);
      expect(r.operator).toBe(defaultOperator(field));
      expect(field.operators).toHaveProperty(r.operator);
    }
  });

  it("prefers list operators and keeps the window when switching operators", () => {
    expect(newRule("city")).toEqual(rule("city", "in", []));
    const orders = newRule("order_count");
    expect(orders.operator).toBe("gte");
    const between = changeOperator({ ...orders, value: { window: { kind: "last_days", days: 90 }, value: 2 } }, "between");
    expect(between.value).toEqual({ window: { kind: "last_days", days: 90 }, value: [2, 2] });
    const back = changeOperator(between, "lt");
    expect(back.value).toEqual({ window: { kind: "last_days", days: 90 }, value: 2 });
  });

  it("wraps and unwraps list values", () => {
    const city = getField("city")!;
    expect(convertValue(city, "eq", "in", "上海市")).toEqual(["上海市"]);
    expect(convertValue(city, "in", "eq", ["上海市", "北京市"])).toBe("上海市");
    expect(convertValue(city, "in", "is_set", ["上海市"])).toBeUndefined();
    expect(convertValue(city, "is_set", "in", undefined)).toEqual([]);
  });

  it("changing the field starts the rule over", () => {
    const r = rule("city", "in", ["上海市"]);
    expect(changeField(r, "city")).toBe(r);
    expect(changeField(r, "tags")).toEqual(rule("tags", "has_any", []));
  });
});

describe("rule issues", () => {
  it("reports the catalog's value issues with paths", () => {
    expect(ruleIssues(rule("city", "in", ["上海市"]))).toEqual([]);
    const empty = ruleIssues(rule("city", "in", []));
    expect(Array.isArray(empty) && empty[0]).toMatchObject({ path: [], code: "too_small", origin: "array" });
    const days = ruleIssues(rule("order_count", "gte", { window: { kind: "last_days", days: 0 }, value: 1 }));
    expect(Array.isArray(days) && days[0]?.path).toEqual(["window", "days"]);
    expect(ruleIssues(rule("nope", "eq", 1))).toBe("unknown-field");
    expect(ruleIssues(rule("city", "between", 1))).toBe("unknown-operator");
  });

  it("a tree built from valid rules passes the full check", () => {
    const tree = insertChild(insertChild(emptyConditionTree(), [], rule("city", "in", ["上海市"])), [], {
      ...newRule("order_count"),
      value: { window: { kind: "last_days", days: 90 }, value: 1 },
    });
    expect(checkConditionTree(tree)).toEqual([]);
  });
});
