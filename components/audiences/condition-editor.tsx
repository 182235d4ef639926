"use client";

import * as React from "react";
import { ChevronsUpDownIcon, FolderPlusIcon, PlusIcon, Trash2Icon, XIcon } from "lucide-react";
import { useLocale, useTranslations } from "use-intl";

import { cn } from "@/lib/utils";
import { Button } from "@/components/ui/button";
import { SimpleTooltip } from "@/components/ui/tooltip";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { MAX_CHILDREN, MAX_DEPTH, type ConditionGroup, type ConditionRule, type ConditionTree } from "@/server/audiences/condition";
import { getField, operatorLabels, type OperatorId, type Widget } from "@/server/audiences/fields";
import { AudienceCount } from "./audience-count";
import { FieldPicker } from "./field-picker";
import { describeIssue, issuePathKey } from "./issue-message";
import { groupScope, type OptionScope } from "./option-scope";
import {
  canAddGroup,
  changeField,
  changeOperator,
  insertChild,
  newGroup,
  newRule,
  operatorsOf,
  removeNode,
  ruleIssues,
  updateGroup,
  updateRule,
  type NodePath,
} from "./tree-ops";
import { ValueEditor } from "./value-widgets";

export type ConditionEditorProps = {
  /** The tree being edited (controlled). */
  value: ConditionTree;
  /** Called with a new tree on every edit (the input is never mutated). */
  onChange: (tree: ConditionTree) => void;
  /** Live count (debounced, only for valid trees) and a sample of matching members. Default true. */
  showCount?: boolean;
  /** Narrow layout for side panels (flow builder inspector): controls stack, fewer extras. */
  compact?: boolean;
  /** Shows the conditions without editing controls. */
  readOnly?: boolean;
  /** Replaces "matches every member" under an empty tree where the context requires a condition. */
  emptyHint?: string;
};

type Ctx = {
  apply: (fn: (tree: ConditionTree) => ConditionTree) => void;
  compact: boolean;
  readOnly: boolean;
  emptyHint?: string;
};
const EditorContext = React.createContext<Ctx | null>(null);
function useEditor(): Ctx {
  const ctx = React.useContext(EditorContext);
  if (!ctx) throw new Error("ConditionEditor parts must be rendered inside <ConditionEditor>");
  return ctx;
}

/**
 * The audience condition editor: nested AND / OR / NOT groups of rules over the field catalog
 * (server/audiences/fields.ts). Reusable: the audience pages, the flow builder's filter and split
 * nodes and schedule triggers embed it.
 */
export function ConditionEditor({ value, onChange, showCount = true, compact = false, readOnly = false, emptyHint }: ConditionEditorProps) {
  // Edits apply to the latest tree even if several happen before the parent re-renders.
  const latest = React.useRef(value);
  React.useEffect(() => {
    latest.current = value;
  }, [value]);
  const ctx = React.useMemo<Ctx>(
    () => ({
      apply: (fn) => {
        const next = fn(latest.current);
        if (next !== latest.current) {
          latest.current = next;
          onChange(next);
        }
      },
      compact,
      readOnly,
      emptyHint,
    }),
    [onChange, compact, readOnly, emptyHint],
  );
  return (
    <EditorContext.Provider value={ctx}>
      <div data-testid="condition-editor" className={cn("flex flex-col", compact ? "gap-3" : "gap-4")}>
        <GroupEditor group={value} path={[]} />
        {showCount ? <AudienceCount tree={value} compact={compact} /> : null}
      </div>
    </EditorContext.Provider>
  );
}

