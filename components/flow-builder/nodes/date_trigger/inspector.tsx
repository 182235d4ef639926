"use client";

import { useWatch } from "react-hook-form";
import { useLocale, useTranslations } from "use-intl";

import { memberDates } from "@/server/flows/kinds/date_trigger/spec";
import { Input } from "@/components/ui/input";
import { Field, Segmented, SelectField, TextField, setField, useKindForm, type InspectorProps } from "../fields";

export function DateTriggerInspector(props: InspectorProps) {
  const t = useTranslations("flowBuilder.inspectors.date_trigger");
  const locale = useLocale();
  const form = useKindForm(props);
  const offset = Number(useWatch({ control: form.control, name: "offsetDays" }) ?? 0);
  const direction = offset < 0 ? "before" : offset > 0 ? "after" : "on";
  const days = Math.abs(offset);
  return (
    <div className="flex flex-col gap-4">
      <SelectField
        form={form}
        path="date"
        label={t("date")}
        options={Object.entries(memberDates).map(([value, label]) => ({ value, label: label[locale] }))}
      />
      <Field label={t("when")} form={form} path="offsetDays">
        <Segmented
          label={t("when")}
          value={direction}
          options={[
            { value: "before", label: t("before") },
            { value: "on", label: t("on") },
            { value: "after", label: t("after") },
          ]}
          onChange={(d) => setField(form, "offsetDays", d === "on" ? 0 : (d === "before" ? -1 : 1) * Math.max(days, 1))}
        />
        {direction !== "on" ? (
          <div className="flex items-center gap-2 text-sm">
            <Input
              type="number"
              min={1}
              max={365}
              className="w-24"
              value={days}
              aria-label={t("days")}
              onChange={(e) => setField(form, "offsetDays", (direction === "before" ? -1 : 1) * Math.abs(Number(e.target.value) || 0))}
            />
            <span className="text-muted-foreground">{t(direction === "before" ? "daysBefore" : "daysAfter")}</span>
          </div>
        ) : null}
      </Field>
      <TextField form={form} path="time" type="time" label={t("time")} hint={t("timeHint", { zone: props.timezone })} />
    </div>
  );
}
