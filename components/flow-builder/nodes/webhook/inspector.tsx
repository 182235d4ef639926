"use client";

import { useFieldArray, useWatch } from "react-hook-form";
import { PlusIcon, Trash2Icon } from "lucide-react";
import { useTranslations } from "use-intl";

import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Textarea } from "@/components/ui/textarea";
import { Field, FieldError, SelectField, TextField, useKindForm, type InspectorProps } from "../fields";

export function WebhookInspector(props: InspectorProps) {
  const t = useTranslations("flowBuilder.inspectors.webhook");
  const form = useKindForm(props);
  const method = useWatch({ control: form.control, name: "method" }) as string;
  const headers = useFieldArray({ control: form.control, name: "headers", keyName: "key" });
  return (
    <div className="flex flex-col gap-4">
      <TextField form={form} path="url" type="url" label={t("url")} placeholder="https://" />
      <SelectField form={form} path="method" label={t("method")} options={["POST", "PUT", "PATCH", "GET"].map((m) => ({ value: m, label: m }))} />
      <Field label={t("headers")} form={form} path="headers">
        <div className="flex flex-col gap-1.5">
          {headers.fields.map((h, i) => (
            <div key={h.key} className="flex flex-col gap-1">
              <div className="flex gap-1.5">
                <Input aria-label={t("headerName")} placeholder="X-Source" className="h-8 flex-1 font-mono text-xs" {...form.register(`headers.${i}.name`)} />
                <Input aria-label={t("headerValue")} className="h-8 flex-1 text-xs" {...form.register(`headers.${i}.value`)} />
                <Button variant="ghost" size="icon-sm" aria-label={t("removeHeader")} onClick={() => headers.remove(i)}>
                  <Trash2Icon />
                </Button>
              </div>
              <FieldError form={form} path={`headers.${i}.name`} />
            </div>
          ))}
          <Button variant="outline" size="sm" className="self-start" onClick={() => headers.append({ name: "", value: "" })}>
            <PlusIcon /> {t("addHeader")}
          </Button>
        </div>
      </Field>
      <Field label={t("body")} form={form} path="bodyTemplate" hint={t("bodyHint", { example: "{{member.id}}" })}>
        <Textarea rows={5} className="font-mono text-xs" disabled={method === "GET"} {...form.register("bodyTemplate")} />
      </Field>
    </div>
  );
}
