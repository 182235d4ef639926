"use client";

import { useTranslations } from "use-intl";

import type { InspectorProps } from "../fields";

export function ExitInspector(_props: InspectorProps) {
  const t = useTranslations("flowBuilder.inspectors.exit");
  return <p className="text-sm leading-relaxed text-muted-foreground">{t("about")}</p>;
}
