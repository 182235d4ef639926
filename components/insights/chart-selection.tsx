"use client";

// A chart selection's members, the same under every Insights chart (a Sankey band or link, an
// overview segment, a radar group): the list (name, external id, city, tier, the chart's own
// columns, orders and spend of all time), paged, to CSV; "Save as audience" (a static audience
// with the selection's provenance, saved by the chart's own procedure) and then "Target in a new
// flow" in one more click. Render it with a `key` per selection so a new selection starts unsaved.
import { useState, type ReactNode } from "react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMutation } from "@tanstack/react-query";
import { DownloadIcon, SaveIcon, WorkflowIcon, XIcon } from "lucide-react";
import { useFormatter, useLocale, useTranslations } from "use-intl";

import { useTRPC } from "@/trpc/react";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Pagination } from "@/components/ui/pagination";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { toast } from "@/components/ui/toast";
import { downloadCsv, type CsvCell } from "./csv";

export type ChartMemberRow = {
  id: number;
  externalId: string;
  name: string;
  city: string | null;
  tier: { id: string; name: string; nameEn: string } | null;
  orderCount: number;
  totalSpend: number;
};
export type ExtraColumn<M> = { header: string; cell: (m: M) => ReactNode; csv: (m: M) => CsvCell };
type Saved = { audience: { id: string; name: string; size: number } };

