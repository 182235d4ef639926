"use client";

import { useTranslations } from "use-intl";

import { DurationField, useKindForm, type InspectorProps } from "../fields";

export function DelayInspector(props: InspectorProps) {
  const t = useTranslations("flowBuilder.inspectors.delay");
  const form = useKindForm(props);
  return (
    <div className="flex flex-col gap-4">
      <DurationField form={form} path="" label={t("wait")} />
    </div>
  );
}
