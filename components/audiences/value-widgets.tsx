"use client";

// One component per WIDGET of the field catalog (fields.ts `Widget`), never per field: the
// field only contributes its options, unit and whether it has a window.
import * as React from "react";
import { PlusIcon, XIcon } from "lucide-react";
import { useTranslations } from "use-intl";

import { cn } from "@/lib/utils";
import { Input } from "@/components/ui/input";
import { Button } from "@/components/ui/button";
import { Combobox, MultiSelect, type ComboboxOption } from "@/components/ui/combobox";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { AUDIENCE_TZ_OFFSET_HOURS, type FieldDef, type Widget } from "@/server/audiences/fields";
import { listOperators, propertyOperators, valuelessOperators, type PropertyOperator } from "@/server/events/property-conditions";
import { DEFAULT_WINDOW } from "./tree-ops";
import { toRaw, useFieldOptions, type OptionScope } from "./use-options";

type Obj = Record<string, unknown>;
const asObj = (v: unknown): Obj => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const asArr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export type WidgetContext = {
  field: FieldDef;
  disabled?: boolean;
  compact?: boolean;
  /** Whether the value has an issue at this dotted path ("" = the whole value, "window.days"). */
  invalid: (path: string) => boolean;
  /** What the rule's group already requires (cities, provinces): narrows district and city pickers. */
  scope?: OptionScope;
};

type Props = WidgetContext & { widget: Widget; value: unknown; onChange: (value: unknown) => void };

/** The value editor for a rule: dispatches on the operator's widget. */
export function ValueEditor({ widget, value, onChange, ...ctx }: Props) {
  switch (widget) {
    case "none":
      return null;
    case "select":
    case "select-search":
      return <OptionSingle {...ctx} serverSearch={widget === "select-search"} value={value} onChange={onChange} path="" />;
    case "multi-select":
    case "multi-select-search":
      return ctx.field.options ? (
        <OptionMulti {...ctx} serverSearch={widget === "multi-select-search"} value={value} onChange={onChange} path="" />
      ) : (
        <NumberList {...ctx} value={value} onChange={onChange} />
      );
    case "number":
    case "money":
      return <NumberInput {...ctx} money={widget === "money"} value={value} onChange={onChange} path="" withUnit />;
    case "number-range":
    case "money-range":
      return <RangeInput {...ctx} money={widget === "money-range"} value={value} onChange={onChange} path="" />;
    case "date":
      return <DateInput {...ctx} value={value} onChange={onChange} path="" />;
    case "date-range":
      return <DateRange {...ctx} value={value} onChange={onChange} path="" />;
    case "days":
      return <DaysInput {...ctx} value={value} onChange={onChange} path="" />;
    case "boolean":
      return <BooleanToggle {...ctx} value={value} onChange={onChange} />;
    case "text":
      return <TextInput {...ctx} value={value} onChange={onChange} />;
    case "window+number":
    case "window+money":
    case "window+number-range":
    case "window+money-range":
    case "window+multi-select-search":
      return <WindowValue {...ctx} widget={widget} value={value} onChange={onChange} />;
    case "event":
      return <EventEditor {...ctx} value={value} onChange={onChange} />;
    case "coupon+number":
    case "coupon+number-range":
      return <CouponEditor {...ctx} range={widget === "coupon+number-range"} value={value} onChange={onChange} />;
    default:
      return null;
  }
}

// ───────────────────────────── options ─────────────────────────────