export function ChartSelection<M extends ChartMemberRow>(props: {
  /** Prefix of the test ids: `<prefix>-selection`, `<prefix>-save`, `<prefix>-target` … */
  testId: string;
  label: string;
  /** The chart's count, shown until the list has loaded. */
  count: number;
  list: { data?: { total: number; members: M[] }; isPending: boolean };
  page: number;
  pageSize: number;
  onPageChange: (page: number) => void;
  extraColumns?: ExtraColumn<M>[];
  defaultName: string;
  onSave: (name: string) => Promise<Saved>;
  onClear: () => void;
  csvName: string;
}) {
  const t = useTranslations("insights.selection");
  const format = useFormatter();
  const locale = useLocale();
  const trpc = useTRPC();
  const router = useRouter();
  const [dialog, setDialog] = useState(false);
  const [pending, setPending] = useState(false);
  const [saved, setSaved] = useState<Saved["audience"] | null>(null);
  const target = useMutation(
    trpc.insights.targetInFlow.mutationOptions({
      onSuccess: (flow) => router.push(`/flows/${flow.id}`),
      onError: (e) => toast.error(t("target.failed"), e.message),
    }),
  );
  const { testId, list, extraColumns = [] } = props;
  const total = list.data?.total ?? props.count;
  const tierName = (tier: M["tier"]) => (tier ? (locale === "en" ? tier.nameEn : tier.name) : "—");

  const save = async (name: string) => {
    setPending(true);
    try {
      const result = await props.onSave(name);
      setSaved(result.audience);
      setDialog(false);
      toast.success(t("save.saved", { name: result.audience.name, count: result.audience.size }));
    } catch (e) {
      toast.error(t("save.failed"), (e as Error).message);
    } finally {
      setPending(false);
    }
  };

  const csv = () =>
    downloadCsv(
      props.csvName,
      [t("members.name"), t("members.externalId"), t("members.city"), t("members.tier"), ...extraColumns.map((c) => c.header), t("members.orders"), t("members.spend")],
      (list.data?.members ?? []).map((m) => [m.name, m.externalId, m.city, tierName(m.tier), ...extraColumns.map((c) => c.csv(m)), m.orderCount, m.totalSpend.toFixed(2)]),
    );

  return (
    <Card id={`${testId}-selection`} className="scroll-mt-4" data-testid={`${testId}-selection`}>
      <CardHeader>
        <CardTitle className="text-base" data-testid={`${testId}-selection-title`}>
          {props.label} · {t("count", { count: total })}
        </CardTitle>
        <div className="col-start-2 row-span-2 row-start-1 flex flex-wrap gap-2 self-start justify-self-end">
          {saved ? (
            <>
              <Button variant="outline" asChild>
                <Link href={`/audiences/${saved.id}`}>{t("save.open")}</Link>
              </Button>
              <Button data-testid={`${testId}-target`} disabled={target.isPending} onClick={() => target.mutate({ audienceId: saved.id })}>
                <WorkflowIcon />
                {t("target.button")}
              </Button>
            </>
          ) : (
            <Button data-testid={`${testId}-save`} disabled={(list.data?.total ?? 0) === 0} onClick={() => setDialog(true)}>
              <SaveIcon />
              {t("save.button")}
            </Button>
          )}
          <Button variant="outline" size="sm" className="h-9" onClick={csv} disabled={!list.data?.members.length} data-testid={`${testId}-members-csv`}>
            <DownloadIcon />
            {t("csvPage")}
          </Button>
          <Button variant="ghost" size="icon" aria-label={t("clear")} onClick={props.onClear}>
            <XIcon />
          </Button>
        </div>
      </CardHeader>
      <CardContent className="overflow-x-auto">
        <Table data-testid={`${testId}-members`}>
          <TableHeader>
            <TableRow>
              <TableHead>{t("members.name")}</TableHead>
              <TableHead>{t("members.externalId")}</TableHead>
              <TableHead>{t("members.city")}</TableHead>
              <TableHead>{t("members.tier")}</TableHead>
              {extraColumns.map((c) => (
                <TableHead key={c.header} className="text-right">
                  {c.header}
                </TableHead>
              ))}
              <TableHead className="text-right">{t("members.orders")}</TableHead>
              <TableHead className="text-right">{t("members.spend")}</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {list.isPending ? (
              <TableRow>
                <TableCell colSpan={6 + extraColumns.length}>
                  <Skeleton className="h-6 w-full" />
                </TableCell>
              </TableRow>
            ) : list.data?.members.length ? (
              list.data.members.map((m) => (
                <TableRow key={m.id} data-testid={`${testId}-member-row`}>
                  <TableCell>
                    <Link href={`/members/${m.id}`} className="hover:underline">
                      {m.name}
                    </Link>
                  </TableCell>
                  <TableCell className="font-mono text-xs">{m.externalId}</TableCell>
                  <TableCell>{m.city ?? "—"}</TableCell>
                  <TableCell>{tierName(m.tier)}</TableCell>
                  {extraColumns.map((c) => (
                    <TableCell key={c.header} className="text-right tabular-nums">
                      {c.cell(m)}
                    </TableCell>
                  ))}
                  <TableCell className="text-right tabular-nums">{m.orderCount}</TableCell>
                  <TableCell className="text-right tabular-nums">{format.number(m.totalSpend, { style: "currency", currency: "CNY" })}</TableCell>
                </TableRow>
              ))
            ) : (
              <TableRow>
                <TableCell colSpan={6 + extraColumns.length} className="text-muted-foreground">
                  {t("members.empty")}
                </TableCell>
              </TableRow>
            )}
          </TableBody>
        </Table>
        {list.data && list.data.total > props.pageSize && (
          <Pagination className="mt-3" page={props.page} pageSize={props.pageSize} total={list.data.total} onPageChange={props.onPageChange} />
        )}
      </CardContent>
      <SaveDialog testId={testId} open={dialog} onOpenChange={setDialog} label={props.label} count={total} defaultName={props.defaultName} pending={pending} onSave={save} />
    </Card>
  );
}

function SaveDialog(props: { testId: string; open: boolean; onOpenChange: (open: boolean) => void; label: string; count: number; defaultName: string; pending: boolean; onSave: (name: string) => void }) {
  const t = useTranslations("insights.selection.save");
  const [name, setName] = useState<string | null>(null);
  const value = name ?? props.defaultName;
  return (
    <Dialog
      open={props.open}
      onOpenChange={(open) => {
        props.onOpenChange(open);
        if (!open) setName(null);
      }}
    >
      <DialogContent>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (value.trim()) props.onSave(value.trim());
          }}
          className="space-y-4"
        >
          <DialogHeader>
            <DialogTitle>{t("title")}</DialogTitle>
            <DialogDescription>{t("description", { count: props.count, label: props.label })}</DialogDescription>
          </DialogHeader>
          <div className="grid gap-1.5">
            <Label htmlFor={`${props.testId}-audience-name`}>{t("name")}</Label>
            <Input id={`${props.testId}-audience-name`} data-testid={`${props.testId}-audience-name`} maxLength={200} value={value} onChange={(e) => setName(e.target.value)} />
          </div>
          <DialogFooter>
            <Button type="submit" data-testid={`${props.testId}-save-submit`} disabled={props.pending || !value.trim()}>
              {t("submit")}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
