"use client";

import { useEffect, useRef } from "react";
import { useForm, useWatch, type FieldValues, type Resolver } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { useLocale, useTranslations } from "use-intl";
import type { z } from "zod";

import { channelLabels, channels } from "@/server/flows/kinds/shared";
import { memberEvents } from "@/server/flows/kinds/event_trigger/spec";
import { flowSettingsSchema, type FlowSettings } from "@/server/flows/definition";
import { Sheet, SheetBody, SheetContent, SheetDescription, SheetHeader, SheetTitle } from "@/components/ui/sheet";
import { Input } from "@/components/ui/input";
import { Switch } from "@/components/ui/switch";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Field, FieldError, PropertyConditionsField, Segmented, TimezoneSelect, setField, type KindForm } from "./nodes/fields";

type Props = {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  settings: FlowSettings;
  readOnly?: boolean;
  onChange: (settings: FlowSettings, field: string) => void;
};

/** Flow-wide rules: time zone, re-entry, caps, quiet hours, send rates, goal, attribution. */
export function SettingsSheet({ open, onOpenChange, settings, onChange, readOnly }: Props) {
  const t = useTranslations("flowBuilder.settings");
  return (
    <Sheet open={open} onOpenChange={onOpenChange}>
      <SheetContent className="sm:max-w-lg" data-testid="settings-sheet">
        <SheetHeader>
          <SheetTitle>{t("title")}</SheetTitle>
          <SheetDescription>{t("description")}</SheetDescription>
        </SheetHeader>
        <SheetBody className="overflow-y-auto">
          {open ? <SettingsForm settings={settings} onChange={onChange} readOnly={readOnly} /> : null}
        </SheetBody>
      </SheetContent>
    </Sheet>
  );
}

