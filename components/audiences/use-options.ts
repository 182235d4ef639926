"use client";

import { useMemo } from "react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useLocale, useTranslations } from "use-intl";

import { useTRPC } from "@/trpc/react";
import { useDebouncedValue } from "@/lib/use-debounced-value";
import type { ComboboxOption } from "@/components/ui/combobox";
import type { FieldDef, OptionSource } from "@/server/audiences/fields";
import { MAX_OPTION_SCOPE } from "@/server/audiences/schemas";
import type { OptionScope } from "./option-scope";

export type TypedOption = ComboboxOption & { raw: string | number };
export type { OptionScope };


/** A page of options as the `audiences.options` procedure answers it. */
export type OptionsPageData = { options: readonly unknown[]; total: number; exact: boolean };

const clean = (values: readonly string[] | undefined) =>
  values && values.length > 0 ? [...new Set(values.filter((v) => v.length > 0 && v.length <= 500))].sort().slice(0, MAX_OPTION_SCOPE) : undefined;

/** The scope's parts that narrow this source (and nothing for the others, so their cache is shared). */
function scopeFor(source: OptionSource | undefined, scope: OptionScope | undefined): { cities?: string[]; provinces?: string[] } {
  if (source === "districts") {
    const cities = clean(scope?.cities);
    const provinces = clean(scope?.provinces);
    return { ...(cities ? { cities } : {}), ...(provinces ? { provinces } : {}) };
  }
  if (source === "cities") {
    const provinces = clean(scope?.provinces);
    return provinces ? { provinces } : {};
  }
  return {};
}

/**
 * The line under a picker's options when they are not all shown: "Showing 50 of 1,234 — type to
 * search" (or "… matches — keep typing" while searching), and what the list is narrowed to.
 */
export function useOptionsFootnote(
  page: OptionsPageData | undefined,
  { searching, narrowed }: { searching: boolean; narrowed?: { kind: "districts" | "districtsOfProvinces" | "cities"; places: readonly string[] } },
): string | undefined {
  const t = useTranslations("audienceEditor.options");
  const parts: string[] = [];
  if (narrowed && narrowed.places.length > 0) {
    const places = narrowed.places.length > 3 ? `${narrowed.places.slice(0, 3).join(", ")} …` : narrowed.places.join(", ");
    const key = narrowed.kind === "districts" ? "onlyDistricts" : narrowed.kind === "districtsOfProvinces" ? "onlyDistrictsOfProvinces" : "onlyCities";
    parts.push(t(key, { places }));
  }
  if (page) {
    const shown = page.options.length;
    if (!page.exact || page.total > shown) {
      const values = { shown, total: page.total };
      parts.push(
        searching
          ? page.exact
            ? t("moreMatches", values)
            : t("moreThanMatches", values)
          : page.exact
            ? t("more", values)
            : t("moreThan", values),
      );
    }
  }
  return parts.length > 0 ? parts.join(" · ") : undefined;
}

/**
 * The options of a field, as combobox options that remember their typed value (`raw`: ids of
 * products and categories are numbers, months are numbers, the rest strings).
 * - static options: localized, filtered locally by the combobox;
 * - a source without `serverSearch`: loaded once (up to 200) and filtered locally — unless more
 *   match than were loaded, then it searches on the server like the others (`searchable`);
 * - a source with `serverSearch` (the `-search` widgets): the first 50, then asked from the server
 *   as the user types (debounced).
 * Never silently partial: `footnote` says how many more match ("Showing 50 of 1,234 — type to search").
 */