function OptionSingle({
  field,
  serverSearch,
  value,
  onChange,
  disabled,
  invalid,
  path,
  scope,
}: WidgetContext & { serverSearch: boolean; value: unknown; onChange: (v: unknown) => void; path: string }) {
  const t = useTranslations("audienceEditor");
  const [search, setSearch] = React.useState("");
  const selectedValues = React.useMemo(() => (value === undefined || value === null || value === "" ? [] : [value]), [value]);
  const { options, loading, selectedOptions: known, searchable, footnote } = useFieldOptions(field.options, {
    serverSearch,
    search,
    enabled: !disabled,
    selected: selectedValues,
    scope,
  });
  const current = value === undefined || value === null || value === "" ? null : String(value);
  // Stable references: the combobox merges option labels whenever these change.
  const selectedOptions = React.useMemo<ComboboxOption[] | undefined>(
    () =>
      current && !options.some((o) => o.value === current)
        ? [known.find((o) => o.value === current) ?? { value: current, label: current }]
        : undefined,
    [current, options, known],
  );
  return (
    <Combobox
      className="w-full min-w-44 max-w-xs"
      options={options}
      value={current}
      onValueChange={(v) => onChange(v === null ? undefined : toRaw([v], options, [value])[0])}
      onSearchChange={searchable ? setSearch : undefined}
      loading={loading}
      selectedOptions={selectedOptions}
      footnote={footnote}
      placeholder={t("value.pick")}
      searchPlaceholder={t("value.search")}
      disabled={disabled}
      aria-invalid={invalid(path) || undefined}
      aria-label={t("value.label")}
      data-testid="value-select"
    />
  );
}

function OptionMulti({
  field,
  serverSearch,
  value,
  onChange,
  disabled,
  invalid,
  path,
  source,
  scope,
}: WidgetContext & { serverSearch: boolean; value: unknown; onChange: (v: unknown) => void; path: string; source?: FieldDef["options"] }) {
  const t = useTranslations("audienceEditor");
  const [search, setSearch] = React.useState("");
  const list = asArr(value);
  const key = list.map(String).join("\u0000");
  const strings = React.useMemo(() => (key === "" ? [] : key.split("\u0000")), [key]);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- `key` stands for the list's content
  const selectedValues = React.useMemo(() => list, [key]);
  const { options, loading, selectedOptions: known, searchable, footnote } = useFieldOptions(source ?? field.options, {
    serverSearch,
    search,
    enabled: !disabled,
    selected: selectedValues,
    scope,
  });
  // Selected values that the current (searched) options don't include: their looked-up labels,
  // or their own text. Stable references: the combobox merges option labels when these change.
  const selectedOptions = React.useMemo<ComboboxOption[]>(
    () => strings.filter((s) => !options.some((o) => o.value === s)).map((s) => known.find((o) => o.value === s) ?? { value: s, label: s }),
    [strings, options, known],
  );
  return (
    <MultiSelect
      className="w-full min-w-52"
      options={options}
      value={strings}
      onValueChange={(next) => onChange(toRaw(next, options, list))}
      onSearchChange={searchable ? setSearch : undefined}
      loading={loading}
      selectedOptions={selectedOptions}
      footnote={footnote}
      placeholder={t("value.pickMany")}
      searchPlaceholder={t("value.search")}
      disabled={disabled}
      maxDisplayed={4}
      aria-invalid={invalid(path) || undefined}
      aria-label={t("value.label")}
      data-testid="value-multi-select"
    />
  );
}

/** A list of numbers typed as "1, 2, 3" (multi-select widgets without options, e.g. scores). */
function NumberList({ value, onChange, disabled, invalid }: WidgetContext & { value: unknown; onChange: (v: unknown) => void }) {
  const t = useTranslations("audienceEditor");
  const format = (v: unknown) => asArr(v).map(String).join(", ");
  const parse = (text: string) =>
    text
      .split(/[,，\s]+/)
      .map((s) => s.trim())
      .filter(Boolean)
      .map((s) => (Number.isFinite(Number(s)) ? Number(s) : s));
  const [text, setText] = useSyncedText(value, format, (s) => parse(s));
  return (
    <Input
      className="w-full sm:w-44"
      value={text}
      placeholder={t("value.numberListPlaceholder")}
      disabled={disabled}
      aria-invalid={invalid("") || undefined}
      aria-label={t("value.label")}
      onChange={(e) => {
        setText(e.target.value);
        onChange(parse(e.target.value));
      }}
    />
  );
}

// ───────────────────────────── numbers, dates, text ─────────────────────────────

/**
 * Local text for an input whose value is typed (a number): the text follows the value when the
 * value changes from outside, but a half-typed "1." is kept while it still means the same value.
 */
function useSyncedText(value: unknown, format: (v: unknown) => string, parse: (s: string) => unknown) {
  const [text, setText] = React.useState(() => format(value));
  const [seen, setSeen] = React.useState(value);
  if (!Object.is(seen, value)) {
    setSeen(value);
    if (JSON.stringify(parse(text)) !== JSON.stringify(value)) setText(format(value));
  }
  return [text, setText] as const;
}

