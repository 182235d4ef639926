"use client";

// Insights → overview: a date range (whole days in Asia/Shanghai) by day, week or month against
// the previous period of the same length — the period's figures with their change, new and active
// members, orders, spend and average order value, coupon redemptions over time, the table by
// period (CSV) — and members now by lifecycle stage and by tier: a bar (or a row of the segments
// table) lists those members, who can be saved as an audience and targeted in a new flow.
import { useCallback, useMemo, useState } from "react";
import { keepPreviousData, useMutation, useQuery } from "@tanstack/react-query";
import { ArrowDownRightIcon, ArrowUpRightIcon, DownloadIcon } from "lucide-react";
import { useFormatter, useLocale, useTranslations } from "use-intl";

import { useTRPC, type RouterOutputs } from "@/trpc/react";
import type { Group } from "@/server/analytics/schemas";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input, inputClassName } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { cn } from "@/lib/utils";
import { ChartSelection } from "./chart-selection";
import { downloadCsv } from "./csv";
import { EChart, PREVIOUS_COLOR, SERIES_COLORS } from "./echart";

type Overview = RouterOutputs["insights"]["overview"];
type Figures = Overview["totals"]["current"];
type Granularity = "day" | "week" | "month";
type Period = { from: string; to: string };
type Segment = { group: Extract<Group, { kind: "stage" | "tier" }>; label: string; fullLabel: string; members: number };

const PAGE_SIZE = 20;
const KPIS = ["newMembers", "activeMembers", "orders", "spend", "aov", "redemptions"] as const;
const validRange = (p: Period) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(p.from) || !/^\d{4}-\d{2}-\d{2}$/.test(p.to)) return false;
  const days = (Date.parse(p.to) - Date.parse(p.from)) / 86_400_000;
  return days >= 0 && days < 366;
};

