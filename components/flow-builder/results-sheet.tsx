"use client";

import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { useFormatter, useTranslations } from "use-intl";

import { useTRPC, type RouterOutputs } from "@/trpc/react";
import { cn } from "@/lib/utils";
import { Sheet, SheetBody, SheetContent, SheetDescription, SheetHeader, SheetTitle } from "@/components/ui/sheet";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { EmptyState } from "@/components/ui/empty-state";

type Results = RouterOutputs["flows"]["results"];
type Arm = Results["treatment"];

const WINDOWS = [1, 3, 7, 14, 30, 60, 90];
const END_REASONS = ["end_of_path", "exit_node", "goal", "visit_limit", "migrated", "archived"] as const;
const CHANNELS = ["sms", "email", "push", "in_app", "webhook"] as const;
const isOneOf = <T extends string>(list: readonly T[], value: string): value is T => (list as readonly string[]).includes(value);

/** A flow's outcomes: conversions, orders and revenue in the attribution window, uplift over the holdout, and its effects. */
export function ResultsSheet({ open, onOpenChange, flowId }: { open: boolean; onOpenChange: (open: boolean) => void; flowId: string }) {
  const t = useTranslations("flowBuilder.results");
  const trpc = useTRPC();
  const [days, setDays] = useState<number | undefined>(undefined);
  const results = useQuery({ ...trpc.flows.results.queryOptions({ id: flowId, attributionDays: days }), enabled: open, refetchInterval: open ? 15_000 : false });
  const data = results.data;
  const windows = data && !WINDOWS.includes(data.attributionDays) ? [...WINDOWS, data.attributionDays].sort((a, b) => a - b) : WINDOWS;

  return (
    <Sheet open={open} onOpenChange={onOpenChange}>
      <SheetContent className="sm:max-w-2xl" data-testid="results-sheet">
        <SheetHeader>
          <SheetTitle>{t("title")}</SheetTitle>
          <SheetDescription>{t("description")}</SheetDescription>
        </SheetHeader>
        <SheetBody className="flex flex-col gap-6">
          <label className="flex items-center gap-2 text-sm">
            <span className="text-muted-foreground">{t("window")}</span>
            <Select value={String(data?.attributionDays ?? days ?? "")} onValueChange={(v) => setDays(Number(v))}>
              <SelectTrigger className="w-40" data-testid="results-window" aria-label={t("window")}>
                <SelectValue placeholder="…" />
              </SelectTrigger>
              <SelectContent>
                {windows.map((d) => (
                  <SelectItem key={d} value={String(d)}>
                    {t("days", { days: d })}
                  </SelectItem>
                ))}
              </SelectContent>
            </Select>
          </label>
          {results.isError ? (
            <p className="text-sm text-destructive">{results.error.message}</p>
          ) : !data ? (
            <p className="text-sm text-muted-foreground">{t("loading")}</p>
          ) : data.treatment.journeys === 0 && !data.control ? (
            <EmptyState title={t("emptyTitle")} description={t("emptyDescription")} />
          ) : (
            <ResultsBody data={data} />
          )}
        </SheetBody>
      </SheetContent>
    </Sheet>
  );
}

