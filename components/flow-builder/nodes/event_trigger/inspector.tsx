"use client";

import { useWatch } from "react-hook-form";
import { useLocale, useTranslations } from "use-intl";

import { memberEvents } from "@/server/flows/kinds/event_trigger/spec";
import { Input } from "@/components/ui/input";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Field, PropertyConditionsField, setField, useKindForm, type InspectorProps } from "../fields";

const CUSTOM = "__custom__";

export function EventTriggerInspector(props: InspectorProps) {
  const t = useTranslations("flowBuilder.inspectors.event_trigger");
  const locale = useLocale();
  const form = useKindForm(props);
  const event = (useWatch({ control: form.control, name: "event" }) as string | undefined) ?? "";
  const known = Object.hasOwn(memberEvents, event);
  return (
    <div className="flex flex-col gap-4">
      <Field label={t("event")} form={form} path="event" hint={known ? undefined : t("customHint")}>
        <Select value={known ? event : CUSTOM} onValueChange={(v) => setField(form, "event", v === CUSTOM ? "custom.event" : v)}>
          <SelectTrigger className="w-full" name="event" data-testid="event-select">
            <SelectValue />
          </SelectTrigger>
          <SelectContent>
            {Object.entries(memberEvents).map(([name, label]) => (
              <SelectItem key={name} value={name}>
                {label[locale]} <span className="font-mono text-xs text-muted-foreground">{name}</span>
              </SelectItem>
            ))}
            <SelectItem value={CUSTOM}>{t("custom")}</SelectItem>
          </SelectContent>
        </Select>
        {!known ? <Input className="font-mono text-xs" aria-label={t("customName")} {...form.register("event")} /> : null}
      </Field>
      <PropertyConditionsField form={form} path="conditions" label={t("conditions")} />
    </div>
  );
}
