"use client";

// A member's journeys on their page: each flow they entered, the path they took (node names in
// order) and what the journey gave them — the coupon code, the message as sent, a banner, a
// member price, points — or, in the holdout, what it withheld.
import { useState } from "react";
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { BanIcon, ChevronRightIcon, CoinsIcon, GalleryHorizontalIcon, MessageSquareIcon, RouteIcon, TagIcon, TicketIcon } from "lucide-react";
import { useFormatter, useLocale, useTranslations } from "use-intl";

import { useTRPC, type RouterOutputs } from "@/trpc/react";
import { cn } from "@/lib/utils";
import { findNodeKindSpec } from "@/server/flows/kinds";
import { Badge, type BadgeProps } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { KindIcon } from "@/components/flow-builder/icons";

type Journey = RouterOutputs["members"]["journeys"][number];
type Effect = Journey["effects"][number];

/** Journeys shown before "show all". */
const FIRST = 5;

const statusVariant: Record<Journey["status"], NonNullable<BadgeProps["variant"]>> = {
  active: "info",
  waiting: "warning",
  completed: "success",
  exited: "muted",
  failed: "destructive",
};

export function MemberJourneys({ memberId }: { memberId: number }) {
  const t = useTranslations("flowBuilder.journeys");
  const trpc = useTRPC();
  const journeys = useQuery(trpc.members.journeys.queryOptions({ id: memberId }));
  const [showAll, setShowAll] = useState(false);
  const list = journeys.data ?? [];
  const shown = showAll ? list : list.slice(0, FIRST);

  return (
    <Card data-testid="member-journeys">
      <CardHeader>
        <CardTitle className="flex items-center gap-2">
          <RouteIcon className="size-4 text-muted-foreground" aria-hidden /> {t("title")}
          {journeys.data ? <span className="text-sm font-normal text-muted-foreground tabular-nums">{list.length}</span> : null}
        </CardTitle>
        <CardDescription>{t("description")}</CardDescription>
      </CardHeader>
      <CardContent className="px-0">
        {journeys.isPending ? (
          <div className="flex flex-col gap-3 px-6">
            <Skeleton className="h-16" />
            <Skeleton className="h-16" />
          </div>
        ) : journeys.isError ? (
          <p className="px-6 text-sm text-destructive" role="alert">
            {t("failed")}
          </p>
        ) : list.length === 0 ? (
          <p className="px-6 py-2 text-sm text-muted-foreground">{t("empty")}</p>
        ) : (
          <ol className="divide-y border-t">
            {shown.map((j) => (
              <JourneyItem key={j.journeyId} journey={j} />
            ))}
          </ol>
        )}
        {list.length > FIRST ? (
          <div className="border-t px-6 pt-3">
            <Button variant="ghost" size="sm" onClick={() => setShowAll((v) => !v)}>
              {showAll ? t("showFewer") : t("showAll", { count: list.length })}
            </Button>
          </div>
        ) : null}
      </CardContent>
    </Card>
  );
}

function JourneyItem({ journey: j }: { journey: Journey }) {
  const t = useTranslations("flowBuilder.journeys");
  const format = useFormatter();
  const locale = useLocale();
  const when = (d: Date) => format.dateTime(d, { dateStyle: "medium", timeStyle: "short" });
  const live = j.status === "active" || j.status === "waiting";
  const stepName = (step: Journey["path"][number]) => step.name ?? (step.kind ? findNodeKindSpec(step.kind)?.label[locale] : undefined) ?? step.nodeId;
  const nodeName = (nodeId: string | null) => {
    const step = j.path.find((s) => s.nodeId === nodeId);
    return step ? stepName(step) : nodeId;
  };

  return (
    <li className="flex flex-col gap-2.5 px-6 py-4" data-testid="member-journey" data-flow-id={j.flowId} data-status={j.status}>
      <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
        <Link href={`/flows/${j.flowId}`} className="font-medium hover:underline" title={t("openFlow")}>
          {j.flowName}
        </Link>
        <span className="text-xs text-muted-foreground">{t("version", { version: j.version })}</span>
        <Badge variant={statusVariant[j.status]} data-testid="journey-status">
          {t(`status.${j.status}`)}
          {j.endReason && !live ? ` · ${t(`endReason.${j.endReason}` as "endReason.end_of_path")}` : ""}
        </Badge>
        {j.convertedAt ? <Badge variant="success">{t("converted")}</Badge> : null}
        {j.isControl ? (
          <Badge variant="outline" title={t("holdoutHint")}>
            {t("holdout")}
          </Badge>
        ) : null}
        <span className="ml-auto text-xs text-muted-foreground">
          {t("entered", { when: when(j.enteredAt) })}
          {j.endedAt ? ` · ${t("ended", { when: when(j.endedAt) })}` : ""}
          {live && j.waitUntil ? ` · ${t("waitingUntil", { when: when(j.waitUntil) })}` : ""}
        </span>
      </div>

      <div className="flex items-start gap-2">
        <span className="w-14 shrink-0 pt-0.5 text-xs text-muted-foreground">{t("path")}</span>
        <ol className="flex min-w-0 flex-wrap items-center gap-y-1" aria-label={t("path")} data-testid="journey-path">
          {j.path.map((step, i) => {
            const here = live && i === j.path.length - 1;
            const spec = step.kind ? findNodeKindSpec(step.kind) : undefined;
            return (
              <li key={`${step.nodeId}-${i}`} className="flex items-center">
                {i > 0 ? <ChevronRightIcon className="mx-0.5 size-3.5 text-muted-foreground/70" aria-hidden /> : null}
                <span
                  className={cn(
                    "inline-flex items-center gap-1 rounded-md border px-1.5 py-0.5 text-xs",
                    here ? "border-primary/50 bg-accent font-medium text-accent-foreground" : "bg-muted/40",
                  )}
                  title={here ? `${stepName(step)} · ${t("here")}` : stepName(step)}
                  data-testid="journey-step"
                >
                  <KindIcon name={spec?.icon ?? ""} className="size-3 text-muted-foreground" />
                  {stepName(step)}
                </span>
              </li>
            );
          })}
        </ol>
      </div>

      <div className="flex items-start gap-2">
        <span className="w-14 shrink-0 pt-0.5 text-xs text-muted-foreground">{t("received")}</span>
        {j.effects.length === 0 ? (
          <span className="text-xs text-muted-foreground">{t("nothingReceived")}</span>
        ) : (
          <ul className="flex min-w-0 flex-1 flex-col gap-1.5" data-testid="journey-effects">
            {j.effects.map((e, i) => (
              <JourneyEffectItem key={i} effect={e} nodeName={nodeName(e.nodeId)} />
            ))}
          </ul>
        )}
      </div>
    </li>
  );
}

