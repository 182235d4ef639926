// Pure, immutable editing helpers for the condition tree (no React): the editor addresses a
// node by its PATH — the child indexes from the root group ([] is the root, [1, 0] is the first
// child of the root's second child). Every helper returns a new tree and shares untouched
// branches, so React can compare by reference; the input is never mutated.
import { MAX_DEPTH, type ConditionGroup, type ConditionNode, type ConditionRule, type ConditionTree } from "@/server/audiences/condition";
import { getField, getOperatorSpec, type FieldDef, type OperatorId, type Widget } from "@/server/audiences/fields";

export type NodePath = readonly number[];

export function getNode(tree: ConditionTree, path: NodePath): ConditionNode | undefined {
  let node: ConditionNode = tree;
  for (const index of path) {
    if (node.type !== "group") return undefined;
    const next: ConditionNode | undefined = node.children[index];
    if (!next) return undefined;
    node = next;
  }
  return node;
}

/** Replaces the node at `path` with `fn(node)`. Unknown paths leave the tree unchanged. */
export function updateNode(tree: ConditionTree, path: NodePath, fn: (node: ConditionNode) => ConditionNode): ConditionTree {
  const walk = (node: ConditionNode, depth: number): ConditionNode => {
    if (depth === path.length) return fn(node);
    if (node.type !== "group") return node;
    const index = path[depth]!;
    const child = node.children[index];
    if (!child) return node;
    const nextChild = walk(child, depth + 1);
    if (nextChild === child) return node;
    const children = node.children.slice();
    children[index] = nextChild;
    return { ...node, children };
  };
  const next = walk(tree, 0);
  // The root must stay a group: refuse a replacement that is not one.
  return next.type === "group" ? next : tree;
}

export function replaceNode(tree: ConditionTree, path: NodePath, node: ConditionNode): ConditionTree {
  return updateNode(tree, path, () => node);
}

/** Updates the group at `path` (no-op when the path is not a group). */
export function updateGroup(tree: ConditionTree, path: NodePath, fn: (group: ConditionGroup) => ConditionGroup): ConditionTree {
  return updateNode(tree, path, (node) => (node.type === "group" ? fn(node) : node));
}

/** Updates the rule at `path` (no-op when the path is not a rule). */
export function updateRule(tree: ConditionTree, path: NodePath, fn: (rule: ConditionRule) => ConditionRule): ConditionTree {
  return updateNode(tree, path, (node) => (node.type === "rule" ? fn(node) : node));
}

/** Appends `node` to the group at `groupPath` (or inserts it at `index`). */
export function insertChild(tree: ConditionTree, groupPath: NodePath, node: ConditionNode, index?: number): ConditionTree {
  return updateGroup(tree, groupPath, (group) => {
    const children = group.children.slice();
    children.splice(index ?? children.length, 0, node);
    return { ...group, children };
  });
}

/** Removes the node at `path`. The root cannot be removed (use `emptyConditionTree`). */
export function removeNode(tree: ConditionTree, path: NodePath): ConditionTree {
  if (path.length === 0) return tree;
  const parentPath = path.slice(0, -1);
  const index = path[path.length - 1]!;
  return updateGroup(tree, parentPath, (group) =>
    index >= 0 && index < group.children.length ? { ...group, children: group.children.filter((_, i) => i !== index) } : group,
  );
}

/** Nesting level of the group at `path` (the root is level 1, as in condition.ts). */
export const groupLevel = (path: NodePath) => path.length + 1;
/** A group at `path` may hold another group when that group stays within MAX_DEPTH. */
export const canAddGroup = (path: NodePath) => groupLevel(path) < MAX_DEPTH;

export function countRules(node: ConditionNode): number {
  return node.type === "rule" ? 1 : node.children.reduce((n, c) => n + countRules(c), 0);
}

// ───────────────────────────── catalog-driven defaults ─────────────────────────────

/** Operators tried first when a field is picked (generic, by operator — not by field). */
const PREFERRED_OPERATORS: readonly OperatorId[] = ["in", "has_any", "did", "gte", "within_last_days", "eq"];

export function operatorsOf(field: FieldDef): OperatorId[] {
  return Object.keys(field.operators) as OperatorId[];
}

export function defaultOperator(field: FieldDef): OperatorId {
  const ops = operatorsOf(field);
  return PREFERRED_OPERATORS.find((op) => ops.includes(op)) ?? ops[0]!;
}

export const DEFAULT_WINDOW = { kind: "last_days", days: 30 } as const;

const isWindowWidget = (w: Widget) => w.startsWith("window+") || w === "event";
const isListWidget = (w: Widget) => w === "multi-select" || w === "multi-select-search" || w === "window+multi-select-search";
const isRangeWidget = (w: Widget) => w.endsWith("-range");

/** The starting value of a widget: empty where the marketer must choose, sensible where not. */
export function defaultValue(field: FieldDef, widget: Widget): unknown {
  switch (widget) {
    case "none":
      return undefined;
    case "boolean":
      return true;
    case "multi-select":
    case "multi-select-search":
      return [];
    case "window+number":
    case "window+money":
      return { window: DEFAULT_WINDOW, value: undefined };
    case "window+number-range":
    case "window+money-range":
      return { window: DEFAULT_WINDOW, value: [undefined, undefined] };
    case "window+multi-select-search":
      return { window: DEFAULT_WINDOW, value: [] };
    case "number-range":
    case "money-range":
    case "date-range":
      return [undefined, undefined];
    case "event":
      return { name: "", window: DEFAULT_WINDOW, atLeast: 1, where: [] };
    case "coupon+number":
      return field.windows ? { templateId: null, window: DEFAULT_WINDOW, value: 1 } : { templateId: null, value: 1 };
    case "coupon+number-range":
      return field.windows ? { templateId: null, window: DEFAULT_WINDOW, value: [1, 1] } : { templateId: null, value: [1, 1] };
    default:
      return undefined;
  }
}