function ResultsBody({ data }: { data: Results }) {
  const t = useTranslations("flowBuilder.results");
  const format = useFormatter();
  const n = (v: number) => format.number(v);
  const pct = (v: number) => format.number(v, { style: "percent", maximumFractionDigits: 1 });
  const cny = (v: number) => format.number(v, { style: "currency", currency: "CNY" });
  const rate = (part: number, whole: number) => (whole > 0 ? pct(part / whole) : "—");
  const all = sumArms(data.treatment, data.control);

  return (
    <>
      <section className="grid grid-cols-2 gap-3 sm:grid-cols-4" data-testid="results-totals">
        <Figure label={t("entered")} value={n(all.journeys)} hint={t("members", { count: all.members })} />
        <Figure label={t("inFlight")} value={n(all.inFlight)} />
        <Figure label={t("ordered")} value={rate(all.ordered, all.journeys)} hint={t("orders", { count: all.orders })} />
        <Figure label={t("revenue")} value={cny(all.revenue)} />
        {data.goal ? <Figure label={t("converted", { event: data.goal.event })} value={rate(all.converted, all.journeys)} hint={n(all.converted)} /> : null}
      </section>

      <section className="flex flex-col gap-2">
        <h3 className="text-sm font-medium">{t("upliftTitle")}</h3>
        {data.control ? (
          <>
            <table className="w-full text-sm" data-testid="results-arms">
              <thead className="text-left text-xs text-muted-foreground">
                <tr>
                  <th className="py-1 font-normal"></th>
                  <th className="py-1 text-right font-normal">{t("journeys")}</th>
                  <th className="py-1 text-right font-normal">{t("orderedRate")}</th>
                  {data.goal ? <th className="py-1 text-right font-normal">{t("convertedRate")}</th> : null}
                  <th className="py-1 text-right font-normal">{t("revenuePerMember")}</th>
                </tr>
              </thead>
              <tbody className="tabular-nums">
                {(
                  [
                    ["treatment", data.treatment],
                    ["control", data.control],
                  ] as const
                ).map(([key, arm]) => (
                  <tr key={key} className="border-t" data-testid={`results-arm-${key}`}>
                    <td className="py-1.5">{t(key)}</td>
                    <td className="py-1.5 text-right">{n(arm.journeys)}</td>
                    <td className="py-1.5 text-right">{rate(arm.ordered, arm.journeys)}</td>
                    {data.goal ? <td className="py-1.5 text-right">{rate(arm.converted, arm.journeys)}</td> : null}
                    <td className="py-1.5 text-right">{arm.journeys > 0 ? cny(arm.revenue / arm.journeys) : "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {data.uplift.map((u) => (
              <p key={u.metric} className="text-sm" data-testid={`results-uplift-${u.metric}`}>
                <span className={cn("font-medium", u.significant ? (u.difference > 0 ? "text-emerald-700" : "text-destructive") : "text-foreground")}>
                  {t(u.metric === "ordered" ? "upliftOrdered" : "upliftConverted", {
                    difference: `${u.difference >= 0 ? "+" : ""}${format.number(u.difference * 100, { maximumFractionDigits: 1 })}`,
                    low: format.number(u.low * 100, { maximumFractionDigits: 1 }),
                    high: format.number(u.high * 100, { maximumFractionDigits: 1 }),
                  })}
                </span>{" "}
                <span className="text-muted-foreground">
                  {u.significant ? t("significant") : t("notSignificant")}
                  {u.metric === "ordered" ? ` · ${t("incremental", { orders: n(Math.round(u.incrementalOrders)), revenue: cny(u.incrementalRevenue) })}` : ""}
                </span>
              </p>
            ))}
          </>
        ) : (
          <p className="text-sm text-muted-foreground">{t("noHoldout")}</p>
        )}
      </section>

      <section className="grid gap-4 sm:grid-cols-2">
        <div className="flex flex-col gap-1 text-sm" data-testid="results-coupons">
          <h3 className="font-medium">{t("couponsTitle")}</h3>
          <Row label={t("couponsIssued")} value={n(data.coupons.issued)} />
          <Row label={t("couponsRedeemed")} value={`${n(data.coupons.redeemed)} · ${rate(data.coupons.redeemed, data.coupons.issued)}`} />
          <Row label={t("couponsActive")} value={n(data.coupons.active)} />
          <Row label={t("couponsExpired")} value={n(data.coupons.expired)} />
          <Row label={t("couponsDiscount")} value={cny(data.coupons.discount)} />
          <Row label={t("couponsOrderValue")} value={cny(data.coupons.redeemedOrderValue)} />
        </div>
        <div className="flex flex-col gap-1 text-sm" data-testid="results-ends">
          <h3 className="font-medium">{t("endsTitle")}</h3>
          {Object.entries(data.endReasons).length === 0 ? <p className="text-muted-foreground">—</p> : null}
          {Object.entries(data.endReasons).map(([reason, count]) => (
            <Row key={reason} label={isOneOf(END_REASONS, reason) ? t(`end.${reason}`) : reason} value={n(count)} />
          ))}
          {data.banners.issued > 0 ? (
            <>
              <h3 className="mt-3 font-medium">{t("bannersTitle")}</h3>
              <Row label={t("bannersShown")} value={`${n(data.banners.shown)} / ${n(data.banners.issued)}`} />
              <Row label={t("bannersClicked")} value={`${n(data.banners.clicked)} · ${rate(data.banners.clicked, data.banners.shown)}`} />
            </>
          ) : null}
        </div>
      </section>

      {data.messages.length > 0 ? (
        <section className="flex flex-col gap-2">
          <h3 className="text-sm font-medium">{t("messagesTitle")}</h3>
          <table className="w-full text-sm" data-testid="results-messages">
            <thead className="text-left text-xs text-muted-foreground">
              <tr>
                <th className="py-1 font-normal">{t("channel")}</th>
                <th className="py-1 text-right font-normal">{t("sent")}</th>
                <th className="py-1 text-right font-normal">{t("waiting")}</th>
                <th className="py-1 text-right font-normal">{t("suppressed")}</th>
                <th className="py-1 text-right font-normal">{t("failed")}</th>
                <th className="py-1 text-right font-normal">{t("opened")}</th>
                <th className="py-1 text-right font-normal">{t("clicked")}</th>
              </tr>
            </thead>
            <tbody className="tabular-nums">
              {data.messages.map((m) => (
                <tr key={m.channel} className="border-t">
                  <td className="py-1.5">{isOneOf(CHANNELS, m.channel) ? t(`channels.${m.channel}`) : m.channel}</td>
                  <td className="py-1.5 text-right">{n(m.sent)}</td>
                  <td className="py-1.5 text-right">{n(m.queued + m.deferred)}</td>
                  <td className="py-1.5 text-right">{n(m.suppressed)}</td>
                  <td className="py-1.5 text-right">{n(m.failed)}</td>
                  <td className="py-1.5 text-right">{`${n(m.opened)} · ${rate(m.opened, m.sent)}`}</td>
                  <td className="py-1.5 text-right">{`${n(m.clicked)} · ${rate(m.clicked, m.sent)}`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}

      <p className="text-xs text-muted-foreground">{t("footnote", { days: data.attributionDays })}</p>
    </>
  );
}

function sumArms(a: Arm, b: Arm | null): Arm {
  if (!b) return a;
  return {
    journeys: a.journeys + b.journeys,
    members: a.members + b.members,
    inFlight: a.inFlight + b.inFlight,
    converted: a.converted + b.converted,
    ordered: a.ordered + b.ordered,
    orders: a.orders + b.orders,
    revenue: a.revenue + b.revenue,
  };
}

function Figure({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div className="rounded-md border p-3">
      <div className="text-xs text-muted-foreground">{label}</div>
      <div className="text-lg font-semibold tabular-nums">{value}</div>
      {hint ? <div className="text-xs text-muted-foreground">{hint}</div> : null}
    </div>
  );
}

function Row({ label, value }: { label: string; value: string }) {
  return (
    <div className="flex justify-between gap-3 border-b py-1 last:border-b-0">
      <span className="text-muted-foreground">{label}</span>
      <span className="tabular-nums">{value}</span>
    </div>
  );
}