const formatNumber = (v: unknown) => (typeof v === "number" ? String(v) : typeof v === "string" ? v : "");
/** "" → undefined (required), a number → the number, anything else stays text (and fails validation). */
const parseNumber = (s: string): unknown => {
  const trimmed = s.trim().replace(/,/g, "");
  if (trimmed === "") return undefined;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : s;
};

function NumberInput({
  field,
  value,
  onChange,
  disabled,
  invalid,
  path,
  money,
  withUnit,
  unitOverride,
  className,
  testId,
  ariaLabel,
}: WidgetContext & {
  value: unknown;
  onChange: (v: unknown) => void;
  path: string;
  money?: boolean;
  withUnit?: boolean;
  unitOverride?: string;
  className?: string;
  testId?: string;
  ariaLabel?: string;
}) {
  const t = useTranslations("audienceEditor");
  const [text, setText] = useSyncedText(value, formatNumber, parseNumber);
  const unit = unitOverride ?? (withUnit && field.unit && !money ? t(`units.${field.unit}`) : undefined);
  return (
    <div className={cn("relative flex items-center", className ?? "w-full sm:w-32")}>
      {money ? <span className="pointer-events-none absolute left-2.5 text-sm text-muted-foreground">¥</span> : null}
      <Input
        inputMode={money ? "decimal" : "numeric"}
        value={text}
        disabled={disabled}
        aria-invalid={invalid(path) || undefined}
        aria-label={ariaLabel ?? t("value.number")}
        placeholder={t("value.numberPlaceholder")}
        data-testid={testId ?? "value-number"}
        className={cn("tabular-nums", money && "pl-6", unit && "pr-14")}
        onChange={(e) => {
          setText(e.target.value);
          onChange(parseNumber(e.target.value));
        }}
      />
      {unit ? <span className="pointer-events-none absolute right-2.5 max-w-12 truncate text-xs text-muted-foreground">{unit}</span> : null}
    </div>
  );
}

function RangeInput({
  value,
  onChange,
  path,
  money,
  ...ctx
}: WidgetContext & { value: unknown; onChange: (v: unknown) => void; path: string; money?: boolean }) {
  const t = useTranslations("audienceEditor");
  const pair = asArr(value);
  const at = (i: number) => (path ? `${path}.${i}` : String(i));
  const set = (i: number, v: unknown) => {
    const next = [pair[0], pair[1]];
    next[i] = v;
    onChange(next);
  };
  return (
    <div className="flex items-center gap-2">
      <NumberInput {...ctx} money={money} value={pair[0]} onChange={(v) => set(0, v)} path={at(0)} className="w-24" testId="value-range-from" ariaLabel={t("value.from")} />
      <span className="text-sm text-muted-foreground">{t("value.and")}</span>
      <NumberInput {...ctx} money={money} value={pair[1]} onChange={(v) => set(1, v)} path={at(1)} className="w-24" testId="value-range-to" ariaLabel={t("value.to")} withUnit />
    </div>
  );
}

function DateInput({
  value,
  onChange,
  disabled,
  invalid,
  path,
  ariaLabel,
}: WidgetContext & { value: unknown; onChange: (v: unknown) => void; path: string; ariaLabel?: string }) {
  const t = useTranslations("audienceEditor");
  return (
    <Input
      type="date"
      className="w-full sm:w-40"
      value={typeof value === "string" ? value : ""}
      disabled={disabled}
      aria-invalid={invalid(path) || undefined}
      aria-label={ariaLabel ?? t("value.date")}
      data-testid="value-date"
      onChange={(e) => onChange(e.target.value || undefined)}
    />
  );
}

function DateRange({ value, onChange, path, ...ctx }: WidgetContext & { value: unknown; onChange: (v: unknown) => void; path: string }) {
  const t = useTranslations("audienceEditor");
  const pair = asArr(value);
  const at = (i: number) => (path ? `${path}.${i}` : String(i));
  return (
    <div className="flex flex-wrap items-center gap-2">
      <DateInput {...ctx} value={pair[0]} onChange={(v) => onChange([v, pair[1]])} path={at(0)} ariaLabel={t("value.from")} />
      <span className="text-sm text-muted-foreground">{t("value.and")}</span>
      <DateInput {...ctx} value={pair[1]} onChange={(v) => onChange([pair[0], v])} path={at(1)} ariaLabel={t("value.to")} />
    </div>
  );
}