/** A new rule for a field, with its default operator and value. */
export function newRule(fieldId: string): ConditionRule {
  const field = getField(fieldId);
  if (!field) return { type: "rule", field: fieldId, operator: "eq" };
  const operator = defaultOperator(field);
  return { type: "rule", field: fieldId, operator, value: defaultValue(field, field.operators[operator]!.widget) };
}

export function newGroup(op: "and" | "or" = "and"): ConditionGroup {
  return { type: "group", op, children: [] };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The value after the operator changes: kept when the widget is the same, carried over where
 * the shapes allow (window kept, one value ↔ a list, one value → a range), else the default.
 */
export function convertValue(field: FieldDef, fromOp: string, toOp: string, value: unknown): unknown {
  const from = getOperatorSpec(field.id, fromOp)?.widget;
  const to = getOperatorSpec(field.id, toOp)?.widget;
  if (!to) return undefined;
  if (from === to) return value;
  const fallback = defaultValue(field, to);
  if (!from) return fallback;
  // Peel and re-wrap the window of behaviour values.
  if (isWindowWidget(from) && isWindowWidget(to) && isObject(value) && isObject(fallback)) {
    const inner = convertInner(from.replace(/^window\+/, "") as Widget, to.replace(/^window\+/, "") as Widget, value.value, fallback.value);
    return { ...fallback, window: value.window ?? fallback.window, value: inner };
  }
  if ((from.startsWith("coupon+") && to.startsWith("coupon+")) && isObject(value) && isObject(fallback)) {
    const inner = convertInner(from.replace(/^coupon\+/, "") as Widget, to.replace(/^coupon\+/, "") as Widget, value.value, fallback.value);
    return { ...fallback, ...value, value: inner };
  }
  return convertInner(from, to, value, fallback);
}

function convertInner(from: Widget, to: Widget, value: unknown, fallback: unknown): unknown {
  if (from === to) return value;
  const single = (w: Widget) => !isListWidget(w) && !isRangeWidget(w) && w !== "none";
  // eq → in: wrap; in → eq: first item
  if (single(from) && isListWidget(to)) return value === undefined || value === null || value === "" ? [] : [value];
  if (isListWidget(from) && single(to) && Array.isArray(value)) return value[0];
  if (isListWidget(from) && isListWidget(to)) return value;
  // gte → between: [v, v]; between → gte: the lower bound
  if (single(from) && isRangeWidget(to) && sameScalarKind(from, to)) return [value, value];
  if (isRangeWidget(from) && single(to) && sameScalarKind(from, to) && Array.isArray(value)) return value[0];
  if (single(from) && single(to) && sameScalarKind(from, to)) return value;
  return fallback;
}

function sameScalarKind(a: Widget, b: Widget): boolean {
  const kind = (w: Widget) => (w.startsWith("date") ? "date" : w.startsWith("money") || w.startsWith("number") ? "number" : w.startsWith("select") ? "select" : w);
  return kind(a) === kind(b);
}

export function changeOperator(rule: ConditionRule, operator: string): ConditionRule {
  const field = getField(rule.field);
  if (!field) return { ...rule, operator };
  return { ...rule, operator, value: convertValue(field, rule.operator, operator, rule.value) };
}

/** Picking another field starts over (operators and values differ between fields). */
export function changeField(rule: ConditionRule, fieldId: string): ConditionRule {
  return rule.field === fieldId ? rule : newRule(fieldId);
}

// ───────────────────────────── validation, per rule ─────────────────────────────

export type RuleIssue = {
  path: (string | number)[];
  code: string;
  message: string;
  minimum?: number;
  maximum?: number;
  origin?: string;
  expected?: string;
  input?: unknown;
};

/** The catalog's zod issues for one rule's value (empty when valid). */
export function ruleIssues(rule: ConditionRule): RuleIssue[] | "unknown-field" | "unknown-operator" {
  const field = getField(rule.field);
  if (!field) return "unknown-field";
  const spec = getOperatorSpec(rule.field, rule.operator);
  if (!spec) return "unknown-operator";
  const parsed = spec.schema.safeParse(rule.value);
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) => {
    const raw = issue as unknown as { code: string; minimum?: number | bigint; maximum?: number | bigint; origin?: string; expected?: string };
    return {
      path: issue.path as (string | number)[],
      code: raw.code,
      message: issue.message,
      minimum: raw.minimum === undefined ? undefined : Number(raw.minimum),
      maximum: raw.maximum === undefined ? undefined : Number(raw.maximum),
      origin: raw.origin,
      expected: raw.expected,
      input: readPath(rule.value, issue.path as (string | number)[]),
    };
  });
}

function readPath(value: unknown, path: (string | number)[]): unknown {
  let v: unknown = value;
  for (const key of path) {
    if (v === null || v === undefined || typeof v !== "object") return undefined;
    v = (v as Record<string | number, unknown>)[key];
  }
  return v;
}