export function JourneyEffectItem({ effect: e, nodeName }: { effect: Effect; nodeName: string | null }) {
  const t = useTranslations("flowBuilder.journeys");
  const format = useFormatter();
  const date = (d: Date) => format.dateTime(d, { dateStyle: "medium" });
  const money = (n: number) => format.number(n, { maximumFractionDigits: 2 });
  const row = (icon: React.ReactNode, label: string, body: React.ReactNode, testId: string) => (
    <li className="flex min-w-0 items-start gap-2 text-sm" data-testid={testId}>
      <span className="mt-0.5 flex shrink-0 items-center gap-1 text-xs text-muted-foreground">
        {icon}
        {label}
      </span>
      <span className="min-w-0 flex-1">{body}</span>
      {nodeName ? <span className="hidden shrink-0 text-xs text-muted-foreground sm:inline">{nodeName}</span> : null}
    </li>
  );
  switch (e.type) {
    case "coupon":
      return row(
        <TicketIcon className="size-3.5" aria-hidden />,
        t("coupon.label"),
        <span className="flex flex-wrap items-center gap-x-2">
          <span className="font-mono text-xs font-semibold" data-testid="journey-coupon-code">
            {e.code}
          </span>
          {/* The template's name usually says what it is worth; the value is on hover. */}
          <span title={e.couponType === "percent" ? t("coupon.percent", { value: money(e.value) }) : t("coupon.amount", { value: money(e.value) })}>{e.templateName}</span>
          <span className="text-xs text-muted-foreground">
            {t(`couponStatus.${e.status}` as "couponStatus.issued")} · {t("coupon.validTo", { date: date(e.validTo) })}
          </span>
        </span>,
        "journey-coupon",
      );
    case "notification":
      return row(
        <MessageSquareIcon className="size-3.5" aria-hidden />,
        t(`channel.${e.channel}` as "channel.sms"),
        <span className="flex flex-col">
          <span className="text-xs text-muted-foreground">
            {t(`notificationStatus.${e.status}` as "notificationStatus.queued")}
            {e.suppressedReason ? ` · ${t(`suppressedReason.${e.suppressedReason}` as "suppressedReason.no_consent")}` : ""}
            {e.sentAt ? ` · ${format.dateTime(e.sentAt, { dateStyle: "medium", timeStyle: "short" })}` : ""}
          </span>
          {e.title ? <span className="font-medium">{e.title}</span> : null}
          <span className="line-clamp-2 break-words" title={e.body}>
            {e.body}
          </span>
        </span>,
        "journey-notification",
      );
    case "banner":
      return row(
        <GalleryHorizontalIcon className="size-3.5" aria-hidden />,
        t("banner.label"),
        <span>
          {e.title} <span className="text-xs text-muted-foreground">· {t("banner.on", { placement: e.placement })} · {date(e.validFrom)} – {date(e.validTo)}</span>
        </span>,
        "journey-banner",
      );
    case "member_price":
      return row(
        <TagIcon className="size-3.5" aria-hidden />,
        t("memberPrice.label"),
        <span>
          {e.price !== null ? t("memberPrice.price", { price: money(e.price) }) : t("memberPrice.percentOff", { percent: money(e.percentOff ?? 0) })}{" "}
          <span className="text-xs text-muted-foreground">
            ·{" "}
            {e.productIds.length > 0 ? t("memberPrice.products", { count: e.productIds.length }) : t("memberPrice.categories", { count: e.categoryIds.length })}{" "}
            · {t("coupon.validTo", { date: date(e.validTo) })}
          </span>
        </span>,
        "journey-member-price",
      );
    case "points":
      return row(
        <CoinsIcon className="size-3.5" aria-hidden />,
        t("points.label"),
        <span>
          <span className={cn("font-semibold tabular-nums", e.amount < 0 && "text-destructive")}>
            {e.amount > 0 ? "+" : ""}
            {t("points.amount", { amount: e.amount })}
          </span>{" "}
          <span className="text-xs text-muted-foreground">· {e.reason}</span>
        </span>,
        "journey-points",
      );
    case "withheld":
      return row(
        <BanIcon className="size-3.5" aria-hidden />,
        t("withheld.label"),
        <span className="text-muted-foreground">{t("withheld.text", { kind: t(`withheld.kind.${e.kind}` as "withheld.kind.coupon") })}</span>,
        "journey-withheld",
      );
  }
}
