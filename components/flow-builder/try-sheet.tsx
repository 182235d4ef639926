"use client";

// Try the draft before publishing, on the real executors with nothing issued or sent:
// - one member: the path it would take, what it would receive and when (waits skipped; a
//   response wait answered as the marketer chooses);
// - the forecast: the whole entry audience up to the first wait — members per step, coupons and
//   their face value, messages per channel after consent and caps.
import { useMemo, useState } from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { ClockIcon, FlagIcon, Loader2Icon, PlayIcon, UsersIcon } from "lucide-react";
import { useFormatter, useLocale, useTranslations } from "use-intl";

import { useTRPC, type RouterOutputs } from "@/trpc/react";
import { useDebouncedValue } from "@/lib/use-debounced-value";
import { findNodeKindSpec, nodeTitle } from "@/server/flows/kinds";
import type { FlowDraftNode } from "@/server/flows/definition";
import { Button } from "@/components/ui/button";
import { Combobox } from "@/components/ui/combobox";
import { Label } from "@/components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Sheet, SheetBody, SheetContent, SheetDescription, SheetHeader, SheetTitle } from "@/components/ui/sheet";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { JourneyEffectItem } from "@/components/members/member-journeys";
import { KindIcon } from "./icons";

type TestRun = RouterOutputs["engine"]["testRun"];
type Forecast = RouterOutputs["engine"]["forecast"];

type Props = {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  flowId: string;
  nodes: readonly FlowDraftNode[];
  /** The draft has errors: nothing can be tried until they are fixed. */
  blocked: boolean;
  /** Saves pending edits: the server tries the draft it holds. */
  beforeRun: () => Promise<void>;
};

export function TrySheet(props: Props) {
  const t = useTranslations("flowBuilder.try");
  const triggers = props.nodes.filter((n) => findNodeKindSpec(n.kind)?.category === "trigger");
  const [triggerId, setTriggerId] = useState<string | null>(null);
  const trigger = triggers.find((n) => n.id === triggerId) ?? triggers[0];
  const locale = useLocale();

  return (
    <Sheet open={props.open} onOpenChange={props.onOpenChange}>
      <SheetContent className="w-full sm:max-w-xl" data-testid="try-sheet">
        <SheetHeader>
          <SheetTitle>{t("title")}</SheetTitle>
          <SheetDescription>{t("description")}</SheetDescription>
        </SheetHeader>
        <SheetBody className="flex flex-col gap-4">
          {props.blocked ? <p className="rounded-md bg-destructive/10 px-3 py-2 text-sm text-destructive">{t("blocked")}</p> : null}
          {triggers.length > 1 ? (
            <div className="flex flex-col gap-1.5">
              <Label>{t("trigger")}</Label>
              <Select value={trigger?.id} onValueChange={setTriggerId}>
                <SelectTrigger aria-label={t("trigger")}>
                  <SelectValue />
                </SelectTrigger>
                <SelectContent>
                  {triggers.map((n) => (
                    <SelectItem key={n.id} value={n.id}>
                      {nodeTitle(n)[locale]}
                    </SelectItem>
                  ))}
                </SelectContent>
              </Select>
            </div>
          ) : null}
          <Tabs defaultValue="member">
            <TabsList>
              <TabsTrigger value="member" data-testid="try-member-tab">
                {t("memberTab")}
              </TabsTrigger>
              <TabsTrigger value="forecast" data-testid="try-forecast-tab">
                {t("forecastTab")}
              </TabsTrigger>
            </TabsList>
            <TabsContent value="member" className="pt-3">
              <MemberRun {...props} triggerNodeId={trigger?.id} />
            </TabsContent>
            <TabsContent value="forecast" className="pt-3">
              <ForecastRun {...props} trigger={trigger} />
            </TabsContent>
          </Tabs>
        </SheetBody>
      </SheetContent>
    </Sheet>
  );
}

function useNodeName(nodes: readonly FlowDraftNode[]) {
  const locale = useLocale();
  return useMemo(() => {
    const byId = new Map(nodes.map((n) => [n.id, n]));
    return (id: string) => {
      const n = byId.get(id);
      return n ? nodeTitle(n)[locale] : id;
    };
  }, [nodes, locale]);
}