export function InsightsOverview() {
  const t = useTranslations("insights.overview");
  const kinds = useTranslations("insights.radar.kind");
  const format = useFormatter();
  const locale = useLocale();
  const trpc = useTRPC();

  const [query, setQuery] = useState<{ range?: Period; granularity: Granularity }>({ granularity: "day" });
  const [draft, setDraft] = useState<{ range: Period | null; granularity: Granularity }>({ range: null, granularity: "day" });
  const [segment, setSegment] = useState<Segment | null>(null);
  const [page, setPage] = useState(1);

  const result = useQuery({ ...trpc.insights.overview.queryOptions(query), placeholderData: keepPreviousData });
  const data = result.data;
  const range = draft.range ?? data?.range ?? { from: "", to: "" };
  const members = useQuery({
    ...trpc.insights.groupMembers.queryOptions(segment ? { group: segment.group, page, pageSize: PAGE_SIZE } : (undefined as never)),
    enabled: Boolean(segment),
    placeholderData: keepPreviousData,
  });
  const save = useMutation(trpc.insights.saveGroupAudience.mutationOptions());

  const money = useCallback((n: number) => format.number(n, { style: "currency", currency: "CNY", maximumFractionDigits: 0 }), [format]);
  const count = useCallback((n: number) => format.number(n), [format]);
  const kpiValue = (key: (typeof KPIS)[number], f: Figures) => {
    const v = f[key];
    if (v === null) return "—";
    return key === "spend" ? money(v) : key === "aov" ? format.number(v, { style: "currency", currency: "CNY", maximumFractionDigits: 2 }) : count(v);
  };

  const stageLabel = (stage: string) => t(`stages.${stage as "new"}`);
  const tierLabel = (tier: { name: string; nameEn: string }) => (locale === "en" ? tier.nameEn : tier.name);
  const segments: Segment[] = useMemo(
    () =>
      data
        ? [
            ...data.byStage.map((s) => ({ group: { kind: "stage" as const, stage: s.stage }, label: stageLabel(s.stage), fullLabel: `${kinds("stage")}: ${stageLabel(s.stage)}`, members: s.members })),
            ...data.byTier.map((tier) => ({ group: { kind: "tier" as const, tierId: tier.tierId }, label: tierLabel(tier), fullLabel: `${kinds("tier")}: ${tierLabel(tier)}`, members: tier.members })),
          ]
        : [],
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [data, locale],
  );
  const segmentKey = (s: Segment) => (s.group.kind === "stage" ? `stage-${s.group.stage}` : `tier-${s.group.tierId}`);

  const select = useCallback((s: Segment) => {
    setSegment(s);
    setPage(1);
    requestAnimationFrame(() => document.getElementById("overview-selection")?.scrollIntoView({ behavior: "smooth", block: "start" }));
  }, []);

  const apply = () => {
    if (!validRange(range)) return;
    setQuery({ range, granularity: draft.granularity });
  };
  const reset = () => {
    setDraft({ range: null, granularity: "day" });
    setQuery({ granularity: "day" });
  };

  const bucketName = useCallback(
    (b: Period) => (!data ? b.from : data.granularity === "month" ? b.from.slice(0, 7) : data.granularity === "week" ? `${b.from.slice(5)}–${b.to.slice(5)}` : b.from.slice(5)),
    [data],
  );

  const lineOption = useCallback(
    (series: { name: string; values: (number | null)[]; previous: boolean; color: string; axis?: number; kind?: "bar" | "line" }[], yAxes: number, formatter?: (n: number) => string) => {
      if (!data) return {};
      return {
        animation: false,
        grid: { left: 8, right: yAxes > 1 ? 8 : 16, top: 40, bottom: 8, containLabel: true },
        legend: { type: "scroll", top: 0, left: 0, right: 0, itemWidth: 14, itemGap: 8, textStyle: { fontSize: 11 } },
        tooltip: { trigger: "axis", valueFormatter: (v: number | null) => (v === null || v === undefined ? "—" : formatter ? formatter(v) : count(v)) },
        xAxis: { type: "category", data: data.series.map((p) => bucketName(p.bucket)), axisLabel: { fontSize: 11, hideOverlap: true } },
        yAxis: Array.from({ length: yAxes }, (_, i) => ({ type: "value", axisLabel: { fontSize: 11 }, splitLine: { show: i === 0 } })),
        series: series.map((s) => ({
          name: s.name,
          type: s.kind ?? "line",
          yAxisIndex: s.axis ?? 0,
          data: s.values,
          showSymbol: data.series.length <= 31,
          symbolSize: 4,
          lineStyle: s.previous ? { type: "dashed", width: 1.5 } : { width: 2 },
          itemStyle: { color: s.color },
          barMaxWidth: 24,
        })),
      };
    },
    [data, bucketName, count],
  );

  const cur = t("current");
  const prev = t("previous");
  const charts = data
    ? [
        {
          key: "members",
          title: t("membersChart"),
          option: lineOption(
            [
              { name: `${t("kpi.newMembers")} · ${cur}`, values: data.series.map((p) => p.current.newMembers), previous: false, color: SERIES_COLORS[0]! },
              { name: `${t("kpi.newMembers")} · ${prev}`, values: data.series.map((p) => p.prior.newMembers), previous: true, color: SERIES_COLORS[0]! },
              { name: `${t("kpi.activeMembers")} · ${cur}`, values: data.series.map((p) => p.current.activeMembers), previous: false, color: SERIES_COLORS[2]! },
              { name: `${t("kpi.activeMembers")} · ${prev}`, values: data.series.map((p) => p.prior.activeMembers), previous: true, color: SERIES_COLORS[2]! },
            ],
            1,
          ),
        },
        {
          key: "orders",
          title: t("ordersChart"),
          option: lineOption(
            [
              { name: cur, values: data.series.map((p) => p.current.orders), previous: false, color: SERIES_COLORS[0]! },
              { name: prev, values: data.series.map((p) => p.prior.orders), previous: true, color: PREVIOUS_COLOR },
            ],
            1,
          ),
        },
        {
          key: "spend",
          title: t("spendChart"),
          option: lineOption(
            [
              { name: `${t("kpi.spend")} · ${cur}`, values: data.series.map((p) => p.current.spend), previous: false, color: SERIES_COLORS[1]!, kind: "bar" },
              { name: `${t("kpi.spend")} · ${prev}`, values: data.series.map((p) => p.prior.spend), previous: true, color: PREVIOUS_COLOR, kind: "bar" },
              { name: `${t("kpi.aov")} · ${cur}`, values: data.series.map((p) => p.current.aov), previous: false, color: SERIES_COLORS[3]!, axis: 1 },
              { name: `${t("kpi.aov")} · ${prev}`, values: data.series.map((p) => p.prior.aov), previous: true, color: SERIES_COLORS[3]!, axis: 1 },
            ],
            2,
            (n) => format.number(n, { maximumFractionDigits: 0 }),
          ),
        },
        {
          key: "coupons",
          title: t("couponsChart"),
          option: lineOption(
            [
              { name: cur, values: data.series.map((p) => p.current.redemptions), previous: false, color: SERIES_COLORS[4]! },
              { name: prev, values: data.series.map((p) => p.prior.redemptions), previous: true, color: PREVIOUS_COLOR },
            ],
            1,
          ),
        },
      ]
    : [];

  const barOption = (items: Segment[], color: string) => ({
    animation: false,
    grid: { left: 8, right: 48, top: 4, bottom: 4, containLabel: true },
    tooltip: { trigger: "item", formatter: (p: { name: string; value: number }) => `${p.name}: ${count(p.value)}` },
    xAxis: { type: "value", show: false },
    yAxis: { type: "category", inverse: true, data: items.map((s) => s.label), axisTick: { show: false }, axisLabel: { fontSize: 12 } },
    series: [
      {
        type: "bar",
        data: items.map((s) => ({
          value: s.members,
          itemStyle: { color: segment && segmentKey(segment) === segmentKey(s) ? "#111827" : color, borderRadius: [0, 3, 3, 0] },
        })),
        barMaxWidth: 22,
        label: { show: true, position: "right", fontSize: 11, formatter: (p: { value: number }) => count(p.value) },
        cursor: "pointer",
      },
    ],
  });

  const periodCsv = () => {
    if (!data) return;
    const keys = ["newMembers", "activeMembers", "orders", "spend", "aov", "redemptions", "discount"] as const;
    downloadCsv(
      `insights-overview-${data.range.from}-${data.range.to}-${data.granularity}.csv`,
      ["from", "to", ...keys, "previous_from", "previous_to", ...keys.map((k) => `previous_${k}`), "timezone"],
      data.series.map((p) => [
        p.bucket.from,
        p.bucket.to,
        ...keys.map((k) => (p.current[k] === null ? "" : k === "spend" || k === "aov" || k === "discount" ? p.current[k]!.toFixed(2) : p.current[k])),
        p.previous.from,
        p.previous.to,
        ...keys.map((k) => (p.prior[k] === null ? "" : k === "spend" || k === "aov" || k === "discount" ? p.prior[k]!.toFixed(2) : p.prior[k])),
        data.timezone,
      ]),
    );
  };
  const segmentsCsv = () => {
    if (!data) return;
    downloadCsv(
      `insights-segments-${data.range.to}.csv`,
      ["kind", "key", "segment", "members", "share"],
      segments.map((s) => [s.group.kind, s.group.kind === "stage" ? s.group.stage : s.group.tierId, s.label, s.members, data.totalMembers ? (s.members / data.totalMembers).toFixed(4) : ""]),
    );
  };

  return (
    <div className="space-y-4">
      <Card>
        <CardHeader>
          <CardTitle>{t("title")}</CardTitle>
          <CardDescription>{t("description", { timezone: data?.timezone ?? "Asia/Shanghai" })}</CardDescription>
          {data && (
            <p className="text-xs text-muted-foreground" data-testid="overview-freshness">
              {t("freshness", { days: data.rollup.days, live: data.rollup.liveDays, ms: data.ms })}
            </p>
          )}
        </CardHeader>
        <CardContent>
          <form
            className="flex flex-wrap items-end gap-3"
            onSubmit={(e) => {
              e.preventDefault();
              apply();
            }}
          >
            <fieldset className="grid gap-1.5">
              <legend className="mb-1.5 text-sm font-medium">{t("range")}</legend>
              <div className="flex items-center gap-1">
                <Input type="date" aria-label={t("from")} data-testid="overview-from" className="w-40" value={range.from} onChange={(e) => setDraft({ ...draft, range: { ...range, from: e.target.value } })} />
                <span className="text-muted-foreground">–</span>
                <Input type="date" aria-label={t("to")} data-testid="overview-to" className="w-40" value={range.to} onChange={(e) => setDraft({ ...draft, range: { ...range, to: e.target.value } })} />
              </div>
            </fieldset>
            <div className="grid gap-1.5">
              <Label htmlFor="overview-granularity">{t("granularity")}</Label>
              <select
                id="overview-granularity"
                data-testid="overview-granularity"
                className={cn(inputClassName, "w-28")}
                value={draft.granularity}
                onChange={(e) => setDraft({ ...draft, granularity: e.target.value as Granularity })}
              >
                {(["day", "week", "month"] as const).map((g) => (
                  <option key={g} value={g}>
                    {t(g)}
                  </option>
                ))}
              </select>
            </div>
            <Button type="submit" data-testid="overview-apply" disabled={!validRange(range)}>
              {t("apply")}
            </Button>
            <Button type="button" variant="ghost" onClick={reset}>
              {t("reset")}
            </Button>
          </form>
          {!validRange(range) && range.from && <p className="text-destructive mt-2 text-xs">{t("rangeInvalid")}</p>}
        </CardContent>
      </Card>

      {result.isError ? (
        <p className="text-destructive text-sm">
          {t("loadFailed")}: {result.error.message}
        </p>
      ) : !data ? (
        <div className="grid gap-4 md:grid-cols-3 xl:grid-cols-6">
          {KPIS.map((k) => (
            <Skeleton key={k} className="h-24" />
          ))}
          <Skeleton className="h-[260px] md:col-span-3 xl:col-span-6" />
        </div>
      ) : (
        <>
          <p className="text-muted-foreground text-sm" data-testid="overview-summary" data-total={data.totalMembers}>
            {t("summary", { from: data.range.from, to: data.range.to, prevFrom: data.previous.from, prevTo: data.previous.to, ms: data.ms })}
          </p>
          <div className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-6" data-testid="overview-kpis">
            {KPIS.map((key) => {
              const now = data.totals.current[key];
              const before = data.totals.prior[key];
              const change = now !== null && before !== null && before !== 0 ? (now - before) / before : null;
              // Under 0.05 % either way reads as "0 %": neither green nor red.
              const flat = change !== null && Math.abs(change) < 0.0005;
              return (
                <Card key={key} className="gap-1 py-4" data-testid={`overview-kpi-${key}`}>
                  <CardContent className="space-y-1 px-4">
                    <p className="text-muted-foreground text-xs">{t(`kpi.${key}`)}</p>
                    <p className="text-xl font-semibold tabular-nums">{kpiValue(key, data.totals.current)}</p>
                    <p className={cn("flex items-center gap-0.5 text-xs tabular-nums", change === null || flat ? "text-muted-foreground" : change >= 0 ? "text-emerald-700" : "text-rose-700")}>
                      {change === null ? (
                        t("noPrevious")
                      ) : (
                        <>
                          {flat ? null : change >= 0 ? <ArrowUpRightIcon className="size-3" /> : <ArrowDownRightIcon className="size-3" />}
                          {t("vsPrevious", { change: format.number(change, { style: "percent", maximumFractionDigits: 1, signDisplay: "exceptZero" }) })}
                        </>
                      )}
                    </p>
                  </CardContent>
                </Card>
              );
            })}
          </div>

          <div className="grid gap-4 lg:grid-cols-2">
            {charts.map((c) => (
              <Card key={c.key} className="gap-2">
                <CardHeader>
                  <CardTitle className="text-sm">{c.title}</CardTitle>
                </CardHeader>
                <CardContent>
                  <EChart option={c.option} height={240} ariaLabel={t("chartLabel", { title: c.title })} testId={`overview-chart-${c.key}`} />
                </CardContent>
              </Card>
            ))}
          </div>

          <div className="grid gap-4 xl:grid-cols-[minmax(0,1fr)_minmax(0,1fr)_minmax(0,420px)]">
            {(
              [
                ["stage", t("byStage"), t("snapshotHint"), segments.filter((s) => s.group.kind === "stage"), SERIES_COLORS[2]!],
                ["tier", t("byTier"), t("tierHint"), segments.filter((s) => s.group.kind === "tier"), SERIES_COLORS[0]!],
              ] as const
            ).map(([key, title, hint, items, color]) => (
              <Card key={key} className="gap-2">
                <CardHeader>
                  <CardTitle className="text-sm">{title}</CardTitle>
                  <CardDescription className="text-xs">{hint}</CardDescription>
                </CardHeader>
                <CardContent>
                  {data.totalMembers === 0 ? (
                    <p className="text-muted-foreground text-sm">{t("empty")}</p>
                  ) : (
                    <EChart
                      option={barOption([...items], color)}
                      height={Math.max(140, items.length * 34)}
                      ariaLabel={title}
                      testId={`overview-${key}-chart`}
                      onClick={(p) => items[p.dataIndex] && select(items[p.dataIndex]!)}
                    />
                  )}
                </CardContent>
              </Card>
            ))}
            <Card className="gap-2">
              <CardHeader>
                <CardTitle className="text-sm">{t("segmentsTable.title")}</CardTitle>
                <div className="col-start-2 row-span-2 row-start-1 self-start justify-self-end">
                  <Button variant="outline" size="sm" onClick={segmentsCsv} data-testid="overview-segments-csv">
                    <DownloadIcon />
                    {t("table.csv")}
                  </Button>
                </div>
              </CardHeader>
              <CardContent className="max-h-[320px] overflow-auto">
                <Table className="text-xs [&_td]:px-2 [&_th]:px-2" data-testid="overview-segments">
                  <TableHeader>
                    <TableRow>
                      <TableHead>{t("segmentsTable.segment")}</TableHead>
                      <TableHead className="text-right">{t("segmentsTable.members")}</TableHead>
                      <TableHead className="text-right">{t("segmentsTable.share")}</TableHead>
                    </TableRow>
                  </TableHeader>
                  <TableBody>
                    {segments.map((s) => (
                      <TableRow key={segmentKey(s)} className="cursor-pointer" data-state={segment && segmentKey(segment) === segmentKey(s) ? "selected" : undefined} onClick={() => select(s)}>
                        <TableCell>
                          <button type="button" className="hover:underline" data-testid={`overview-segment-${segmentKey(s)}`} data-count={s.members} onClick={(e) => { e.stopPropagation(); select(s); }}>
                            {s.fullLabel}
                          </button>
                        </TableCell>
                        <TableCell className="text-right tabular-nums">{count(s.members)}</TableCell>
                        <TableCell className="text-right tabular-nums">{data.totalMembers ? format.number(s.members / data.totalMembers, { style: "percent", maximumFractionDigits: 1 }) : "—"}</TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              </CardContent>
            </Card>
          </div>

          {segment && (
            <ChartSelection
              key={segmentKey(segment)}
              testId="overview"
              label={segment.fullLabel}
              count={segment.members}
              list={members}
              page={page}
              pageSize={PAGE_SIZE}
              onPageChange={setPage}
              defaultName={`${segment.fullLabel} · ${data.range.to}`}
              onSave={(name) => save.mutateAsync({ chart: "overview", group: segment.group, range: data.range, name })}
              onClear={() => setSegment(null)}
              csvName={`insights-${segmentKey(segment)}-members.csv`}
            />
          )}

          <Card>
            <CardHeader>
              <CardTitle className="text-base">{t("table.title")}</CardTitle>
              <div className="col-start-2 row-span-2 row-start-1 self-start justify-self-end">
                <Button variant="outline" size="sm" onClick={periodCsv} data-testid="overview-csv">
                  <DownloadIcon />
                  {t("table.csv")}
                </Button>
              </div>
            </CardHeader>
            <CardContent className="max-h-[420px] overflow-auto">
              <Table className="text-xs [&_td]:px-2 [&_th]:px-2" data-testid="overview-table">
                <TableHeader>
                  <TableRow>
                    <TableHead>{t("table.bucket")}</TableHead>
                    {KPIS.map((k) => (
                      <TableHead key={k} className="text-right">
                        {t(`kpi.${k}`)}
                      </TableHead>
                    ))}
                    <TableHead className="text-right">{t("kpi.discount")}</TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {data.series.map((p) => (
                    <TableRow key={p.bucket.from}>
                      <TableCell className="whitespace-nowrap">
                        {p.bucket.from === p.bucket.to ? p.bucket.from : `${p.bucket.from} – ${p.bucket.to}`}
                        <span className="text-muted-foreground block">
                          {t("table.previousBucket")}: {p.previous.from === p.previous.to ? p.previous.from : `${p.previous.from} – ${p.previous.to}`}
                        </span>
                      </TableCell>
                      {KPIS.map((k) => (
                        <TableCell key={k} className="text-right tabular-nums">
                          {kpiValue(k, p.current)}
                          <span className="text-muted-foreground block">{kpiValue(k, p.prior)}</span>
                        </TableCell>
                      ))}
                      <TableCell className="text-right tabular-nums">
                        {money(p.current.discount)}
                        <span className="text-muted-foreground block">{money(p.prior.discount)}</span>
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </CardContent>
          </Card>
        </>
      )}
    </div>
  );
}
