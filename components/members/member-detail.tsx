"use client";

import Link from "next/link";
import { ArrowLeftIcon, AwardIcon, CalendarIcon, CoinsIcon, EyeIcon, ShoppingBagIcon, SparklesIcon, TicketIcon, TrendingUpIcon, UserPlusIcon } from "lucide-react";
import { useFormatter, useLocale, useTranslations } from "use-intl";

import type { MemberProfile } from "@/server/members/schemas";
import { PageBody, PageHeader } from "@/components/shell/page-header";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { LifecycleBadge } from "@/components/members/lifecycle-badge";
import { MemberJourneys } from "@/components/members/member-journeys";

const timelineIcons = {
  order: ShoppingBagIcon,
  visit: EyeIcon,
  event: SparklesIcon,
  points: CoinsIcon,
  tier: TrendingUpIcon,
  coupon: TicketIcon,
  registered: UserPlusIcon,
} as const;

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
  const locale = useLocale();
  const money = (n: number) => format.number(n, { style: "currency", currency: "CNY", maximumFractionDigits: 2 });
  const date = (d: Date | string | null | undefined) => (d ? format.dateTime(new Date(d), { dateStyle: "medium" }) : "—");
  const dateTime = (d: Date | string) => format.dateTime(new Date(d), { dateStyle: "medium", timeStyle: "short" });
  const tierName = (tier: { name: string; nameEn: string }) => (locale === "en" ? tier.nameEn : tier.name);
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
                <Field label={t("detail.channel")}>{t(`channels.${member.registrationChannel}` as "channels.app")}</Field>
                <Field label={t("detail.birthday")}>{date(member.birthday)}</Field>
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
                <div className="flex flex-wrap gap-1.5">
                  {member.tags.length ? member.tags.map((tag) => <Badge key={tag.id} variant="info">{tag.name}</Badge>) : <span className="text-sm">—</span>}
                </div>
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

        <div className="grid gap-4 xl:grid-cols-5">
          <Card className="xl:col-span-3">
            <CardHeader>
              <CardTitle>{t("detail.recentOrders")}</CardTitle>
            </CardHeader>
            <CardContent className="px-0">
              <Table>
                <TableHeader>
                  <TableRow>
                    <TableHead className="pl-6">{t("detail.orderNo")}</TableHead>
                    <TableHead>{t("detail.placedAt")}</TableHead>
                    <TableHead>{t("detail.items")}</TableHead>
                    <TableHead className="pr-6 text-right">{t("detail.amount")}</TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {member.orders.map((o) => (
                    <TableRow key={o.id}>
                      <TableCell className="pl-6 font-mono text-xs">{o.externalId}</TableCell>
                      <TableCell className="whitespace-nowrap">{dateTime(o.placedAt)}</TableCell>
                      <TableCell className="w-full max-w-0 truncate" title={o.items.map((i) => `${i.name} ×${i.quantity}`).join(", ")}>
                        {o.items.map((i) => `${i.name} ×${i.quantity}`).join(", ")}
                      </TableCell>
                      <TableCell className="pr-6 text-right tabular-nums">{money(o.totalAmount)}</TableCell>
                    </TableRow>
                  ))}
                  {member.orders.length === 0 ? (
                    <TableRow>
                      <TableCell colSpan={4} className="py-8 text-center text-muted-foreground">
                        {t("detail.noOrders")}
                      </TableCell>
                    </TableRow>
                  ) : null}
                </TableBody>
              </Table>
            </CardContent>
          </Card>

          <Card className="xl:col-span-2">
            <CardHeader>
              <CardTitle>{t("detail.timeline")}</CardTitle>
            </CardHeader>
            <CardContent>
              <ol className="relative flex flex-col gap-3 border-l pl-5" data-testid="member-timeline">
                {member.timeline.map((entry, i) => {
                  const Icon = timelineIcons[entry.kind];
                  return (
                    <li key={i} className="relative text-sm">
                      <span className="absolute top-0.5 -left-[29px] flex size-4.5 items-center justify-center rounded-full border bg-background">
                        <Icon className="size-3 text-muted-foreground" />
                      </span>
                      <div className="flex items-baseline justify-between gap-2">
                        <span className="font-medium">
                          {t(`timeline.${entry.kind}`)}
                          {entry.title ? <span className="ml-1.5 font-normal text-muted-foreground">{entry.title}</span> : null}
                        </span>
                        {entry.amount !== null ? <span className="tabular-nums">{entry.kind === "order" ? money(entry.amount) : format.number(entry.amount)}</span> : null}
                      </div>
                      <div className="flex items-center gap-1 text-xs text-muted-foreground">
                        <CalendarIcon className="size-3" /> {dateTime(entry.at)}
                        {entry.detail && entry.kind !== "event" ? <span>· {entry.detail}</span> : null}
                      </div>
                    </li>
                  );
                })}
              </ol>
            </CardContent>
          </Card>
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