function DaysInput(props: WidgetContext & { value: unknown; onChange: (v: unknown) => void; path: string }) {
  const t = useTranslations("audienceEditor");
  return <NumberInput {...props} unitOverride={t("units.days")} testId="value-days" />;
}

function BooleanToggle({ value, onChange, disabled }: WidgetContext & { value: unknown; onChange: (v: unknown) => void }) {
  const t = useTranslations("audienceEditor");
  return (
    <div role="group" aria-label={t("value.label")} className="inline-flex h-9 items-center rounded-md border bg-muted p-0.5">
      {[true, false].map((b) => (
        <button
          key={String(b)}
          type="button"
          disabled={disabled}
          aria-pressed={value === b}
          onClick={() => onChange(b)}
          className={cn(
            "h-full rounded-[5px] px-3 text-sm font-medium text-muted-foreground outline-none focus-visible:ring-[3px] focus-visible:ring-ring/40 disabled:opacity-50",
            value === b && "bg-background text-foreground shadow-xs",
          )}
        >
          {b ? t("value.yes") : t("value.no")}
        </button>
      ))}
    </div>
  );
}

function TextInput({ value, onChange, disabled, invalid }: WidgetContext & { value: unknown; onChange: (v: unknown) => void }) {
  const t = useTranslations("audienceEditor");
  return (
    <Input
      className="w-full sm:w-56"
      value={typeof value === "string" ? value : ""}
      disabled={disabled}
      aria-invalid={invalid("") || undefined}
      aria-label={t("value.label")}
      placeholder={t("value.textPlaceholder")}
      data-testid="value-text"
      onChange={(e) => onChange(e.target.value === "" ? undefined : e.target.value)}
    />
  );
}

// ───────────────────────────── windows ─────────────────────────────

/** Today's calendar date in China time, minus `days`. */
function chinaDate(daysAgo = 0): string {
  const ms = Date.now() + AUDIENCE_TZ_OFFSET_HOURS * 3_600_000 - daysAgo * 86_400_000;
  return new Date(ms).toISOString().slice(0, 10);
}

const DAY_PRESETS = [7, 30, 90, 180, 365] as const;
const isPreset = (days: unknown) => (DAY_PRESETS as readonly unknown[]).includes(days);

/** Last N days (common presets or any number), an absolute date range, or all time. */
export function WindowPicker({
  value,
  onChange,
  path,
  ...ctx
}: WidgetContext & { value: unknown; onChange: (v: unknown) => void; path: string }) {
  const t = useTranslations("audienceEditor");
  const w = asObj(value);
  const kind = w.kind === "range" || w.kind === "all_time" ? w.kind : "last_days";
  // "Custom" stays chosen while the number typed happens to equal a preset.
  const [custom, setCustom] = React.useState(() => kind === "last_days" && !isPreset(w.days));
  const p = (k: string) => (path ? `${path}.${k}` : k);
  const selected = kind !== "last_days" ? kind : custom || !isPreset(w.days) ? "custom" : `d${String(w.days)}`;
  return (
    <div className="flex flex-wrap items-center gap-2" data-testid="window-picker">
      <Select
        value={selected}
        disabled={ctx.disabled}
        onValueChange={(k) => {
          setCustom(k === "custom");
          if (k === "range") onChange({ kind: "range", from: chinaDate(typeof w.days === "number" ? Math.min(w.days, 36_500) : 30), to: chinaDate() });
          else if (k === "all_time") onChange({ kind: "all_time" });
          else if (k === "custom") onChange({ kind: "last_days", days: typeof w.days === "number" ? w.days : DEFAULT_WINDOW.days });
          else onChange({ kind: "last_days", days: Number(k.slice(1)) });
        }}
      >
        <SelectTrigger className="w-40" aria-label={t("window.label")} aria-invalid={ctx.invalid(path) || undefined} data-testid="window-kind">
          <SelectValue />
        </SelectTrigger>
        <SelectContent>
          {DAY_PRESETS.map((d) => (
            <SelectItem key={d} value={`d${d}`}>
              {t("window.preset", { days: d })}
            </SelectItem>
          ))}
          <SelectItem value="custom">{t("window.lastDays")}</SelectItem>
          <SelectItem value="range">{t("window.range")}</SelectItem>
          <SelectItem value="all_time">{t("window.allTime")}</SelectItem>
        </SelectContent>
      </Select>
      {selected === "custom" ? (
        <NumberInput
          {...ctx}
          value={w.days}
          onChange={(days) => onChange({ kind: "last_days", days })}
          path={p("days")}
          unitOverride={t("units.days")}
          className="w-28"
          testId="window-days"
          ariaLabel={t("window.days")}
        />
      ) : kind === "range" ? (
        <>
          <DateInput {...ctx} value={w.from} onChange={(from) => onChange({ ...w, kind: "range", from })} path={p("from")} ariaLabel={t("value.from")} />
          <span className="text-sm text-muted-foreground">{t("value.and")}</span>
          <DateInput {...ctx} value={w.to} onChange={(to) => onChange({ ...w, kind: "range", to })} path={p("to")} ariaLabel={t("value.to")} />
        </>
      ) : null}
    </div>
  );
}

