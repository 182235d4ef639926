"use client";

// Insights → frequency movement: controls (members, periods, bands), the Sankey, a plain reading
// of the biggest movements, the table of movements (clickable, CSV), and the selected node's or
// link's members, which can be saved as a static audience and targeted in a new flow.
import { useCallback, useMemo, useState } from "react";
import { keepPreviousData, useMutation, useQuery } from "@tanstack/react-query";
import { DownloadIcon } from "lucide-react";
import { useFormatter, useLocale, useTranslations } from "use-intl";

import { useTRPC } from "@/trpc/react";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input, inputClassName } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { cn } from "@/lib/utils";
import { ChartSelection } from "./chart-selection";
import { downloadCsv } from "./csv";
import { SankeyChartView, type SankeySelection } from "./sankey-chart";

type Period = { from: string; to: string };
type Scope = { kind: "all" } | { kind: "tier"; tierId: string } | { kind: "audience"; audienceId: string };
type Band = { index: number; min: number; max: number | null; label: string };
type Query = { scope: Scope; bands: number[]; periodA?: Period; periodB?: Period };

const PAGE_SIZE = 20;

const parseBands = (text: string): number[] | null => {
  const parts = text.split(/[,，\s]+/).filter(Boolean);
  if (parts.length < 2 || parts.length > 8 || !parts.every((p) => /^\d{1,5}$/.test(p))) return null;
  const bands = parts.map(Number);
  return bands[0] === 0 && bands.every((b, i) => i === 0 || b > bands[i - 1]!) ? bands : null;
};
const validPeriod = (p: Period) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(p.from) || !/^\d{4}-\d{2}-\d{2}$/.test(p.to)) return false;
  const days = (Date.parse(p.to) - Date.parse(p.from)) / 86_400_000;
  return days >= 0 && days < 366;
};
const scopeOf = (key: string): Scope =>
  key.startsWith("tier:") ? { kind: "tier", tierId: key.slice(5) } : key.startsWith("audience:") ? { kind: "audience", audienceId: key.slice(9) } : { kind: "all" };

