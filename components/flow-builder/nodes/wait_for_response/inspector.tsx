"use client";

import { useWatch } from "react-hook-form";
import { useLocale, useTranslations } from "use-intl";

import { findNodeKindSpec } from "@/server/flows/kinds";
import { memberEvents } from "@/server/flows/kinds/event_trigger/spec";
import { Input } from "@/components/ui/input";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { DurationField, Field, PropertyConditionsField, useKindForm, type InspectorProps } from "../fields";

const eventTypes = ["coupon.redeemed", "order.placed", "notification.opened", "notification.clicked", "banner.clicked", "custom"] as const;
type EventType = (typeof eventTypes)[number];
const sourceKind: Partial<Record<EventType, string>> = {
  "coupon.redeemed": "issue_coupon",
  "notification.opened": "send_notification",
  "notification.clicked": "send_notification",
  "banner.clicked": "show_banner",
};

export function WaitForResponseInspector(props: InspectorProps) {
  const t = useTranslations("flowBuilder.inspectors.wait_for_response");
  const locale = useLocale();
  const form = useKindForm(props);
  const event = (useWatch({ control: form.control, name: "event" }) as { type: EventType; sourceNodeId?: string } | undefined) ?? {
    type: "order.placed",
  };
  const window = useWatch({ control: form.control, name: "window" });
  const wanted = sourceKind[event.type];
  const candidates = wanted ? props.nodes.filter((n) => n.kind === wanted) : [];
  const label = (id: string) => {
    const n = props.nodes.find((x) => x.id === id);
    return n ? `${n.name || findNodeKindSpec(n.kind)?.label[locale] || n.kind} · ${n.id}` : id;
  };

  const setEvent = (type: EventType) => {
    const kind = sourceKind[type];
    const first = kind ? (props.nodes.find((n) => n.kind === kind)?.id ?? "") : "";
    const next =
      type === "order.placed"
        ? { type, conditions: [] }
        : type === "custom"
          ? { type, name: "", conditions: [] }
          : { type, sourceNodeId: event.sourceNodeId && props.nodes.find((n) => n.id === event.sourceNodeId)?.kind === kind ? event.sourceNodeId : first };
    form.replace({ event: next, window });
  };

  return (
    <div className="flex flex-col gap-4">
      <Field label={t("event")} form={form} path="event">
        <Select value={event.type} onValueChange={(v) => setEvent(v as EventType)}>
          <SelectTrigger className="w-full" name="event.type" data-testid="response-event">
            <SelectValue />
          </SelectTrigger>
          <SelectContent>
            {eventTypes.map((type) => (
              <SelectItem key={type} value={type}>
                {t(`events.${type.replace(".", "_") as "coupon_redeemed"}`)}
              </SelectItem>
            ))}
          </SelectContent>
        </Select>
      </Field>
      {wanted ? (
        <Field label={t("source")} form={form} path="event.sourceNodeId" hint={candidates.length === 0 ? t("noSource") : t("sourceHint")}>
          <Select value={event.sourceNodeId ?? ""} onValueChange={(v) => form.replace({ event: { ...event, sourceNodeId: v }, window })}>
            <SelectTrigger className="w-full" name="event.sourceNodeId" data-testid="response-source">
              <SelectValue placeholder={t("pickSource")} />
            </SelectTrigger>
            <SelectContent>
              {candidates.map((n) => (
                <SelectItem key={n.id} value={n.id}>
                  {label(n.id)}
                </SelectItem>
              ))}
            </SelectContent>
          </Select>
        </Field>
      ) : null}
      {event.type === "custom" ? (
        <Field label={t("eventName")} form={form} path="event.name">
          <Input className="font-mono text-xs" placeholder="app.opened" list="response-event-names" {...form.register("event.name")} />
          {/* The product's own events (tag.added, badge.granted, tier.changed …) as suggestions; any name may be typed. */}
          <datalist id="response-event-names">
            {Object.keys(memberEvents).map((name) => (
              <option key={name} value={name} />
            ))}
          </datalist>
        </Field>
      ) : null}
      {event.type === "custom" || event.type === "order.placed" ? (
        <PropertyConditionsField form={form} path="event.conditions" label={t("conditions")} />
      ) : null}
      <DurationField form={form} path="window" label={t("window")} />
      <p className="rounded-md bg-muted/60 px-2.5 py-2 text-xs leading-relaxed text-muted-foreground">{t("branches")}</p>
    </div>
  );
}
