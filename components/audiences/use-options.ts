"use client";

import { useMemo } from "react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useLocale } from "use-intl";

import { useTRPC } from "@/trpc/react";
import { useDebouncedValue } from "@/lib/use-debounced-value";
import type { ComboboxOption } from "@/components/ui/combobox";
import type { FieldDef, OptionSource } from "@/server/audiences/fields";

export type TypedOption = ComboboxOption & { raw: string | number };

/**
 * The options of a field, as combobox options that remember their typed value (`raw`: ids of
 * products and categories are numbers, months are numbers, the rest strings).
 * - static options: localized, filtered locally by the combobox;
 * - a source without `search`: loaded once (up to 200), filtered locally;
 * - a source with `search` (the `-search` widgets): asked from the server as the user types.
 */
export function useFieldOptions(
  options: FieldDef["options"] | { source: OptionSource } | undefined,
  {
    serverSearch,
    search,
    enabled = true,
    selected = [],
  }: { serverSearch: boolean; search: string; enabled?: boolean; selected?: readonly unknown[] },
) {
  const trpc = useTRPC();
  const locale = useLocale();
  const source = options && "source" in options ? options.source : undefined;
  const debounced = useDebouncedValue(search.trim(), 250);
  const query = useQuery({
    ...trpc.audiences.options.queryOptions(
      { source: source ?? "tiers", search: serverSearch && debounced ? debounced : undefined, limit: serverSearch ? 50 : 200, locale },
    ),
    staleTime: 5 * 60_000,
    placeholderData: keepPreviousData,
    enabled: enabled && source !== undefined,
  });
  const list = useMemo<TypedOption[]>(() => {
    if (options && "static" in options) {
      return options.static.map((o) => ({ value: String(o.value), label: o.label[locale], raw: o.value }));
    }
    return (query.data ?? []).map((o) => ({ value: String(o.value), label: o.label, description: o.hint, raw: o.value }));
  }, [options, query.data, locale]);
  // Values already chosen that the loaded options don't include (e.g. product ids after a
  // reload): ask for their labels, so chips show names rather than ids.
  const unknownValues = useMemo(
    () =>
      selected
        .filter((v): v is string | number => typeof v === "string" || typeof v === "number")
        .filter((v) => !list.some((o) => o.value === String(v))),
    [selected, list],
  );
  const labels = useQuery({
    ...trpc.audiences.options.queryOptions({ source: source ?? "tiers", values: unknownValues, locale }),
    staleTime: 5 * 60_000,
    enabled: enabled && source !== undefined && unknownValues.length > 0 && !query.isFetching,
  });
  const selectedOptions = useMemo<TypedOption[]>(
    () => (labels.data ?? []).map((o) => ({ value: String(o.value), label: o.label, description: o.hint, raw: o.value })),
    [labels.data],
  );
  const typing = serverSearch && search.trim() !== debounced;
  return { options: list, selectedOptions, loading: source !== undefined && (query.isFetching || typing) && list.length === 0, fetching: query.isFetching || typing };
}

/** Maps the combobox's string values back to the typed values the schema wants. */
export function toRaw(values: readonly string[], known: readonly TypedOption[], current: readonly unknown[]): (string | number)[] {
  const lookup = new Map<string, string | number>();
  for (const v of current) if (typeof v === "string" || typeof v === "number") lookup.set(String(v), v);
  for (const o of known) lookup.set(o.value, o.raw);
  return values.map((v) => lookup.get(v) ?? v);
}