function SettingsForm({ settings, onChange, readOnly }: Pick<Props, "settings" | "onChange" | "readOnly">) {
  const t = useTranslations("flowBuilder.settings");
  const locale = useLocale();
  const base = useForm<FieldValues>({
    resolver: zodResolver(flowSettingsSchema as unknown as z.ZodType<FieldValues, FieldValues>) as Resolver<FieldValues>,
    defaultValues: structuredClone(settings),
    mode: "all",
    disabled: readOnly,
  });
  const form = base as KindForm;
  const emitted = useRef<unknown>(settings);
  const onChangeRef = useRef(onChange);
  useEffect(() => {
    onChangeRef.current = onChange;
  }, [onChange]);
  useEffect(() => {
    void base.trigger();
    // A watch() subscription pushes every edit to the draft without re-rendering the form; the
    // React Compiler then leaves this hook unmemoised, which is what a subscription needs.
    // eslint-disable-next-line react-hooks/incompatible-library
    const sub = base.watch((values, { name }) => {
      const next = structuredClone(values) as FlowSettings;
      emitted.current = next;
      onChangeRef.current(next, name ?? "");
    });
    return () => sub.unsubscribe();
  }, [base]);
  useEffect(() => {
    if (settings === emitted.current) return;
    emitted.current = settings;
    base.reset(structuredClone(settings));
  }, [settings, base]);

  const v = useWatch({ control: base.control }) as FlowSettings;
  const reEntry = v.reEntry?.mode ?? "once";

  return (
    <div className="flex flex-col gap-6 py-1">
      <Section title={t("timingTitle")}>
        <Field label={t("timezone")} form={form} path="timezone" hint={t("timezoneHint")}>
          <TimezoneSelect value={v.timezone ?? ""} onChange={(z) => setField(form, "timezone", z)} />
        </Field>
        <Field label={t("quietHours")} hint={t("quietHoursHint")} form={form} path="quietHours.end">
          <div className="flex items-center gap-3">
            <Switch
              checked={v.quietHours !== null && v.quietHours !== undefined}
              aria-label={t("quietHours")}
              onCheckedChange={(on) => setField(form, "quietHours", on ? { start: "22:00", end: "08:00" } : null)}
            />
            {v.quietHours ? (
              <div className="flex items-center gap-2 text-sm">
                <Input type="time" className="w-28" aria-label={t("quietStart")} {...base.register("quietHours.start")} />
                <span className="text-muted-foreground">–</span>
                <Input type="time" className="w-28" aria-label={t("quietEnd")} {...base.register("quietHours.end")} />
              </div>
            ) : (
              <span className="text-xs text-muted-foreground">{t("quietOff")}</span>
            )}
          </div>
        </Field>
      </Section>

      <Section title={t("entryTitle")}>
        <Field label={t("reEntry")} form={form} path="reEntry.days">
          <Segmented
            label={t("reEntry")}
            value={reEntry}
            options={[
              { value: "once", label: t("reEntryOnce") },
              { value: "after_exit", label: t("reEntryAfterExit") },
              { value: "cooldown", label: t("reEntryCooldown") },
            ]}
            onChange={(m) => setField(form, "reEntry", m === "cooldown" ? { mode: "cooldown", days: 30 } : { mode: m })}
          />
          {reEntry === "cooldown" ? (
            <div className="flex items-center gap-2 text-sm">
              <Input type="number" min={1} className="w-24" aria-label={t("cooldownDays")} {...base.register("reEntry.days", { valueAsNumber: true })} />
              <span className="text-muted-foreground">{t("cooldownDays")}</span>
            </div>
          ) : null}
        </Field>
      </Section>

      <Section title={t("capsTitle")} description={t("capsDescription")}>
        <div className="grid grid-cols-[1fr_auto_auto] items-center gap-x-3 gap-y-2 text-sm">
          <span className="text-xs font-medium text-muted-foreground">{t("channel")}</span>
          <span className="text-xs font-medium text-muted-foreground">{t("cap")}</span>
          <span className="text-xs font-medium text-muted-foreground">{t("rate")}</span>
          {channels.map((c) => {
            const cap = v.frequencyCaps?.[c];
            const rate = v.sendRateLimits?.[c];
            return (
              <div key={c} className="contents">
                <span>{channelLabels[c][locale]}</span>
                <div className="flex items-center gap-1.5">
                  <Switch
                    checked={cap !== undefined}
                    aria-label={t("capFor", { channel: channelLabels[c][locale] })}
                    onCheckedChange={(on) => setField(form, `frequencyCaps.${c}`, on ? { max: 2, days: 7 } : undefined)}
                  />
                  {cap ? (
                    <>
                      <Input type="number" min={1} className="h-8 w-14" aria-label={t("capMax")} {...base.register(`frequencyCaps.${c}.max`, { valueAsNumber: true })} />
                      <span className="text-xs text-muted-foreground">{t("per")}</span>
                      <Input type="number" min={1} className="h-8 w-14" aria-label={t("capDays")} {...base.register(`frequencyCaps.${c}.days`, { valueAsNumber: true })} />
                      <span className="text-xs text-muted-foreground">{t("days")}</span>
                    </>
                  ) : null}
                </div>
                <div className="flex items-center gap-1.5">
                  <Switch
                    checked={rate !== undefined}
                    aria-label={t("rateFor", { channel: channelLabels[c][locale] })}
                    onCheckedChange={(on) => setField(form, `sendRateLimits.${c}`, on ? 1000 : undefined)}
                  />
                  {rate !== undefined ? (
                    <>
                      <Input type="number" min={1} className="h-8 w-20" aria-label={t("perMinute")} {...base.register(`sendRateLimits.${c}`, { valueAsNumber: true })} />
                      <span className="text-xs text-muted-foreground">{t("perMinute")}</span>
                    </>
                  ) : null}
                </div>
              </div>
            );
          })}
        </div>
        {channels.map((c) => (
          <FieldError key={c} form={form} path={`frequencyCaps.${c}.max`} />
        ))}
      </Section>

      <Section title={t("goalTitle")} description={t("goalDescription")}>
        <div className="flex items-center gap-3">
          <Switch
            checked={Boolean(v.goal)}
            aria-label={t("goal")}
            onCheckedChange={(on) => setField(form, "goal", on ? { event: "order.placed", conditions: [], windowDays: 7 } : null)}
          />
          <span className="text-sm">{v.goal ? t("goalOn") : t("goalOff")}</span>
        </div>
        {v.goal ? (
          <div className="flex flex-col gap-3 rounded-lg border p-3">
            <Field label={t("goalEvent")} form={form} path="goal.event">
              <Select value={v.goal.event} onValueChange={(e) => setField(form, "goal.event", e)}>
                <SelectTrigger className="w-full">
                  <SelectValue />
                </SelectTrigger>
                <SelectContent>
                  {Object.entries(memberEvents).map(([name, label]) => (
                    <SelectItem key={name} value={name}>
                      {label[locale]}
                    </SelectItem>
                  ))}
                  {!Object.hasOwn(memberEvents, v.goal.event) ? <SelectItem value={v.goal.event}>{v.goal.event}</SelectItem> : null}
                </SelectContent>
              </Select>
            </Field>
            <PropertyConditionsField form={form} path="goal.conditions" label={t("goalConditions")} />
            <Field label={t("goalWindow")} form={form} path="goal.windowDays">
              <div className="flex items-center gap-2 text-sm">
                <Input type="number" min={1} className="w-24" {...base.register("goal.windowDays", { valueAsNumber: true })} />
                <span className="text-muted-foreground">{t("days")}</span>
              </div>
            </Field>
          </div>
        ) : null}
        <Field label={t("conversionWindow")} form={form} path="conversionWindowDays" hint={t("conversionWindowHint")}>
          <div className="flex items-center gap-2 text-sm">
            <Input type="number" min={1} className="w-24" {...base.register("conversionWindowDays", { valueAsNumber: true })} />
            <span className="text-muted-foreground">{t("days")}</span>
          </div>
        </Field>
      </Section>
    </div>
  );
}

function Section({ title, description, children }: { title: string; description?: string; children: React.ReactNode }) {
  return (
    <section className="flex flex-col gap-3">
      <div>
        <h3 className="text-sm font-semibold">{title}</h3>
        {description ? <p className="text-xs text-muted-foreground">{description}</p> : null}
      </div>
      {children}
    </section>
  );
}