function MemberRun({ flowId, nodes, blocked, beforeRun, triggerNodeId }: Props & { triggerNodeId?: string }) {
  const t = useTranslations("flowBuilder.try");
  const trpc = useTRPC();
  const format = useFormatter();
  const nodeName = useNodeName(nodes);
  const [search, setSearch] = useState("");
  const debounced = useDebouncedValue(search, 250);
  const [member, setMember] = useState<{ value: string; label: string } | null>(null);
  const [responses, setResponses] = useState<Record<string, "responded" | "timeout">>({});
  const found = useQuery(trpc.members.list.queryOptions({ search: debounced || undefined, page: 1, pageSize: 8 }));
  const options = (found.data?.members ?? []).map((m) => ({ value: String(m.id), label: m.name, description: m.externalId }));
  const run = useMutation(trpc.engine.testRun.mutationOptions());
  const responseWaits = nodes.filter((n) => n.kind === "wait_for_response");

  const start = async () => {
    if (!member) return;
    await beforeRun();
    run.mutate({ flowId, memberId: Number(member.value), ...(triggerNodeId ? { triggerNodeId } : {}), responses });
  };

  const result: TestRun | undefined = run.data;
  const startedAt = result?.steps[0] ? new Date(result.steps[0].at).getTime() : 0;
  const offset = (at: string) => {
    const ms = new Date(at).getTime() - startedAt;
    return ms < 60_000 ? t("atStart") : t("after", { when: format.relativeTime(startedAt + ms, startedAt) });
  };

  return (
    <div className="flex flex-col gap-3">
      <div className="flex flex-col gap-1.5">
        <Label>{t("member")}</Label>
        <Combobox
          value={member?.value ?? null}
          onValueChange={(v) => setMember(v ? (options.find((o) => o.value === v) ?? null) : null)}
          options={options}
          selectedOptions={member ? [member] : []}
          onSearchChange={setSearch}
          loading={found.isFetching}
          placeholder={t("memberPlaceholder")}
          searchPlaceholder={t("memberSearch")}
          emptyText={t("memberNone")}
          aria-label={t("member")}
        />
      </div>
      {responseWaits.length > 0 ? (
        <div className="flex flex-col gap-1.5">
          <Label>{t("responses")}</Label>
          {responseWaits.map((n) => (
            <div key={n.id} className="flex items-center gap-2 text-sm">
              <span className="min-w-0 flex-1 truncate">{nodeName(n.id)}</span>
              <Select value={responses[n.id] ?? "timeout"} onValueChange={(v) => setResponses((r) => ({ ...r, [n.id]: v as "responded" | "timeout" }))}>
                <SelectTrigger className="w-44" aria-label={t("responseFor", { name: nodeName(n.id) })} data-testid={`try-response-${n.id}`}>
                  <SelectValue />
                </SelectTrigger>
                <SelectContent>
                  <SelectItem value="responded">{t("responded")}</SelectItem>
                  <SelectItem value="timeout">{t("noResponse")}</SelectItem>
                </SelectContent>
              </Select>
            </div>
          ))}
        </div>
      ) : null}
      <Button onClick={() => void start()} disabled={!member || blocked} loading={run.isPending} data-testid="try-run">
        <PlayIcon /> {t("run")}
      </Button>
      {run.error ? <p className="text-sm text-destructive">{run.error.message}</p> : null}
      {result ? (
        <ol className="flex flex-col gap-3 border-l pl-4" data-testid="try-steps">
          {result.steps.map((step, i) => {
            const node = nodes.find((n) => n.id === step.nodeId);
            return (
              <li key={i} className="relative flex flex-col gap-1" data-testid="try-step" data-node-id={step.nodeId}>
                <span className="absolute top-1 -left-[21px] size-2.5 rounded-full border-2 border-background bg-primary" aria-hidden />
                <div className="flex items-center gap-2 text-sm font-medium">
                  {node ? <KindIcon name={findNodeKindSpec(node.kind)?.icon ?? ""} className="size-3.5 text-muted-foreground" /> : null}
                  <span className="min-w-0 flex-1 truncate">{nodeName(step.nodeId)}</span>
                  <span className="shrink-0 text-xs font-normal text-muted-foreground">{offset(step.at)}</span>
                </div>
                {step.effects.length > 0 ? (
                  <ul className="flex flex-col gap-1.5">
                    {step.effects.map((e, j) => (
                      <JourneyEffectItem key={j} effect={e} nodeName={null} />
                    ))}
                  </ul>
                ) : null}
                {step.waited ? (
                  <p className="flex items-center gap-1 text-xs text-muted-foreground">
                    <ClockIcon className="size-3" aria-hidden />
                    {step.waited.answered === "responded"
                      ? t("waitedResponded")
                      : t("waitedUntil", { when: format.dateTime(new Date(step.waited.until), { dateStyle: "medium", timeStyle: "short" }) })}
                  </p>
                ) : null}
              </li>
            );
          })}
          <li className="flex items-center gap-2 text-sm text-muted-foreground" data-testid="try-ended">
            <FlagIcon className="size-3.5" aria-hidden />
            {t(`ended.${result.ended.status}` as "ended.completed", { reason: result.ended.reason ?? "" })}
          </li>
        </ol>
      ) : null}
      <p className="text-xs text-muted-foreground">{t("nothingIssued")}</p>
    </div>
  );
}

