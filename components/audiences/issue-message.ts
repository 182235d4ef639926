import type { RuleIssue } from "./tree-ops";

/** Message keys under `audienceEditor.issues`. */
export type IssueKey =
  | "required"
  | "pickAtLeast"
  | "tooMany"
  | "min"
  | "max"
  | "tooLong"
  | "wholeNumber"
  | "notANumber"
  | "dateFormat"
  | "notADate"
  | "rangeOrder"
  | "rangeEnd"
  | "twoDecimals"
  | "eventName"
  | "propertyPath"
  | "invalid";

export type IssueDescription = { key: IssueKey; values: { count?: number } };

// The catalog's own messages (English), mapped to keys so both languages read well.
const known: Record<string, IssueKey> = {
  "Use a date like 2026-06-01": "dateFormat",
  "Not a calendar date": "notADate",
  "The lower bound must not exceed the upper bound": "rangeOrder",
  "The range must end on or after its start": "rangeEnd",
  "At most two decimals (fen)": "twoDecimals",
  "Use an event name like order.placed": "eventName",
  "Use a whole number": "wholeNumber",
  "Use a whole number of days": "wholeNumber",
  "Pick at least one value": "pickAtLeast",
  "Pick at least one": "pickAtLeast",
  "Enter a value": "required",
};

const isEmpty = (v: unknown) => v === undefined || v === null || v === "";

/** A zod issue of the catalog's value schemas as a localizable message. */
export function describeIssue(issue: RuleIssue): IssueDescription {
  // Nothing entered yet reads the same whatever rule the value broke.
  if (isEmpty(issue.input) && issue.code !== "custom") return { key: "required", values: {} };
  const mapped = known[issue.message];
  if (mapped === "pickAtLeast") return { key: "pickAtLeast", values: { count: issue.minimum ?? 1 } };
  if (mapped) return { key: mapped, values: {} };
  const last = issue.path[issue.path.length - 1];
  switch (issue.code) {
    case "invalid_type": {
      if (isEmpty(issue.input)) return { key: "required", values: {} };
      if (issue.expected === "int") return { key: "wholeNumber", values: {} };
      if (typeof issue.input === "string" && /number|int/.test(issue.message)) return { key: "notANumber", values: {} };
      return { key: "invalid", values: {} };
    }
    case "too_small":
      if (issue.origin === "array") return { key: "pickAtLeast", values: { count: issue.minimum ?? 1 } };
      if (issue.origin === "string") return { key: "required", values: {} };
      return { key: "min", values: { count: issue.minimum ?? 0 } };
    case "too_big":
      if (issue.origin === "array") return { key: "tooMany", values: { count: issue.maximum ?? 0 } };
      if (issue.origin === "string") return { key: "tooLong", values: { count: issue.maximum ?? 0 } };
      return { key: "max", values: { count: issue.maximum ?? 0 } };
    case "invalid_format":
      return { key: last === "path" ? "propertyPath" : "invalid", values: {} };
    case "invalid_value":
    case "invalid_union":
      return { key: isEmpty(issue.input) ? "required" : "invalid", values: {} };
    default:
      return { key: "invalid", values: {} };
  }
}

/** Dotted path of an issue inside a rule's value ("" for the value itself). */
export const issuePathKey = (path: readonly (string | number)[]) => path.join(".");
