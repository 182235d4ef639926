"use client";

// Insights → compare groups: 2–6 groups (tiers, lifecycle stages, RFM segments, saved audiences,
// all members, or a condition written here with the audience condition editor) on 3–8
// indicators; the radar of normalised scores (raw values on hover), the table beside it with
// sizes and raw values (CSV), and a group's members — clicked in the chart or the table — saved as
// an audience and targeted in a new flow.
import { useCallback, useMemo, useState } from "react";
import { keepPreviousData, useMutation, useQuery } from "@tanstack/react-query";
import { DownloadIcon, PlusIcon, SlidersHorizontalIcon, Trash2Icon } from "lucide-react";
import { useFormatter, useLocale, useTranslations } from "use-intl";

import { useTRPC, type RouterOutputs } from "@/trpc/react";
import { conditionTreeSchema, emptyConditionTree, type ConditionTree } from "@/server/audiences/condition";
import { indicators as ALL_INDICATORS, lifecycleStages, rfmSegments, type Group, type Indicator } from "@/server/analytics/schemas";
import { ConditionEditor } from "@/components/audiences/condition-editor";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Checkbox } from "@/components/ui/checkbox";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Input, inputClassName } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { cn } from "@/lib/utils";
import { ChartSelection } from "./chart-selection";
import { downloadCsv } from "./csv";
import { EChart, SERIES_COLORS } from "./echart";

type Radar = RouterOutputs["insights"]["radar"];
type Kind = Group["kind"];
const PAGE_SIZE = 20;
const KINDS: Kind[] = ["tier", "stage", "rfm", "audience", "all", "condition"];

