"use client";

// The builder's side of publish approval: whether this user's Publish becomes a request, the
// request waiting now (withdraw it, or review it as an approver), and the latest decision with its
// comment. The server decides regardless: flows.publish refuses a marketer while approval is on.
import Link from "next/link";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useFormatter, useTranslations } from "use-intl";
import { ClockIcon } from "lucide-react";

import { useTRPC } from "@/trpc/react";
import { useCan, useSessionUser } from "@/components/shell/session-user";
import { Button } from "@/components/ui/button";
import { toast } from "@/components/ui/toast";

export type RequestChoice = { note: string; migrate?: { removedNodeTargets: Record<string, string> } };

export function usePublishApproval(flowId: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const mayApprove = useCan("approveFlows");
  const setting = useQuery(trpc.approvals.setting.queryOptions());
  const state = useQuery(trpc.approvals.forFlow.queryOptions({ flowId }));
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.approvals.forFlow.queryKey({ flowId }) }),
      queryClient.invalidateQueries({ queryKey: trpc.flows.list.queryKey() }),
    ]);
  const request = useMutation(trpc.approvals.request.mutationOptions({ onSettled: () => void refresh() }));
  const withdraw = useMutation(trpc.approvals.withdraw.mutationOptions({ onSettled: () => void refresh() }));
  return {
    /** Publish sends a request instead (approvers publish directly). */
    needsApproval: !mayApprove && (setting.data?.publishNeedsApproval ?? false),
    pending: state.data?.pending ?? null,
    lastDecision: state.data?.lastDecision ?? null,
    request: (choice: RequestChoice) =>
      request.mutateAsync({ flowId, ...(choice.note.trim() ? { note: choice.note.trim() } : {}), ...(choice.migrate ? { migrate: choice.migrate } : {}) }),
    requesting: request.isPending,
    withdraw: withdraw.mutateAsync,
    withdrawing: withdraw.isPending,
  };
}

/** Beside the version label: "Waiting for approval" (with Withdraw or Review), else the latest decision. */
export function PublishApprovalStatus({ flowId, approval }: { flowId: string; approval: ReturnType<typeof usePublishApproval> }) {
  const t = useTranslations("approval.builder");
  const format = useFormatter();
  const me = useSessionUser();
  const mayApprove = useCan("approveFlows");
  const { pending, lastDecision } = approval;
  if (pending) {
    return (
      <span className="flex items-center gap-1.5 whitespace-nowrap" data-testid="approval-pending">
        <span
          className="flex items-center gap-1 rounded-full bg-chart-5/15 px-2 py-0.5 text-[11px] font-medium"
          title={t("waitingHint", { name: pending.requestedBy.name, when: format.relativeTime(pending.requestedAt) })}
        >
          <ClockIcon className="size-3" aria-hidden /> {t("waiting")}
        </span>
        {pending.requestedBy.id === me?.id ? (
          <Button
            variant="ghost"
            size="sm"
            className="h-6 px-2 text-xs"
            loading={approval.withdrawing}
            data-testid="approval-withdraw"
            onClick={() =>
              void approval.withdraw({ requestId: pending.id }).then(
                () => toast.success(t("withdrawn")),
                (error: Error) => toast.error(error.message),
              )
            }
          >
            {t("withdraw")}
          </Button>
        ) : null}
        {mayApprove ? (
          <Button variant="outline" size="sm" className="h-6 px-2 text-xs" asChild>
            <Link href={`/flows/${flowId}/review`} data-testid="approval-review-link">
              {t("review")}
            </Link>
          </Button>
        ) : null}
      </span>
    );
  }
  if (!lastDecision?.decidedBy) return null;
  const text =
    lastDecision.status === "rejected"
      ? t("rejected", { name: lastDecision.decidedBy.name, comment: lastDecision.comment ?? "" })
      : t("approved", { name: lastDecision.decidedBy.name, version: lastDecision.publishedVersion ?? 0 });
  return (
    <Link
      href={`/flows/${flowId}/review`}
      className={
        lastDecision.status === "rejected"
          ? "max-w-[20rem] truncate rounded-full bg-destructive/10 px-2 py-0.5 text-[11px] font-medium text-destructive"
          : "max-w-[20rem] truncate rounded-full bg-success/15 px-2 py-0.5 text-[11px] font-medium"
      }
      title={text}
      data-testid="approval-decision"
      data-status={lastDecision.status}
    >
      {text}
    </Link>
  );
}