function WindowValue({ widget, value, onChange, ...ctx }: WidgetContext & { widget: Widget; value: unknown; onChange: (v: unknown) => void }) {
  const t = useTranslations("audienceEditor");
  const v = asObj(value);
  const set = (patch: Obj) => onChange({ ...v, ...patch });
  const inner: Record<string, React.ReactNode> = {
    "window+number": <NumberInput {...ctx} value={v.value} onChange={(x) => set({ value: x })} path="value" withUnit />,
    "window+money": <NumberInput {...ctx} money value={v.value} onChange={(x) => set({ value: x })} path="value" />,
    "window+number-range": <RangeInput {...ctx} value={v.value} onChange={(x) => set({ value: x })} path="value" />,
    "window+money-range": <RangeInput {...ctx} money value={v.value} onChange={(x) => set({ value: x })} path="value" />,
    "window+multi-select-search": <OptionMulti {...ctx} serverSearch value={v.value} onChange={(x) => set({ value: x })} path="value" />,
  };
  return (
    <div className="flex flex-wrap items-center gap-2">
      {inner[widget]}
      <span className="text-sm text-muted-foreground">{t("window.in")}</span>
      <WindowPicker {...ctx} value={v.window ?? DEFAULT_WINDOW} onChange={(window) => set({ window })} path="window" />
    </div>
  );
}

// ───────────────────────────── events ─────────────────────────────

const PATH_PLACEHOLDER = "amount";

/** A JSON scalar from what was typed: 12 → number, true/false → boolean, "12" (quoted) → text. */
function parseScalar(s: string): unknown {
  const trimmed = s.trim();
  if (trimmed === "") return undefined;
  try {
    const parsed: unknown = JSON.parse(trimmed);
    if (typeof parsed === "number" || typeof parsed === "boolean" || typeof parsed === "string") return parsed;
  } catch {
    // not JSON: plain text
  }
  return s;
}
const formatScalar = (v: unknown) =>
  typeof v === "string" ? (/^(-?\d+(\.\d+)?|true|false)$/.test(v) ? JSON.stringify(v) : v) : v === undefined || v === null ? "" : String(v);

function ScalarInput({
  value,
  onChange,
  operator,
  disabled,
  invalid,
}: {
  value: unknown;
  onChange: (v: unknown) => void;
  operator: PropertyOperator;
  disabled?: boolean;
  invalid?: boolean;
}) {
  const t = useTranslations("audienceEditor");
  const list = listOperators.includes(operator);
  const numeric = operator === "gt" || operator === "gte" || operator === "lt" || operator === "lte";
  const format = (v: unknown) => (list ? asArr(v).map(formatScalar).join(", ") : numeric ? formatNumber(v) : formatScalar(v));
  const parse = (s: string): unknown =>
    list
      ? s
          .split(",")
          .map((x) => parseScalar(x))
          .filter((x) => x !== undefined)
      : numeric
        ? parseNumber(s)
        : operator === "contains"
          ? s || undefined
          : parseScalar(s);
  const [text, setText] = useSyncedText(value, format, parse);
  return (
    <Input
      className="w-full sm:w-40"
      value={text}
      disabled={disabled}
      aria-invalid={invalid || undefined}
      aria-label={t("event.propertyValue")}
      placeholder={list ? t("event.listPlaceholder") : t("event.valuePlaceholder")}
      onChange={(e) => {
        setText(e.target.value);
        onChange(parse(e.target.value));
      }}
    />
  );
}

