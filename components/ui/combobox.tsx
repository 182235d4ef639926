"use client";

import * as React from "react";
import { CheckIcon, ChevronsUpDownIcon, Loader2, XIcon } from "lucide-react";
import { useTranslations } from "use-intl";

import { cn } from "@/lib/utils";
import { Popover, PopoverContent, PopoverTrigger } from "@/components/ui/popover";
import {
  Command,
  CommandEmpty,
  CommandGroup,
  CommandInput,
  CommandItem,
  CommandList,
  CommandSeparator,
} from "@/components/ui/command";

export type ComboboxOption = {
  value: string;
  label: string;
  /** Secondary line (e.g. a member count or an id). */
  description?: string;
  icon?: React.ReactNode;
  disabled?: boolean;
};

type SharedProps = {
  options: readonly ComboboxOption[];
  /** Trigger text when nothing is selected. Defaults to common.select. */
  placeholder?: string;
  searchPlaceholder?: string;
  /** Shown when the list is empty. Defaults to common.noResults. */
  emptyText?: string;
  /**
   * Async mode: when given, the component stops filtering locally and reports the search text;
   * the caller fetches and passes new `options` (debounce with `useDebouncedValue`).
   */
  onSearchChange?: (search: string) => void;
  /** Shows a spinner row instead of the empty text (async mode). */
  loading?: boolean;
  /** Labels for selected values that may not be in the current `options` (async mode). */
  selectedOptions?: readonly ComboboxOption[];
  /**
   * A line under the options, e.g. "Showing 50 of 1,234 — type to search" when `options` is only
   * the first page of what matches (announced politely to screen readers).
   */
  footnote?: React.ReactNode;
  disabled?: boolean;
  className?: string;
  contentClassName?: string;
  id?: string;
  name?: string;
  "aria-invalid"?: boolean;
  "aria-label"?: string;
  "aria-labelledby"?: string;
  align?: "start" | "center" | "end";
};

export type ComboboxProps = SharedProps & {
  value: string | null;
  onValueChange: (value: string | null) => void;
  /** Shows a clear button when a value is selected. */
  clearable?: boolean;
};

export type MultiSelectProps = SharedProps & {
  value: readonly string[];
  onValueChange: (value: string[]) => void;
  /** How many chips the trigger shows before "+N". */
  maxDisplayed?: number;
};

/** Remembers the label of every option seen, so selections survive async option changes. */
function useOptionLookup(options: readonly ComboboxOption[], selected?: readonly ComboboxOption[]) {
  const current = React.useMemo(() => {
    const map = new Map<string, ComboboxOption>();
    for (const option of selected ?? []) map.set(option.value, option);
    for (const option of options) map.set(option.value, option);
    return map;
  }, [options, selected]);
  // Merge into the remembered labels when the options change (adjusting state during render,
  // https://react.dev/learn/you-might-not-need-an-effect#adjusting-some-state-when-a-prop-changes).
  const [seen, setSeen] = React.useState<ReadonlyMap<string, ComboboxOption>>(() => current);
  const [merged, setMerged] = React.useState(current);
  if (merged !== current) {
    setMerged(current);
    setSeen(new Map([...seen, ...current]));
  }
  return React.useCallback((value: string) => current.get(value) ?? seen.get(value), [current, seen]);
}

const triggerClassName =
  "flex min-h-9 w-full items-center justify-between gap-2 rounded-md border border-input bg-background px-3 py-1.5 text-left text-sm shadow-xs transition-[color,box-shadow,border-color] outline-none focus-visible:border-ring focus-visible:ring-[3px] focus-visible:ring-ring/40 disabled:cursor-not-allowed disabled:opacity-50 aria-invalid:border-destructive aria-invalid:ring-destructive/20";

const matches = (option: ComboboxOption, search: string) => {
  const q = search.trim().toLowerCase();
  return q === "" || option.label.toLowerCase().includes(q) || option.value.toLowerCase().includes(q) || Boolean(option.description?.toLowerCase().includes(q));
};

function OptionRow({ option, selected, onSelect }: { option: ComboboxOption; selected: boolean; onSelect: (value: string) => void }) {
  return (
    <CommandItem
      value={option.value}
      keywords={[option.label, ...(option.description ? [option.description] : [])]}
      disabled={option.disabled}
      onSelect={() => onSelect(option.value)}
      data-checked={selected}
    >
      {option.icon}
      <div className="flex min-w-0 flex-1 flex-col">
        <span className="truncate">{option.label}</span>
        {option.description ? <span className="truncate text-xs text-muted-foreground">{option.description}</span> : null}
      </div>
      <CheckIcon className={cn("size-4 text-primary", selected ? "opacity-100" : "opacity-0")} aria-hidden />
    </CommandItem>
  );
}

