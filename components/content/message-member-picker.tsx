"use client";

import { useState } from "react";
import { useQuery } from "@tanstack/react-query";

import { useTRPC } from "@/trpc/react";
import { useDebouncedValue } from "@/lib/use-debounced-value";
import { Combobox, type ComboboxOption } from "@/components/ui/combobox";

/** A real member, found by name, phone or external id (the members list's own search). */
export function MemberPicker({
  value,
  onChange,
  placeholder,
  searchPlaceholder,
  testId,
  className,
}: {
  value: ComboboxOption | null;
  onChange: (member: ComboboxOption | null) => void;
  placeholder: string;
  searchPlaceholder: string;
  testId?: string;
  className?: string;
}) {
  const trpc = useTRPC();
  const [search, setSearch] = useState("");
  const debounced = useDebouncedValue(search, 250);
  const found = useQuery(trpc.members.list.queryOptions({ search: debounced || undefined, page: 1, pageSize: 8 }));
  const options: ComboboxOption[] = (found.data?.members ?? []).map((m) => ({ value: String(m.id), label: m.name, description: m.externalId }));
  return (
    <div data-testid={testId} className={className}>
      <Combobox
        value={value?.value ?? null}
        onValueChange={(v) => onChange(v ? (options.find((o) => o.value === v) ?? null) : null)}
        options={options}
        selectedOptions={value ? [value] : []}
        onSearchChange={setSearch}
        loading={found.isFetching}
        placeholder={placeholder}
        searchPlaceholder={searchPlaceholder}
        clearable
        className="w-full"
      />
    </div>
  );
}