function ForecastRun({ flowId, nodes, blocked, beforeRun, trigger }: Props & { trigger?: FlowDraftNode }) {
  const t = useTranslations("flowBuilder.try");
  const tj = useTranslations("flowBuilder.journeys");
  const trpc = useTRPC();
  const format = useFormatter();
  const nodeName = useNodeName(nodes);
  const run = useMutation(trpc.engine.forecast.mutationOptions());
  const eventDriven = trigger?.kind === "event_trigger" || trigger?.kind === "manual_trigger";

  const start = async () => {
    await beforeRun();
    run.mutate({ flowId, ...(trigger ? { triggerNodeId: trigger.id } : {}) });
  };
  const f: Forecast | undefined = run.data;
  const n = (v: number) => format.number(v);
  const channelTotals = useMemo(() => {
    const out = new Map<string, { sent: number; notSent: { reason: string | null; count: number }[] }>();
    for (const m of f?.messages ?? []) {
      const entry = out.get(m.channel) ?? { sent: 0, notSent: [] };
      if (m.status === "suppressed") entry.notSent.push({ reason: m.reason, count: m.count });
      else entry.sent += m.count;
      out.set(m.channel, entry);
    }
    return [...out];
  }, [f]);

  if (eventDriven) return <p className="text-sm text-muted-foreground">{t("forecastNeedsAudience")}</p>;
  return (
    <div className="flex flex-col gap-4">
      <Button onClick={() => void start()} disabled={blocked || !trigger} loading={run.isPending} data-testid="try-forecast">
        <UsersIcon /> {t("forecast")}
      </Button>
      {run.isPending ? (
        <p className="flex items-center gap-2 text-xs text-muted-foreground">
          <Loader2Icon className="size-3 animate-spin" aria-hidden /> {t("forecasting")}
        </p>
      ) : null}
      {run.error ? <p className="text-sm text-destructive">{run.error.message}</p> : null}
      {f ? (
        <div className="flex flex-col gap-4" data-testid="forecast-result">
          <div className="grid grid-cols-3 gap-2">
            <Figure label={t("entering")} value={n(f.entering)} testId="forecast-entering" />
            <Figure label={t("coupons")} value={n(f.coupons.count)} testId="forecast-coupons" />
            <Figure label={t("faceValue")} value={`¥${format.number(f.coupons.faceValue, { maximumFractionDigits: 0 })}`} testId="forecast-face-value" />
          </div>
          <div>
            <h3 className="mb-1 text-xs font-medium text-muted-foreground">{t("steps")}</h3>
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>{t("step")}</TableHead>
                  <TableHead className="text-right">{t("reach")}</TableHead>
                  <TableHead className="text-right">{t("waitingThere")}</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {nodes
                  .filter((node) => f.nodes[node.id])
                  .map((node) => (
                    <TableRow key={node.id} data-testid={`forecast-node-${node.id}`}>
                      <TableCell className="max-w-56 truncate">{nodeName(node.id)}</TableCell>
                      <TableCell className="text-right tabular-nums">{n(f.nodes[node.id]!.entered)}</TableCell>
                      <TableCell className="text-right tabular-nums">{f.nodes[node.id]!.waiting ? n(f.nodes[node.id]!.waiting) : "—"}</TableCell>
                    </TableRow>
                  ))}
              </TableBody>
            </Table>
          </div>
          {channelTotals.length > 0 ? (
            <div>
              <h3 className="mb-1 text-xs font-medium text-muted-foreground">{t("messages")}</h3>
              <ul className="flex flex-col gap-1 text-sm">
                {channelTotals.map(([channel, c]) => (
                  <li key={channel} data-testid={`forecast-channel-${channel}`}>
                    <span className="font-medium">{tj(`channel.${channel}` as "channel.sms")}</span>: {t("toSend", { count: c.sent })}
                    {c.notSent.map((s) => (
                      <span key={s.reason ?? ""} className="text-muted-foreground">
                        {" · "}
                        {t("notSent", { count: n(s.count), reason: s.reason ? tj(`suppressedReason.${s.reason}` as "suppressedReason.no_consent") : "" })}
                      </span>
                    ))}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          {f.sample ? (
            <p className="text-xs text-muted-foreground" data-testid="forecast-sampled">
              {t("sampled", { sample: n(f.sample), audience: n(f.audience) })}
            </p>
          ) : null}
          <p className="text-xs text-muted-foreground">{t("forecastScope", { ms: n(f.ms) })}</p>
        </div>
      ) : null}
    </div>
  );
}

function Figure({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div className="rounded-md border px-3 py-2">
      <div className="text-xs text-muted-foreground">{label}</div>
      <div className="text-lg font-semibold tabular-nums" data-testid={testId}>
        {value}
      </div>
    </div>
  );
}
