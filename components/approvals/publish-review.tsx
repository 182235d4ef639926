"use client";

// /flows/[id]/review: a publish request as the approver reads it — who asked and why, the changes
// against the live version (the versions view's diff), the entry audience and the engine's forecast
// of the requested snapshot — and the decision: approve (publishes that snapshot) or reject with a
// comment. The requester sees the same page with the decision and its comment.
import { useState } from "react";
import Link from "next/link";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ArrowLeftIcon, CheckIcon, TriangleAlertIcon, XIcon } from "lucide-react";
import { useFormatter, useTranslations } from "use-intl";

import { useTRPC } from "@/trpc/react";
import { useCan, useSessionUser } from "@/components/shell/session-user";
import { PageBody, PageHeader } from "@/components/shell/page-header";
import { DiffView } from "@/components/flow-builder/versions-sheet";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Label } from "@/components/ui/label";
import { Skeleton } from "@/components/ui/skeleton";
import { Textarea } from "@/components/ui/textarea";
import { toast } from "@/components/ui/toast";

export function PublishReview({ flowId, flowName }: { flowId: string; flowName: string }) {
  const t = useTranslations("approval.review");
  const trpc = useTRPC();
  const state = useQuery(trpc.approvals.forFlow.queryOptions({ flowId }));
  const requestId = state.data?.pending?.id ?? state.data?.lastDecision?.id;
  const back = (
    <Link href={`/flows/${flowId}`} className="flex items-center gap-1 text-xs text-muted-foreground hover:underline">
      <ArrowLeftIcon className="size-3" /> {t("back")}
    </Link>
  );
  return (
    <>
      <PageHeader eyebrow={back} title={t("title", { name: flowName })} />
      <PageBody>
        {state.isPending ? (
          <Skeleton className="h-40 w-full" />
        ) : requestId ? (
          <RequestReview requestId={requestId} flowId={flowId} />
        ) : (
          <EmptyState icon={CheckIcon} title={t("none")} />
        )}
      </PageBody>
    </>
  );
}

function RequestReview({ requestId, flowId }: { requestId: string; flowId: string }) {
  const t = useTranslations("approval.review");
  const format = useFormatter();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useSessionUser();
  const mayApprove = useCan("approveFlows");
  const review = useQuery(trpc.approvals.review.queryOptions({ requestId }));
  const request = review.data?.request;
  const pending = request?.status === "pending";
  const own = request?.requestedBy.id === me?.id;
  const [comment, setComment] = useState("");
  const [error, setError] = useState<string | null>(null);

  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.approvals.review.queryKey({ requestId }) }),
      queryClient.invalidateQueries({ queryKey: trpc.approvals.forFlow.queryKey({ flowId }) }),
      queryClient.invalidateQueries({ queryKey: trpc.flows.list.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.flows.get.queryKey({ id: flowId }) }),
    ]);
  const onError = (e: { message: string; data?: unknown }) => {
    const fields = (e.data as { zodError?: { fieldErrors?: Record<string, string[]> } } | undefined)?.zodError?.fieldErrors;
    setError(fields?.comment?.[0] ?? e.message);
    toast.error(t("failed"), e.message);
  };
  const approve = useMutation(
    trpc.approvals.approve.mutationOptions({
      onSuccess: (published) => {
        toast.success(t("approvedDone", { version: published.version }));
        void refresh();
      },
      onError,
    }),
  );
  const reject = useMutation(
    trpc.approvals.reject.mutationOptions({
      onSuccess: () => {
        toast.success(t("rejectedDone"));
        void refresh();
      },
      onError,
    }),
  );

  if (!review.data || !request) return <Skeleton className="h-40 w-full" />;
  const { diff, liveVersion, issues, draftChangedSince } = review.data;
  const errors = issues.filter((i) => i.severity === "error").length;
  const when = (at: Date) => format.dateTime(at, { dateStyle: "medium", timeStyle: "short" });

  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_22rem]" data-testid="publish-review" data-status={request.status}>
      <div className="flex min-w-0 flex-col gap-4">
        <Card>
          <CardHeader>
            <CardTitle data-testid="review-status">{t(`status.${request.status}`)}</CardTitle>
            <CardDescription>{t("requestedBy", { name: request.requestedBy.name, when: when(request.requestedAt) })}</CardDescription>
          </CardHeader>
          <CardContent className="flex flex-col gap-2 text-sm">
            <p>
              <span className="font-medium">{t("note")}: </span>
              {request.note || <span className="text-muted-foreground">{t("noNote")}</span>}
            </p>
            {request.migrate ? <p className="text-muted-foreground">{t("migrate")}</p> : null}
            {request.decidedBy && request.decidedAt ? (
              <div className="rounded-md border p-3" data-testid="review-decision">
                <p className="font-medium">{t("decided", { status: t(`status.${request.status}`), name: request.decidedBy.name, when: when(request.decidedAt) })}</p>
                {request.comment ? <p className="mt-1 whitespace-pre-wrap" data-testid="review-comment">{request.comment}</p> : null}
              </div>
            ) : null}
            {pending && draftChangedSince ? (
              <p className="flex items-center gap-2 rounded-md bg-warning/15 px-3 py-2 text-xs">
                <TriangleAlertIcon className="size-4 shrink-0" aria-hidden /> {t("draftMoved")}
              </p>
            ) : null}
            {pending && errors > 0 ? <p className="text-xs text-destructive">{t("issues", { count: errors })}</p> : null}
          </CardContent>
        </Card>
        <DiffView diff={diff} nodes={[]} title={liveVersion ? t("diffLive", { version: liveVersion.version }) : t("diffFirst")} />
      </div>
      <aside className="flex flex-col gap-4 self-start">
        {pending && mayApprove ? <ForecastCard requestId={requestId} /> : null}
        {pending ? (
          <Card>
            <CardContent className="flex flex-col gap-3 p-4">
              {!mayApprove ? (
                <p className="text-sm text-muted-foreground">{t("notApprover")}</p>
              ) : own ? (
                <p className="text-sm text-muted-foreground" data-testid="review-own">
                  {t("ownRequest")}
                </p>
              ) : (
                <>
                  <Label htmlFor="review-comment">{t("comment")}</Label>
                  <Textarea
                    id="review-comment"
                    value={comment}
                    maxLength={1000}
                    placeholder={t("commentPlaceholder")}
                    onChange={(e) => {
                      setComment(e.target.value);
                      setError(null);
                    }}
                    aria-invalid={error ? true : undefined}
                    data-testid="review-comment-input"
                  />
                  {error ? (
                    <p className="text-xs text-destructive" role="alert" data-testid="review-error">
                      {error}
                    </p>
                  ) : null}
                  <div className="flex gap-2">
                    <Button
                      loading={approve.isPending}
                      disabled={reject.isPending || errors > 0}
                      onClick={() => approve.mutate({ requestId, ...(comment.trim() ? { comment: comment.trim() } : {}) })}
                      data-testid="review-approve"
                    >
                      <CheckIcon /> {t("approve")}
                    </Button>
                    <Button
                      variant="outline"
                      loading={reject.isPending}
                      disabled={approve.isPending}
                      onClick={() => reject.mutate({ requestId, comment })}
                      data-testid="review-reject"
                    >
                      <XIcon /> {t("reject")}
                    </Button>
                  </div>
                </>
              )}
            </CardContent>
          </Card>
        ) : null}
      </aside>
    </div>
  );
}

