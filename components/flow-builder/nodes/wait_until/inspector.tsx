"use client";

import { useWatch } from "react-hook-form";
import { useLocale, useTranslations } from "use-intl";

import { weekdayLabels, weekdays } from "@/server/flows/kinds/shared";
import { Input } from "@/components/ui/input";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Field, Segmented, TextField, setField, useKindForm, type InspectorProps } from "../fields";
import { localPart, zonedIso } from "../time";

const ANY = "any";

export function WaitUntilInspector(props: InspectorProps) {
  const t = useTranslations("flowBuilder.inspectors.wait_until");
  const locale = useLocale();
  const form = useKindForm(props);
  const mode = useWatch({ control: form.control, name: "mode" }) as "datetime" | "time_of_day";
  const at = useWatch({ control: form.control, name: "at" }) as string | undefined;
  const weekday = useWatch({ control: form.control, name: "weekday" }) as string | null;
  return (
    <div className="flex flex-col gap-4">
      <Field label={t("until")}>
        <Segmented
          label={t("until")}
          value={mode}
          options={[
            { value: "time_of_day", label: t("timeOfDay") },
            { value: "datetime", label: t("datetime") },
          ]}
          onChange={(m) =>
            form.replace(
              m === "datetime"
                ? { mode: "datetime", at: zonedIso(localPart(new Date(Date.now() + 86_400_000).toISOString()), props.timezone) }
                : { mode: "time_of_day", time: "10:00", weekday: null },
            )
          }
        />
      </Field>
      {mode === "datetime" ? (
        <Field label={t("at")} form={form} path="at" hint={t("zoneHint", { zone: props.timezone })}>
          <Input type="datetime-local" name="at" value={localPart(at)} onChange={(e) => setField(form, "at", zonedIso(e.target.value, props.timezone))} />
        </Field>
      ) : (
        <>
          <TextField form={form} path="time" type="time" label={t("time")} hint={t("zoneHint", { zone: props.timezone })} />
          <Field label={t("weekday")} form={form} path="weekday">
            <Select value={weekday ?? ANY} onValueChange={(v) => setField(form, "weekday", v === ANY ? null : v)}>
              <SelectTrigger className="w-full" name="weekday">
                <SelectValue />
              </SelectTrigger>
              <SelectContent>
                <SelectItem value={ANY}>{t("anyDay")}</SelectItem>
                {weekdays.map((d) => (
                  <SelectItem key={d} value={d}>
                    {weekdayLabels[d][locale]}
                  </SelectItem>
                ))}
              </SelectContent>
            </Select>
          </Field>
        </>
      )}
    </div>
  );
}
