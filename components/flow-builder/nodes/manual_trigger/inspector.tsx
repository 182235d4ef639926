"use client";

import { useTranslations } from "use-intl";

import type { InspectorProps } from "../fields";

export function ManualTriggerInspector(_props: InspectorProps) {
  const t = useTranslations("flowBuilder.inspectors.manual_trigger");
  return <p className="text-sm leading-relaxed text-muted-foreground">{t("about")}</p>;
}
