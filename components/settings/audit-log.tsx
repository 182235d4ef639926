"use client";

import { useState } from "react";
import { useInfiniteQuery } from "@tanstack/react-query";
import { useFormatter, useTranslations } from "use-intl";

import { useTRPC } from "@/trpc/react";
import type { AuditListInput } from "@/server/audit/schemas";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";

const selectClass =
  "h-9 w-full rounded-md border border-input bg-background px-2.5 text-sm shadow-xs outline-none focus-visible:ring-[3px] focus-visible:ring-ring/40";

function detailsText(details: unknown): string {
  if (!details || (typeof details === "object" && Object.keys(details).length === 0)) return "";
  return JSON.stringify(details);
}

/** The audit log: newest first; search, actor, action and a range of days; older pages on demand. */
export function AuditLog() {
  const t = useTranslations("access.audit");
  const format = useFormatter();
  const trpc = useTRPC();
  const [filters, setFilters] = useState<Omit<AuditListInput, "cursor" | "limit">>({});
  const [draft, setDraft] = useState({ q: "", actor: "", action: "", from: "", to: "" });
  const list = useInfiniteQuery(
    trpc.audit.list.infiniteQueryOptions(
      { ...filters, limit: 50 },
      { getNextPageParam: (page) => page.next ?? undefined },
    ),
  );
  const entries = list.data?.pages.flatMap((p) => p.entries) ?? [];
  const actions = list.data?.pages[0]?.actions ?? [];
  const apply = (next = draft) => {
    const clean = Object.fromEntries(Object.entries(next).filter(([, v]) => v.trim() !== ""));
    setFilters(clean);
  };

  return (
    <section className="space-y-4" data-testid="audit-log">
      <form
        className="grid gap-3 rounded-lg border bg-card p-4 md:grid-cols-[2fr_1.5fr_1.5fr_1fr_1fr_auto] md:items-end"
        onSubmit={(e) => {
          e.preventDefault();
          apply();
        }}
      >
        <div className="space-y-1.5">
          <Label htmlFor="audit-q">{t("search")}</Label>
          <Input id="audit-q" data-testid="audit-search" value={draft.q} placeholder={t("searchPlaceholder")} onChange={(e) => setDraft({ ...draft, q: e.target.value })} />
        </div>
        <div className="space-y-1.5">
          <Label htmlFor="audit-actor">{t("actor")}</Label>
          <Input id="audit-actor" data-testid="audit-actor" value={draft.actor} placeholder={t("actorPlaceholder")} onChange={(e) => setDraft({ ...draft, actor: e.target.value })} />
        </div>
        <div className="space-y-1.5">
          <Label htmlFor="audit-action">{t("action")}</Label>
          <select
            id="audit-action"
            data-testid="audit-action"
            className={selectClass}
            value={draft.action}
            onChange={(e) => {
              const next = { ...draft, action: e.target.value };
              setDraft(next);
              apply(next);
            }}
          >
            <option value="">{t("anyAction")}</option>
            {actions.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </div>
        <div className="space-y-1.5">
          <Label htmlFor="audit-from">{t("from")}</Label>
          <Input id="audit-from" type="date" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} />
        </div>
        <div className="space-y-1.5">
          <Label htmlFor="audit-to">{t("to")}</Label>
          <Input id="audit-to" type="date" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} />
        </div>
        <Button type="submit" variant="outline">
          {t("search")}
        </Button>
      </form>

      <Table>
        <TableHeader>
          <TableRow>
            <TableHead className="w-44">{t("when")}</TableHead>
            <TableHead>{t("actor")}</TableHead>
            <TableHead>{t("action")}</TableHead>
            <TableHead>{t("entity")}</TableHead>
            <TableHead>{t("details")}</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {entries.map((entry) => (
            <TableRow key={entry.id} data-testid="audit-row">
              <TableCell className="whitespace-nowrap text-muted-foreground tabular-nums">{format.dateTime(entry.at, { dateStyle: "medium", timeStyle: "medium" })}</TableCell>
              <TableCell>
                <span className="font-medium">{entry.actorName ?? entry.actor}</span>
                {entry.actorName ? <span className="block text-xs text-muted-foreground">{entry.actor}</span> : null}
              </TableCell>
              <TableCell>
                <code className="rounded bg-muted px-1.5 py-0.5 text-xs">{entry.action}</code>
              </TableCell>
              <TableCell className="text-xs">
                {entry.entityType} <span className="text-muted-foreground">{entry.entityId}</span>
              </TableCell>
              <TableCell className="max-w-md truncate font-mono text-xs text-muted-foreground" title={detailsText(entry.details)}>
                {detailsText(entry.details)}
              </TableCell>
            </TableRow>
          ))}
          {list.isSuccess && entries.length === 0 ? (
            <TableRow>
              <TableCell colSpan={5} className="py-8 text-center text-muted-foreground">
                {t("empty")}
              </TableCell>
            </TableRow>
          ) : null}
        </TableBody>
      </Table>
      {list.hasNextPage ? (
        <Button variant="outline" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
          {t("more")}
        </Button>
      ) : null}
    </section>
  );
}