/** A stable one-option list for a value that may not be among the loaded options. */
function useSingleOption(value: string | null): ComboboxOption[] | undefined {
  return React.useMemo(() => (value ? [{ value, label: value }] : undefined), [value]);
}

function EventEditor({ value, onChange, ...ctx }: WidgetContext & { value: unknown; onChange: (v: unknown) => void }) {
  const t = useTranslations("audienceEditor");
  const v = asObj(value);
  const set = (patch: Obj) => onChange({ ...v, ...patch });
  const where = asArr(v.where).map(asObj);
  const [search, setSearch] = React.useState("");
  const { options, loading, footnote } = useFieldOptions({ source: "event_names" }, { serverSearch: true, search, enabled: !ctx.disabled });
  const name = typeof v.name === "string" && v.name ? v.name : null;
  const typed = search.trim();
  const eventOptions = React.useMemo<ComboboxOption[]>(
    () => (typed && !options.some((o) => o.value === typed) ? [...options, { value: typed, label: t("event.useCustom", { name: typed }) }] : options),
    [typed, options, t],
  );
  const selectedEvent = useSingleOption(name);
  const setWhere = (i: number, patch: Obj) => set({ where: where.map((w, j) => (j === i ? { ...w, ...patch } : w)) });
  return (
    <div className="flex w-full flex-col gap-2">
      <div className="flex flex-wrap items-center gap-2">
        <Combobox
          className="w-full sm:w-56"
          options={eventOptions}
          value={name}
          onValueChange={(n) => set({ name: n ?? "" })}
          onSearchChange={setSearch}
          loading={loading}
          selectedOptions={selectedEvent}
          footnote={footnote}
          placeholder={t("event.namePlaceholder")}
          searchPlaceholder={t("event.searchPlaceholder")}
          disabled={ctx.disabled}
          aria-invalid={ctx.invalid("name") || undefined}
          aria-label={t("event.name")}
        />
        <span className="text-sm text-muted-foreground">{t("event.atLeast")}</span>
        <NumberInput
          {...ctx}
          value={v.atLeast}
          onChange={(atLeast) => set({ atLeast })}
          path="atLeast"
          unitOverride={t("units.times")}
          className="w-28"
          ariaLabel={t("event.atLeastLabel")}
        />
        <span className="text-sm text-muted-foreground">{t("window.in")}</span>
        <WindowPicker {...ctx} value={v.window ?? DEFAULT_WINDOW} onChange={(window) => set({ window })} path="window" />
      </div>
      {where.map((w, i) => {
        const op = (propertyOperators as readonly string[]).includes(String(w.operator)) ? (w.operator as PropertyOperator) : "eq";
        const noValue = valuelessOperators.includes(op);
        return (
          <div key={i} className="flex flex-wrap items-center gap-2 pl-4" data-testid="event-property">
            <span className="text-xs font-medium text-muted-foreground uppercase">{i === 0 ? t("event.where") : t("group.and")}</span>
            <Input
              className="w-full font-mono text-xs sm:w-36"
              value={typeof w.path === "string" ? w.path : ""}
              placeholder={PATH_PLACEHOLDER}
              aria-label={t("event.property")}
              aria-invalid={ctx.invalid(`where.${i}.path`) || undefined}
              disabled={ctx.disabled}
              onChange={(e) => setWhere(i, { path: e.target.value })}
            />
            <Select
              value={op}
              disabled={ctx.disabled}
              onValueChange={(next) => {
                const nextOp = next as PropertyOperator;
                const { value: old, ...rest } = w;
                const keep = (["eq", "neq", "contains"].includes(op) && ["eq", "neq", "contains"].includes(nextOp)) ||
                  (["gt", "gte", "lt", "lte"].includes(op) && ["gt", "gte", "lt", "lte"].includes(nextOp)) ||
                  (listOperators.includes(op) && listOperators.includes(nextOp));
                setWhere(i, valuelessOperators.includes(nextOp) ? { ...rest, value: undefined, operator: nextOp } : { ...rest, operator: nextOp, value: keep ? old : undefined });
              }}
            >
              <SelectTrigger className="w-36" aria-label={t("event.propertyOperator")}>
                <SelectValue />
              </SelectTrigger>
              <SelectContent>
                {propertyOperators.map((o) => (
                  <SelectItem key={o} value={o}>
                    {t(`event.operators.${o}`)}
                  </SelectItem>
                ))}
              </SelectContent>
            </Select>
            {noValue ? null : (
              <ScalarInput value={w.value} operator={op} disabled={ctx.disabled} invalid={ctx.invalid(`where.${i}`) || ctx.invalid(`where.${i}.value`)} onChange={(x) => setWhere(i, { value: x })} />
            )}
            {ctx.disabled ? null : (
              <Button variant="ghost" size="icon-sm" aria-label={t("event.removeProperty")} onClick={() => set({ where: where.filter((_, j) => j !== i) })}>
                <XIcon />
              </Button>
            )}
          </div>
        );
      })}
      {ctx.disabled || where.length >= 10 ? null : (
        <div className="pl-4">
          <Button variant="ghost" size="sm" className="text-muted-foreground" onClick={() => set({ where: [...where, { path: "", operator: "eq", value: undefined }] })}>
            <PlusIcon />
            {t("event.addProperty")}
          </Button>
        </div>
      )}
    </div>
  );
}

