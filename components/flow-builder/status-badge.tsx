"use client";

import { useTranslations } from "use-intl";

import { Badge } from "@/components/ui/badge";

export type FlowStatus = "draft" | "active" | "paused" | "archived";

const variants = { draft: "muted", active: "success", paused: "warning", archived: "outline" } as const;

export function FlowStatusBadge({ status }: { status: FlowStatus }) {
  const t = useTranslations("flowBuilder.status");
  return (
    <Badge variant={variants[status]} data-testid="flow-status">
      {t(status)}
    </Badge>
  );
}