function GroupEditor({ group, path, outerScope }: { group: ConditionGroup; path: NodePath; outerScope?: OptionScope }) {
  const t = useTranslations("audienceEditor");
  const { apply, compact, readOnly, emptyHint } = useEditor();
  // The places this group requires (its city / province rules, if it is an AND): its district and
  // city pickers narrow to them.
  const scope = React.useMemo(() => groupScope(group, outerScope), [group, outerScope]);
  const root = path.length === 0;
  const full = group.children.length >= MAX_CHILDREN;
  const setGroup = (patch: Partial<ConditionGroup>) => apply((tree) => updateGroup(tree, path, (g) => ({ ...g, ...patch })));
  const empty = group.children.length === 0;
  // What an empty group means (condition.ts): AND → everyone, OR → nobody; NOT flips it.
  const emptyMatchesAll = (group.op === "and") !== Boolean(group.not);

  return (
    <div
      data-testid="condition-group"
      data-op={group.op}
      data-not={group.not ? "true" : undefined}
      data-depth={path.length + 1}
      className={cn(
        "flex flex-col gap-2",
        !root && "rounded-lg border border-l-[3px] bg-muted/30 p-3",
        !root && (group.op === "and" ? "border-l-primary/60" : "border-l-warning"),
        !root && group.not && "border-dashed",
        root && "rounded-lg border bg-card p-3 sm:p-4",
      )}
    >
      <div className="flex flex-wrap items-center gap-2">
        {group.not ? (
          <span className="rounded-md bg-destructive/10 px-1.5 py-0.5 text-xs font-semibold text-destructive">{t("group.notBadge")}</span>
        ) : null}
        {compact ? null : <span className="text-sm text-muted-foreground">{t("group.match")}</span>}
        <div role="radiogroup" aria-label={t("group.opLabel")} className="inline-flex h-8 items-center rounded-md border bg-muted p-0.5" data-testid="group-op">
          {(["and", "or"] as const).map((op) => (
            <button
              key={op}
              type="button"
              role="radio"
              aria-checked={group.op === op}
              disabled={readOnly}
              onClick={() => setGroup({ op })}
              className={cn(
                "h-full rounded-[5px] px-2.5 text-xs font-medium text-muted-foreground outline-none focus-visible:ring-[3px] focus-visible:ring-ring/40 disabled:cursor-default",
                group.op === op && "bg-background text-foreground shadow-xs",
              )}
            >
              {compact ? (op === "and" ? t("group.allCompact") : t("group.anyCompact")) : op === "and" ? t("group.all") : t("group.any")}
            </button>
          ))}
        </div>
        {compact ? null : <span className="text-sm text-muted-foreground">{t("group.ofTheseConditions")}</span>}
        <div className="ml-auto flex items-center gap-1">
          {readOnly ? null : (
            <SimpleTooltip content={t("group.notHint")}>
              <Button
                variant={group.not ? "secondary" : "ghost"}
                size="sm"
                aria-pressed={Boolean(group.not)}
                onClick={() => setGroup({ not: !group.not || undefined })}
                data-testid="group-not"
                className={cn(group.not && "text-destructive")}
              >
                {t("group.not")}
              </Button>
            </SimpleTooltip>
          )}
          {!root && !readOnly ? (
            <SimpleTooltip content={t("group.remove")}>
              <Button variant="ghost" size="icon-sm" aria-label={t("group.remove")} onClick={() => apply((tree) => removeNode(tree, path))} data-testid="remove-group">
                <Trash2Icon />
              </Button>
            </SimpleTooltip>
          ) : null}
        </div>
      </div>

      {empty ? (
        <p className="rounded-md border border-dashed px-3 py-4 text-center text-sm text-muted-foreground" data-testid="group-empty">
          {root && emptyHint ? emptyHint : emptyMatchesAll ? t("group.emptyEveryone") : t("group.emptyNobody")}
        </p>
      ) : (
        <ol className="flex flex-col">
          {group.children.map((child, i) => (
            <li key={i} className="flex flex-col">
              {i > 0 ? (
                <div className="flex items-center gap-2 py-1.5" aria-hidden>
                  <span
                    className={cn(
                      "rounded px-1.5 py-0.5 text-[10px] font-semibold tracking-wide",
                      group.op === "and" ? "bg-primary/10 text-primary" : "bg-warning/20 text-warning-foreground",
                    )}
                  >
                    {group.op === "and" ? t("group.and") : t("group.or")}
                  </span>
                  <span className="h-px flex-1 bg-border" />
                </div>
              ) : null}
              {child.type === "group" ? (
                <GroupEditor group={child} path={[...path, i]} outerScope={scope} />
              ) : (
                <RuleEditor rule={child} path={[...path, i]} scope={scope} />
              )}
            </li>
          ))}
        </ol>
      )}

      {readOnly ? null : (
        <div className="flex flex-wrap items-center gap-2 pt-1">
          <FieldPicker onSelect={(fieldId) => apply((tree) => insertChild(tree, path, newRule(fieldId)))} disabled={full}>
            <Button variant="outline" size="sm" data-testid="add-rule" disabled={full}>
              <PlusIcon />
              {t("group.addRule")}
            </Button>
          </FieldPicker>
          {canAddGroup(path) ? (
            <Button
              variant="ghost"
              size="sm"
              data-testid="add-group"
              disabled={full}
              onClick={() => apply((tree) => insertChild(tree, path, newGroup(group.op === "and" ? "or" : "and")))}
            >
              <FolderPlusIcon />
              {t("group.addGroup")}
            </Button>
          ) : (
            <span className="text-xs text-muted-foreground">{t("group.maxDepth", { max: MAX_DEPTH })}</span>
          )}
          {full && !compact ? <span className="text-xs text-muted-foreground">{t("group.full", { max: MAX_CHILDREN })}</span> : null}
        </div>
      )}
    </div>
  );
}

/** Value widgets that need a row of their own beside the field and operator. */
const WIDE_WIDGETS = new Set<Widget>([
  "event",
  "coupon+number",
  "coupon+number-range",
  "window+number-range",
  "window+money-range",
  "window+multi-select-search",
  "date-range",
]);

