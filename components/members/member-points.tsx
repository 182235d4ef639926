"use client";

// A member's points: the ledger a page at a time with the running balance after each entry, and
// what the member holds by the date it expires.
import { useState } from "react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useFormatter, useTranslations } from "use-intl";

import { useTRPC } from "@/trpc/react";
import { cn } from "@/lib/utils";
import { MEMBER_POINTS_PAGE_SIZE, type MemberPointsPage } from "@/server/loyalty/schemas";
import { Badge } from "@/components/ui/badge";
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
  const date = (d: Date) => format.dateTime(d, { dateStyle: "medium", timeZone: "Asia/Shanghai" });
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
                    <TableCell className="pl-6 whitespace-nowrap">{format.dateTime(e.at, { dateStyle: "medium", timeStyle: "short", timeZone: "Asia/Shanghai" })}</TableCell>
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
