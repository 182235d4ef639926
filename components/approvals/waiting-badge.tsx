"use client";

// The flows list's side of publish approval: "Waiting for approval" on a flow, and for approvers a
// line saying how many requests wait for them.
import Link from "next/link";
import { ClockIcon } from "lucide-react";
import { useTranslations } from "use-intl";

import { useCan } from "@/components/shell/session-user";

export function WaitingForApprovalBadge({ flowId }: { flowId: string }) {
  const t = useTranslations("approval.list");
  return (
    <Link
      href={`/flows/${flowId}/review`}
      className="mt-1 flex w-fit items-center gap-1 rounded-full bg-chart-5/15 px-2 py-0.5 text-[11px] font-medium hover:underline"
      data-testid="flow-waiting-approval"
    >
      <ClockIcon className="size-3" aria-hidden /> {t("waiting")}
    </Link>
  );
}

export function ApprovalQueueNote({ flows }: { flows: { id: string; publishRequests: unknown[] }[] }) {
  const t = useTranslations("approval.list");
  const mayApprove = useCan("approveFlows");
  const waiting = flows.filter((f) => f.publishRequests.length > 0);
  if (!mayApprove || waiting.length === 0) return null;
  return (
    <p className="mb-3 flex items-center gap-2 rounded-md bg-chart-5/10 px-3 py-2 text-sm" data-testid="approval-queue">
      <ClockIcon className="size-4" aria-hidden /> {t("queue", { count: waiting.length })}
      <Link href={`/flows/${waiting[0]!.id}/review`} className="ml-auto font-medium hover:underline">
        {t("open")}
      </Link>
    </p>
  );
}
