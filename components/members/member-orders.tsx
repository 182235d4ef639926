"use client";

// All of a member's orders, a page at a time (the first page comes with the member's page).
import { useState } from "react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useFormatter, useTranslations } from "use-intl";

import { useTRPC } from "@/trpc/react";
import { cn } from "@/lib/utils";
import type { MemberOrdersPage } from "@/server/members/schemas";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Pagination } from "@/components/ui/pagination";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useMemberLabels } from "@/components/members/labels";

export function MemberOrders({ memberId, first, className }: { memberId: number; first: MemberOrdersPage; className?: string }) {
  const t = useTranslations("members");
  const format = useFormatter();
  const labels = useMemberLabels();
  const trpc = useTRPC();
  const [page, setPage] = useState(1);
  const orders = useQuery({
    ...trpc.members.orders.queryOptions({ id: memberId, page, pageSize: first.pageSize }),
    initialData: page === 1 ? first : undefined,
    placeholderData: keepPreviousData,
  });
  const data = orders.data ?? first;
  const money = (n: number) => format.number(n, { style: "currency", currency: "CNY", maximumFractionDigits: 2 });
  const items = (o: MemberOrdersPage["orders"][number]) => o.items.map((i) => `${i.name} ×${i.quantity}`).join(", ");

  return (
    <Card className={cn("xl:self-start", className)} data-testid="member-orders">
      <CardHeader>
        <CardTitle>{t("orders.title")}</CardTitle>
        <CardDescription data-testid="member-orders-total">{t("orders.count", { count: data.total })}</CardDescription>
      </CardHeader>
      <CardContent className="flex flex-col gap-3 px-0">
        <Table aria-busy={orders.isFetching}>
          <TableHeader>
            <TableRow>
              <TableHead className="pl-6">{t("detail.orderNo")}</TableHead>
              <TableHead>{t("detail.placedAt")}</TableHead>
              <TableHead>{t("orders.channel")}</TableHead>
              <TableHead>{t("detail.items")}</TableHead>
              <TableHead className="pr-6 text-right">{t("detail.amount")}</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody className={orders.isPlaceholderData ? "opacity-60" : undefined}>
            {data.orders.map((o) => (
              <TableRow key={o.id} data-testid="member-order">
                <TableCell className="pl-6 font-mono text-xs">{o.externalId}</TableCell>
                <TableCell className="whitespace-nowrap">{format.dateTime(o.placedAt, { dateStyle: "medium", timeStyle: "short" })}</TableCell>
                <TableCell className="whitespace-nowrap">{labels.channel(o.channel)}</TableCell>
                <TableCell className="w-full max-w-0 truncate" title={items(o)}>
                  {items(o)}
                </TableCell>
                <TableCell className="pr-6 text-right whitespace-nowrap tabular-nums">
                  {money(o.totalAmount)}
                  {o.refundedAmount > 0 ? (
                    <Badge variant="destructive" className="ml-1.5">
                      {t("orders.refunded", { amount: money(o.refundedAmount) })}
                    </Badge>
                  ) : o.discountAmount > 0 ? (
                    <div className="text-xs text-muted-foreground">{t("orders.discount", { amount: money(o.discountAmount) })}</div>
                  ) : null}
                </TableCell>
              </TableRow>
            ))}
            {data.total === 0 ? (
              <TableRow>
                <TableCell colSpan={5} className="py-8 text-center text-muted-foreground">
                  {t("detail.noOrders")}
                </TableCell>
              </TableRow>
            ) : null}
          </TableBody>
        </Table>
        {orders.isError ? (
          <p className="px-6 text-sm text-destructive" role="alert">
            {t("orders.failed")}
          </p>
        ) : null}
        {data.total > data.pageSize ? <Pagination className="px-6" page={page} pageSize={data.pageSize} total={data.total} onPageChange={setPage} /> : null}
      </CardContent>
    </Card>
  );
}
