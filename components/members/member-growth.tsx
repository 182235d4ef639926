"use client";

// A member's growth value and tier: progress to the next level, the level's benefits, what lapses
// when, the newest growth entries and the level history (up or down, and why).
import { useQuery } from "@tanstack/react-query";
import { ArrowDownIcon, ArrowUpIcon } from "lucide-react";
import { useFormatter, useTranslations } from "use-intl";

import { useTRPC } from "@/trpc/react";
import { cn } from "@/lib/utils";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useMemberLabels } from "@/components/members/labels";
import type { TierBenefits } from "@/server/loyalty/tiers/program-schema";

export function MemberGrowth({ memberId, className }: { memberId: number; className?: string }) {
  const t = useTranslations("tiers.member");
  const format = useFormatter();
  const trpc = useTRPC();
  const labels = useMemberLabels();
  const growth = useQuery(trpc.loyalty.memberGrowth.queryOptions({ id: memberId }));
  const options = useQuery(trpc.members.filterOptions.queryOptions());
  const data = growth.data;
  const date = (d: Date) => format.dateTime(d, { dateStyle: "medium", timeZone: "Asia/Shanghai" });
  const tierName = (id: string | null) => {
    if (!id) return "—";
    const tier = options.data?.tiers.find((x) => x.id === id);
    return tier ? labels.tier(tier) : id;
  };
  const progress = data?.next ? Math.min(100, Math.round((Math.max(0, data.growthValue - data.tier.threshold) / Math.max(1, data.next.threshold - data.tier.threshold)) * 100)) : 100;

  return (
    <Card className={cn(className)} data-testid="member-growth">
      <CardHeader>
        <CardTitle>{t("title")}</CardTitle>
        <CardDescription>{data ? t("summary", { growth: format.number(data.growthValue), tier: labels.tier(data.tier) }) : "\u00a0"}</CardDescription>
      </CardHeader>
      <CardContent className="flex flex-col gap-5">
        {!data ? (
          <Skeleton className="h-24" />
        ) : (
          <>
            <div>
              <div className="h-2 rounded-full bg-muted" role="progressbar" aria-valuenow={progress} aria-valuemin={0} aria-valuemax={100}>
                <div className="h-2 rounded-full bg-primary" style={{ width: `${progress}%` }} />
              </div>
              <p className="mt-1 text-xs text-muted-foreground" data-testid="member-growth-next">
                {data.next ? t("toNext", { growth: format.number(Math.max(0, data.next.threshold - data.growthValue)), tier: labels.tier(data.next) }) : t("top")}
              </p>
            </div>
            <MemberTierBenefits benefits={data.tier.benefits} templates={data.benefitTemplates} />
            <div className="grid gap-5 lg:grid-cols-3">
              <div>
                <div className="mb-2 text-sm font-medium">{t("lapsing")}</div>
                {data.lapsing.length === 0 ? (
                  <p className="text-sm text-muted-foreground">{t("nothing")}</p>
                ) : (
                  <ul className="space-y-1 text-sm tabular-nums">
                    {data.lapsing.map((l) => (
                      <li key={l.expiresAt ? new Date(l.expiresAt).toISOString() : "never"}>
                        {l.expiresAt ? t("lapsesOn", { growth: format.number(l.growth), date: date(l.expiresAt) }) : t("neverLapses", { growth: format.number(l.growth) })}
                      </li>
                    ))}
                  </ul>
                )}
              </div>
              <div className="lg:col-span-2">
                <div className="mb-2 text-sm font-medium">{t("history")}</div>
                {data.changes.length === 0 ? (
                  <p className="text-sm text-muted-foreground">{t("noHistory")}</p>
                ) : (
                  <ul className="space-y-1 text-sm" data-testid="member-tier-history">
                    {data.changes.map((c) => (
                      <li key={c.id} className="flex items-center gap-2">
                        <Badge variant={c.direction === "up" ? "success" : "warning"}>
                          {c.direction === "up" ? <ArrowUpIcon /> : <ArrowDownIcon />} {t(c.direction)}
                        </Badge>
                        <span>
                          {tierName(c.from)} → {tierName(c.to)}
                        </span>
                        <span className="text-muted-foreground">
                          {labels.tierReason(c.reason)} · {date(c.at)}
                        </span>
                      </li>
                    ))}
                  </ul>
                )}
              </div>
            </div>
            <div>
              <div className="mb-2 text-sm font-medium">{t("entries")}</div>
              <Table>
                <TableHeader>
                  <TableRow>
                    <TableHead>{t("when")}</TableHead>
                    <TableHead>{t("reason")}</TableHead>
                    <TableHead className="text-right">{t("amount")}</TableHead>
                    <TableHead>{t("lapses")}</TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {data.entries.map((e) => (
                    <TableRow key={e.id}>
                      <TableCell>{date(e.earnedAt)}</TableCell>
                      <TableCell>{e.reason.startsWith("task:") ? labels.event(e.reason.slice(5)) : labels.pointsReason(e.reason)}</TableCell>
                      <TableCell className="text-right tabular-nums">{e.amount > 0 ? `+${format.number(e.amount)}` : format.number(e.amount)}</TableCell>
                      <TableCell>{e.expiresAt ? date(e.expiresAt) : "—"}</TableCell>
                    </TableRow>
                  ))}
                  {data.entries.length === 0 ? (
                    <TableRow>
                      <TableCell colSpan={4} className="py-4 text-center text-muted-foreground">
                        {t("noEntries")}
                      </TableCell>
                    </TableRow>
                  ) : null}
                </TableBody>
              </Table>
            </div>
          </>
        )}
      </CardContent>
    </Card>
  );
}

/** What the member's level gives, one line each (the same benefits the wallet returns). */
function MemberTierBenefits({ benefits, templates }: { benefits: TierBenefits; templates: Record<string, string> }) {
  const t = useTranslations("tiers.member");
  const format = useFormatter();
  const template = (id: string) => templates[id] ?? id;
  const lines = [
    ...(benefits.discountPercent > 0 ? [t("discount", { percent: format.number(benefits.discountPercent) })] : []),
    ...(benefits.pointsMultiplier !== 1 ? [t("multiplier", { multiplier: format.number(benefits.pointsMultiplier) })] : []),
    ...(benefits.monthlyCoupons ? [t("monthlyCoupons", { count: benefits.monthlyCoupons.count, template: template(benefits.monthlyCoupons.couponTemplateId) })] : []),
    ...(benefits.birthdayGift ? [t("birthdayGift", { template: template(benefits.birthdayGift.couponTemplateId) })] : []),
    ...benefits.notes,
  ];
  return (
    <div>
      <div className="mb-2 text-sm font-medium">{t("benefits")}</div>
      {lines.length === 0 ? (
        <p className="text-sm text-muted-foreground">{t("noBenefits")}</p>
      ) : (
        <ul className="flex flex-wrap gap-2" data-testid="member-tier-benefits">
          {lines.map((line, i) => (
            <li key={i}>
              <Badge variant="secondary">{line}</Badge>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
