"use client";

// Building blocks the per-kind inspectors share: the form hook, labelled fields with localized
// schema errors, and the editors several kinds need (durations, property conditions, time zones,
// member conditions, entry audiences).
import { useEffect, useId, useMemo, useRef, type ReactNode } from "react";
import { useForm, useFormState, useWatch, type FieldValues, type Resolver, type UseFormReturn } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { PlusIcon, Trash2Icon } from "lucide-react";
import { useLocale, useTranslations } from "use-intl";
import type { z } from "zod";

import { cn } from "@/lib/utils";
import { findNodeKindSpec } from "@/server/flows/kinds";
import { durationUnits, localizeSchemaMessage } from "@/server/flows/kinds/shared";
import { listOperators, propertyOperators, valuelessOperators, type PropertyOperator } from "@/server/events/property-conditions";
import type { FlowDraftNode } from "@/server/flows/definition";
import { emptyConditionTree, type ConditionTree } from "@/server/audiences/condition";
import { ConditionEditor } from "@/components/audiences/condition-editor";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Button } from "@/components/ui/button";
import { Combobox } from "@/components/ui/combobox";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { pickable, useFlowReferences } from "./references";

export type InspectorProps = {
  node: FlowDraftNode;
  /** All nodes of the flow (a wait for response picks the node it listens to). */
  nodes: readonly FlowDraftNode[];
  /** The flow's time zone (times without their own zone are read in it). */
  timezone: string;
  onChange: (config: unknown, field?: string) => void;
};

export type KindForm = UseFormReturn<FieldValues> & {
  /** Replaces the whole config (switching a config that is itself a union, e.g. wait until). */
  replace: (values: FieldValues) => void;
};

const clone = <T,>(v: T): T => structuredClone(v);

/**
 * A react-hook-form bound to a node's config and validated by its kind's schema. Every edit is
 * sent up at once (the draft is the source of truth); edits from elsewhere (undo) reset the form.
 */
export function useKindForm(props: InspectorProps): KindForm {
  const { node, onChange } = props;
  const spec = findNodeKindSpec(node.kind);
  const initial = useMemo(() => {
    const defaults = spec?.defaults() as Record<string, unknown> | undefined;
    const config = node.config as Record<string, unknown> | null;
    return clone({ ...(defaults ?? {}), ...(config && typeof config === "object" ? config : {}) });
    // Only the first render's config seeds the form; later changes reset it below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const form = useForm<FieldValues>({
    resolver: spec ? (zodResolver(spec.configSchema as z.ZodType<FieldValues, FieldValues>) as Resolver<FieldValues>) : undefined,
    defaultValues: initial,
    mode: "all",
  });
  const emitted = useRef<unknown>(node.config);
  const onChangeRef = useRef(onChange);
  useEffect(() => {
    onChangeRef.current = onChange;
  }, [onChange]);

  useEffect(() => {
    void form.trigger();
    // A watch() subscription pushes every edit to the draft without re-rendering the form; the
    // React Compiler then leaves this hook unmemoised, which is what a subscription needs.
    // eslint-disable-next-line react-hooks/incompatible-library
    const sub = form.watch((values, { name }) => {
      const next = clone(values);
      emitted.current = next;
      onChangeRef.current(next, name);
    });
    return () => sub.unsubscribe();
  }, [form]);

  useEffect(() => {
    if (node.config === emitted.current) return;
    emitted.current = node.config;
    form.reset(clone(node.config as FieldValues));
    void form.trigger();
  }, [node.config, form]);

  return useMemo(
    () => ({
      ...form,
      replace: (values: FieldValues) => {
        const next = clone(values);
        emitted.current = next;
        form.reset(clone(next));
        void form.trigger();
        onChangeRef.current(next, "");
      },
    }),
    [form],
  );
}

function errorAt(errors: unknown, path: string): string | undefined {
  let at: unknown = errors;
  for (const part of path.split(".")) {
    if (at === null || typeof at !== "object") return undefined;
    at = (at as Record<string, unknown>)[part];
  }
  if (at && typeof at === "object") {
    const message = (at as { message?: unknown }).message ?? (at as { root?: { message?: unknown } }).root?.message;
    return typeof message === "string" && message ? message : undefined;
  }
  return undefined;
}

/** The schema error at a path, in the UI language. */
export function useFieldError(form: KindForm, path: string): string | undefined {
  const locale = useLocale();
  const { errors } = useFormState({ control: form.control, name: path as never });
  const message = errorAt(errors, path);
  return message ? localizeSchemaMessage(message)[locale] : undefined;
}

export function FieldError({ form, path }: { form: KindForm; path: string }) {
  const message = useFieldError(form, path);
  if (!message) return null;
  return (
    <p className="text-xs text-destructive" role="alert" data-testid={`field-error-${path}`}>
      {message}
    </p>
  );
}

