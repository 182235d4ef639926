"use client";

// A member's points: the ledger a page at a time with the running balance after each entry, what
// the member holds by the date it expires (dates in the program's zone), and — for staff who may —
// redeeming points for the program's coupon on the member's behalf.
import { useState } from "react";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useFormatter, useTranslations } from "use-intl";

import { useTRPC } from "@/trpc/react";
import { cn } from "@/lib/utils";
import { MEMBER_POINTS_PAGE_SIZE, type MemberPointsPage } from "@/server/loyalty/schemas";
import { useCan } from "@/components/shell/session-user";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { toast } from "@/components/ui/toast";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Pagination } from "@/components/ui/pagination";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";

const typeVariant: Record<MemberPointsPage["entries"][number]["type"], "success" | "info" | "warning" | "destructive" | "secondary"> = {
  earn: "success",
  adjust: "info",
  redeem: "secondary",
  expire: "warning",
  reverse: "destructive",
};

export function MemberPoints({ memberId, className }: { memberId: number; className?: string }) {
  const t = useTranslations("loyalty.points");
  const format = useFormatter();
  const trpc = useTRPC();
  const [page, setPage] = useState(1);
  const points = useQuery({ ...trpc.members.points.queryOptions({ id: memberId, page, pageSize: MEMBER_POINTS_PAGE_SIZE }), placeholderData: keepPreviousData });
  const data = points.data;
  const timeZone = data?.timezone ?? "Asia/Shanghai";
  const date = (d: Date) => format.dateTime(d, { dateStyle: "medium", timeZone });
  const signed = (n: number) => (n > 0 ? `+${format.number(n)}` : format.number(n));

  return (
    <Card className={cn(className)} data-testid="member-points">
      <CardHeader>
        <CardTitle>{t("title")}</CardTitle>
        <CardDescription>
          {data ? t("summary", { balance: format.number(data.balance), count: data.total }) : "\u00a0"}
          {data && data.debt > 0 ? (
            <Badge variant="destructive" className="ml-2" data-testid="member-points-debt">
              {t("debt", { points: format.number(data.debt) })}
            </Badge>
          ) : null}
        </CardDescription>
      </CardHeader>
      <CardContent className="flex flex-col gap-4 px-0">
        {!data ? (
          <div className="flex flex-col gap-2 px-6">
            <Skeleton className="h-6" />
            <Skeleton className="h-6" />
          </div>
        ) : (
          <>
            <RedeemForCoupons memberId={memberId} page={data} />
            <div className="px-6">
              <div className="mb-2 text-sm font-medium">{t("expiring")}</div>
              {data.expiring.length === 0 ? (
                <p className="text-sm text-muted-foreground">{t("nothingHeld")}</p>
              ) : (
                <ul className="flex flex-wrap gap-2" data-testid="member-points-expiring">
                  {data.expiring.map((x) => (
                    <li key={x.expiresAt?.toString() ?? "never"} className="rounded-md border px-3 py-1.5 text-sm">
                      <span className="font-semibold tabular-nums">{format.number(x.points)}</span>{" "}
                      <span className="text-muted-foreground">{x.expiresAt ? t("expiresOn", { date: date(x.expiresAt) }) : t("neverExpires")}</span>
                    </li>
                  ))}
                </ul>
              )}
            </div>
            <Table aria-busy={points.isFetching}>
              <TableHeader>
                <TableRow>
                  <TableHead className="pl-6">{t("when")}</TableHead>
                  <TableHead>{t("type")}</TableHead>
                  <TableHead>{t("reason")}</TableHead>
                  <TableHead className="text-right">{t("amount")}</TableHead>
                  <TableHead className="text-right">{t("balance")}</TableHead>
                  <TableHead className="pr-6">{t("expiresAt")}</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody className={points.isPlaceholderData ? "opacity-60" : undefined}>
                {data.entries.map((e) => (
                  <TableRow key={e.id} data-testid="member-points-entry">
                    <TableCell className="pl-6 whitespace-nowrap">{format.dateTime(e.at, { dateStyle: "medium", timeStyle: "short", timeZone })}</TableCell>
                    <TableCell>
                      <Badge variant={typeVariant[e.type]}>{t(`types.${e.type}`)}</Badge>
                    </TableCell>
                    <TableCell className="w-full max-w-0 truncate" title={e.reason}>
                      {e.reason}
                      {e.debtDelta > 0 ? <span className="ml-1.5 text-xs text-destructive">{t("debtRecorded", { points: format.number(e.debtDelta) })}</span> : null}
                      {e.debtDelta < 0 ? <span className="ml-1.5 text-xs text-muted-foreground">{t("debtRepaid", { points: format.number(-e.debtDelta) })}</span> : null}
                    </TableCell>
                    <TableCell className={cn("text-right tabular-nums whitespace-nowrap", e.amount < 0 ? "text-destructive" : "text-emerald-700 dark:text-emerald-400")}>{signed(e.amount)}</TableCell>
                    <TableCell className="text-right font-medium tabular-nums">{format.number(e.balance)}</TableCell>
                    <TableCell className="pr-6 whitespace-nowrap text-muted-foreground">
                      {e.expiresAt ? (e.remaining > 0 ? t("lotLeft", { points: format.number(e.remaining), date: date(e.expiresAt) }) : date(e.expiresAt)) : "—"}
                    </TableCell>
                  </TableRow>
                ))}
                {data.total === 0 ? (
                  <TableRow>
                    <TableCell colSpan={6} className="py-8 text-center text-muted-foreground">
                      {t("empty")}
                    </TableCell>
                  </TableRow>
                ) : null}
              </TableBody>
            </Table>
            {data.total > data.pageSize ? <Pagination className="px-6" page={page} pageSize={data.pageSize} total={data.total} onPageChange={setPage} /> : null}
          </>
        )}
        {points.isError ? (
          <p className="px-6 text-sm text-destructive" role="alert">
            {t("failed")}
          </p>
        ) : null}
      </CardContent>
    </Card>
  );
}