/** The engine's forecast of the requested snapshot (seconds on a large base; nothing is issued). */
function ForecastCard({ requestId }: { requestId: string }) {
  const t = useTranslations("approval.review");
  const format = useFormatter();
  const trpc = useTRPC();
  const forecast = useQuery({ ...trpc.approvals.forecast.queryOptions({ requestId }), retry: false, staleTime: 60_000 });
  const f = forecast.data;
  const sent = f?.messages.filter((m) => m.status !== "suppressed").reduce((sum, m) => sum + m.count, 0) ?? 0;
  const held = f?.messages.filter((m) => m.status === "suppressed").reduce((sum, m) => sum + m.count, 0) ?? 0;
  return (
    <Card data-testid="review-forecast">
      <CardHeader>
        <CardTitle>{t("forecast")}</CardTitle>
        <CardDescription>{t("forecastHint")}</CardDescription>
      </CardHeader>
      <CardContent className="flex flex-col gap-2 text-sm">
        {forecast.isPending ? (
          <Skeleton className="h-24 w-full" />
        ) : forecast.error ? (
          <p className="text-muted-foreground">{t("forecastUnavailable", { reason: forecast.error.message })}</p>
        ) : f ? (
          <dl className="grid grid-cols-[1fr_auto] gap-x-4 gap-y-1.5">
            <dt>{t("audience")}</dt>
            <dd className="text-right tabular-nums" data-testid="review-audience">
              {format.number(f.audience)}
            </dd>
            <dt>{t("entering")}</dt>
            <dd className="text-right tabular-nums">{format.number(f.entering)}</dd>
            <dt>{t("coupons")}</dt>
            <dd className="text-right tabular-nums" data-testid="review-coupons">
              {format.number(f.coupons.count)}
            </dd>
            <dt>{t("faceValue")}</dt>
            <dd className="text-right tabular-nums" data-testid="review-face-value">
              ¥{format.number(f.coupons.faceValue)}
            </dd>
            <dt>{t("messages")}</dt>
            <dd className="text-right tabular-nums" data-testid="review-messages">
              {format.number(sent)}
            </dd>
            {held > 0 ? <dd className="col-span-2 text-xs text-muted-foreground">{t("messagesSuppressed", { count: format.number(held) })}</dd> : null}
            {f.sample ? <dd className="col-span-2 text-xs text-muted-foreground">{t("sampled", { count: format.number(f.sample) })}</dd> : null}
          </dl>
        ) : null}
      </CardContent>
    </Card>
  );
}
