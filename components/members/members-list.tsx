"use client";

import { useEffect, useState } from "react";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { SearchIcon, UsersIcon } from "lucide-react";
import { useFormatter, useLocale, useTranslations } from "use-intl";

import { useTRPC } from "@/trpc/react";
import { useDebouncedValue } from "@/lib/use-debounced-value";
import { MEMBERS_PAGE_SIZE } from "@/server/members/schemas";
import { Input } from "@/components/ui/input";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { Pagination } from "@/components/ui/pagination";
import { Skeleton } from "@/components/ui/skeleton";
import { EmptyState } from "@/components/ui/empty-state";
import { Badge } from "@/components/ui/badge";
import { LifecycleBadge } from "@/components/members/lifecycle-badge";

const ALL = "__all__";
const stages = ["new", "active", "silent", "churned"] as const;
type Stage = (typeof stages)[number];

/** The members list; its filters live in the URL so a filtered view can be shared and reloaded. */
export function MembersList() {
  const t = useTranslations("members");
  const format = useFormatter();
  const locale = useLocale();
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();

  const [search, setSearch] = useState(params.get("q") ?? "");
  const debouncedSearch = useDebouncedValue(search.trim(), 300);
  const tierId = params.get("tier") ?? undefined;
  const city = params.get("city") ?? undefined;
  const stageParam = params.get("stage");
  const lifecycleStage = stages.includes(stageParam as Stage) ? (stageParam as Stage) : undefined;
  const page = Math.max(1, Number(params.get("page") ?? 1) || 1);

  function setParams(changes: Record<string, string | undefined>) {
    const next = new URLSearchParams(params.toString());
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined || value === "") next.delete(key);
      else next.set(key, value);
    }
    router.replace(`${pathname}?${next.toString()}`, { scroll: false });
  }

  useEffect(() => {
    if ((params.get("q") ?? "") !== debouncedSearch) setParams({ q: debouncedSearch || undefined, page: undefined });
    // Only the debounced search drives the URL here; the other filters write it directly.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [debouncedSearch]);

  const options = useQuery(trpc.members.filterOptions.queryOptions());
  const list = useQuery({
    ...trpc.members.list.queryOptions({
      search: params.get("q") || undefined,
      tierId,
      city,
      lifecycleStage,
      page,
      pageSize: MEMBERS_PAGE_SIZE,
    }),
    placeholderData: keepPreviousData,
  });

  const tierName = (tier: { name: string; nameEn: string }) => (locale === "en" ? tier.nameEn : tier.name);

  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center gap-2">
        <div className="relative w-full max-w-sm">
          <SearchIcon className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-muted-foreground" />
          <Input
            type="search"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            placeholder={t("searchPlaceholder")}
            aria-label={t("searchPlaceholder")}
            className="pl-8"
          />
        </div>
        <Select value={tierId ?? ALL} onValueChange={(v) => setParams({ tier: v === ALL ? undefined : v, page: undefined })}>
          <SelectTrigger className="w-40" aria-label={t("filters.tier")}>
            <SelectValue />
          </SelectTrigger>
          <SelectContent>
            <SelectItem value={ALL}>{t("filters.allTiers")}</SelectItem>
            {options.data?.tiers.map((tier) => (
              <SelectItem key={tier.id} value={tier.id}>
                {tierName(tier)}
              </SelectItem>
            ))}
          </SelectContent>
        </Select>
        <Select value={city ?? ALL} onValueChange={(v) => setParams({ city: v === ALL ? undefined : v, page: undefined })}>
          <SelectTrigger className="w-40" aria-label={t("filters.city")}>
            <SelectValue />
          </SelectTrigger>
          <SelectContent>
            <SelectItem value={ALL}>{t("filters.allCities")}</SelectItem>
            {options.data?.cities.map((c) => (
              <SelectItem key={c} value={c}>
                {c}
              </SelectItem>
            ))}
          </SelectContent>
        </Select>
        <Select value={lifecycleStage ?? ALL} onValueChange={(v) => setParams({ stage: v === ALL ? undefined : v, page: undefined })}>
          <SelectTrigger className="w-40" aria-label={t("filters.lifecycle")}>
            <SelectValue />
          </SelectTrigger>
          <SelectContent>
            <SelectItem value={ALL}>{t("filters.allStages")}</SelectItem>
            {stages.map((s) => (
              <SelectItem key={s} value={s}>
                {t(`lifecycle.${s}`)}
              </SelectItem>
            ))}
          </SelectContent>
        </Select>
        {list.data ? (
          <span className="ml-auto text-sm text-muted-foreground" data-testid="members-total">
            {t("total", { count: list.data.total })}
          </span>
        ) : null}
      </div>

      <div className="rounded-lg border bg-card">
        <Table>
          <TableHeader>
            <TableRow>
              <TableHead>{t("columns.member")}</TableHead>
              <TableHead>{t("columns.location")}</TableHead>
              <TableHead>{t("columns.tier")}</TableHead>
              <TableHead>{t("columns.lifecycle")}</TableHead>
              <TableHead className="text-right">{t("columns.orders")}</TableHead>
              <TableHead className="text-right">{t("columns.spend")}</TableHead>
              <TableHead className="text-right">{t("columns.points")}</TableHead>
              <TableHead>{t("columns.registered")}</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {list.isPending
              ? Array.from({ length: 8 }, (_, i) => (
                  <TableRow key={i}>
                    <TableCell colSpan={8}>
                      <Skeleton className="h-5 w-full" />
                    </TableCell>
                  </TableRow>
                ))
              : list.data?.members.map((m) => (
                  <TableRow key={m.id} className="cursor-pointer" onClick={() => router.push(`/members/${m.id}`)}>
                    <TableCell>
                      <Link href={`/members/${m.id}`} className="font-medium text-foreground hover:underline" onClick={(e) => e.stopPropagation()}>
                        {m.name}
                      </Link>
                      <div className="font-mono text-xs text-muted-foreground">{m.externalId}</div>
                    </TableCell>
                    <TableCell>
                      <div>{m.city ?? "—"}</div>
                      <div className="text-xs text-muted-foreground">{m.businessDistrict ?? ""}</div>
                    </TableCell>
                    <TableCell>
                      <Badge variant="outline">{tierName(m.tier)}</Badge>
                    </TableCell>
                    <TableCell>{m.stats ? <LifecycleBadge stage={m.stats.lifecycleStage} /> : "—"}</TableCell>
                    <TableCell className="text-right tabular-nums">{format.number(m.stats?.orderCount ?? 0)}</TableCell>
                    <TableCell className="text-right tabular-nums">
                      {format.number(m.stats?.totalSpend ?? 0, { style: "currency", currency: "CNY", maximumFractionDigits: 0 })}
                    </TableCell>
                    <TableCell className="text-right tabular-nums">{format.number(m.pointsBalance)}</TableCell>
                    <TableCell className="text-muted-foreground">{format.dateTime(m.registeredAt, { dateStyle: "medium" })}</TableCell>
                  </TableRow>
                ))}
          </TableBody>
        </Table>
        {list.data && list.data.members.length === 0 ? (
          <EmptyState icon={UsersIcon} title={t("emptyTitle")} description={t("emptyDescription")} className="border-0" />
        ) : null}
      </div>

      {list.data && list.data.total > 0 ? (
        <Pagination
          page={page}
          pageSize={list.data.pageSize}
          total={list.data.total}
          onPageChange={(p) => setParams({ page: p === 1 ? undefined : String(p) })}
        />
      ) : null}
    </div>
  );
}