export function Field({
  label,
  hint,
  children,
  form,
  path,
  htmlFor,
  className,
}: {
  label: ReactNode;
  hint?: ReactNode;
  children: ReactNode;
  form?: KindForm;
  path?: string;
  htmlFor?: string;
  className?: string;
}) {
  return (
    <div className={cn("flex flex-col gap-1.5", className)} data-field={path}>
      <Label htmlFor={htmlFor} className="text-xs font-medium text-foreground">
        {label}
      </Label>
      {children}
      {hint ? <p className="text-xs text-muted-foreground">{hint}</p> : null}
      {form && path ? <FieldError form={form} path={path} /> : null}
    </div>
  );
}

/** A text input registered at `path`. */
export function TextField({
  form,
  path,
  label,
  hint,
  placeholder,
  type = "text",
  testId,
}: {
  form: KindForm;
  path: string;
  label: ReactNode;
  hint?: ReactNode;
  placeholder?: string;
  type?: "text" | "number" | "url" | "time" | "datetime-local";
  testId?: string;
}) {
  const id = useId();
  const invalid = Boolean(useFieldError(form, path));
  return (
    <Field label={label} hint={hint} form={form} path={path} htmlFor={id}>
      <Input
        id={id}
        type={type}
        placeholder={placeholder}
        aria-invalid={invalid || undefined}
        data-testid={testId}
        {...form.register(path, type === "number" ? { valueAsNumber: true } : {})}
      />
    </Field>
  );
}

export type Option = { value: string; label: string };

/** A select bound to `path` (values are strings). */
export function SelectField({
  form,
  path,
  label,
  options,
  hint,
  onValueChange,
  testId,
}: {
  form: KindForm;
  path: string;
  label: ReactNode;
  options: readonly Option[];
  hint?: ReactNode;
  /** Instead of setting the value (e.g. switching a union's mode). */
  onValueChange?: (value: string) => void;
  testId?: string;
}) {
  const id = useId();
  const value = useWatch({ control: form.control, name: path }) as string | undefined;
  return (
    <Field label={label} hint={hint} form={form} path={path} htmlFor={id}>
      <Select
        value={value ?? ""}
        onValueChange={(v) => (onValueChange ? onValueChange(v) : form.setValue(path, v, { shouldDirty: true, shouldValidate: true }))}
      >
        <SelectTrigger id={id} className="w-full" data-testid={testId} name={path}>
          <SelectValue />
        </SelectTrigger>
        <SelectContent>
          {options.map((o) => (
            <SelectItem key={o.value} value={o.value}>
              {o.label}
            </SelectItem>
          ))}
        </SelectContent>
      </Select>
    </Field>
  );
}

/** Two or three mutually exclusive choices as a segmented control. */
export function Segmented({
  value,
  options,
  onChange,
  testId,
  label,
}: {
  value: string;
  options: readonly Option[];
  onChange: (value: string) => void;
  testId?: string;
  label?: string;
}) {
  return (
    <div role="radiogroup" aria-label={label} className="inline-flex w-full rounded-md border bg-muted/50 p-0.5" data-testid={testId}>
      {options.map((o) => (
        <button
          key={o.value}
          type="button"
          role="radio"
          aria-checked={value === o.value}
          data-value={o.value}
          onClick={() => onChange(o.value)}
          className={cn(
            "flex-1 rounded-[5px] px-2 py-1 text-xs font-medium text-muted-foreground transition-colors outline-none focus-visible:ring-[3px] focus-visible:ring-ring/40",
            value === o.value && "bg-background text-foreground shadow-xs",
          )}
        >
          {o.label}
        </button>
      ))}
    </div>
  );
}

export function setField(form: KindForm, path: string, value: unknown) {
  form.setValue(path, value, { shouldDirty: true, shouldValidate: true });
}

/**
 * Switching a "mode" object (e.g. a coupon's existing ⇄ new, a message's written here ⇄
 * template) without losing work: what was on the side being left is kept, and coming back brings
 * it back, for as long as the inspector is open. `fresh` gives a side never filled in yet.
 */
export function useModeSwitch<M extends string>(form: KindForm, path: string, fresh: (mode: M) => { mode: M }) {
  const kept = useRef(new Map<M, unknown>());
  // Takes the segmented control's string value, which is one of the modes.
  return (value: string) => {
    const mode = value as M;
    const current = form.getValues(path) as { mode: M } | undefined;
    if (current?.mode === mode) return;
    if (current) kept.current.set(current.mode, current);
    setField(form, path, kept.current.get(mode) ?? fresh(mode));
  };
}

