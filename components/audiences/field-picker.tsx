"use client";

import * as React from "react";
import { CheckIcon } from "lucide-react";
import { useLocale, useTranslations } from "use-intl";

import { cn } from "@/lib/utils";
import { Popover, PopoverContent, PopoverTrigger } from "@/components/ui/popover";
import { Command, CommandEmpty, CommandGroup, CommandInput, CommandItem, CommandList } from "@/components/ui/command";
import { fieldCatalog, type FieldGroup } from "@/server/audiences/fields";

const groups: FieldGroup[] = ["profile", "behaviour", "derived"];

/**
 * Field picker: a searchable popover of the catalog, grouped by profile / behaviour / derived.
 * Search matches both languages' labels and the field id. `children` is the trigger.
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
      <PopoverContent align={align} className="w-80 p-0" data-testid="field-picker-menu">
        <Command loop>
          <CommandInput placeholder={t("fieldPicker.search")} aria-label={t("fieldPicker.search")} />
          <CommandList className="max-h-80">
            <CommandEmpty>{t("fieldPicker.empty")}</CommandEmpty>
            {groups.map((group) => (
              <CommandGroup key={group} heading={t(`groups.${group}`)}>
                {fieldCatalog
                  .filter((f) => f.group === group)
                  .map((f) => (
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
                      <span className="truncate text-xs text-muted-foreground">{f.label[locale === "en" ? "zh-CN" : "en"]}</span>
                      <CheckIcon className={cn("size-4 text-primary", value === f.id ? "opacity-100" : "opacity-0")} aria-hidden />
                    </CommandItem>
                  ))}
              </CommandGroup>
            ))}
          </CommandList>
        </Command>
      </PopoverContent>
    </Popover>
  );
}