/** A redemption's idempotency key (crypto.randomUUID exists only on https and localhost). */
const newKey = () => globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;

/** Points → the program's coupon, for staff who may; shown only when a template is set. */
function RedeemForCoupons({ memberId, page }: { memberId: number; page: MemberPointsPage }) {
  const t = useTranslations("loyalty.points.redeem");
  const format = useFormatter();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const allowed = useCan("redeemMemberPoints");
  const [coupons, setCoupons] = useState("1");
  // One key per redemption: a retry after a lost answer replays it instead of redeeming twice.
  const [key, setKey] = useState(newKey);
  const [error, setError] = useState<string | null>(null);
  const redeem = useMutation(
    trpc.loyalty.redeemForCoupons.mutationOptions({
      onSuccess: (done) => {
        setKey(newKey());
        setError(null);
        toast.success(t("done", { count: done.coupons.length, points: format.number(done.points), codes: done.coupons.map((c) => c.code).join(", ") }));
        void queryClient.invalidateQueries({ queryKey: trpc.members.points.queryKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.members.get.queryKey({ id: memberId }) });
      },
      onError: (e) => {
        const data = e.data as { zodError?: { fieldErrors?: Record<string, string[]> } } | undefined;
        setError(data?.zodError?.fieldErrors?.coupons?.[0] ?? e.message);
      },
    }),
  );
  const { templateName, pointsPerCoupon } = page.redemption;
  if (!allowed || templateName === null) return null;
  const count = Number(coupons);
  const cost = Number.isInteger(count) && count > 0 ? count * pointsPerCoupon : null;
  return (
    <form
      className="mx-6 flex flex-wrap items-end gap-3 rounded-md border p-3"
      data-testid="member-points-redeem"
      onSubmit={(e) => {
        e.preventDefault();
        redeem.mutate({ memberId, coupons: count, key });
      }}
    >
      <div className="space-y-1">
        <Label htmlFor="member-points-coupons" className="text-sm font-medium">
          {t("title", { template: templateName })}
        </Label>
        <Input id="member-points-coupons" className="w-24" inputMode="numeric" value={coupons} onChange={(e) => setCoupons(e.target.value)} aria-invalid={error !== null} />
      </div>
      <p className="pb-2 text-sm text-muted-foreground">
        {cost === null ? t("rate", { points: format.number(pointsPerCoupon) }) : t("cost", { points: format.number(cost), balance: format.number(page.balance) })}
      </p>
      <Button type="submit" disabled={redeem.isPending || cost === null || cost > page.balance}>
        {t("submit")}
      </Button>
      {error ? (
        <p className="w-full text-xs text-destructive" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}
