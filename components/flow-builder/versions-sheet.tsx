"use client";

import { useEffect, useState } from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { GitCompareArrowsIcon, History, MinusIcon, PencilIcon, PlusIcon, RotateCcwIcon } from "lucide-react";
import { useFormatter, useLocale, useTranslations } from "use-intl";

import { useTRPC } from "@/trpc/react";
import { findNodeKindSpec, nodeTitle } from "@/server/flows/kinds";
import type { FlowDraftNode, FlowEdge } from "@/server/flows/definition";
import type { FlowDiff } from "@/server/flows/diff";
import { Sheet, SheetBody, SheetContent, SheetDescription, SheetHeader, SheetTitle } from "@/components/ui/sheet";
import { Button } from "@/components/ui/button";
import { Badge } from "@/components/ui/badge";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { toast } from "@/components/ui/toast";
import { nodeBranches, nodeSummary } from "./node-view";
import { referenceNames, useFlowReferences } from "./nodes/references";

export type VersionRow = { id: string; version: number; publishedAt: Date; note: string };

type Props = {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  flowId: string;
  versions: readonly VersionRow[];
  currentVersionId: string | null;
  /** Names and kinds of the nodes the editor knows (the draft). */
  nodes: readonly FlowDraftNode[];
  /** Saves pending edits so "draft" on the server is what the marketer sees. */
  beforeCompare: () => Promise<void>;
  onReverted: () => Promise<void>;
  readOnly?: boolean;
};

const DRAFT = "draft";