// ───────────────────────────── coupons ─────────────────────────────

function CouponEditor({ value, onChange, range, ...ctx }: WidgetContext & { value: unknown; onChange: (v: unknown) => void; range: boolean }) {
  const t = useTranslations("audienceEditor");
  const v = asObj(value);
  const set = (patch: Obj) => onChange({ ...v, ...patch });
  const [search, setSearch] = React.useState("");
  const templateId = typeof v.templateId === "string" && v.templateId ? v.templateId : null;
  const selectedValues = React.useMemo(() => (templateId ? [templateId] : []), [templateId]);
  const { options, loading, selectedOptions: known, footnote } = useFieldOptions(ctx.field.options, {
    serverSearch: true,
    search,
    enabled: !ctx.disabled,
    selected: selectedValues,
  });
  // The chosen template's name even when it is not among the first page of templates.
  const selectedTemplate = React.useMemo<ComboboxOption[] | undefined>(
    () => (templateId && !options.some((o) => o.value === templateId) ? [known.find((o) => o.value === templateId) ?? { value: templateId, label: templateId }] : undefined),
    [templateId, options, known],
  );
  return (
    <div className="flex flex-wrap items-center gap-2">
      {range ? (
        <RangeInput {...ctx} value={v.value} onChange={(x) => set({ value: x })} path="value" />
      ) : (
        <NumberInput {...ctx} value={v.value} onChange={(x) => set({ value: x })} path="value" unitOverride={t("units.coupons")} className="w-full sm:w-36" />
      )}
      <span className="text-sm text-muted-foreground">{t("coupon.of")}</span>
      <Combobox
        className="w-full sm:w-52"
        options={options}
        value={templateId}
        clearable
        onValueChange={(id) => set({ templateId: id })}
        onSearchChange={setSearch}
        loading={loading}
        selectedOptions={selectedTemplate}
        footnote={footnote}
        placeholder={t("coupon.anyTemplate")}
        searchPlaceholder={t("value.search")}
        disabled={ctx.disabled}
        aria-label={t("coupon.template")}
      />
      {ctx.field.windows ? (
        <>
          <span className="text-sm text-muted-foreground">{t("window.in")}</span>
          <WindowPicker {...ctx} value={v.window ?? DEFAULT_WINDOW} onChange={(window) => set({ window })} path="window" />
        </>
      ) : null}
    </div>
  );
}