export function FrequencyMovement() {
  const t = useTranslations("insights.frequency");
  const format = useFormatter();
  const locale = useLocale();
  const trpc = useTRPC();

  const [query, setQuery] = useState<Query>({ scope: { kind: "all" }, bands: [0, 1, 2, 4] });
  const [draft, setDraft] = useState<{ scope: string; bands: string; periodA: Period | null; periodB: Period | null }>({
    scope: "all",
    bands: "0, 1, 2, 4",
    periodA: null,
    periodB: null,
  });
  const [selection, setSelection] = useState<SankeySelection | null>(null);
  const [page, setPage] = useState(1);

  const options = useQuery(trpc.members.filterOptions.queryOptions());
  const audiences = useQuery(trpc.audiences.list.queryOptions({ pageSize: 100 }));
  const movement = useQuery({ ...trpc.insights.frequency.queryOptions(query), placeholderData: keepPreviousData });
  const data = movement.data;

  // The periods the server resolved (defaults included) are what the list and the save use.
  const resolved = useMemo(
    () => (data ? { ...query, periodA: data.periodA, periodB: data.periodB } : null),
    [data, query],
  );
  const periodA = draft.periodA ?? data?.periodA ?? { from: "", to: "" };
  const periodB = draft.periodB ?? data?.periodB ?? { from: "", to: "" };

  const members = useQuery({
    ...trpc.insights.frequencyMembers.queryOptions(
      resolved && selection ? { ...resolved, selection, page, pageSize: PAGE_SIZE } : (undefined as never),
    ),
    enabled: Boolean(resolved && selection),
    placeholderData: keepPreviousData,
  });

  const bandPhrase = useCallback(
    (b: Band | undefined) =>
      !b ? "" : b.max === null ? t("timesOpen", { min: b.min }) : b.max === b.min ? t("times", { n: b.min }) : t("timesRange", { min: b.min, max: b.max }),
    [t],
  );
  const formatCount = useCallback((n: number) => format.number(n), [format]);
  const pct = useCallback((x: number) => format.number(x, { style: "percent", maximumFractionDigits: 1 }), [format]);
  const bands = data?.bands ?? [];
  const labelA = (i: number) => t("node", { side: "A", label: bands[i]?.label ?? "" });
  const labelB = (i: number) => t("node", { side: "B", label: bands[i]?.label ?? "" });
  const selectionLabel = (s: SankeySelection) =>
    [s.a !== undefined ? labelA(s.a) : null, s.b !== undefined ? labelB(s.b) : null].filter(Boolean).join(" → ");
  const selectionCount = (s: SankeySelection) =>
    !data ? 0 : s.a !== undefined && s.b !== undefined ? (data.links.find((l) => l.a === s.a && l.b === s.b)?.count ?? 0) : s.a !== undefined ? data.nodesA[s.a]! : data.nodesB[s.b!]!;

  const select = useCallback((s: SankeySelection) => {
    setSelection(s);
    setPage(1);
    // The members list is below the fold at most sizes: bring it into view.
    requestAnimationFrame(() => document.getElementById("frequency-selection")?.scrollIntoView({ behavior: "smooth", block: "start" }));
  }, []);

  const bandsValue = parseBands(draft.bands);
  const periodsValid = validPeriod(periodA) && validPeriod(periodB);
  const apply = () => {
    if (!bandsValue || !periodsValid) return;
    setQuery({ scope: scopeOf(draft.scope), bands: bandsValue, periodA, periodB });
    setSelection(null);
  };
  const reset = () => {
    setDraft({ scope: draft.scope, bands: "0, 1, 2, 4", periodA: null, periodB: null });
    setQuery({ scope: scopeOf(draft.scope), bands: [0, 1, 2, 4] });
    setSelection(null);
  };

  const reading = (l: { a: number; b: number; count: number; shareOfA: number }) =>
    t("reading", { count: l.count, from: bandPhrase(bands[l.a]), to: bandPhrase(bands[l.b]), direction: l.b < l.a ? "down" : "up", share: pct(l.shareOfA) });

  const csv = () => {
    if (!data) return;
    downloadCsv(
      `frequency-movement-${data.periodB.to}.csv`,
      ["band_a", "band_b", "members", "share_of_band_a", "share_of_all", "period_a", "period_b", "timezone"],
      data.links.map((l) => [bands[l.a]!.label, bands[l.b]!.label, l.count, l.shareOfA.toFixed(4), l.shareOfTotal.toFixed(4), `${data.periodA.from}..${data.periodA.to}`, `${data.periodB.from}..${data.periodB.to}`, data.timezone]),
    );
  };

  const save = useMutation(trpc.insights.saveFrequencyAudience.mutationOptions());

  return (
    <div className="space-y-4">
      <Card>
        <CardHeader>
          <CardTitle>{t("title")}</CardTitle>
          <CardDescription>{t("description", { timezone: data?.timezone ?? "Asia/Shanghai" })}</CardDescription>
        </CardHeader>
        <CardContent>
          <form
            className="flex flex-wrap items-end gap-3"
            onSubmit={(e) => {
              e.preventDefault();
              apply();
            }}
          >
            <div className="grid gap-1.5">
              <Label htmlFor="freq-scope">{t("scope")}</Label>
              <select
                id="freq-scope"
                data-testid="frequency-scope"
                className={cn(inputClassName, "w-56")}
                value={draft.scope}
                onChange={(e) => setDraft({ ...draft, scope: e.target.value })}
              >
                <option value="all">{t("scopeAll")}</option>
                <optgroup label={t("scopeTiers")}>
                  {options.data?.tiers.map((tier) => (
                    <option key={tier.id} value={`tier:${tier.id}`}>
                      {locale === "en" ? tier.nameEn : tier.name}
                    </option>
                  ))}
                </optgroup>
                <optgroup label={t("scopeAudiences")}>
                  {audiences.data?.items.map((a) => (
                    <option key={a.id} value={`audience:${a.id}`}>
                      {a.name}
                    </option>
                  ))}
                </optgroup>
              </select>
            </div>
            {(["periodA", "periodB"] as const).map((key) => {
              const p = key === "periodA" ? periodA : periodB;
              return (
                <fieldset key={key} className="grid gap-1.5">
                  <legend className="mb-1.5 text-sm font-medium">{t(key)}</legend>
                  <div className="flex items-center gap-1">
                    <Input type="date" aria-label={`${t(key)} ${t("from")}`} data-testid={`${key}-from`} className="w-40" value={p.from} onChange={(e) => setDraft({ ...draft, [key]: { ...p, from: e.target.value } })} />
                    <span className="text-muted-foreground">–</span>
                    <Input type="date" aria-label={`${t(key)} ${t("to")}`} data-testid={`${key}-to`} className="w-40" value={p.to} onChange={(e) => setDraft({ ...draft, [key]: { ...p, to: e.target.value } })} />
                  </div>
                </fieldset>
              );
            })}
            <div className="grid gap-1.5">
              <Label htmlFor="freq-bands">{t("bands")}</Label>
              <Input
                id="freq-bands"
                data-testid="frequency-bands"
                className="w-40"
                value={draft.bands}
                aria-invalid={!bandsValue}
                aria-describedby="freq-bands-hint"
                onChange={(e) => setDraft({ ...draft, bands: e.target.value })}
              />
            </div>
            <Button type="submit" data-testid="frequency-apply" disabled={!bandsValue || !periodsValid}>
              {t("apply")}
            </Button>
            <Button type="button" variant="ghost" onClick={reset}>
              {t("reset")}
            </Button>
          </form>
          <p id="freq-bands-hint" className={cn("mt-2 text-xs", bandsValue && periodsValid ? "text-muted-foreground" : "text-destructive")}>
            {!bandsValue ? t("bandsInvalid") : !periodsValid ? t("periodsInvalid") : t("bandsHint")}
          </p>
        </CardContent>
      </Card>

      {movement.isError ? (
        <p className="text-destructive text-sm">{t("loadFailed")}: {movement.error.message}</p>
      ) : !data ? (
        <Skeleton className="h-[380px] w-full" />
      ) : (
        <div className="grid gap-4 xl:grid-cols-[minmax(0,1fr)_minmax(0,500px)]">
          <Card>
            <CardContent className="space-y-3 pt-6">
              <p className="text-muted-foreground text-sm" data-testid="frequency-summary" data-total={data.total}>
                {t("summary", { count: data.total, aFrom: data.periodA.from, aTo: data.periodA.to, bFrom: data.periodB.from, bTo: data.periodB.to, ms: data.ms })}
              </p>
              <div className="text-muted-foreground flex justify-between px-1 text-xs font-medium">
                <span>{t("periodA")}</span>
                <span>{t("periodB")}</span>
              </div>
              <SankeyChartView
                labelsA={bands.map((b) => labelA(b.index))}
                labelsB={bands.map((b) => labelB(b.index))}
                nodesA={data.nodesA}
                nodesB={data.nodesB}
                links={data.links.map((l) => ({ ...l, tooltip: `${labelA(l.a)} → ${labelB(l.b)}: ${format.number(l.count)} (${pct(l.shareOfA)})` }))}
                selection={selection}
                ariaLabel={t("chartLabel")}
                formatCount={formatCount}
                onSelect={select}
              />
              <div>
                <h3 className="mb-1 text-sm font-medium">{t("readingsTitle")}</h3>
                {data.biggest.length === 0 ? (
                  <p className="text-muted-foreground text-sm">{t("noMovement")}</p>
                ) : (
                  <ul className="space-y-1 text-sm" data-testid="frequency-readings">
                    {data.biggest.map((l) => (
                      <li key={`${l.a}-${l.b}`}>
                        <button type="button" className="text-left hover:underline" onClick={() => select({ a: l.a, b: l.b })}>
                          {reading(l)}
                        </button>
                      </li>
                    ))}
                  </ul>
                )}
              </div>
            </CardContent>
          </Card>

          <Card>
            <CardHeader>
              <CardTitle className="text-base">{t("table.title")}</CardTitle>
              <div className="col-start-2 row-span-2 row-start-1 self-start justify-self-end">
                <Button variant="outline" size="sm" onClick={csv} data-testid="frequency-csv">
                  <DownloadIcon />
                  {t("table.csv")}
                </Button>
              </div>
            </CardHeader>
            <CardContent className="space-y-3">
              <div className="flex flex-wrap gap-1 text-xs">
                {bands.map((b) => (
                  <span key={b.index} className="flex gap-1">
                    <Button size="sm" variant={selection?.a === b.index && selection.b === undefined ? "default" : "outline"} className="h-7 px-2 text-xs" data-testid={`band-a-${b.index}`} onClick={() => select({ a: b.index })}>
                      {labelA(b.index)} · {format.number(data.nodesA[b.index] ?? 0)}
                    </Button>
                  </span>
                ))}
                {bands.map((b) => (
                  <Button key={b.index} size="sm" variant={selection?.b === b.index && selection.a === undefined ? "default" : "outline"} className="h-7 px-2 text-xs" data-testid={`band-b-${b.index}`} onClick={() => select({ b: b.index })}>
                    {labelB(b.index)} · {format.number(data.nodesB[b.index] ?? 0)}
                  </Button>
                ))}
              </div>
              <div className="max-h-[300px] overflow-auto">
                <Table data-testid="movement-table" className="text-xs [&_td]:px-2 [&_th]:px-2">
                  <TableHeader>
                    <TableRow>
                      <TableHead>{t("table.from")}</TableHead>
                      <TableHead>{t("table.to")}</TableHead>
                      <TableHead className="text-right">{t("table.members")}</TableHead>
                      <TableHead className="text-right">{t("table.shareOfA")}</TableHead>
                      <TableHead className="text-right">{t("table.shareOfTotal")}</TableHead>
                    </TableRow>
                  </TableHeader>
                  <TableBody>
                    {[...data.links].sort((x, y) => y.count - x.count).map((l) => {
                      const chosen = selection?.a === l.a && selection?.b === l.b;
                      return (
                        <TableRow key={`${l.a}-${l.b}`} data-state={chosen ? "selected" : undefined} className="cursor-pointer" onClick={() => select({ a: l.a, b: l.b })}>
                          <TableCell>
                            <button type="button" className="hover:underline" data-testid={`movement-link-${l.a}-${l.b}`} data-count={l.count} onClick={(e) => { e.stopPropagation(); select({ a: l.a, b: l.b }); }}>
                              {bands[l.a]!.label}
                            </button>
                          </TableCell>
                          <TableCell>{bands[l.b]!.label}</TableCell>
                          <TableCell className="text-right tabular-nums">{format.number(l.count)}</TableCell>
                          <TableCell className="text-right tabular-nums">{pct(l.shareOfA)}</TableCell>
                          <TableCell className="text-right tabular-nums">{pct(l.shareOfTotal)}</TableCell>
                        </TableRow>
                      );
                    })}
                  </TableBody>
                </Table>
              </div>
            </CardContent>
          </Card>
        </div>
      )}

      {data && !selection && <p className="text-muted-foreground text-sm">{t("selection.hint")}</p>}

      {data && selection && resolved && (
        <ChartSelection
          key={`${JSON.stringify(resolved)}|${selection.a}|${selection.b}`}
          testId="frequency"
          label={selectionLabel(selection)}
          count={selectionCount(selection)}
          list={members}
          page={page}
          pageSize={PAGE_SIZE}
          onPageChange={setPage}
          extraColumns={[
            { header: t("members.ordersA"), cell: (m) => m.ordersA, csv: (m) => m.ordersA },
            { header: t("members.ordersB"), cell: (m) => m.ordersB, csv: (m) => m.ordersB },
          ]}
          defaultName={`${selectionLabel(selection)} · ${resolved.periodB.from}…${resolved.periodB.to}`}
          onSave={(name) => save.mutateAsync({ ...resolved, selection, name })}
          onClear={() => setSelection(null)}
          csvName={`frequency-members-${resolved.periodB.to}.csv`}
        />
      )}
    </div>
  );
}
