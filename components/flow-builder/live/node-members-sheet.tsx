"use client";

// The members standing at a node now, opened from the node's figures. Non-modal: the canvas stays
// usable beside it, and another node's figures switch the list to that node.
import Link from "next/link";
import { useInfiniteQuery } from "@tanstack/react-query";
import { HourglassIcon, PlayIcon, UsersIcon } from "lucide-react";
import { useFormatter, useNow, useTranslations } from "use-intl";

import { useTRPC } from "@/trpc/react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { Sheet, SheetBody, SheetContent, SheetDescription, SheetFooter, SheetHeader, SheetTitle } from "@/components/ui/sheet";
import { Skeleton } from "@/components/ui/skeleton";
import { LIVE_REFRESH_MS, type FlowLive, type MembersTarget } from "./live-types";

const PAGE_SIZE = 50;

export function NodeMembersSheet({
  flowId,
  target,
  onOpenChange,
  live,
}: {
  flowId: string;
  target: MembersTarget | null;
  onOpenChange: (open: boolean) => void;
  live: FlowLive | undefined;
}) {
  const t = useTranslations("flowBuilder.live");
  const format = useFormatter();
  const now = useNow({ updateInterval: 30_000 });
  const trpc = useTRPC();
  const nodeId = target?.nodeId ?? "";
  const members = useInfiniteQuery({
    ...trpc.flows.membersAtNode.infiniteQueryOptions(
      { flowId, nodeId, limit: PAGE_SIZE },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
    enabled: target !== null,
    // The same rhythm as the counts on the canvas, so the list and the node agree.
    refetchInterval: LIVE_REFRESH_MS,
    staleTime: 0,
  });
  const figures = target ? live?.nodes[target.nodeId] : undefined;
  const rows = members.data?.pages.flatMap((p) => p.members) ?? [];

  return (
    <Sheet open={target !== null} onOpenChange={onOpenChange} modal={false}>
      <SheetContent
        // Below the editor header, so publishing and the other actions stay at hand.
        className="top-28 h-[calc(100%-7rem)] shadow-lg sm:max-w-sm"
        data-testid="node-members-sheet"
        data-node-id={nodeId}
        onInteractOutside={(event) => event.preventDefault()}
        onOpenAutoFocus={(event) => event.preventDefault()}
      >
        <SheetHeader>
          <SheetTitle>{t("membersTitle", { name: target?.name ?? "" })}</SheetTitle>
          <SheetDescription>
            {figures
              ? t("membersDescription", { here: format.number(figures.waiting + figures.active), entered: format.number(figures.entered) })
              : t("membersDescriptionUnknown")}
          </SheetDescription>
        </SheetHeader>
        <SheetBody className="px-0 py-0">
          {members.isPending ? (
            <div className="flex flex-col gap-3 px-5 py-4">
              {[0, 1, 2, 3].map((i) => (
                <Skeleton key={i} className="h-10" />
              ))}
            </div>
          ) : members.isError ? (
            <p className="px-5 py-4 text-sm text-destructive" role="alert">
              {t("membersFailed")}
            </p>
          ) : rows.length === 0 ? (
            <div className="px-5 py-4">
              <EmptyState size="inline" icon={UsersIcon} title={t("membersEmpty")} description={t("membersEmptyHint")} />
            </div>
          ) : (
            <ul className="divide-y" data-testid="node-members">
              {rows.map((m) => (
                <li key={m.journeyId} className="flex items-start gap-3 px-5 py-2.5" data-testid="node-member">
                  <div className="min-w-0 flex-1">
                    <div className="flex items-baseline gap-2">
                      <Link href={`/members/${m.memberId}`} className="truncate text-sm font-medium hover:underline">
                        {m.name}
                      </Link>
                      <span className="truncate font-mono text-xs text-muted-foreground">{m.externalId}</span>
                    </div>
                    <p className="text-xs text-muted-foreground">{t("since", { when: format.relativeTime(m.since, now > m.since ? now : m.since) })}</p>
                    {m.waitUntil || (live?.version && m.version !== live.version.version) ? (
                      <p className="text-xs text-muted-foreground">
                        {m.waitUntil ? (
                          <span title={format.dateTime(m.waitUntil, { dateStyle: "full", timeStyle: "short" })}>
                            {t("until", { when: format.dateTime(m.waitUntil, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" }) })}
                          </span>
                        ) : null}
                        {live?.version && m.version !== live.version.version ? <span> · {t("onVersion", { version: m.version })}</span> : null}
                      </p>
                    ) : null}
                  </div>
                  <Badge variant={m.status === "waiting" ? "warning" : "info"} className="mt-0.5">
                    {m.status === "waiting" ? <HourglassIcon aria-hidden /> : <PlayIcon aria-hidden />}
                    {t(`memberStatus.${m.status}`)}
                  </Badge>
                </li>
              ))}
            </ul>
          )}
        </SheetBody>
        {members.hasNextPage ? (
          <SheetFooter className="justify-center">
            <Button variant="outline" size="sm" loading={members.isFetchingNextPage} onClick={() => void members.fetchNextPage()} data-testid="node-members-more">
              {t("loadMore")}
            </Button>
          </SheetFooter>
        ) : null}
      </SheetContent>
    </Sheet>
  );
}