export function useFieldOptions(
  options: FieldDef["options"] | { source: OptionSource } | undefined,
  {
    serverSearch,
    search,
    enabled = true,
    selected = [],
    scope,
  }: { serverSearch: boolean; search: string; enabled?: boolean; selected?: readonly unknown[]; scope?: OptionScope },
) {
  const trpc = useTRPC();
  const locale = useLocale();
  const source = options && "source" in options ? options.source : undefined;
  const debounced = useDebouncedValue(search.trim(), 250);
  const limit = serverSearch ? 50 : 200;
  const scopeKey = JSON.stringify(scopeFor(source, scope));
  const narrow = useMemo(() => JSON.parse(scopeKey) as ReturnType<typeof scopeFor>, [scopeKey]);
  const on = enabled && source !== undefined;
  // The unsearched first page (cached: reopening a picker or clearing the search shows it at once).
  const base = useQuery({
    ...trpc.audiences.options.queryOptions({ source: source ?? "tiers", limit, locale, ...narrow }),
    staleTime: 5 * 60_000,
    placeholderData: keepPreviousData,
    enabled: on,
  });
  const searchable = serverSearch || (base.data !== undefined && (!base.data.exact || base.data.total > base.data.options.length));
  const searching = searchable && debounced !== "";
  const searched = useQuery({
    ...trpc.audiences.options.queryOptions({ source: source ?? "tiers", search: debounced || undefined, limit, locale, ...narrow }),
    staleTime: 5 * 60_000,
    placeholderData: keepPreviousData,
    enabled: on && searching,
  });
  const active = searching ? searched : base;
  // Until the first answer to a search arrives, the first page stays (no flash of "loading").
  const page = searching ? (searched.data ?? base.data) : base.data;
  // While the answer for what was typed is on its way, the options on screen are those of an
  // earlier search: narrow them here too, so Enter never picks one that does not match.
  const typed = searchable ? search.trim().toLowerCase() : "";
  const stale = typed !== "" && (typed !== debounced.toLowerCase() || searched.data === undefined || searched.isPlaceholderData);
  const list = useMemo<TypedOption[]>(() => {
    if (options && "static" in options) {
      return options.static.map((o) => ({ value: String(o.value), label: o.label[locale], raw: o.value }));
    }
    const all = (page?.options ?? []).map((o) => ({ value: String(o.value), label: o.label, ...(o.hint ? { description: o.hint } : {}), raw: o.value }));
    return stale ? all.filter((o) => o.label.toLowerCase().includes(typed) || o.value.toLowerCase().includes(typed) || Boolean(o.description?.toLowerCase().includes(typed))) : all;
  }, [options, page, locale, stale, typed]);
  // Values already chosen that the first page doesn't include (e.g. product ids after a reload):
  // ask for their labels once, so chips and the list show names rather than ids.
  const firstPage = base.data?.options;
  const unknownValues = useMemo(
    () =>
      selected
        .filter((v): v is string | number => typeof v === "string" || typeof v === "number")
        .filter((v) => !(firstPage ?? []).some((o) => String(o.value) === String(v))),
    [selected, firstPage],
  );
  const labels = useQuery({
    ...trpc.audiences.options.queryOptions({ source: source ?? "tiers", values: unknownValues.slice(0, 500), locale }),
    staleTime: 5 * 60_000,
    placeholderData: keepPreviousData,
    enabled: on && unknownValues.length > 0 && !base.isFetching,
  });
  const selectedOptions = useMemo<TypedOption[]>(
    () => (labels.data?.options ?? []).map((o) => ({ value: String(o.value), label: o.label, ...(o.hint ? { description: o.hint } : {}), raw: o.value })),
    [labels.data],
  );
  const typing = searchable && search.trim() !== debounced;
  const narrowed =
    source === "districts" && narrow.cities
      ? { kind: "districts" as const, places: narrow.cities }
      : source === "districts" && narrow.provinces
        ? { kind: "districtsOfProvinces" as const, places: narrow.provinces }
        : source === "cities" && narrow.provinces
          ? { kind: "cities" as const, places: narrow.provinces }
          : undefined;
  const footnote = useOptionsFootnote(source === undefined ? undefined : page, { searching: searching && searched.data !== undefined, narrowed });
  const fetching = active.isFetching || typing;
  return {
    options: list,
    selectedOptions,
    loading: source !== undefined && fetching && list.length === 0,
    fetching,
    /** Whether the picker should search on the server (`onSearchChange`) rather than filter locally. */
    searchable,
    total: page?.total,
    exact: page?.exact,
    footnote,
  };
}

/** Maps the combobox's string values back to the typed values the schema wants. */
export function toRaw(values: readonly string[], known: readonly TypedOption[], current: readonly unknown[]): (string | number)[] {
  const lookup = new Map<string, string | number>();
  for (const v of current) if (typeof v === "string" || typeof v === "number") lookup.set(String(v), v);
  for (const o of known) lookup.set(o.value, o.raw);
  return values.map((v) => lookup.get(v) ?? v);
}
