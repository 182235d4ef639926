"use client";

import { useEffect, useState } from "react";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { ArrowDownIcon, ArrowUpIcon, ChevronsUpDownIcon, SearchIcon, UsersIcon, XIcon } from "lucide-react";
import { useFormatter, useTranslations } from "use-intl";

import { useTRPC } from "@/trpc/react";
import { cn } from "@/lib/utils";
import { useDebouncedValue } from "@/lib/use-debounced-value";
import {
  lifecycleStages,
  MEMBERS_PAGE_SIZE,
  memberSearchParams,
  readMemberSearchParams,
  type LifecycleStage,
  type MemberQuery,
  type MemberSort,
} from "@/server/members/schemas";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { MultiSelect } from "@/components/ui/combobox";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { Pagination } from "@/components/ui/pagination";
import { Skeleton } from "@/components/ui/skeleton";
import { EmptyState } from "@/components/ui/empty-state";
import { Badge } from "@/components/ui/badge";
import { LifecycleBadge } from "@/components/members/lifecycle-badge";
import { MembersExport } from "@/components/members/members-export";
import { useMemberLabels } from "@/components/members/labels";

const ALL = "__all__";
/** A first click on a column sorts what people look for first: most, latest, highest; names A→Z. */
const FIRST_DIRECTION: Record<MemberSort, "asc" | "desc"> = {
  name: "asc", city: "asc", tier: "desc", lifecycle: "asc", orders: "desc", spend: "desc", points: "desc", lastOrder: "desc", registered: "desc",
};