function RuleEditor({ rule, path, scope }: { rule: ConditionRule; path: NodePath; scope?: OptionScope }) {
  const t = useTranslations("audienceEditor");
  const locale = useLocale();
  const { apply, compact, readOnly } = useEditor();
  const field = getField(rule.field);
  const operators = field ? operatorsOf(field) : [];
  const spec = field?.operators[rule.operator as OperatorId];
  const issues = React.useMemo(() => ruleIssues(rule), [rule]);
  const invalid = React.useCallback(
    (p: string) =>
      Array.isArray(issues) && issues.some((i) => issuePathKey(i.path) === p || (p !== "" && issuePathKey(i.path).startsWith(`${p}.`))),
    [issues],
  );
  const messages = React.useMemo(() => {
    if (issues === "unknown-field") return [t("rule.unknownField", { field: rule.field || "—" })];
    if (issues === "unknown-operator") return [t("rule.unknownOperator")];
    const seen = new Set<string>();
    for (const issue of issues) {
      const d = describeIssue(issue);
      seen.add(t(`issues.${d.key}`, { count: d.values.count ?? 0 }));
    }
    return [...seen].slice(0, 3);
  }, [issues, rule.field, t]);
  const update = (fn: (r: ConditionRule) => ConditionRule) => apply((tree) => updateRule(tree, path, fn));
  const removeButton = readOnly ? null : (
    <Button
      variant="ghost"
      size="icon-sm"
      aria-label={t("rule.remove")}
      onClick={() => apply((tree) => removeNode(tree, path))}
      data-testid="remove-rule"
      className={cn("shrink-0 text-muted-foreground hover:text-destructive", !compact && "absolute top-2.5 right-1.5")}
    >
      <XIcon />
    </Button>
  );

  return (
    <div
      data-testid="condition-rule"
      data-field={rule.field}
      data-operator={rule.operator}
      data-valid={messages.length === 0 ? "true" : "false"}
      className={cn(
        "relative flex flex-col gap-1.5 rounded-md border bg-background p-2 shadow-xs",
        !compact && !readOnly && "pr-11",
        messages.length > 0 && "border-warning/60",
      )}
    >
      <div className={cn("flex gap-2", compact ? "flex-col items-stretch" : "flex-wrap items-start")}>
        <div className={cn("flex items-center gap-1", compact ? "w-full" : "contents")}>
          <FieldPicker value={rule.field} onSelect={(id) => update((r) => changeField(r, id))} disabled={readOnly}>
            <button
              type="button"
              data-testid="field-picker"
              disabled={readOnly}
              aria-label={t("rule.field")}
              className={cn(
                "flex h-9 items-center justify-between gap-2 rounded-md border border-input bg-background px-3 text-left text-sm font-medium shadow-xs outline-none hover:bg-muted focus-visible:border-ring focus-visible:ring-[3px] focus-visible:ring-ring/40 disabled:cursor-default disabled:hover:bg-background",
                compact ? "min-w-0 flex-1" : "w-56",
              )}
            >
              <span className={cn("truncate", !field && "text-muted-foreground")}>{field ? field.label[locale] : t("fieldPicker.placeholder")}</span>
              {readOnly ? null : <ChevronsUpDownIcon className="size-4 shrink-0 opacity-50" aria-hidden />}
            </button>
          </FieldPicker>
          {compact ? removeButton : null}
        </div>
        {field ? (
          <Select value={spec ? rule.operator : undefined} onValueChange={(op) => update((r) => changeOperator(r, op))} disabled={readOnly}>
            <SelectTrigger className={compact ? "w-full" : "w-48"} aria-label={t("rule.operator")} data-testid="rule-operator">
              <SelectValue placeholder={t("rule.operatorPlaceholder")} />
            </SelectTrigger>
            <SelectContent>
              {operators.map((op) => (
                <SelectItem key={op} value={op}>
                  {operatorLabels[op][locale]}
                </SelectItem>
              ))}
            </SelectContent>
          </Select>
        ) : null}
        {field && spec ? (
          <div
            className={cn(
              "min-w-0",
              compact ? "w-full" : WIDE_WIDGETS.has(spec.widget) ? "basis-full" : spec.widget.startsWith("window+") ? "grow basis-[21rem]" : "grow basis-60",
            )}
            data-testid="rule-value"
          >
            <ValueEditor
              field={field}
              widget={spec.widget}
              value={rule.value}
              onChange={(value) => update((r) => ({ ...r, value }))}
              disabled={readOnly}
              compact={compact}
              invalid={invalid}
              scope={scope}
            />
          </div>
        ) : null}
        {compact ? null : removeButton}
      </div>
      {messages.length > 0 ? (
        <ul className="flex flex-col gap-0.5 px-1 text-xs text-warning-foreground" data-testid="rule-issues">
          {messages.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