export function GroupComparison() {
  const t = useTranslations("insights.radar");
  const stageT = useTranslations("insights.overview.stages");
  const format = useFormatter();
  const locale = useLocale();
  const trpc = useTRPC();

  const options = useQuery(trpc.members.filterOptions.queryOptions());
  const audiences = useQuery(trpc.audiences.list.queryOptions({ pageSize: 100 }));
  const tiers = useMemo(() => options.data?.tiers ?? [], [options.data]);

  const [draft, setDraft] = useState<Group[] | null>(null);
  const [chosen, setChosen] = useState<Indicator[]>([...ALL_INDICATORS]);
  const [query, setQuery] = useState<{ groups: Group[]; indicators: Indicator[] } | null>(null);
  const [editing, setEditing] = useState<number | null>(null);
  const [picked, setPicked] = useState<number | null>(null);
  const [page, setPage] = useState(1);

  // Until the user edits: the first two tiers.
  const groups: Group[] = draft ?? tiers.slice(0, 2).map((tier) => ({ kind: "tier" as const, tierId: tier.id }));
  const effective = query ?? (groups.length >= 2 ? { groups, indicators: chosen } : null);
  const result = useQuery({
    ...trpc.insights.radar.queryOptions(effective ?? (undefined as never)),
    enabled: Boolean(effective),
    placeholderData: keepPreviousData,
  });
  const data: Radar | undefined = result.data;
  const pickedGroup = picked !== null ? data?.groups[picked] : undefined;
  const members = useQuery({
    ...trpc.insights.groupMembers.queryOptions(pickedGroup ? { group: pickedGroup.group, page, pageSize: PAGE_SIZE } : (undefined as never)),
    enabled: Boolean(pickedGroup),
    placeholderData: keepPreviousData,
  });
  const save = useMutation(trpc.insights.saveGroupAudience.mutationOptions());

  const tierName = useCallback((id: string) => {
    const tier = tiers.find((x) => x.id === id);
    return tier ? (locale === "en" ? tier.nameEn : tier.name) : id;
  }, [tiers, locale]);
  const groupName = useCallback(
    (g: Group, i: number) => {
      switch (g.kind) {
        case "all":
          return t("kind.all");
        case "tier":
          return `${t("kind.tier")}: ${tierName(g.tierId)}`;
        case "stage":
          return `${t("kind.stage")}: ${stageT(g.stage)}`;
        case "rfm":
          return `RFM: ${t(`rfm.${g.segment}`).replace(/[(（].*$/, "").trim()}`;
        case "audience":
          return `${t("kind.audience")}: ${audiences.data?.items.find((a) => a.id === g.audienceId)?.name ?? g.audienceId}`;
        case "condition":
          return g.label ?? t("conditionDefault", { n: i + 1 });
      }
    },
    [t, stageT, tierName, audiences.data],
  );

  const setGroups = (next: Group[]) => setDraft(next);
  const defaultOf = (kind: Kind, i: number): Group => {
    switch (kind) {
      case "all":
        return { kind };
      case "tier":
        return { kind, tierId: tiers[Math.min(i, tiers.length - 1)]?.id ?? "bronze" };
      case "stage":
        return { kind, stage: lifecycleStages[i % lifecycleStages.length]! };
      case "rfm":
        return { kind, segment: rfmSegments[i % rfmSegments.length]! };
      case "audience":
        return { kind, audienceId: audiences.data?.items[0]?.id ?? "" };
      case "condition":
        return { kind, condition: emptyConditionTree(), label: t("conditionDefault", { n: i + 1 }) };
    }
  };
  const valid = groups.length >= 2 && groups.length <= 6 && chosen.length >= 3 && groups.every((g) => g.kind !== "audience" || g.audienceId);
  const compare = () => {
    if (!valid) return;
    setQuery({ groups, indicators: ALL_INDICATORS.filter((x) => chosen.includes(x)) });
    setPicked(null);
  };
  const pick = useCallback((i: number) => {
    setPicked(i);
    setPage(1);
    requestAnimationFrame(() => document.getElementById("radar-selection")?.scrollIntoView({ behavior: "smooth", block: "start" }));
  }, []);

  const raw = useCallback(
    (indicator: Indicator, v: number | null) => {
      if (v === null) return t("noValue");
      if (indicator === "spend" || indicator === "aov") return format.number(v, { style: "currency", currency: "CNY", maximumFractionDigits: 0 });
      if (indicator === "redemption") return format.number(v, { style: "percent", maximumFractionDigits: 1 });
      return format.number(v, { maximumFractionDigits: 1 });
    },
    [format, t],
  );

  const labels = useMemo(() => (data ? data.groups.map((g, i) => groupName(g.group, i)) : []), [data, groupName]);
  const option = useMemo(() => {
    if (!data) return {};
    return {
      animation: false,
      color: SERIES_COLORS,
      legend: { bottom: 0, data: labels, textStyle: { fontSize: 12 }, type: "scroll" },
      tooltip: {
        trigger: "item",
        confine: true,
        formatter: (p: { dataIndex: number; seriesIndex: number; data: { groupIndex: number } }) => {
          const g = data.groups[p.data.groupIndex]!;
          const rows = data.indicators.map((ind, k) => `${t(`short.${ind}`)}: <b>${raw(ind, g.values[ind])}</b> <span style="color:#6b7280">(${Math.round(g.scores[k]!)})</span>`);
          return `<b>${escapeHtml(labels[p.data.groupIndex]!)}</b> · ${format.number(g.size)}<br/>${rows.join("<br/>")}`;
        },
      },
      radar: {
        center: ["50%", "48%"],
        radius: "64%",
        indicator: data.indicators.map((ind) => ({ name: t(`short.${ind}`), max: 100, min: 0 })),
        axisName: { color: "#374151", fontSize: 12 },
        splitArea: { areaStyle: { color: ["#fff", "#f8fafc"] } },
      },
      series: [
        {
          type: "radar",
          emphasis: { lineStyle: { width: 3 } },
          data: data.groups.map((g, i) => ({
            name: labels[i],
            value: g.scores.map((s) => Math.round(s * 10) / 10),
            groupIndex: i,
            symbolSize: 5,
            lineStyle: { width: picked === i ? 3.5 : 2 },
            areaStyle: { opacity: picked === i ? 0.25 : 0.08 },
          })),
        },
      ],
    };
  }, [data, labels, picked, raw, t, format]);

  const csv = () => {
    if (!data) return;
    downloadCsv(
      "insights-compare-groups.csv",
      ["group", "members", ...data.indicators.map((i) => i), ...data.indicators.map((i) => `${i}_score`)],
      data.groups.map((g, i) => [labels[i], g.size, ...data.indicators.map((ind) => (g.values[ind] === null ? "" : g.values[ind]!.toFixed(4))), ...g.scores.map((s) => s.toFixed(1))]),
    );
  };

  return (
    <div className="space-y-4">
      <Card>
        <CardHeader>
          <CardTitle>{t("title")}</CardTitle>
          <CardDescription>{t("description")}</CardDescription>
        </CardHeader>
        <CardContent className="space-y-4">
          <div className="space-y-2">
            <p className="text-sm font-medium">{t("groups")}</p>
            <ul className="grid gap-2 lg:grid-cols-2" data-testid="radar-groups">
              {groups.map((g, i) => (
                <li key={i} className="flex flex-wrap items-center gap-2">
                  <span className="size-3 shrink-0 rounded-full" style={{ background: SERIES_COLORS[i % SERIES_COLORS.length] }} aria-hidden />
                  <select
                    aria-label={`${t("groups")} ${i + 1}`}
                    data-testid={`radar-group-kind-${i}`}
                    className={cn(inputClassName, "w-40")}
                    value={g.kind}
                    onChange={(e) => {
                      const next = [...groups];
                      next[i] = defaultOf(e.target.value as Kind, i);
                      setGroups(next);
                      if (e.target.value === "condition") setEditing(i);
                    }}
                  >
                    {KINDS.map((k) => (
                      <option key={k} value={k}>
                        {t(`kind.${k}`)}
                      </option>
                    ))}
                  </select>
                  <GroupValue
                    group={g}
                    index={i}
                    tiers={tiers.map((x) => ({ value: x.id, label: locale === "en" ? x.nameEn : x.name }))}
                    audiences={(audiences.data?.items ?? []).map((a) => ({ value: a.id, label: a.name }))}
                    stageLabel={(s) => stageT(s)}
                    rfmLabel={(s) => t(`rfm.${s}`)}
                    onChange={(next) => setGroups(groups.map((x, j) => (j === i ? next : x)))}
                    onEdit={() => setEditing(i)}
                    editLabel={t("conditionTitle")}
                  />
                  <Button type="button" variant="ghost" size="icon" aria-label={t("remove")} disabled={groups.length <= 2} onClick={() => setGroups(groups.filter((_, j) => j !== i))}>
                    <Trash2Icon />
                  </Button>
                </li>
              ))}
            </ul>
            <Button type="button" variant="outline" size="sm" data-testid="radar-add" disabled={groups.length >= 6} onClick={() => setGroups([...groups, defaultOf("stage", groups.length)])}>
              <PlusIcon />
              {t("add")}
            </Button>
          </div>
          <fieldset>
            <legend className="mb-2 text-sm font-medium">{t("indicators")}</legend>
            <div className="flex flex-wrap gap-x-4 gap-y-2">
              {ALL_INDICATORS.map((ind) => (
                <label key={ind} className="flex items-center gap-1.5 text-sm">
                  <Checkbox
                    data-testid={`radar-indicator-${ind}`}
                    checked={chosen.includes(ind)}
                    onCheckedChange={(on) => setChosen(on ? [...chosen, ind] : chosen.filter((x) => x !== ind))}
                  />
                  {t(`indicator.${ind}`)}
                </label>
              ))}
            </div>
          </fieldset>
          <div className="flex items-center gap-3">
            <Button data-testid="radar-compare" disabled={!valid} onClick={compare}>
              {t("compare")}
            </Button>
            {!valid && <p className="text-destructive text-xs">{t("tooFew")}</p>}
          </div>
        </CardContent>
      </Card>

      {result.isError ? (
        <p className="text-destructive text-sm">
          {t("loadFailed")}: {result.error.message}
        </p>
      ) : !data ? (
        <Skeleton className="h-[420px] w-full" />
      ) : (
        <div className="grid gap-4 xl:grid-cols-[minmax(0,1fr)_minmax(0,560px)]">
          <Card>
            <CardContent className="space-y-2 pt-6">
              <p className="text-muted-foreground text-sm" data-testid="radar-summary">
                {t("summary", { count: data.groups.length, ms: data.ms })} · {t("hint")}
              </p>
              {data.groups.some((g) => g.asOf) && (
                <p className="text-muted-foreground text-xs" data-testid="radar-as-of">
                  {t("asOf", { time: format.dateTime(new Date(data.groups.find((g) => g.asOf)!.asOf!), { dateStyle: "medium", timeStyle: "short" }) })}
                </p>
              )}
              <EChart option={option} height={420} ariaLabel={t("chartLabel")} testId="radar-chart" onClick={(p) => pick(p.dataIndex)} />
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle className="text-base">{t("table.title")}</CardTitle>
              <div className="col-start-2 row-span-2 row-start-1 self-start justify-self-end">
                <Button variant="outline" size="sm" onClick={csv} data-testid="radar-csv">
                  <DownloadIcon />
                  {t("table.csv")}
                </Button>
              </div>
            </CardHeader>
            <CardContent className="overflow-x-auto">
              <Table className="text-xs [&_td]:px-2 [&_th]:px-2" data-testid="radar-table">
                <TableHeader>
                  <TableRow>
                    <TableHead>{t("table.indicator")}</TableHead>
                    {data.groups.map((g, i) => (
                      <TableHead key={i} className="text-right">
                        <button type="button" className="text-right hover:underline" data-testid={`radar-group-${i}`} onClick={() => pick(i)}>
                          <span className="mr-1 inline-block size-2 rounded-full" style={{ background: SERIES_COLORS[i % SERIES_COLORS.length] }} aria-hidden />
                          {labels[i]}
                        </button>
                      </TableHead>
                    ))}
                  </TableRow>
                </TableHeader>
                <TableBody>
                  <TableRow>
                    <TableCell className="font-medium">{t("table.size")}</TableCell>
                    {data.groups.map((g, i) => (
                      <TableCell key={i} className="text-right font-medium tabular-nums" data-testid={`radar-size-${i}`} data-size={g.size}>
                        {format.number(g.size)}
                      </TableCell>
                    ))}
                  </TableRow>
                  {data.indicators.map((ind, k) => (
                    <TableRow key={ind}>
                      <TableCell>{t(`indicator.${ind}`)}</TableCell>
                      {data.groups.map((g, i) => (
                        <TableCell key={i} className="text-right tabular-nums">
                          {raw(ind, g.values[ind])}
                          <span className="text-muted-foreground block text-[10px]">{t("score", { score: Math.round(g.scores[k]!) })}</span>
                        </TableCell>
                      ))}
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </CardContent>
          </Card>
        </div>
      )}

      {data && pickedGroup && picked !== null && (
        <ChartSelection
          key={`${JSON.stringify(pickedGroup.group)}`}
          testId="radar"
          label={labels[picked]!}
          count={pickedGroup.size}
          list={members}
          page={page}
          pageSize={PAGE_SIZE}
          onPageChange={setPage}
          defaultName={labels[picked]!}
          onSave={(name) => save.mutateAsync({ chart: "radar", group: pickedGroup.group, indicators: data.indicators, name })}
          onClear={() => setPicked(null)}
          csvName="insights-radar-group-members.csv"
        />
      )}

      {editing !== null && groups[editing]?.kind === "condition" && (
        <ConditionDialog
          group={groups[editing] as Extract<Group, { kind: "condition" }>}
          onClose={() => setEditing(null)}
          onDone={(next) => {
            setGroups(groups.map((x, j) => (j === editing ? next : x)));
            setEditing(null);
          }}
        />
      )}
    </div>
  );
}

function escapeHtml(s: string) {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

type Option = { value: string; label: string };
function GroupValue(props: {
  group: Group;
  index: number;
  tiers: Option[];
  audiences: Option[];
  stageLabel: (s: (typeof lifecycleStages)[number]) => string;
  rfmLabel: (s: (typeof rfmSegments)[number]) => string;
  onChange: (g: Group) => void;
  onEdit: () => void;
  editLabel: string;
}) {
  const { group: g, index: i } = props;
  const select = (value: string, options: Option[], change: (v: string) => void) => (
    <select aria-label={`${i + 1}`} data-testid={`radar-group-value-${i}`} className={cn(inputClassName, "w-56 min-w-0")} value={value} onChange={(e) => change(e.target.value)}>
      {options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </select>
  );
  switch (g.kind) {
    case "all":
      return null;
    case "tier":
      return select(g.tierId, props.tiers, (tierId) => props.onChange({ kind: "tier", tierId }));
    case "stage":
      return select(g.stage, lifecycleStages.map((s) => ({ value: s, label: props.stageLabel(s) })), (v) => props.onChange({ kind: "stage", stage: v as typeof g.stage }));
    case "rfm":
      return select(g.segment, rfmSegments.map((s) => ({ value: s, label: props.rfmLabel(s) })), (v) => props.onChange({ kind: "rfm", segment: v as typeof g.segment }));
    case "audience":
      return select(g.audienceId, props.audiences, (audienceId) => props.onChange({ kind: "audience", audienceId }));
    case "condition":
      return (
        <Button type="button" variant="outline" size="sm" className="h-9" data-testid={`radar-group-edit-${i}`} onClick={props.onEdit}>
          <SlidersHorizontalIcon />
          {g.label ?? props.editLabel}
        </Button>
      );
  }
}

function ConditionDialog(props: { group: Extract<Group, { kind: "condition" }>; onClose: () => void; onDone: (g: Group) => void }) {
  const t = useTranslations("insights.radar");
  const [tree, setTree] = useState<ConditionTree>(props.group.condition);
  const [label, setLabel] = useState(props.group.label ?? "");
  const ok = conditionTreeSchema.safeParse(tree).success && label.trim().length > 0 && label.length <= 120;
  return (
    <Dialog open onOpenChange={(open) => !open && props.onClose()}>
      <DialogContent className="max-h-[90vh] overflow-y-auto sm:max-w-3xl">
        <DialogHeader>
          <DialogTitle>{t("conditionTitle")}</DialogTitle>
          <DialogDescription>{t("description")}</DialogDescription>
        </DialogHeader>
        <div className="grid gap-1.5">
          <Label htmlFor="radar-condition-label">{t("conditionLabel")}</Label>
          <Input id="radar-condition-label" data-testid="radar-condition-label" maxLength={120} value={label} onChange={(e) => setLabel(e.target.value)} />
        </div>
        <ConditionEditor value={tree} onChange={setTree} compact />
        <DialogFooter>
          <Button data-testid="radar-condition-done" disabled={!ok} onClick={() => props.onDone({ kind: "condition", condition: tree, label: label.trim() })}>
            {t("conditionDone")}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
