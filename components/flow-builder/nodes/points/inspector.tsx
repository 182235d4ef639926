"use client";

import { useWatch } from "react-hook-form";
import { useTranslations } from "use-intl";

import { Field, Segmented, TextField, setField, useKindForm, type InspectorProps } from "../fields";

export function PointsInspector(props: InspectorProps) {
  const t = useTranslations("flowBuilder.inspectors.points");
  const form = useKindForm(props);
  const action = useWatch({ control: form.control, name: "action" }) as string;
  return (
    <div className="flex flex-col gap-4">
      <Field label={t("action")}>
        <Segmented
          label={t("action")}
          value={action}
          options={[
            { value: "award", label: t("award") },
            { value: "deduct", label: t("deduct") },
          ]}
          onChange={(v) => setField(form, "action", v)}
        />
      </Field>
      <TextField form={form} path="amount" type="number" label={t("amount")} />
      <TextField form={form} path="reason" label={t("reason")} hint={t("reasonHint")} />
    </div>
  );
}
