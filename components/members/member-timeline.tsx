"use client";

// The member's whole history, newest first, loaded further back a page at a time (the first page
// comes with the member's page).
import { useInfiniteQuery } from "@tanstack/react-query";
import { CalendarIcon, CoinsIcon, EyeIcon, ShoppingBagIcon, SparklesIcon, TicketIcon, TrendingUpIcon, UserPlusIcon } from "lucide-react";
import { useFormatter, useTranslations } from "use-intl";

import { useTRPC } from "@/trpc/react";
import { cn } from "@/lib/utils";
import { MEMBER_TIMELINE_PAGE_SIZE, type TimelineEntry, type TimelinePage } from "@/server/members/schemas";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { useMemberLabels } from "@/components/members/labels";

const icons = {
  order: ShoppingBagIcon,
  visit: EyeIcon,
  event: SparklesIcon,
  points: CoinsIcon,
  tier: TrendingUpIcon,
  coupon: TicketIcon,
  registered: UserPlusIcon,
} as const;

export function MemberTimeline({ memberId, first, className }: { memberId: number; first: TimelinePage; className?: string }) {
  const t = useTranslations("members");
  const format = useFormatter();
  const trpc = useTRPC();
  const timeline = useInfiniteQuery({
    ...trpc.members.timeline.infiniteQueryOptions(
      { id: memberId, limit: MEMBER_TIMELINE_PAGE_SIZE },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
    initialData: { pages: [first], pageParams: [null] },
  });
  const pages = timeline.data?.pages ?? [first];
  const entries = pages.flatMap((p) => p.entries);
  const total = pages.at(-1)!.total;

  return (
    <Card className={className}>
      <CardHeader>
        <CardTitle>{t("detail.timeline")}</CardTitle>
        <CardDescription className="tabular-nums" data-testid="member-timeline-count">
          {t("timelineText.shown", { shown: format.number(entries.length), total: format.number(total) })}
        </CardDescription>
      </CardHeader>
      <CardContent className="flex flex-col gap-4">
        <ol className="relative flex flex-col gap-3 border-l pl-5" data-testid="member-timeline">
          {entries.map((entry) => (
            <TimelineItem key={`${entry.cursor.rank}-${entry.cursor.key}`} entry={entry} />
          ))}
        </ol>
        {timeline.isFetchNextPageError ? (
          <p className="text-sm text-destructive" role="alert">
            {t("timelineText.failed")}
          </p>
        ) : null}
        {timeline.hasNextPage ? (
          <Button variant="outline" size="sm" className="self-start" onClick={() => timeline.fetchNextPage()} disabled={timeline.isFetchingNextPage}>
            {t("timelineText.more")}
          </Button>
        ) : null}
      </CardContent>
    </Card>
  );
}

function TimelineItem({ entry }: { entry: TimelineEntry }) {
  const t = useTranslations("members");
  const format = useFormatter();
  const labels = useMemberLabels();
  const Icon = icons[entry.kind];
  const money = (n: number) => format.number(n, { style: "currency", currency: "CNY", maximumFractionDigits: 2 });
  // What happened (title), what it concerned (subject), a note beside the date, and a figure.
  type Parts = { title: string; subject?: React.ReactNode; note?: string | null; figure?: React.ReactNode };
  const parts = ((): Parts => {
    switch (entry.kind) {
      case "order":
        return {
          title: t("timeline.order"),
          subject: <span className="font-mono text-xs">{entry.orderNo}</span>,
          note: t("timelineText.via", { channel: labels.channel(entry.channel) }),
          figure: money(entry.amount),
        };
      case "visit":
        return { title: t("timeline.visit"), subject: labels.channel(entry.channel), note: entry.district };
      case "event":
        return labels.isKnownEvent(entry.name)
          ? { title: labels.event(entry.name) }
          : { title: t("timelineText.customEvent"), subject: <span className="font-mono text-xs">{entry.name}</span> };
      case "points":
        return {
          title: `${t("timeline.points")} · ${labels.pointsType(entry.type)}`,
          subject: labels.pointsReason(entry.reason),
          figure: <span className={cn(entry.amount < 0 && "text-destructive")}>{`${entry.amount > 0 ? "+" : ""}${format.number(entry.amount)}`}</span>,
        };
      case "tier": {
        const to = entry.to ? labels.tier(entry.to) : "—";
        const move = entry.from ? t("timelineText.tierFromTo", { from: labels.tier(entry.from), to }) : t("timelineText.tierTo", { tier: to });
        return { title: t("timeline.tier"), subject: move, note: labels.tierReason(entry.reason) };
      }
      case "coupon":
        return { title: t("timeline.coupon"), subject: entry.template, note: `${t(`couponStatus.${entry.status}`)} · ${entry.code}` };
      case "registered":
        return { title: t("timeline.registered"), note: t("timelineText.via", { channel: labels.channel(entry.channel) }) };
    }
  })();

  return (
    <li className="relative text-sm" data-kind={entry.kind}>
      <span className="absolute top-0.5 -left-[29px] flex size-4.5 items-center justify-center rounded-full border bg-background">
        <Icon className="size-3 text-muted-foreground" aria-hidden />
      </span>
      <div className="flex items-baseline justify-between gap-2">
        <span className="min-w-0 font-medium">
          {parts.title}
          {parts.subject ? <span className="ml-1.5 font-normal text-muted-foreground">{parts.subject}</span> : null}
        </span>
        {parts.figure !== undefined ? <span className="shrink-0 tabular-nums">{parts.figure}</span> : null}
      </div>
      <div className="flex flex-wrap items-center gap-1 text-xs text-muted-foreground">
        <CalendarIcon className="size-3" aria-hidden /> {format.dateTime(entry.at, { dateStyle: "medium", timeStyle: "short" })}
        {parts.note ? <span>· {parts.note}</span> : null}
      </div>
    </li>
  );
}
