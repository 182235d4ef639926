"use client";

import { useWatch } from "react-hook-form";
import { useTranslations } from "use-intl";

import { Combobox } from "@/components/ui/combobox";
import { pickable, useFlowReferences } from "../references";
import { Field, setField, useKindForm, type InspectorProps } from "../fields";

export function AudienceTriggerInspector(props: InspectorProps) {
  const t = useTranslations("flowBuilder.inspectors.audience_trigger");
  const f = useTranslations("flowBuilder.fields");
  const refs = useFlowReferences();
  const form = useKindForm(props);
  const audienceId = (useWatch({ control: form.control, name: "audienceId" }) as string | undefined) ?? "";
  return (
    <div className="flex flex-col gap-4">
      <Field label={t("audience")} form={form} path="audienceId" hint={t("hint")}>
        <Combobox
          options={pickable(refs.audiences, audienceId).map((a) => ({
            value: a.id,
            label: a.archived ? f("archivedChoice", { name: a.name }) : a.name,
            ...(a.size !== null ? { description: f("audienceSize", { count: a.size }) } : {}),
          }))}
          value={audienceId || null}
          onValueChange={(v) => setField(form, "audienceId", v ?? "")}
          emptyText={f("noAudiences")}
          className="w-full"
        />
      </Field>
    </div>
  );
}