/** Published versions: what changed between any two (or a version and the draft), and revert. */
export function VersionsSheet(props: Props) {
  const t = useTranslations("flowBuilder.versions");
  const format = useFormatter();
  const trpc = useTRPC();
  const [from, setFrom] = useState<string | null>(null);
  const [to, setTo] = useState<string>(DRAFT);
  const [revertTo, setRevertTo] = useState<VersionRow | null>(null);
  const [ready, setReady] = useState(0);

  const compare = useQuery({
    ...trpc.flows.compare.queryOptions({ flowId: props.flowId, from: from ?? "", to }),
    enabled: Boolean(from) && from !== to && ready > 0,
    // The draft moves under a comparison (edits, a revert): never show a remembered answer.
    staleTime: 0,
    gcTime: 0,
  });
  const { refetch } = compare;
  // Reopening the sheet on a comparison with the draft compares the draft as it is now.
  useEffect(() => {
    if (props.open && from && to === DRAFT) void props.beforeCompare().then(() => refetch());
    // Only on opening.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.open]);
  const revert = useMutation(trpc.flows.revert.mutationOptions());

  const startCompare = async (fromId: string, toId: string) => {
    await props.beforeCompare();
    setFrom(fromId);
    setTo(toId);
    setReady((n) => n + 1);
    // The same pair again: ask again (the draft may have changed since).
    if (fromId === from && toId === to) void refetch();
  };

  const label = (id: string) => (id === DRAFT ? t("draft") : `v${props.versions.find((v) => v.id === id)?.version ?? "?"}`);

  return (
    <Sheet open={props.open} onOpenChange={props.onOpenChange}>
      <SheetContent className="sm:max-w-lg" data-testid="versions-sheet">
        <SheetHeader>
          <SheetTitle>{t("title")}</SheetTitle>
          <SheetDescription>{t("description")}</SheetDescription>
        </SheetHeader>
        <SheetBody className="flex flex-col gap-5 overflow-y-auto">
          {props.versions.length === 0 ? (
            <EmptyState size="inline" icon={History} title={t("emptyTitle")} description={t("emptyDescription")} />
          ) : (
            <>
              <ol className="flex flex-col divide-y rounded-lg border">
                {props.versions.map((v) => (
                  <li key={v.id} className="flex items-start gap-3 px-3 py-2.5" data-testid={`version-${v.version}`}>
                    <div className="flex min-w-0 flex-1 flex-col">
                      <div className="flex items-center gap-2">
                        <span className="text-sm font-semibold">v{v.version}</span>
                        {v.id === props.currentVersionId ? <Badge variant="success">{t("live")}</Badge> : null}
                      </div>
                      <span className="text-xs text-muted-foreground">
                        {format.dateTime(v.publishedAt, { dateStyle: "medium", timeStyle: "short" })}
                      </span>
                      {v.note ? <span className="mt-0.5 text-xs">{v.note}</span> : null}
                    </div>
                    <div className="flex shrink-0 flex-col items-end gap-1">
                      <Button variant="outline" size="sm" onClick={() => void startCompare(v.id, DRAFT)} data-testid={`compare-${v.version}`}>
                        <GitCompareArrowsIcon /> {t("compareWithDraft")}
                      </Button>
                      {!props.readOnly ? (
                        <Button variant="ghost" size="sm" onClick={() => setRevertTo(v)}>
                          <RotateCcwIcon /> {t("revert")}
                        </Button>
                      ) : null}
                    </div>
                  </li>
                ))}
              </ol>

              <section className="flex flex-col gap-3">
                <h3 className="text-sm font-semibold">{t("compareTitle")}</h3>
                <div className="flex items-center gap-2">
                  <VersionSelect value={from ?? ""} onChange={(id) => void startCompare(id, to)} versions={props.versions} placeholder={t("pick")} draftLabel={t("draft")} />
                  <span className="text-xs text-muted-foreground">→</span>
                  <VersionSelect value={to} onChange={(id) => from && void startCompare(from, id)} versions={props.versions} draftLabel={t("draft")} withDraft />
                </div>
                {from && from !== to ? (
                  compare.isLoading ? (
                    <p className="text-xs text-muted-foreground">{t("comparing")}</p>
                  ) : compare.data ? (
                    <DiffView diff={compare.data} nodes={props.nodes} title={t("changes", { from: label(from), to: label(to) })} />
                  ) : null
                ) : null}
              </section>
            </>
          )}
        </SheetBody>
      </SheetContent>
      <Dialog open={revertTo !== null} onOpenChange={(open) => !open && setRevertTo(null)}>
        <DialogContent>
          <DialogHeader>
            <DialogTitle>{t("revertTitle", { version: revertTo?.version ?? 0 })}</DialogTitle>
            <DialogDescription>{t("revertDescription")}</DialogDescription>
          </DialogHeader>
          <DialogFooter>
            <Button variant="outline" onClick={() => setRevertTo(null)}>
              {t("cancel")}
            </Button>
            <Button
              loading={revert.isPending}
              data-testid="confirm-revert"
              onClick={async () => {
                if (!revertTo) return;
                await props.beforeCompare();
                try {
                  await revert.mutateAsync({ flowId: props.flowId, versionId: revertTo.id });
                  await props.onReverted();
                  toast.success(t("reverted", { version: revertTo.version }));
                  setRevertTo(null);
                  setFrom(null);
                  props.onOpenChange(false);
                } catch (error) {
                  toast.error(t("revertFailed"), error instanceof Error ? error.message : undefined);
                }
              }}
            >
              {t("revertConfirm")}
            </Button>
          </DialogFooter>
        </DialogContent>
      </Dialog>
    </Sheet>
  );
}

function VersionSelect({
  value,
  onChange,
  versions,
  placeholder,
  draftLabel,
  withDraft,
}: {
  value: string;
  onChange: (id: string) => void;
  versions: readonly VersionRow[];
  placeholder?: string;
  draftLabel: string;
  withDraft?: boolean;
}) {
  return (
    <Select value={value} onValueChange={onChange}>
      <SelectTrigger size="sm" className="w-32">
        <SelectValue placeholder={placeholder} />
      </SelectTrigger>
      <SelectContent>
        {withDraft ? <SelectItem value={DRAFT}>{draftLabel}</SelectItem> : null}
        {versions.map((v) => (
          <SelectItem key={v.id} value={v.id}>
            v{v.version}
          </SelectItem>
        ))}
      </SelectContent>
    </Select>
  );
}

export function DiffView({
  diff,
  nodes,
  title,
}: {
  diff: FlowDiff & {
    nodes?: Record<string, FlowDraftNode>;
    changes?: Record<string, { before: FlowDraftNode; after: FlowDraftNode }>;
  };
  nodes: readonly FlowDraftNode[];
  title: string;
}) {
  const t = useTranslations("flowBuilder.versions");
  const locale = useLocale();
  const names = referenceNames(useFlowReferences());
  // The server sends every node the diff mentions (removed ones exist only in the older version).
  const byId = new Map<string, FlowDraftNode>([...nodes.map((n) => [n.id, n] as const), ...Object.entries(diff.nodes ?? {})]);
  const titleOf = (id: string) => {
    const n = byId.get(id);
    return n ? nodeTitle(n)[locale] : `${t("removedNode")} · ${id}`;
  };
  const describe = (id: string) => {
    const n = byId.get(id);
    if (!n) return { name: id, kind: t("removedNode") };
    return { name: n.name || id, kind: findNodeKindSpec(n.kind)?.label[locale] ?? n.kind };
  };
  const branchLabel = (e: FlowEdge) => {
    const source = byId.get(e.source);
    const label = source ? nodeBranches(source, locale).find((b) => b.id === e.branch)?.label : undefined;
    return label ?? e.branch;
  };
  // What a changed node did before and does now, in the words drawn on the canvas.
  const change = (id: string, fields: string[]) => {
    const pair = diff.changes?.[id];
    const was = pair ? nodeSummary(pair.before, locale, names) : "";
    const now = pair ? nodeSummary(pair.after, locale, names) : "";
    return was !== now && (was || now) ? `${was || "—"} → ${now || "—"}` : fields.map((f) => fieldLabel(f, t)).join(", ");
  };
  const empty =
    diff.added.length + diff.removed.length + diff.changed.length + diff.edgesAdded.length + diff.edgesRemoved.length + diff.settingsChanged.length === 0;
  return (
    <div className="flex flex-col gap-2 rounded-lg border p-3 text-sm" data-testid="version-diff">
      <h4 className="text-xs font-semibold text-muted-foreground">{title}</h4>
      {empty ? <p className="text-xs text-muted-foreground">{t("noChanges")}</p> : null}
      <ul className="flex flex-col gap-1.5">
        {diff.added.map((id) => (
          <DiffRow key={`a-${id}`} icon={<PlusIcon className="size-3.5 text-success" />} {...describe(id)} detail={t("added")} />
        ))}
        {diff.removed.map((id) => (
          <DiffRow key={`r-${id}`} icon={<MinusIcon className="size-3.5 text-destructive" />} {...describe(id)} detail={t("removed")} />
        ))}
        {diff.changed.map((c) => (
          <DiffRow key={`c-${c.nodeId}`} icon={<PencilIcon className="size-3.5 text-chart-5" />} {...describe(c.nodeId)} detail={change(c.nodeId, c.fields)} />
        ))}
      </ul>
      {diff.edgesAdded.length + diff.edgesRemoved.length > 0 ? (
        <div className="flex flex-col gap-1">
          <p className="text-xs font-medium text-muted-foreground">{t("connectionsTitle")}</p>
          <ul className="flex flex-col gap-0.5 text-xs" data-testid="diff-connections">
            {diff.edgesAdded.map((e) => (
              <li key={`ea-${e.id}`} className="flex items-center gap-1.5">
                <PlusIcon className="size-3 shrink-0 text-success" aria-label={t("added")} />
                <span className="truncate">{t("connection", { source: titleOf(e.source), branch: branchLabel(e), target: titleOf(e.target) })}</span>
              </li>
            ))}
            {diff.edgesRemoved.map((e) => (
              <li key={`er-${e.id}`} className="flex items-center gap-1.5 text-muted-foreground">
                <MinusIcon className="size-3 shrink-0 text-destructive" aria-label={t("removed")} />
                <span className="truncate line-through decoration-destructive/50">{t("connection", { source: titleOf(e.source), branch: branchLabel(e), target: titleOf(e.target) })}</span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {diff.settingsChanged.length > 0 ? (
        <p className="text-xs text-muted-foreground">{t("settingsChanged", { fields: diff.settingsChanged.join(", ") })}</p>
      ) : null}
    </div>
  );
}

/** A changed field in the marketer's words ("name", "visit limit"); config paths stay as they are. */
function fieldLabel(field: string, t: (key: "fieldName" | "fieldVisitLimit" | "fieldKind") => string): string {
  if (field === "name") return t("fieldName");
  if (field === "visitLimit") return t("fieldVisitLimit");
  if (field === "kind") return t("fieldKind");
  return field;
}

function DiffRow({ icon, name, kind, detail }: { icon: React.ReactNode; name: string; kind: string; detail: string }) {
  return (
    <li className="flex items-start gap-2">
      <span className="mt-0.5">{icon}</span>
      <span className="flex min-w-0 flex-col">
        <span className="truncate text-xs font-medium">
          {name} <span className="font-normal text-muted-foreground">· {kind}</span>
        </span>
        <span className="text-[11px] leading-snug text-muted-foreground" data-testid="diff-detail">{detail}</span>
      </span>
    </li>
  );
}
