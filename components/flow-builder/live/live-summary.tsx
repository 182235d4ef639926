"use client";

// What a running flow is doing, in one line beside its status: members in flight, completed, and
// when it last ran (how many entered) or runs next. The editor's header reads the live query
// (refreshed with the canvas); the flows list reads the summary its list query carries.
import { useSyncExternalStore } from "react";
import { useFormatter, useNow, useTranslations } from "use-intl";

import { cn } from "@/lib/utils";
import type { RouterOutputs } from "@/trpc/react";
import { useFlowLive } from "./live-counts";

type Summary = RouterOutputs["flows"]["list"][number]["live"];

const noSubscription = () => () => {};

function useRunText() {
  const t = useTranslations("flowBuilder.live");
  const format = useFormatter();
  const now = useNow({ updateInterval: 15_000 });
  // Relative times differ between the server's render and the browser's: absolute until hydrated.
  const hydrated = useSyncExternalStore(noSubscription, () => true, () => false);
  const when = (at: Date) =>
    hydrated ? format.relativeTime(at, now) : format.dateTime(at, { dateStyle: "medium", timeStyle: "short" });
  return (summary: Summary) => {
    const run = summary.lastRun;
    if (run && (run.status === "pending" || run.status === "running")) {
      return t("running", { when: when(run.startedAt ?? run.dueAt), count: run.entered });
    }
    const last = run ? t("lastRun", { when: when(run.finishedAt ?? run.dueAt), count: run.entered }) : null;
    // What comes next: a time, else what the flow waits for, else (published and idle) nothing.
    const listener = summary.listensFor[0];
    const next = summary.nextRunAt
      ? t("nextRun", { when: when(summary.nextRunAt) })
      : listener
        ? listener.kind === "event_trigger"
          ? t("listensEvent", { event: listener.eventName ?? "" })
          : t(`listens.${listener.kind === "date_trigger" || listener.kind === "audience_trigger" ? listener.kind : "manual_trigger"}`)
        : isIdle(summary)
          ? t("nothingToRun")
          : null;
    return [last, next].filter(Boolean).join(" · ") || t("notRun");
  };
}

/**
 * Published and active, yet nothing will ever run again: no time ahead, no trigger waiting for an
 * event, a date, an audience or a hand, no member in flight, no run going on. Shown as such, never
 * as "Active".
 */
export function isIdle(summary: Pick<Summary, "nextRunAt" | "listensFor" | "totals" | "lastRun">): boolean {
  const running = summary.lastRun?.status === "pending" || summary.lastRun?.status === "running";
  return !summary.nextRunAt && summary.listensFor.length === 0 && summary.totals.inFlight === 0 && !running;
}

function Figures({ summary, className, testId, stacked = false }: { summary: Summary; className?: string; testId: string; stacked?: boolean }) {
  const t = useTranslations("flowBuilder.live");
  const format = useFormatter();
  const runText = useRunText();
  const { totals } = summary;
  const exact = new Date(summary.lastRun?.finishedAt ?? summary.lastRun?.dueAt ?? summary.nextRunAt ?? 0);
  const counts = (
    <span className="flex items-center gap-x-1.5">
      <span data-testid="live-in-flight" data-count={totals.inFlight}>
        <span className="font-semibold text-foreground">{format.number(totals.inFlight)}</span> {t("inFlight")}
      </span>
      <span aria-hidden>·</span>
      <span data-testid="live-completed" data-count={totals.completed}>
        <span className="font-semibold text-foreground">{format.number(totals.completed)}</span> {t("completed")}
      </span>
      {totals.converted > 0 ? (
        <>
          <span aria-hidden>·</span>
          <span>
            <span className="font-semibold text-foreground">{format.number(totals.converted)}</span> {t("converted")}
          </span>
        </>
      ) : null}
    </span>
  );
  const run = (
    <span
      className="truncate"
      data-testid="live-last-run"
      title={summary.lastRun || summary.nextRunAt ? format.dateTime(exact, { dateStyle: "medium", timeStyle: "short" }) : undefined}
    >
      {runText(summary)}
    </span>
  );
  return (
    <span
      className={cn("flex min-w-0 text-xs whitespace-nowrap text-muted-foreground tabular-nums", stacked ? "flex-col" : "flex-wrap items-center gap-x-1.5", className)}
      data-testid={testId}
    >
      {counts}
      {stacked ? null : <span aria-hidden>·</span>}
      {run}
      {summary.lastError ? (
        <span className="truncate whitespace-normal text-destructive" data-testid="live-error" title={summary.lastError}>
          {t("lastError", { error: summary.lastError })}
        </span>
      ) : null}
    </span>
  );
}

/** Over the canvas, top right: nothing until the flow is published and its figures have loaded. */
export function FlowLiveSummary() {
  const t = useTranslations("flowBuilder.live");
  const live = useFlowLive();
  if (!live?.version) return null;
  return (
    <div className="absolute top-3 right-3 z-10 flex max-w-[calc(100%-15rem)] items-start gap-2 rounded-md border bg-background/95 px-2.5 py-1.5 shadow-sm">
      <span
        className={cn("mt-1.5 size-2 shrink-0 rounded-full", live.lastError ? "bg-destructive" : isIdle(live) ? "bg-muted-foreground/50" : "bg-success")}
        title={t("refreshing")}
        aria-hidden
      />
      <Figures summary={live} testId="flow-live-summary" stacked className="leading-5" />
    </div>
  );
}

/** The flows list's line under a published flow's status. */
export function FlowListLiveSummary({ summary, published }: { summary: Summary; published: boolean }) {
  if (!published) return null;
  return <Figures summary={summary} className="mt-1" testId="flow-row-live" stacked />;
}
