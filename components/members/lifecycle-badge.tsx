"use client";

import { useTranslations } from "use-intl";
import { Badge } from "@/components/ui/badge";

const variants = { new: "info", active: "success", silent: "warning", churn_risk: "warning", churned: "destructive" } as const;

export type LifecycleStage = keyof typeof variants;

export function LifecycleBadge({ stage }: { stage: LifecycleStage }) {
  const t = useTranslations("members.lifecycle");
  return <Badge variant={variants[stage]}>{t(stage)}</Badge>;
}
