"use client";

import { useState } from "react";
import { useWatch } from "react-hook-form";
import { useLocale, useTranslations } from "use-intl";

import { cn } from "@/lib/utils";
import { describeCron, isValidCron } from "@/server/flows/kinds/schedule_trigger/spec";
import { weekdayLabels, weekdays, type Weekday } from "@/server/flows/kinds/shared";
import { Input } from "@/components/ui/input";
import { EntryAudienceField, Field, FieldError, Segmented, TimezoneField, setField, useKindForm, type InspectorProps } from "../fields";
import { buildCron, localPart, parseCron, zonedIso, type CronParts } from "../time";

export function ScheduleTriggerInspector(props: InspectorProps) {
  const t = useTranslations("flowBuilder.inspectors.schedule_trigger");
  const locale = useLocale();
  const form = useKindForm(props);
  const mode = useWatch({ control: form.control, name: "schedule.mode" }) as "once" | "recurring";
  const at = useWatch({ control: form.control, name: "schedule.at" }) as string | undefined;
  const cron = (useWatch({ control: form.control, name: "schedule.cron" }) as string | undefined) ?? "";
  const timezone = (useWatch({ control: form.control, name: "timezone" }) as string | undefined) ?? props.timezone;
  const parsed = parseCron(cron);
  const [advanced, setAdvanced] = useState(parsed.frequency === "custom");
  const parts: CronParts = advanced ? { frequency: "custom" } : parsed;

  const setCron = (next: CronParts) => {
    if (next.frequency === "custom") return;
    setField(form, "schedule.cron", buildCron(next));
  };
  const time = parsed.frequency === "custom" ? "09:00" : parsed.time;

  return (
    <div className="flex flex-col gap-4">
      <Field label={t("when")}>
        <Segmented
          label={t("when")}
          value={mode}
          testId="schedule-mode"
          options={[
            { value: "once", label: t("once") },
            { value: "recurring", label: t("recurring") },
          ]}
          onChange={(m) =>
            setField(
              form,
              "schedule",
              m === "once" ? { mode: "once", at: zonedIso(defaultLocal(), timezone) } : { mode: "recurring", cron: "0 9 * * 1" },
            )
          }
        />
      </Field>

      {mode === "once" ? (
        <Field label={t("at")} form={form} path="schedule.at" hint={at ? t("atHint", { iso: at }) : undefined}>
          <Input
            type="datetime-local"
            name="schedule.at"
            data-testid="schedule-at"
            value={localPart(at)}
            onChange={(e) => setField(form, "schedule.at", zonedIso(e.target.value, timezone))}
          />
        </Field>
      ) : (
        <div className="flex flex-col gap-3">
          <Field label={t("repeat")}>
            <Segmented
              label={t("repeat")}
              value={parts.frequency}
              testId="cron-frequency"
              options={[
                { value: "daily", label: t("daily") },
                { value: "weekly", label: t("weekly") },
                { value: "monthly", label: t("monthly") },
                { value: "custom", label: t("custom") },
              ]}
              onChange={(f) => {
                setAdvanced(f === "custom");
                if (f === "daily") setCron({ frequency: "daily", time });
                else if (f === "weekly") setCron({ frequency: "weekly", time, days: ["mon"] });
                else if (f === "monthly") setCron({ frequency: "monthly", time, dayOfMonth: 1 });
              }}
            />
          </Field>
          {parts.frequency !== "custom" ? (
            <div className="flex flex-wrap items-end gap-3">
              <Field label={t("time")}>
                <Input
                  type="time"
                  className="w-32"
                  value={parts.time}
                  data-testid="cron-time"
                  onChange={(e) => e.target.value && setCron({ ...parts, time: e.target.value })}
                />
              </Field>
              {parts.frequency === "monthly" ? (
                <Field label={t("dayOfMonth")}>
                  <Input
                    type="number"
                    min={1}
                    max={31}
                    className="w-24"
                    value={parts.dayOfMonth}
                    onChange={(e) => {
                      const d = Math.min(31, Math.max(1, Number(e.target.value) || 1));
                      setCron({ ...parts, dayOfMonth: d });
                    }}
                  />
                </Field>
              ) : null}
            </div>
          ) : null}
          {parts.frequency === "weekly" ? (
            <Field label={t("weekdays")}>
              <div className="flex flex-wrap gap-1" role="group" aria-label={t("weekdays")}>
                {weekdays.map((d) => {
                  const on = parts.days.includes(d);
                  return (
                    <button
                      key={d}
                      type="button"
                      aria-pressed={on}
                      onClick={() => {
                        const days: Weekday[] = on ? parts.days.filter((x) => x !== d) : [...parts.days, d];
                        if (days.length > 0) setCron({ ...parts, days });
                      }}
                      className={cn(
                        "h-8 min-w-10 rounded-md border px-2 text-xs font-medium transition-colors",
                        on ? "border-primary bg-primary text-primary-foreground" : "bg-background hover:bg-muted",
                      )}
                    >
                      {weekdayLabels[d][locale]}
                    </button>
                  );
                })}
              </div>
            </Field>
          ) : null}
          {parts.frequency === "custom" ? (
            <Field label={t("cron")} hint={t("cronHint")}>
              <Input className="font-mono text-xs" data-testid="cron-raw" {...form.register("schedule.cron")} />
            </Field>
          ) : null}
          <FieldError form={form} path="schedule.cron" />
          {isValidCron(cron) ? (
            <p className="rounded-md bg-accent px-2.5 py-1.5 text-xs text-accent-foreground" data-testid="cron-description">
              {describeCron(cron, locale)} · {timezone}
            </p>
          ) : null}
        </div>
      )}

      <TimezoneField form={form} path="timezone" label={t("timezone")} />
      <EntryAudienceField form={form} path="entry" />
    </div>
  );
}

function defaultLocal(): string {
  const d = new Date(Date.now() + 24 * 3600_000);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T10:00`;
}
