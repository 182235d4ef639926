import { describe, expect, it } from "vitest";

import { and, not, or, rule } from "@/server/audiences/condition";
import { groupScope } from "./option-scope";

describe("groupScope: the places a rule's AND groups already require", () => {
  it("takes the cities and provinces of positive place rules in an AND group", () => {
    expect(groupScope(and(rule("city", "in", ["上海市", "杭州市"]), rule("business_district", "in", [])), undefined)).toEqual({ cities: ["上海市", "杭州市"] });
    expect(groupScope(and(rule("city", "eq", "上海市"), rule("province", "eq", "上海市")), undefined)).toEqual({ cities: ["上海市"], provinces: ["上海市"] });
  });

  it("ignores negative, empty and unfinished rules and OR groups", () => {
    expect(groupScope(and(rule("city", "not_in", ["上海市"]), rule("city", "neq", "北京市"), rule("city", "is_set")), undefined)).toBeUndefined();
    expect(groupScope(and(rule("city", "in", []), rule("city", "eq", ""), rule("city", "in", [1, null])), undefined)).toBeUndefined();
    expect(groupScope(or(rule("city", "in", ["上海市"]), rule("business_district", "in", [])), undefined)).toBeUndefined();
  });

  it("keeps the surrounding scope inside OR and NOT groups, and intersects repeated requirements", () => {
    const outer = groupScope(and(rule("city", "in", ["上海市", "杭州市"])), undefined);
    expect(groupScope(or(rule("business_district", "in", [])), outer)).toEqual({ cities: ["上海市", "杭州市"] });
    expect(groupScope(not(and(rule("city", "eq", "杭州市"))), outer)).toEqual({ cities: ["杭州市"] });
    expect(groupScope(and(rule("city", "in", ["北京市"])), outer)).toEqual({ cities: [] });
  });
});