/** Amount + unit; `path` "" means the config itself is the duration (the delay kind). */
export function DurationField({ form, path, label }: { form: KindForm; path: string; label: ReactNode }) {
  const t = useTranslations("flowBuilder.fields");
  const at = (key: string) => (path ? `${path}.${key}` : key);
  const unit = useWatch({ control: form.control, name: at("unit") }) as string;
  const invalid = Boolean(useFieldError(form, at("amount")));
  return (
    <Field label={label} form={form} path={at("amount")}>
      <div className="flex gap-2">
        <Input
          type="number"
          min={1}
          className="w-24"
          aria-label={typeof label === "string" ? label : undefined}
          aria-invalid={invalid || undefined}
          data-testid="duration-amount"
          {...form.register(at("amount"), { valueAsNumber: true })}
        />
        <Select value={unit} onValueChange={(v) => setField(form, at("unit"), v)}>
          <SelectTrigger className="flex-1" name={at("unit")}>
            <SelectValue />
          </SelectTrigger>
          <SelectContent>
            {durationUnits.map((u) => (
              <SelectItem key={u} value={u}>
                {t(`units.${u}`)}
              </SelectItem>
            ))}
          </SelectContent>
        </Select>
      </div>
    </Field>
  );
}

type PropertyConditionRow = { path: string; operator: string; value?: unknown };

function formatValue(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (Array.isArray(value)) return value.join(", ");
  return String(value);
}

function parseValue(text: string, operator: string): unknown {
  if (valuelessOperators.includes(operator as PropertyOperator)) return undefined;
  const one = (s: string): unknown => {
    const trimmed = s.trim();
    if (trimmed === "") return undefined;
    if (trimmed === "true") return true;
    if (trimmed === "false") return false;
    const n = Number(trimmed);
    return Number.isFinite(n) && /^-?\d+(\.\d+)?$/.test(trimmed) ? n : trimmed;
  };
  if (listOperators.includes(operator as PropertyOperator)) {
    const items = text.split(",").map(one).filter((v) => v !== undefined);
    return text.trim() === "" ? undefined : items;
  }
  return one(text);
}

/** Rows of "property · operator · value" conditions on an event's properties. */
export function PropertyConditionsField({ form, path, label }: { form: KindForm; path: string; label: ReactNode }) {
  const t = useTranslations("flowBuilder.fields");
  const rows = (useWatch({ control: form.control, name: path }) as PropertyConditionRow[] | undefined) ?? [];
  const set = (next: PropertyConditionRow[]) => setField(form, path, next);
  return (
    <Field label={label} form={form} path={path}>
      <div className="flex flex-col gap-2" data-testid="property-conditions">
        {rows.length === 0 ? <p className="text-xs text-muted-foreground">{t("noConditions")}</p> : null}
        {rows.map((row, i) => (
          <div key={i} className="flex flex-col gap-1 rounded-md border bg-muted/30 p-2">
            <div className="flex gap-1.5">
              <Input
                aria-label={t("property")}
                placeholder="amount"
                className="h-8 flex-1 font-mono text-xs"
                value={row.path}
                onChange={(e) => set(rows.map((r, j) => (j === i ? { ...r, path: e.target.value } : r)))}
              />
              <Select
                value={row.operator}
                onValueChange={(operator) => set(rows.map((r, j) => (j === i ? { ...r, operator, value: parseValue(formatValue(r.value), operator) } : r)))}
              >
                <SelectTrigger size="sm" className="w-28" aria-label={t("operator")}>
                  <SelectValue />
                </SelectTrigger>
                <SelectContent>
                  {propertyOperators.map((op) => (
                    <SelectItem key={op} value={op}>
                      {t(`operators.${op}`)}
                    </SelectItem>
                  ))}
                </SelectContent>
              </Select>
              <Button variant="ghost" size="icon-sm" aria-label={t("removeCondition")} onClick={() => set(rows.filter((_, j) => j !== i))}>
                <Trash2Icon />
              </Button>
            </div>
            {!valuelessOperators.includes(row.operator as PropertyOperator) ? (
              <Input
                aria-label={t("value")}
                placeholder={listOperators.includes(row.operator as PropertyOperator) ? t("listPlaceholder") : t("valuePlaceholder")}
                className="h-8 text-xs"
                defaultValue={formatValue(row.value)}
                onChange={(e) => set(rows.map((r, j) => (j === i ? { ...r, value: parseValue(e.target.value, r.operator) } : r)))}
              />
            ) : null}
            <FieldError form={form} path={`${path}.${i}.path`} />
            <FieldError form={form} path={`${path}.${i}.value`} />
          </div>
        ))}
        <Button
          variant="outline"
          size="sm"
          className="self-start"
          onClick={() => set([...rows, { path: "", operator: "eq", value: undefined }])}
          disabled={rows.length >= 20}
        >
          <PlusIcon /> {t("addCondition")}
        </Button>
      </div>
    </Field>
  );
}

