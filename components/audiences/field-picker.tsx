"use client";

import * as React from "react";
import { CheckIcon } from "lucide-react";
import { useLocale, useTranslations } from "use-intl";

import { cn } from "@/lib/utils";
import { Popover, PopoverContent, PopoverTrigger } from "@/components/ui/popover";
import { Command, CommandEmpty, CommandGroup, CommandInput, CommandItem, CommandList } from "@/components/ui/command";
import { fieldCatalog, fieldFreshness, type FieldGroup, type FieldId, type Freshness } from "@/server/audiences/fields";

const groups: FieldGroup[] = ["profile", "behaviour", "derived"];
const freshnessStyle: Record<Freshness, string> = {
  live: "border-emerald-300 text-emerald-700 dark:text-emerald-400",
  live_windows_hourly: "border-sky-300 text-sky-700 dark:text-sky-400",
  hourly: "border-amber-300 text-amber-700 dark:text-amber-400",
};

/**
 * Field picker: a searchable popover of the catalog, grouped by profile / behaviour / derived.
 * Search matches both languages' labels and the field id. Each field says how fresh its value
 * is (live, or as of the hourly statistics refresh). `children` is the trigger.
 */
export function FieldPicker({
  value,
  onSelect,
  children,
  disabled,
  align = "start",
}: {
  value?: string;
  onSelect: (fieldId: string) => void;
  children: React.ReactElement;
  disabled?: boolean;
  align?: "start" | "center" | "end";
}) {
  const t = useTranslations("audienceEditor");
  const locale = useLocale();
  const [open, setOpen] = React.useState(false);
  return (
    <Popover open={open && !disabled} onOpenChange={setOpen}>
      <PopoverTrigger asChild disabled={disabled}>
        {children}
      </PopoverTrigger>
      <PopoverContent align={align} className="w-96 p-0" data-testid="field-picker-menu">
        <Command loop>
          <CommandInput placeholder={t("fieldPicker.search")} aria-label={t("fieldPicker.search")} />
          <CommandList className="max-h-80">
            <CommandEmpty>{t("fieldPicker.empty")}</CommandEmpty>
            {groups.map((group) => (
              <CommandGroup key={group} heading={t(`groups.${group}`)}>
                {fieldCatalog
                  .filter((f) => f.group === group)
                  .map((f) => {
                    const freshness = fieldFreshness[f.id as FieldId];
                    return (
                    <CommandItem
                      key={f.id}
                      value={f.id}
                      keywords={[f.label.en, f.label["zh-CN"], f.id.replaceAll("_", " ")]}
                      onSelect={() => {
                        onSelect(f.id);
                        setOpen(false);
                      }}
                      data-testid={`field-option-${f.id}`}
                    >
                      <span className="flex-1 truncate">{f.label[locale]}</span>
                      
                      <span
                        className={cn("shrink-0 rounded border px-1 text-[10px] leading-4", freshnessStyle[freshness])}
                        title={t(`fieldPicker.freshness.${freshness}Hint`)}
                        data-testid={`field-freshness-${f.id}`}
                        data-freshness={freshness}
                      >
                        {t(`fieldPicker.freshness.${freshness}`)}
                      </span>
                      <CheckIcon className={cn("size-4 text-primary", value === f.id ? "opacity-100" : "opacity-0")} aria-hidden />
                    </CommandItem>
                    );
                  })}
              </CommandGroup>
            ))}
          </CommandList>
        </Command>
      </PopoverContent>
    </Popover>
  );
}