function OptionList({
  options,
  selectedValues,
  lookup,
  isSelected,
  onSelect,
  searchPlaceholder,
  emptyText,
  loading,
  onSearchChange,
  footnote,
}: {
  options: readonly ComboboxOption[];
  /** The selected values, in order: those not among `options` are listed first, checked. */
  selectedValues: readonly string[];
  lookup: (value: string) => ComboboxOption | undefined;
  isSelected: (value: string) => boolean;
  onSelect: (value: string) => void;
  searchPlaceholder?: string;
  emptyText?: string;
  loading?: boolean;
  onSearchChange?: (search: string) => void;
  footnote?: React.ReactNode;
}) {
  const t = useTranslations("common");
  const [search, setSearch] = React.useState("");
  const asyncMode = onSearchChange !== undefined;
  // Selected values outside the current page (async search, a first page of many) stay listed,
  // checked, so they can be seen and unchecked; while searching, those that match the search.
  const extras = React.useMemo(() => {
    const shown = new Set(options.map((o) => o.value));
    return selectedValues
      .filter((v) => !shown.has(v))
      .map((v) => lookup(v) ?? { value: v, label: v })
      .filter((o) => !asyncMode || matches(o, search));
  }, [options, selectedValues, lookup, asyncMode, search]);
  return (
    <Command shouldFilter={!asyncMode} loop>
      <CommandInput
        value={search}
        onValueChange={(next) => {
          setSearch(next);
          onSearchChange?.(next);
        }}
        placeholder={searchPlaceholder ?? t("search")}
      />
      <CommandList>
        {loading ? (
          <div role="status" className="flex items-center justify-center gap-2 py-6 text-sm text-muted-foreground">
            <Loader2 className="size-4 animate-spin" aria-hidden />
            {t("loading")}
          </div>
        ) : (
          <CommandEmpty>{emptyText ?? t("noResults")}</CommandEmpty>
        )}
        {extras.length > 0 ? (
          <>
            <CommandGroup data-slot="combobox-selected-extras">
              {extras.map((option) => (
                <OptionRow key={option.value} option={option} selected onSelect={onSelect} />
              ))}
            </CommandGroup>
            {options.length > 0 ? <CommandSeparator /> : null}
          </>
        ) : null}
        {options.length > 0 ? (
          <CommandGroup>
            {options.map((option) => (
              <OptionRow key={option.value} option={option} selected={isSelected(option.value)} onSelect={onSelect} />
            ))}
          </CommandGroup>
        ) : null}
      </CommandList>
      {footnote ? (
        <div role="status" aria-live="polite" data-slot="combobox-footnote" className="border-t px-3 py-2 text-xs text-muted-foreground">
          {footnote}
        </div>
      ) : null}
    </Command>
  );
}

/** Single-select with search. Works with a static list or server-side search (`onSearchChange`). */
export function Combobox({
  options,
  value,
  onValueChange,
  clearable = false,
  placeholder,
  searchPlaceholder,
  emptyText,
  onSearchChange,
  loading,
  selectedOptions,
  footnote,
  disabled,
  className,
  contentClassName,
  align = "start",
  ...aria
}: ComboboxProps) {
  const t = useTranslations("common");
  const [open, setOpen] = React.useState(false);
  const lookup = useOptionLookup(options, selectedOptions);
  const selected = value === null ? undefined : lookup(value);
  const showClear = clearable && value !== null && !disabled;

  return (
    <Popover open={open} onOpenChange={setOpen}>
      <div className={cn("relative", className)}>
        <PopoverTrigger asChild>
          <button
            type="button"
            disabled={disabled}
            data-slot="combobox-trigger"
            className={cn(triggerClassName, showClear && "pr-14")}
            {...aria}
          >
            <span className={cn("flex min-w-0 items-center gap-2 truncate", !selected && "text-muted-foreground")}>
              {selected?.icon}
              <span className="truncate">{selected?.label ?? value ?? placeholder ?? t("select")}</span>
            </span>
            <ChevronsUpDownIcon className="size-4 shrink-0 opacity-50" aria-hidden />
          </button>
        </PopoverTrigger>
        {showClear ? (
          <button
            type="button"
            onClick={() => onValueChange(null)}
            className="absolute top-1/2 right-8 -translate-y-1/2 rounded-sm p-0.5 text-muted-foreground outline-none hover:text-foreground focus-visible:ring-[3px] focus-visible:ring-ring/40"
          >
            <XIcon className="size-3.5" aria-hidden />
            <span className="sr-only">{t("clear")}</span>
          </button>
        ) : null}
      </div>
      <PopoverContent
        align={align}
        className={cn("w-(--radix-popover-trigger-width) min-w-56 p-0", contentClassName)}
      >
        <OptionList
          options={options}
          selectedValues={value === null ? [] : [value]}
          lookup={lookup}
          footnote={footnote}
          isSelected={(v) => v === value}
          onSelect={(v) => {
            onValueChange(v === value && clearable ? null : v);
            setOpen(false);
          }}
          searchPlaceholder={searchPlaceholder}
          emptyText={emptyText}
          loading={loading}
          onSearchChange={onSearchChange}
        />
      </PopoverContent>
    </Popover>
  );
}

