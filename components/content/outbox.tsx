"use client";

import { useState } from "react";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useQuery } from "@tanstack/react-query";
import { ChevronLeftIcon, ChevronRightIcon, InboxIcon, XIcon } from "lucide-react";
import { useFormatter, useLocale, useTranslations } from "use-intl";

import { useTRPC } from "@/trpc/react";
import { channelLabels, channels, notificationStatuses, type Channel, type NotificationStatus, type OutboxFilter } from "@/server/content/message-template-schema";
import { Badge, type BadgeProps } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Combobox, type ComboboxOption } from "@/components/ui/combobox";
import { EmptyState } from "@/components/ui/empty-state";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Sheet, SheetContent, SheetDescription, SheetHeader, SheetTitle } from "@/components/ui/sheet";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { MemberPicker } from "./message-member-picker";
import { MessageCard } from "./message-card";

const statusVariant: Record<NotificationStatus, BadgeProps["variant"]> = {
  queued: "info",
  deferred: "muted",
  sent: "success",
  failed: "destructive",
  suppressed: "warning",
};
const PAGE_SIZE = 50;

/** The outbox: what flows produced, newest first, filterable, each message as the member saw it. */
export function Outbox() {
  const t = useTranslations("contentMessages.outbox");
  const locale = useLocale();
  const format = useFormatter();
  const trpc = useTRPC();
  const params = useSearchParams();
  const [member, setMember] = useState<ComboboxOption | null>(null);
  const [flowId, setFlowId] = useState<string | null>(params.get("flowId"));
  const [channel, setChannel] = useState<Channel | null>(null);
  const [status, setStatus] = useState<NotificationStatus | null>(null);
  const [reason, setReason] = useState<string | null>(null);
  const [templateId, setTemplateId] = useState<string | null>(params.get("templateId"));
  // Keyset pages: the `before` of each page seen, so "newer" goes back exactly.
  const [cursors, setCursors] = useState<(number | undefined)[]>([undefined]);
  const [open, setOpen] = useState<number | null>(null);

  const filter: OutboxFilter = {
    ...(member ? { memberId: Number(member.value) } : {}),
    ...(flowId ? { flowId } : {}),
    ...(channel ? { channel } : {}),
    ...(status ? { status } : {}),
    ...(status === "suppressed" && reason ? { reason } : {}),
    ...(templateId ? { templateId } : {}),
  };
  const before = cursors[cursors.length - 1];
  const page = useQuery({ ...trpc.content.messages.outbox.queryOptions({ ...filter, ...(before ? { before } : {}), pageSize: PAGE_SIZE }), placeholderData: (previous) => previous });
  const counts = useQuery({ ...trpc.content.messages.outboxCounts.queryOptions(filter), placeholderData: (previous) => previous });
  const flows = useQuery(trpc.content.messages.outboxFlows.queryOptions());
  const template = useQuery({ ...trpc.content.messages.get.queryOptions({ id: templateId ?? "" }), enabled: !!templateId });

  const refilter = (apply: () => void) => {
    apply();
    setCursors([undefined]);
  };
  const countOf = (s: NotificationStatus) => counts.data?.statuses.find((c) => c.status === s);
  const shownCount = (c: { count: number; capped: boolean } | undefined) => (c ? `${format.number(c.count)}${c.capped ? "+" : ""}` : "…");
  const total = counts.data ? counts.data.statuses.reduce((sum, c) => sum + c.count, 0) : null;
  const anyCapped = counts.data?.statuses.some((c) => c.capped) ?? false;
  const filtered = Object.keys(filter).length > 0;
  const flowOptions: ComboboxOption[] = (flows.data ?? []).map((f) => ({ value: f.id, label: f.name, description: f.status }));

  return (
    <section className="space-y-4" data-testid="outbox">
      <div>
        <h2 className="text-lg font-semibold">{t("title")}</h2>
        <p className="text-muted-foreground max-w-3xl text-sm">{t("description")}</p>
      </div>

      <div className="flex flex-wrap items-end gap-3" data-testid="outbox-filters">
        <div className="w-60 space-y-1">
          <span className="text-xs font-medium">{t("member")}</span>
          <MemberPicker value={member} onChange={(m) => refilter(() => setMember(m))} placeholder={t("anyMember")} searchPlaceholder={t("memberSearch")} testId="outbox-member" />
        </div>
        <div className="w-60 space-y-1">
          <span className="text-xs font-medium">{t("flow")}</span>
          <div data-testid="outbox-flow">
            <Combobox value={flowId} onValueChange={(v) => refilter(() => setFlowId(v))} options={flowOptions} placeholder={t("anyFlow")} clearable className="w-full" />
          </div>
        </div>
        <div className="space-y-1">
          <span className="text-xs font-medium">{t("channel")}</span>
          <Select value={channel ?? "all"} onValueChange={(v) => refilter(() => setChannel(v === "all" ? null : (v as Channel)))}>
            <SelectTrigger className="w-40" data-testid="outbox-channel">
              <SelectValue />
            </SelectTrigger>
            <SelectContent>
              <SelectItem value="all">{t("anyChannel")}</SelectItem>
              {channels.map((c) => (
                <SelectItem key={c} value={c}>
                  {channelLabels[c][locale]}
                </SelectItem>
              ))}
            </SelectContent>
          </Select>
        </div>
        {templateId && (
          <Badge variant="secondary" className="h-9 gap-2 px-3 text-sm" data-testid="outbox-template">
            {t("template", { name: template.data?.name ?? templateId })}
            <button type="button" aria-label={t("clearTemplate")} onClick={() => refilter(() => setTemplateId(null))}>
              <XIcon />
            </button>
          </Badge>
        )}
        {filtered && (
          <Button
            variant="ghost"
            size="sm"
            data-testid="outbox-clear"
            onClick={() =>
              refilter(() => {
                setMember(null);
                setFlowId(null);
                setChannel(null);
                setStatus(null);
                setReason(null);
                setTemplateId(null);
              })
            }
          >
            {t("clearFilters")}
          </Button>
        )}
      </div>

      <div className="flex flex-wrap items-center gap-1" role="group" aria-label={t("status")} data-testid="outbox-statuses">
        <Button size="sm" variant={status === null ? "default" : "outline"} onClick={() => refilter(() => setStatus(null))} data-testid="outbox-status-all">
          {t("allStatuses")}
          <span className="tabular-nums opacity-70">{total === null ? "…" : `${format.number(total)}${anyCapped ? "+" : ""}`}</span>
        </Button>
        {notificationStatuses.map((s) => (
          <Button key={s} size="sm" variant={status === s ? "default" : "outline"} onClick={() => refilter(() => { setStatus(s); setReason(null); })} data-testid={`outbox-status-${s}`}>
            {t(`status_${s}`)}
            <span className="tabular-nums opacity-70" data-testid={`outbox-count-${s}`}>{shownCount(countOf(s))}</span>
          </Button>
        ))}
        {status === "suppressed" && counts.data && counts.data.reasons.length > 0 && (
          <Select value={reason ?? "all"} onValueChange={(v) => refilter(() => setReason(v === "all" ? null : v))}>
            <SelectTrigger size="sm" className="ml-2 w-56" data-testid="outbox-reason">
              <SelectValue />
            </SelectTrigger>
            <SelectContent>
              <SelectItem value="all">{t("anyReason")}</SelectItem>
              {counts.data.reasons.map((r) => (
                <SelectItem key={r.reason} value={r.reason}>
                  {reasonLabel(t, r.reason)} · {format.number(r.count)}
                  {r.capped ? "*" : ""}
                </SelectItem>
              ))}
            </SelectContent>
          </Select>
        )}
      </div>
      {anyCapped && <p className="text-muted-foreground text-xs">{t("capped", { cap: counts.data!.cap })}</p>}

      {page.data && page.data.rows.length === 0 ? (
        <EmptyState icon={InboxIcon} title={filtered ? t("noneMatching") : t("emptyTitle")} description={filtered ? t("noneMatchingDescription") : t("emptyDescription")} />
      ) : (
        <Table data-testid="outbox-table">
          <TableHeader>
            <TableRow>
              <TableHead className="w-40">{t("when")}</TableHead>
              <TableHead>{t("member")}</TableHead>
              <TableHead>{t("channel")}</TableHead>
              <TableHead>{t("message")}</TableHead>
              <TableHead>{t("status")}</TableHead>
              <TableHead>{t("flow")}</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {page.data?.rows.map((row) => (
              <TableRow key={row.id} className="cursor-pointer" data-testid="outbox-row" data-id={row.id} onClick={() => setOpen(row.id)}>
                <TableCell className="text-muted-foreground text-xs tabular-nums">{format.dateTime(row.createdAt, { dateStyle: "short", timeStyle: "short" })}</TableCell>
                <TableCell className="text-sm">
                  <div className="font-medium">{row.member.name}</div>
                  <div className="text-muted-foreground text-xs">{row.member.externalId}</div>
                </TableCell>
                <TableCell className="text-sm">{channelLabels[row.channel]?.[locale] ?? row.channel}</TableCell>
                <TableCell className="max-w-md text-sm whitespace-normal">
                  {row.title && <div className="line-clamp-1 font-medium">{row.title}</div>}
                  <div className="text-muted-foreground line-clamp-2">{row.body}</div>
                </TableCell>
                <TableCell>
                  <Badge variant={statusVariant[row.status]}>{t(`status_${row.status}`)}</Badge>
                  {row.suppressedReason && <div className="text-muted-foreground mt-0.5 text-xs">{reasonLabel(t, row.suppressedReason)}</div>}
                  {row.status !== "sent" && row.error && <div className="text-destructive mt-0.5 line-clamp-1 text-xs">{row.error}</div>}
                </TableCell>
                <TableCell className="max-w-48 text-sm whitespace-normal">{row.flow?.name ?? <span className="text-muted-foreground">—</span>}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}

      <div className="flex items-center justify-end gap-2">
        <span className="text-muted-foreground text-xs">{t("pageOf", { page: cursors.length })}</span>
        <Button variant="outline" size="sm" disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))} data-testid="outbox-newer">
          <ChevronLeftIcon /> {t("newer")}
        </Button>
        <Button
          variant="outline"
          size="sm"
          disabled={!page.data?.nextBefore || page.isPlaceholderData}
          onClick={() => page.data?.nextBefore && setCursors([...cursors, page.data.nextBefore])}
          data-testid="outbox-older"
        >
          {t("older")} <ChevronRightIcon />
        </Button>
      </div>

      <Sheet open={open !== null} onOpenChange={(o) => !o && setOpen(null)}>
        <SheetContent className="w-full overflow-y-auto sm:max-w-lg">
          <SheetHeader>
            <SheetTitle>{t("detailTitle")}</SheetTitle>
            <SheetDescription>{t("detailDescription")}</SheetDescription>
          </SheetHeader>
          {open !== null && <OutboxDetail id={open} />}
        </SheetContent>
      </Sheet>
    </section>
  );
}

type Translate = ReturnType<typeof useTranslations<"contentMessages.outbox">>;
function reasonLabel(t: Translate, reason: string) {
  return ["no_consent", "frequency_cap", "holdout", "no_address"].includes(reason) ? t(`reason_${reason as "no_consent"}`) : reason;
}

function OutboxDetail({ id }: { id: number }) {
  const t = useTranslations("contentMessages.outbox");
  const format = useFormatter();
  const trpc = useTRPC();
  const item = useQuery(trpc.content.messages.outboxMessage.queryOptions({ id }));
  if (item.error) return <p className="text-destructive px-4 text-sm">{item.error.message}</p>;
  if (!item.data) return <p className="text-muted-foreground px-4 text-sm">{t("loading")}</p>;
  const m = item.data;
  const when = (d: Date | null) => (d ? format.dateTime(d, { dateStyle: "medium", timeStyle: "medium" }) : "—");
  const facts: [string, React.ReactNode][] = [
    [t("status"), <Badge key="s" variant={statusVariant[m.status]}>{t(`status_${m.status}`)}</Badge>],
    ...(m.suppressedReason ? ([[t("suppressedReason"), reasonLabel(t, m.suppressedReason)]] as [string, React.ReactNode][]) : []),
    [t("attempts"), format.number(m.attempts)],
    [t("provider"), m.provider ?? "—"],
    ...(m.error ? ([[t("error"), <span key="e" className="text-destructive break-words">{m.error}</span>]] as [string, React.ReactNode][]) : []),
    [t("created"), when(m.createdAt)],
    [t("scheduled"), when(m.scheduledFor)],
    [t("sentAt"), when(m.sentAt)],
    [t("openedAt"), when(m.openedAt)],
    [t("clickedAt"), when(m.clickedAt)],
  ];
  return (
    <div className="space-y-4 px-4 pb-6" data-testid="outbox-detail">
      <MessageCard channel={m.channel} title={m.title} body={m.body} testId="outbox-detail-card" />
      <p className="text-muted-foreground text-xs">{m.renderedHere ? t("renderedHere") : t("storedAsSent")}</p>
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1.5 text-sm">
        <dt className="text-muted-foreground">{t("member")}</dt>
        <dd>
          <Link className="text-primary hover:underline" href={`/members/${m.member.id}`} data-testid="outbox-detail-member">
            {m.member.name}
          </Link>{" "}
          <span className="text-muted-foreground text-xs">{m.member.externalId}</span>
          {(m.channel === "sms" ? m.member.phone : m.channel === "email" ? m.member.email : null) && (
            <div className="text-muted-foreground text-xs">{m.channel === "sms" ? m.member.phone : m.member.email}</div>
          )}
        </dd>
        <dt className="text-muted-foreground">{t("flow")}</dt>
        <dd>
          {m.flow ? (
            <>
              <Link className="text-primary hover:underline" href={`/flows/${m.flow.id}`} data-testid="outbox-detail-flow">
                {m.flow.name ?? m.flow.id}
              </Link>
              {m.flow.nodeId && <span className="text-muted-foreground text-xs"> · {t("node", { node: m.flow.nodeId })}</span>}
            </>
          ) : (
            "—"
          )}
        </dd>
        <dt className="text-muted-foreground">{t("templateLabel")}</dt>
        <dd>{m.template ? (m.template.name ?? m.template.id) : <span className="text-muted-foreground">{m.flow ? t("inlineMessage") : "—"}</span>}</dd>
        {facts.map(([label, value]) => (
          <div key={label} className="contents">
            <dt className="text-muted-foreground">{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {Object.keys(m.variables).length > 0 && (
        <details className="text-xs">
          <summary className="text-muted-foreground cursor-pointer">{t("values")}</summary>
          <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1">
            {Object.entries(m.variables).map(([name, value]) => (
              <div key={name} className="contents">
                <dt className="text-muted-foreground font-mono">{name}</dt>
                <dd className="break-all">{value === null ? "—" : String(value)}</dd>
              </div>
            ))}
          </dl>
        </details>
      )}
    </div>
  );
}
