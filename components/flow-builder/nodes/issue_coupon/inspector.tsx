"use client";

import { useWatch } from "react-hook-form";
import { useTranslations } from "use-intl";

import { Combobox } from "@/components/ui/combobox";
import { pickable, useFlowReferences } from "../references";
import { Field, Segmented, SelectField, TextField, setField, useKindForm, useModeSwitch, type InspectorProps } from "../fields";

export function IssueCouponInspector(props: InspectorProps) {
  const t = useTranslations("flowBuilder.inspectors.issue_coupon");
  const f = useTranslations("flowBuilder.fields");
  const refs = useFlowReferences();
  const form = useKindForm(props);
  const mode = useWatch({ control: form.control, name: "template.mode" }) as "existing" | "inline";
  const id = (useWatch({ control: form.control, name: "template.id" }) as string | undefined) ?? "";
  const type = useWatch({ control: form.control, name: "template.type" }) as string | undefined;
  const switchMode = useModeSwitch<"existing" | "inline">(form, "template", (m) =>
    m === "existing" ? { mode: "existing", id: "" } : { mode: "inline", name: "", type: "amount", value: 20, minSpend: 100, validDays: 7 },
  );
  const describe = (c: (typeof refs.couponTemplates)[number]) =>
    c.type === "percent"
      ? t("percentOff", { value: c.value, min: c.minSpend })
      : t("amountOff", { value: c.value, min: c.minSpend });
  return (
    <div className="flex flex-col gap-4">
      <Field label={t("coupon")}>
        <Segmented
          label={t("coupon")}
          value={mode}
          testId="coupon-mode"
          options={[
            { value: "existing", label: t("existing") },
            { value: "inline", label: t("inline") },
          ]}
          onChange={switchMode}
        />
      </Field>
      {mode === "existing" ? (
        <Field label={t("template")} form={form} path="template.id">
          <Combobox
            options={pickable(refs.couponTemplates, id).map((c) => ({
              value: c.id,
              label: c.archived ? f("archivedChoice", { name: c.name }) : c.name,
              description: describe(c),
            }))}
            value={id || null}
            onValueChange={(v) => setField(form, "template.id", v ?? "")}
            emptyText={t("noTemplates")}
            className="w-full"
            aria-label={t("template")}
          />
        </Field>
      ) : (
        <div className="flex flex-col gap-3 rounded-lg border bg-muted/20 p-3">
          <TextField form={form} path="template.name" label={t("name")} testId="coupon-name" />
          <SelectField
            form={form}
            path="template.type"
            label={t("type")}
            options={[
              { value: "amount", label: t("typeAmount") },
              { value: "percent", label: t("typePercent") },
            ]}
          />
          <div className="grid grid-cols-2 gap-3">
            <TextField form={form} path="template.value" type="number" label={type === "percent" ? t("valuePercent") : t("valueAmount")} testId="coupon-value" />
            <TextField form={form} path="template.minSpend" type="number" label={t("minSpend")} />
          </div>
          <TextField form={form} path="template.validDays" type="number" label={t("validDays")} />
        </div>
      )}
    </div>
  );
}
