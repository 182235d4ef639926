"use client";

import Link from "next/link";
import { ArrowLeftIcon, AwardIcon } from "lucide-react";
import { useFormatter, useTranslations } from "use-intl";

import type { MemberProfile } from "@/server/members/schemas";
import { PageBody, PageHeader } from "@/components/shell/page-header";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { LifecycleBadge } from "@/components/members/lifecycle-badge";
import { MemberJourneys } from "@/components/members/member-journeys";
import { MemberPrivacy } from "@/components/members/member-privacy";
import { MemberOrders } from "@/components/members/member-orders";
import { MemberPoints } from "@/components/members/member-points";
import { MemberGrowth } from "@/components/members/member-growth";
import { MemberLifecycle } from "@/components/members/member-lifecycle";
import { MemberTimeline } from "@/components/members/member-timeline";
import { MemberTags } from "@/components/members/member-tags";
import { useMemberLabels } from "@/components/members/labels";

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="flex justify-between gap-4 py-1.5 text-sm">
      <dt className="text-muted-foreground">{label}</dt>
      <dd className="text-right text-foreground">{children}</dd>
    </div>
  );
}

export function MemberDetail({ member }: { member: MemberProfile }) {
  const t = useTranslations("members");
  const format = useFormatter();
  const labels = useMemberLabels();
  const money = (n: number) => format.number(n, { style: "currency", currency: "CNY", maximumFractionDigits: 2 });
  const date = (d: Date | string | null | undefined) => (d ? format.dateTime(new Date(d), { dateStyle: "medium" }) : "—");
  const tierName = labels.tier;
  // A birthday is a calendar date (stored at UTC midnight): shown in UTC so no time zone moves it,
  // with the month spelled out in the reader's language.
  const birthday = member.birthday ? format.dateTime(new Date(member.birthday), { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" }) : "—";
  const tagGroups = [...new Set(member.tags.map((tag) => tag.category))].map((category) => [category, member.tags.filter((tag) => tag.category === category)] as const);
  const stats = member.stats;
  const progress = member.nextTier ? Math.min(100, Math.round((member.growthValue / member.nextTier.growthThreshold) * 100)) : 100;
  const consents = (["Sms", "Email", "Push", "InApp"] as const).filter((c) => member[`consent${c}`]);

  return (
    <>
      <PageHeader
        eyebrow={
          <Link href="/members" className="inline-flex items-center gap-1 hover:text-foreground">
            <ArrowLeftIcon className="size-3.5" /> {t("backToList")}
          </Link>
        }
        title={member.name}
        titleAddon={
          <div className="flex items-center gap-2">
            <Badge variant="outline">{tierName(member.tier)}</Badge>
            {stats ? <LifecycleBadge stage={stats.lifecycleStage} /> : null}
          </div>
        }
        description={<span className="font-mono">{member.externalId}</span>}
      />
      <PageBody className="flex flex-col gap-6">
        <div className="grid gap-4 lg:grid-cols-3">
          <Card>
            <CardHeader>
              <CardTitle>{t("detail.profile")}</CardTitle>
            </CardHeader>
            <CardContent>
              <dl className="divide-y">
                <Field label={t("detail.phone")}>{member.phone ?? "—"}</Field>
                <Field label={t("detail.email")}>{member.email ?? "—"}</Field>
                <Field label={t("detail.gender")}>{t(`gender.${member.gender}`)}</Field>
                <Field label={t("detail.region")}>{[member.province, member.city].filter(Boolean).join(" · ") || "—"}</Field>
                <Field label={t("detail.district")}>{member.businessDistrict ?? "—"}</Field>
                <Field label={t("detail.registered")}>{date(member.registeredAt)}</Field>
                <Field label={t("detail.channel")}>{labels.channel(member.registrationChannel)}</Field>
                <Field label={t("detail.birthday")}>{birthday}</Field>
                <Field label={t("detail.consent")}>
                  {consents.length ? consents.map((c) => t(`consent.${c}`)).join(" · ") : t("detail.noConsent")}
                </Field>
              </dl>
            </CardContent>
          </Card>

          <Card>
            <CardHeader>
              <CardTitle>{t("detail.loyalty")}</CardTitle>
            </CardHeader>
            <CardContent className="flex flex-col gap-4">
              <div>
                <div className="flex items-baseline justify-between text-sm">
                  <span className="text-muted-foreground">{t("detail.growthValue")}</span>
                  <span className="font-semibold tabular-nums">{format.number(member.growthValue)}</span>
                </div>
                <div className="mt-2 h-2 rounded-full bg-muted" role="progressbar" aria-valuenow={progress} aria-valuemin={0} aria-valuemax={100}>
                  <div className="h-2 rounded-full bg-primary" style={{ width: `${progress}%` }} />
                </div>
                <p className="mt-1 text-xs text-muted-foreground">
                  {member.nextTier
                    ? t("detail.toNextTier", { points: format.number(Math.max(0, member.nextTier.growthThreshold - member.growthValue)), tier: tierName(member.nextTier) })
                    : t("detail.topTier")}
                </p>
              </div>
              <dl className="divide-y">
                <Field label={t("detail.pointsBalance")}>{format.number(member.pointsBalance)}</Field>
                <Field label={t("detail.tierSince")}>{date(member.tierSince)}</Field>
              </dl>
              <div>
                <div className="mb-2 text-sm text-muted-foreground">{t("detail.tags")}</div>
                {tagGroups.length ? (
                  <dl className="flex flex-col gap-1.5" data-testid="member-tags">
                    {tagGroups.map(([category, tags]) => (
                      <div key={category} className="flex items-baseline gap-2">
                        <dt className="w-20 shrink-0 text-xs text-muted-foreground">{labels.tagCategory(category)}</dt>
                        <dd className="flex flex-wrap gap-1.5">
                          {tags.map((tag) => (
                            <Badge key={tag.id} variant="info">
                              {tag.name}
                            </Badge>
                          ))}
                        </dd>
                      </div>
                    ))}
                  </dl>
                ) : (
                  <span className="text-sm">—</span>
                )}
              </div>
              {member.badges.length ? (
                <div className="flex flex-wrap gap-1.5">
                  {member.badges.map((b) => (
                    <Badge key={b.id} variant="warning">
                      <AwardIcon /> {b.name}
                    </Badge>
                  ))}
                </div>
              ) : null}
            </CardContent>
          </Card>

          <Card>
            <CardHeader>
              <CardTitle>{t("detail.behaviour")}</CardTitle>
            </CardHeader>
            <CardContent>
              {stats ? (
                <dl className="divide-y">
                  <Field label={t("detail.orders")}>{format.number(stats.orderCount)}</Field>
                  <Field label={t("detail.totalSpend")}>{money(stats.totalSpend)}</Field>
                  <Field label={t("detail.averageOrder")}>{stats.orderCount ? money(stats.totalSpend / stats.orderCount) : "—"}</Field>
                  <Field label={t("detail.orders90d")}>{format.number(stats.orders90d)}</Field>
                  <Field label={t("detail.spend365d")}>{money(stats.spend365d)}</Field>
                  <Field label={t("detail.lastOrder")}>{date(stats.lastOrderAt)}</Field>
                  <Field label={t("detail.visits90d")}>{format.number(stats.visits90d)}</Field>
                  <Field label={t("detail.rfm")}>
                    <span className="font-mono">
                      R{stats.rfmRecency} F{stats.rfmFrequency} M{stats.rfmMonetary}
                    </span>
                  </Field>
                </dl>
              ) : (
                <p className="text-sm text-muted-foreground">{t("detail.noStats")}</p>
              )}
            </CardContent>
          </Card>
        </div>

        <MemberJourneys memberId={member.id} />
        <MemberPrivacy member={member} />

        <MemberGrowth memberId={member.id} />
        <MemberPoints memberId={member.id} />
        <MemberLifecycle memberId={member.id} stats={stats} />
        <MemberTags memberId={member.id} />

        <div className="grid gap-4 xl:grid-cols-5">
          <MemberOrders memberId={member.id} first={member.orders} className="xl:col-span-3" />
          <MemberTimeline memberId={member.id} first={member.timeline} className="xl:col-span-2 xl:self-start" />
        </div>

        <Card>
          <CardHeader>
            <CardTitle>{t("detail.coupons")}</CardTitle>
          </CardHeader>
          <CardContent className="px-0">
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead className="pl-6">{t("detail.couponCode")}</TableHead>
                  <TableHead>{t("detail.couponTemplate")}</TableHead>
                  <TableHead>{t("detail.couponStatus")}</TableHead>
                  <TableHead className="pr-6">{t("detail.validTo")}</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {member.coupons.map((c) => (
                  <TableRow key={c.id}>
                    <TableCell className="pl-6 font-mono text-xs">{c.code}</TableCell>
                    <TableCell>{c.template.name}</TableCell>
                    <TableCell>
                      <Badge variant={c.status === "redeemed" ? "success" : c.status === "issued" ? "info" : "muted"}>{t(`couponStatus.${c.status}`)}</Badge>
                    </TableCell>
                    <TableCell className="pr-6">{date(c.validTo)}</TableCell>
                  </TableRow>
                ))}
                {member.coupons.length === 0 ? (
                  <TableRow>
                    <TableCell colSpan={4} className="py-6 text-center text-muted-foreground">
                      {t("detail.noCoupons")}
                    </TableCell>
                  </TableRow>
                ) : null}
              </TableBody>
            </Table>
          </CardContent>
        </Card>
      </PageBody>
    </>
  );
}