/** The members list; its filters and order live in the URL so a view can be shared and reloaded. */
export function MembersList() {
  const t = useTranslations("members");
  const format = useFormatter();
  const labels = useMemberLabels();
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();

  const query = readMemberSearchParams(params);
  const page = Math.max(1, Math.trunc(Number(params.get("page") ?? 1)) || 1);
  const [search, setSearch] = useState(query.search ?? "");
  const debouncedSearch = useDebouncedValue(search.trim(), 300);

  /** Changes the view; any change but a page turn goes back to the first page. */
  function navigate(changes: Partial<MemberQuery>, nextPage = 1) {
    const next = memberSearchParams({ ...query, ...changes });
    if (nextPage > 1) next.set("page", String(nextPage));
    router.replace(next.size ? `${pathname}?${next}` : pathname, { scroll: false });
  }

  useEffect(() => {
    if ((query.search ?? "") !== debouncedSearch) navigate({ search: debouncedSearch || undefined });
    // Only the debounced search drives the URL here; the other controls write it directly.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [debouncedSearch]);

  const options = useQuery(trpc.members.filterOptions.queryOptions());
  const list = useQuery({
    ...trpc.members.list.queryOptions({ ...query, page, pageSize: MEMBERS_PAGE_SIZE }),
    placeholderData: keepPreviousData,
  });

  const filtered = Boolean(query.search || query.tierId || query.city || query.lifecycleStages?.length || query.tagIds?.length);
  const tagOptions = (options.data?.tags ?? []).map((tag) => ({ value: String(tag.id), label: tag.name, description: labels.tagCategory(tag.category) }));

  const sortHeader = (column: MemberSort, label: string, className?: string) => {
    const active = query.sort === column;
    const Icon = !active ? ChevronsUpDownIcon : query.direction === "asc" ? ArrowUpIcon : ArrowDownIcon;
    const direction = active ? (query.direction === "asc" ? "desc" : "asc") : FIRST_DIRECTION[column];
    return (
      <TableHead className={className} aria-sort={active ? (query.direction === "asc" ? "ascending" : "descending") : undefined}>
        <button
          type="button"
          onClick={() => navigate({ sort: column, direction })}
          className={cn(
            "-mx-1.5 inline-flex items-center gap-1 rounded px-1.5 py-1 outline-none hover:bg-muted hover:text-foreground focus-visible:ring-[3px] focus-visible:ring-ring/40",
            active && "text-foreground",
          )}
          title={t("sort.by", { column: label })}
          data-testid={`sort-${column}`}
        >
          {label}
          <Icon className={cn("size-3.5", !active && "opacity-40")} aria-hidden />
        </button>
      </TableHead>
    );
  };

  return (
    <div className="flex flex-col gap-3">
      <div className="flex flex-wrap items-start gap-2">
        <div className="relative w-full max-w-xs">
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
        <Select value={query.tierId ?? ALL} onValueChange={(v) => navigate({ tierId: v === ALL ? undefined : v })}>
          <SelectTrigger className="w-36" aria-label={t("filters.tier")}>
            <SelectValue />
          </SelectTrigger>
          <SelectContent>
            <SelectItem value={ALL}>{t("filters.allTiers")}</SelectItem>
            {options.data?.tiers.map((tier) => (
              <SelectItem key={tier.id} value={tier.id}>
                {labels.tier(tier)}
              </SelectItem>
            ))}
          </SelectContent>
        </Select>
        <Select value={query.city ?? ALL} onValueChange={(v) => navigate({ city: v === ALL ? undefined : v })}>
          <SelectTrigger className="w-36" aria-label={t("filters.city")}>
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
        <MultiSelect
          className="w-56"
          aria-label={t("filters.lifecycle")}
          placeholder={t("filters.allStages")}
          options={lifecycleStages.map((s) => ({ value: s, label: labels.lifecycle(s) }))}
          value={query.lifecycleStages ?? []}
          onValueChange={(v) => navigate({ lifecycleStages: lifecycleStages.filter((s) => v.includes(s)) as LifecycleStage[] })}
          maxDisplayed={2}
        />
        <MultiSelect
          className="w-60"
          aria-label={t("filters.tags")}
          placeholder={t("filters.anyTag")}
          searchPlaceholder={t("filters.searchTags")}
          options={tagOptions}
          value={(query.tagIds ?? []).map(String)}
          onValueChange={(v) => navigate({ tagIds: v.map(Number) })}
          maxDisplayed={2}
        />
      </div>
      <div className="flex min-h-9 flex-wrap items-center gap-3">
        {filtered ? (
          <Button
            variant="ghost"
            size="sm"
            className="-ml-2"
            onClick={() => {
              setSearch("");
              router.replace(query.sort ? `${pathname}?${memberSearchParams({ direction: query.direction, sort: query.sort })}` : pathname, { scroll: false });
            }}
          >
            <XIcon /> {t("filters.clear")}
          </Button>
        ) : null}
        {list.data ? (
          <span className="text-sm text-muted-foreground tabular-nums" data-testid="members-total">
            {t("total", { count: list.data.total })}
          </span>
        ) : null}
        <div className="ml-auto">
          <MembersExport query={query} />
        </div>
      </div>

      <div className="rounded-lg border bg-card">
        <Table aria-busy={list.isFetching}>
          <TableHeader>
            <TableRow>
              {sortHeader("name", t("columns.member"))}
              {sortHeader("city", t("columns.location"))}
              {sortHeader("tier", t("columns.tier"))}
              {sortHeader("lifecycle", t("columns.lifecycle"))}
              {sortHeader("orders", t("columns.orders"), "text-right")}
              {sortHeader("spend", t("columns.spend"), "text-right")}
              {sortHeader("points", t("columns.points"), "text-right")}
              {sortHeader("lastOrder", t("columns.lastOrder"))}
              {sortHeader("registered", t("columns.registered"))}
            </TableRow>
          </TableHeader>
          <TableBody className={cn(list.isPlaceholderData && "opacity-60")}>
            {list.isPending
              ? Array.from({ length: 8 }, (_, i) => (
                  <TableRow key={i}>
                    <TableCell colSpan={9}>
                      <Skeleton className="h-5 w-full" />
                    </TableCell>
                  </TableRow>
                ))
              : list.data?.members.map((m) => (
                  <TableRow key={m.id} className="cursor-pointer" onClick={() => router.push(`/members/${m.id}`)} data-testid="member-row" data-member-id={m.id}>
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
                      <Badge variant="outline">{labels.tier(m.tier)}</Badge>
                    </TableCell>
                    <TableCell>{m.stats ? <LifecycleBadge stage={m.stats.lifecycleStage} /> : "—"}</TableCell>
                    <TableCell className="text-right tabular-nums">{format.number(m.stats?.orderCount ?? 0)}</TableCell>
                    <TableCell className="text-right tabular-nums">
                      {format.number(m.stats?.totalSpend ?? 0, { style: "currency", currency: "CNY", maximumFractionDigits: 0 })}
                    </TableCell>
                    <TableCell className="text-right tabular-nums">{format.number(m.pointsBalance)}</TableCell>
                    <TableCell className="text-muted-foreground">{m.stats?.lastOrderAt ? format.dateTime(m.stats.lastOrderAt, { dateStyle: "medium" }) : "—"}</TableCell>
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
        <Pagination page={page} pageSize={list.data.pageSize} total={list.data.total} onPageChange={(p) => navigate({}, p)} />
      ) : null}
    </div>
  );
}
