"use client";

import { useTranslations } from "use-intl";

import { Badge } from "@/components/ui/badge";

export type FlowStatus = "draft" | "active" | "paused" | "archived";

const variants = { draft: "muted", active: "success", paused: "warning", archived: "outline" } as const;

/** `idle`: published and active, but nothing will run again (isIdle in live/live-summary.tsx). */
export function FlowStatusBadge({ status, idle = false }: { status: FlowStatus; idle?: boolean }) {
  const t = useTranslations("flowBuilder.status");
  if (status === "active" && idle) {
    return (
      <Badge variant="muted" data-testid="flow-status" data-status="finished" title={t("finishedTitle")}>
        {t("finished")}
      </Badge>
    );
  }
  return (
    <Badge variant={variants[status]} data-testid="flow-status" data-status={status}>
      {t(status)}
    </Badge>
  );
}
