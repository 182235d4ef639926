// Pure (no React): what a rule's surroundings in the condition tree already require of a member,
// so its value picker can narrow — a business-district picker lists only the districts of the
// cities the rule's AND groups require, a city picker only the cities of the required provinces.
import type { ConditionGroup } from "@/server/audiences/condition";

/** Places every member matched at this point must be in (undefined: no requirement). */
export type OptionScope = { cities?: readonly string[]; provinces?: readonly string[] };

const PLACE_FIELDS = { city: "cities", province: "provinces" } as const;

/** The values a positive place rule (is / is any of) requires, or undefined for any other rule. */
function required(operator: string, value: unknown): string[] | undefined {
  const list = operator === "eq" ? [value] : operator === "in" && Array.isArray(value) ? value : undefined;
  if (!list) return undefined;
  const strings = list.filter((v): v is string => typeof v === "string" && v.length > 0);
  return strings.length > 0 ? strings : undefined;
}

const intersect = (a: readonly string[] | undefined, b: readonly string[]): readonly string[] => (a ? a.filter((x) => b.includes(x)) : b);

/**
 * The scope inside `group`, given the scope around it. Only AND groups add to it: there, every
 * child must hold, so "city is any of [上海市]" beside a district rule means the district is one
 * of 上海市's (also through nested groups and a NOT, where the chosen district still only makes
 * sense within the city). An OR group adds nothing — "上海市 or 三里屯" is a real choice — but
 * keeps what surrounds it. Several requirements of the same place intersect.
 */
export function groupScope(group: ConditionGroup, outer: OptionScope | undefined): OptionScope | undefined {
  if (group.op !== "and") return outer;
  let scope = outer;
  for (const child of group.children) {
    if (child.type !== "rule" || !(child.field in PLACE_FIELDS)) continue;
    const values = required(child.operator, child.value);
    if (!values) continue;
    const key = PLACE_FIELDS[child.field as keyof typeof PLACE_FIELDS];
    scope = { ...scope, [key]: intersect(scope?.[key], values) };
  }
  return scope;
}