/** Multi-select with search and chips. Same option/async contract as Combobox. */
export function MultiSelect({
  options,
  value,
  onValueChange,
  maxDisplayed = 3,
  placeholder,
  searchPlaceholder,
  emptyText,
  onSearchChange,
  loading,
  selectedOptions,
  footnote,
  disabled,
  className,
  contentClassName,
  align = "start",
  ...aria
}: MultiSelectProps) {
  const t = useTranslations("common");
  const [open, setOpen] = React.useState(false);
  const lookup = useOptionLookup(options, selectedOptions);
  const selectedSet = React.useMemo(() => new Set(value), [value]);
  const shown = value.slice(0, maxDisplayed);
  const hidden = value.length - shown.length;
  const showClear = value.length > 0 && !disabled;

  const toggle = (v: string) => {
    onValueChange(selectedSet.has(v) ? value.filter((x) => x !== v) : [...value, v]);
  };

  return (
    <Popover open={open} onOpenChange={setOpen}>
      <div className={cn("relative", className)}>
        <PopoverTrigger asChild>
          <button
            type="button"
            disabled={disabled}
            data-slot="multi-select-trigger"
            className={cn(triggerClassName, showClear && "pr-14")}
            {...aria}
          >
            {value.length === 0 ? (
              <span className="truncate text-muted-foreground">{placeholder ?? t("select")}</span>
            ) : (
              <span className="flex min-w-0 flex-wrap items-center gap-1">
                {shown.map((v) => (
                  <span
                    key={v}
                    className="inline-flex max-w-40 items-center rounded-sm bg-secondary px-1.5 py-0.5 text-xs font-medium text-secondary-foreground"
                  >
                    <span className="truncate">{lookup(v)?.label ?? v}</span>
                  </span>
                ))}
                {hidden > 0 ? (
                  <span className="text-xs text-muted-foreground">{t("moreCount", { count: hidden })}</span>
                ) : null}
              </span>
            )}
            <ChevronsUpDownIcon className="size-4 shrink-0 opacity-50" aria-hidden />
          </button>
        </PopoverTrigger>
        {showClear ? (
          <button
            type="button"
            onClick={() => onValueChange([])}
            className="absolute top-1/2 right-8 -translate-y-1/2 rounded-sm p-0.5 text-muted-foreground outline-none hover:text-foreground focus-visible:ring-[3px] focus-visible:ring-ring/40"
          >
            <XIcon className="size-3.5" aria-hidden />
            <span className="sr-only">{t("clearAll")}</span>
          </button>
        ) : null}
      </div>
      <PopoverContent
        align={align}
        className={cn("w-(--radix-popover-trigger-width) min-w-56 p-0", contentClassName)}
      >
        <OptionList
          options={options}
          selectedValues={value}
          lookup={lookup}
          footnote={footnote}
          isSelected={(v) => selectedSet.has(v)}
          onSelect={toggle}
          searchPlaceholder={searchPlaceholder}
          emptyText={emptyText}
          loading={loading}
          onSearchChange={onSearchChange}
        />
        {value.length > 0 ? (
          <div className="flex items-center justify-between border-t px-3 py-2 text-xs text-muted-foreground">
            <span>{t("selectedCount", { count: value.length })}</span>
            <button
              type="button"
              onClick={() => onValueChange([])}
              className="rounded-sm font-medium text-foreground outline-none hover:underline focus-visible:ring-[3px] focus-visible:ring-ring/40"
            >
              {t("clearAll")}
            </button>
          </div>
        ) : null}
      </PopoverContent>
    </Popover>
  );
}
