"use client";

import { useWatch } from "react-hook-form";
import { useLocale, useTranslations } from "use-intl";

import { channelLabels, channels } from "@/server/flows/kinds/shared";
import { notificationVariables } from "@/server/flows/kinds/send_notification/spec";
import type { Localized } from "@/lib/i18n/locale";
import { Combobox } from "@/components/ui/combobox";
import { Input } from "@/components/ui/input";
import { Textarea } from "@/components/ui/textarea";
import { pickable, useFlowReferences } from "../references";
import { Field, Segmented, SelectField, insertAtCaret, setField, useFieldError, useKindForm, useModeSwitch, type InspectorProps, type KindForm } from "../fields";

const sampleValues: Record<keyof typeof notificationVariables, Localized> = {
  "member.name": { en: "Li Na", "zh-CN": "李娜" },
  "member.tier": { en: "Gold", "zh-CN": "金卡" },
  "member.points": { en: "2,480", "zh-CN": "2,480" },
  "member.expiringPoints": { en: "600", "zh-CN": "600" },
  "member.pointsExpireAt": { en: "2026-12-31", "zh-CN": "2026-12-31" },
  "coupon.code": { en: "MF-7K2Q9", "zh-CN": "MF-7K2Q9" },
  "coupon.name": { en: "¥20 off over ¥199", "zh-CN": "满199减20" },
  "coupon.value": { en: "¥20", "zh-CN": "¥20" },
  "coupon.validTo": { en: "2026-12-19", "zh-CN": "2026-12-19" },
  "flow.name": { en: "Spring win-back", "zh-CN": "春季召回" },
};

export function renderSample(text: string, locale: "en" | "zh-CN"): string {
  return text.replace(/\{\{\s*([^}]*?)\s*\}\}/g, (whole, name: string) =>
    Object.hasOwn(sampleValues, name) ? sampleValues[name as keyof typeof sampleValues][locale] : whole,
  );
}

function VariableButtons({ form, path }: { form: KindForm; path: string }) {
  const locale = useLocale();
  const t = useTranslations("flowBuilder.inspectors.send_notification");
  return (
    <div className="flex flex-wrap gap-1" role="group" aria-label={t("insertVariable")}>
      {Object.entries(notificationVariables).map(([name, label]) => (
        <button
          key={name}
          type="button"
          title={label[locale]}
          data-testid={`insert-var-${name}`}
          onMouseDown={(e) => e.preventDefault()}
          onClick={() => insertAtCaret(form, path, `{{${name}}}`)}
          className="rounded border bg-muted/50 px-1.5 py-0.5 font-mono text-[10px] text-muted-foreground hover:border-primary hover:text-primary"
        >
          {`{{${name}}}`}
        </button>
      ))}
    </div>
  );
}

export function SendNotificationInspector(props: InspectorProps) {
  const t = useTranslations("flowBuilder.inspectors.send_notification");
  const f = useTranslations("flowBuilder.fields");
  const locale = useLocale();
  const refs = useFlowReferences();
  const form = useKindForm(props);
  const channel = useWatch({ control: form.control, name: "channel" }) as string;
  const mode = useWatch({ control: form.control, name: "content.mode" }) as "inline" | "template";
  const title = (useWatch({ control: form.control, name: "content.title" }) as string | undefined) ?? "";
  const body = (useWatch({ control: form.control, name: "content.body" }) as string | undefined) ?? "";
  const templateId = (useWatch({ control: form.control, name: "content.templateId" }) as string | undefined) ?? "";
  const hasTitle = channel === "email" || channel === "push" || channel === "in_app";
  const titleInvalid = Boolean(useFieldError(form, "content.title"));
  const bodyInvalid = Boolean(useFieldError(form, "content.body"));
  const template = refs.notificationTemplates.find((n) => n.id === templateId);
  const switchMode = useModeSwitch<"inline" | "template">(form, "content", (m) => (m === "template" ? { mode: "template", templateId: "" } : { mode: "inline", title: "", body: "" }));
  const previewTitle = mode === "template" ? (template?.title ?? "") : title;
  const previewBody = mode === "template" ? (template?.body ?? "") : body;
  return (
    <div className="flex flex-col gap-4">
      <SelectField
        form={form}
        path="channel"
        label={t("channel")}
        testId="notification-channel"
        options={channels.map((c) => ({ value: c, label: channelLabels[c][locale] }))}
      />
      <Field label={t("content")}>
        <Segmented
          label={t("content")}
          value={mode}
          options={[
            { value: "inline", label: t("write") },
            { value: "template", label: t("useTemplate") },
          ]}
          testId="notification-content-mode"
          onChange={switchMode}
        />
      </Field>
      {mode === "template" ? (
        <Field label={t("template")} form={form} path="content.templateId">
          <Combobox
            // Templates of the node's channel: an email's subject and body do not fit an SMS.
            options={pickable(refs.notificationTemplates, templateId)
              .filter((n) => n.channel === channel || n.id === templateId)
              .map((n) => ({
                value: n.id,
                label: n.archived ? f("archivedChoice", { name: n.name }) : n.name,
                description: channelLabels[n.channel as keyof typeof channelLabels]?.[locale] ?? n.channel,
              }))}
            value={templateId || null}
            onValueChange={(v) => setField(form, "content.templateId", v ?? "")}
            emptyText={t("noTemplates")}
            className="w-full"
            aria-label={t("template")}
          />
        </Field>
      ) : (
        <>
          {hasTitle ? (
            <Field label={t("title")} form={form} path="content.title">
              <Input aria-invalid={titleInvalid || undefined} data-testid="notification-title" {...form.register("content.title")} />
              <VariableButtons form={form} path="content.title" />
            </Field>
          ) : null}
          <Field label={t("body")} form={form} path="content.body" hint={t("length", { count: body.length })}>
            <Textarea
              rows={4}
              aria-invalid={bodyInvalid || undefined}
              data-testid="notification-body"
              {...form.register("content.body")}
            />
            <VariableButtons form={form} path="content.body" />
          </Field>
        </>
      )}
      <div className="flex flex-col gap-1.5">
        <span className="text-xs font-medium">{t("preview")}</span>
        <div className="rounded-xl border bg-muted/40 p-3" data-testid="notification-preview">
          <div className="rounded-lg bg-background p-3 shadow-sm">
            <div className="mb-1 text-[10px] font-medium tracking-wide text-muted-foreground uppercase">
              {channelLabels[channel as keyof typeof channelLabels]?.[locale] ?? channel}
            </div>
            {hasTitle && previewTitle ? <div className="text-sm font-semibold">{renderSample(previewTitle, locale)}</div> : null}
            <div className="text-sm whitespace-pre-wrap text-foreground/90">
              {previewBody ? renderSample(previewBody, locale) : <span className="text-muted-foreground">{t("previewEmpty")}</span>}
            </div>
          </div>
          <p className="mt-2 text-[10px] text-muted-foreground">{t("sampleNote")}</p>
        </div>
      </div>
    </div>
  );
}
