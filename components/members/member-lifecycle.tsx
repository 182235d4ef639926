"use client";

// A member's lifecycle: the stage and RFM scores under Settings → Lifecycle, and every stage change
// (newest first) with when and why it happened.
import { useQuery } from "@tanstack/react-query";
import { useFormatter, useMessages, useTranslations } from "use-intl";

import { useTRPC } from "@/trpc/react";
import type { LifecycleStage } from "@/server/loyalty/lifecycle/settings-schema";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { LifecycleBadge } from "@/components/members/lifecycle-badge";

export type MemberLifecycleProps = {
  memberId: number;
  stats: { lifecycleStage: LifecycleStage; rfmRecency: number; rfmFrequency: number; rfmMonetary: number } | null;
};

export function MemberLifecycle({ memberId, stats }: MemberLifecycleProps) {
  const t = useTranslations("lifecycle.member");
  const reasons = useMessages().lifecycle.member.reasons;
  const format = useFormatter();
  const trpc = useTRPC();
  const history = useQuery(trpc.lifecycle.memberHistory.queryOptions({ id: memberId }));
  const reason = (r: string) => (Object.hasOwn(reasons, r) ? reasons[r as keyof typeof reasons] : r);

  return (
    <Card data-testid="member-lifecycle">
      <CardHeader>
        <CardTitle>{t("title")}</CardTitle>
        <CardDescription>{t("description")}</CardDescription>
      </CardHeader>
      <CardContent className="flex flex-col gap-4 px-0">
        {stats ? (
          <dl className="flex flex-wrap items-center gap-x-8 gap-y-2 px-6 text-sm">
            <div className="flex items-center gap-2">
              <dt className="text-muted-foreground">{t("stage")}</dt>
              <dd>
                <LifecycleBadge stage={stats.lifecycleStage} />
              </dd>
            </div>
            <div className="flex items-center gap-3">
              <dt className="text-muted-foreground">{t("scores")}</dt>
              {(
                [
                  ["recency", stats.rfmRecency],
                  ["frequency", stats.rfmFrequency],
                  ["monetary", stats.rfmMonetary],
                ] as const
              ).map(([key, score]) => (
                <dd key={key} className="tabular-nums" data-testid={`member-rfm-${key}`}>
                  {t(key)} <span className="font-semibold">{score}</span>
                </dd>
              ))}
            </div>
          </dl>
        ) : null}
        <div>
          <div className="mb-2 px-6 text-sm font-medium">{t("history")}</div>
          {!history.data ? (
            <div className="px-6">
              <Skeleton className="h-6" />
            </div>
          ) : history.data.length === 0 ? (
            <p className="px-6 text-sm text-muted-foreground">{t("noHistory")}</p>
          ) : (
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead className="pl-6">{t("when")}</TableHead>
                  <TableHead>{t("change")}</TableHead>
                  <TableHead className="pr-6">{t("reason")}</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {history.data.map((c) => (
                  <TableRow key={c.id} data-testid="member-lifecycle-change">
                    <TableCell className="pl-6">{format.dateTime(new Date(c.changed_at), { dateStyle: "medium", timeStyle: "short" })}</TableCell>
                    <TableCell>
                      <span className="inline-flex items-center gap-1.5">
                        <LifecycleBadge stage={c.from_stage} /> → <LifecycleBadge stage={c.to_stage} />
                      </span>
                    </TableCell>
                    <TableCell className="pr-6">{reason(c.reason)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </div>
      </CardContent>
    </Card>
  );
}