let zoneCache: string[] | null = null;
function timeZones(): string[] {
  zoneCache ??= (() => {
    try {
      const list = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.("timeZone") ?? [];
      return list.length ? list : ["Asia/Shanghai", "UTC"];
    } catch {
      return ["Asia/Shanghai", "UTC"];
    }
  })();
  return zoneCache;
}

export function TimezoneSelect({ value, onChange, id }: { value: string; onChange: (zone: string) => void; id?: string }) {
  const options = useMemo(() => {
    const zones = timeZones();
    const all = zones.includes(value) || !value ? zones : [value, ...zones];
    return all.map((z) => ({ value: z, label: z }));
  }, [value]);
  return <Combobox id={id} options={options} value={value || null} onValueChange={(v) => v && onChange(v)} className="w-full" />;
}

export function TimezoneField({ form, path, label }: { form: KindForm; path: string; label: ReactNode }) {
  const id = useId();
  const value = (useWatch({ control: form.control, name: path }) as string | undefined) ?? "";
  return (
    <Field label={label} form={form} path={path} htmlFor={id}>
      <TimezoneSelect id={id} value={value} onChange={(z) => setField(form, path, z)} />
    </Field>
  );
}

/** Member conditions, edited with the audience condition editor (live count included). */
export function ConditionTreeField({
  form,
  path,
  label,
  emptyHint,
  showCount = true,
}: {
  form: KindForm;
  path: string;
  label: ReactNode;
  emptyHint?: string;
  /** Off where the caller shows a count that means more (a split's first-match counts). */
  showCount?: boolean;
}) {
  const tree = useWatch({ control: form.control, name: path }) as ConditionTree | undefined;
  const value = tree && tree.type === "group" && Array.isArray(tree.children) ? tree : emptyConditionTree();
  return (
    <Field label={label} form={form} path={path}>
      <div data-testid="condition-editor" data-path={path}>
        <ConditionEditor value={value} onChange={(next) => setField(form, path, next)} showCount={showCount} compact emptyHint={emptyHint} />
      </div>
    </Field>
  );
}

/** Who enters: a saved audience, or member conditions written in place. */
export function EntryAudienceField({ form, path }: { form: KindForm; path: string }) {
  const t = useTranslations("flowBuilder.fields");
  const refs = useFlowReferences();
  const mode = useWatch({ control: form.control, name: `${path}.mode` }) as string;
  const audienceId = (useWatch({ control: form.control, name: `${path}.audienceId` }) as string | undefined) ?? "";
  const options = pickable(refs.audiences, audienceId).map((a) => ({
    value: a.id,
    label: a.archived ? t("archivedChoice", { name: a.name }) : a.name,
    ...(a.size !== null ? { description: t("audienceSize", { count: a.size }) } : {}),
  }));
  return (
    <div className="flex flex-col gap-3">
      <Field label={t("entry")}>
        <Segmented
          label={t("entry")}
          value={mode}
          testId="entry-mode"
          options={[
            { value: "conditions", label: t("entryConditions") },
            { value: "audience", label: t("entryAudience") },
            { value: "all", label: t("entryAll") },
          ]}
          onChange={(m) =>
            setField(
              form,
              path,
              m === "audience"
                ? { mode: "audience", audienceId: "" }
                : m === "all"
                  ? { mode: "all" }
                  : { mode: "conditions", conditions: { type: "group", op: "and", children: [] } },
            )
          }
        />
      </Field>
      {mode === "all" ? (
        <p className="text-muted-foreground text-sm" data-testid="entry-all-hint">{t("entryAllHint")}</p>
      ) : mode === "audience" ? (
        <Field label={t("savedAudience")} form={form} path={`${path}.audienceId`}>
          <Combobox
            options={options}
            value={audienceId || null}
            onValueChange={(v) => setField(form, `${path}.audienceId`, v ?? "")}
            className="w-full"
            emptyText={t("noAudiences")}
          />
        </Field>
      ) : (
        <ConditionTreeField form={form} path={`${path}.conditions`} label={t("memberConditions")} emptyHint={t("memberConditionsRequired")} />
      )}
    </div>
  );
}

/** Inserts `{{variable}}` at the caret of the field registered at `path`. */
export function insertAtCaret(form: KindForm, path: string, snippet: string) {
  const el = document.querySelector<HTMLInputElement | HTMLTextAreaElement>(`[data-inspector] [name="${CSS.escape(path)}"]`);
  const current = String(form.getValues(path) ?? "");
  const start = el?.selectionStart ?? current.length;
  const end = el?.selectionEnd ?? current.length;
  const next = current.slice(0, start) + snippet + current.slice(end);
  setField(form, path, next);
  requestAnimationFrame(() => {
    if (!el) return;
    el.focus();
    el.setSelectionRange(start + snippet.length, start + snippet.length);
  });
}
