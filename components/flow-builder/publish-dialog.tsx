"use client";

// Publishing a new version: a note, and what happens to the members already in the flow — they
// stay on the version they entered (the default), or move to the new one by node id, with the
// marketer saying where members standing at removed nodes go.
import { useState } from "react";
import { RocketIcon, TriangleAlertIcon } from "lucide-react";
import { useFormatter, useLocale, useTranslations } from "use-intl";

import { findNodeKindSpec, nodeTitle } from "@/server/flows/kinds";
import type { FlowDraftNode } from "@/server/flows/definition";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Label } from "@/components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Textarea } from "@/components/ui/textarea";
import { useLiveCountsQuery } from "./live/live-counts";

export type PublishChoice = { note: string; migrate?: { removedNodeTargets: Record<string, string> } };

const LEAVE = "__leave";

export function PublishDialog({
  open,
  onOpenChange,
  flowId,
  liveVersion,
  nextVersion,
  nodes,
  warnings,
  pending,
  onPublish,
  asRequest = false,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  flowId: string;
  /** The version members are on now; null for a first publish. */
  liveVersion: number | null;
  nextVersion: number;
  /** The draft's nodes: what the new version will have. */
  nodes: readonly FlowDraftNode[];
  warnings: number;
  pending: boolean;
  onPublish: (choice: PublishChoice) => Promise<void>;
  /** Publishing needs approval: the same choices, sent as a request (components/approvals). */
  asRequest?: boolean;
}) {
  const t = useTranslations("flowBuilder.publish");
  const tRequest = useTranslations("approval.builder");
  const locale = useLocale();
  const format = useFormatter();
  const [note, setNote] = useState("");
  const [move, setMove] = useState(false);
  const [targets, setTargets] = useState<Record<string, string>>({});
  const live = useLiveCountsQuery(flowId, open && liveVersion !== null);

  const inFlight = live.data?.totals.inFlight ?? 0;
  const draftIds = new Set(nodes.map((n) => n.id));
  const removed = Object.entries(live.data?.standing ?? {}).filter(([id, s]) => !draftIds.has(id) && s.members > 0);
  const destinations = nodes.filter((n) => findNodeKindSpec(n.kind)?.category !== "trigger");

  const submit = async () => {
    const removedNodeTargets = Object.fromEntries(
      removed.map(([id]) => [id, targets[id]]).filter((e): e is [string, string] => Boolean(e[1]) && e[1] !== LEAVE),
    );
    await onPublish({ note, ...(move && inFlight > 0 ? { migrate: { removedNodeTargets } } : {}) });
    setNote("");
    setMove(false);
    setTargets({});
  };

  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>{asRequest ? tRequest("requestTitle", { version: nextVersion }) : t("title", { version: nextVersion })}</DialogTitle>
          <DialogDescription>{asRequest ? tRequest("requestDescription") : t("description")}</DialogDescription>
        </DialogHeader>
        {warnings > 0 ? (
          <p className="flex items-center gap-2 rounded-md bg-warning/15 px-3 py-2 text-xs text-warning-foreground">
            <TriangleAlertIcon className="size-4 shrink-0" aria-hidden /> {t("warnings", { count: warnings })}
          </p>
        ) : null}
        {liveVersion !== null && inFlight > 0 ? (
          <fieldset className="flex min-w-0 flex-col gap-2 rounded-md border p-3" data-testid="publish-in-flight">
            <legend className="px-1 text-xs font-medium">{t("inFlight.title", { count: format.number(inFlight) })}</legend>
            <label className="flex items-start gap-2 text-sm">
              <input type="radio" name="in-flight" className="mt-1" checked={!move} onChange={() => setMove(false)} data-testid="publish-keep" />
              <span>
                {t("inFlight.keep", { version: liveVersion })}
                <span className="block text-xs text-muted-foreground">{t("inFlight.keepHint")}</span>
              </span>
            </label>
            <label className="flex items-start gap-2 text-sm">
              <input type="radio" name="in-flight" className="mt-1" checked={move} onChange={() => setMove(true)} data-testid="publish-migrate" />
              <span>
                {t("inFlight.move", { version: nextVersion })}
                <span className="block text-xs text-muted-foreground">{t("inFlight.moveHint")}</span>
              </span>
            </label>
            {move && removed.length > 0 ? (
              <div className="mt-1 flex flex-col gap-2 border-t pt-2">
                <p className="text-xs text-muted-foreground">{t("inFlight.removedHint")}</p>
                {removed.map(([id, s]) => (
                  <div key={id} className="flex items-center gap-2 text-sm" data-testid={`publish-removed-${id}`}>
                    <span className="flex min-w-0 flex-1 flex-col" title={id}>
                      <span className="truncate">{nodeTitle({ id, kind: s.kind, name: s.name })[locale]}</span>
                      <span className="text-xs text-muted-foreground">{t("inFlight.members", { count: s.members })}</span>
                    </span>
                    <Select value={targets[id] ?? LEAVE} onValueChange={(v) => setTargets((prev) => ({ ...prev, [id]: v }))}>
                      <SelectTrigger className="w-40 shrink-0" aria-label={t("inFlight.targetLabel", { name: s.name || id })}>
                        <SelectValue />
                      </SelectTrigger>
                      <SelectContent>
                        <SelectItem value={LEAVE}>{t("inFlight.leave")}</SelectItem>
                        {destinations.map((n) => (
                          <SelectItem key={n.id} value={n.id}>
                            {nodeTitle(n)[locale]}
                          </SelectItem>
                        ))}
                      </SelectContent>
                    </Select>
                  </div>
                ))}
              </div>
            ) : null}
          </fieldset>
        ) : null}
        <div className="flex flex-col gap-1.5">
          <Label htmlFor="publish-note">{t("note")}</Label>
          <Textarea id="publish-note" value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} placeholder={t("notePlaceholder")} data-testid="publish-note" />
        </div>
        <DialogFooter>
          <Button variant="outline" onClick={() => onOpenChange(false)}>
            {t("cancel")}
          </Button>
          <Button loading={pending} data-testid="publish-confirm" onClick={() => void submit()}>
            <RocketIcon /> {asRequest ? tRequest("requestConfirm") : t("confirm")}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
