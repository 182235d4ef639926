"use client";

// Tags & badges: the lists (members, kind, each rule's last evaluation), new tags and badges, a
// rule's condition in the audience editor's own condition editor, bulk changes on an audience with
// their progress (polled while one runs), and each rule's evaluations with who entered and left.
import * as React from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { AwardIcon, HistoryIcon, PencilIcon, PlayIcon, PlusIcon, TagsIcon, UsersRoundIcon } from "lucide-react";
import { useFormatter, useTranslations } from "use-intl";

import { useTRPC, type RouterOutputs } from "@/trpc/react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { toast } from "@/components/ui/toast";
import { useCan } from "@/components/shell/session-user";
import { ConditionEditor } from "@/components/audiences/condition-editor";
import { emptyConditionTree, type ConditionTree } from "@/server/audiences/condition";
import type { RuleRunView, TagJobView } from "@/server/loyalty/tags/schemas";

type Target = "tag" | "badge";
type Row = RouterOutputs["tags"]["list"][number] | RouterOutputs["tags"]["badges"][number];

function RunSummary({ run }: { run: RuleRunView | null }) {
  const t = useTranslations("tags");
  const format = useFormatter();
  if (!run) return <span className="text-sm text-muted-foreground">{t("never")}</span>;
  return (
    <span className="text-sm">
      {format.dateTime(new Date(run.startedAt), { dateStyle: "medium", timeStyle: "short" })}{" "}
      <span className="text-muted-foreground">
        ({t(`cause.${run.cause as "schedule"}`)}) {t("runSummary", { entered: run.entered, left: run.left })}
      </span>
    </span>
  );
}

export function TagsAndBadges() {
  const t = useTranslations("tags");
  const trpc = useTRPC();
  const mayEdit = useCan("editAudiences");
  // After a rule is saved its evaluation runs in the background: the lists refresh meanwhile.
  const [pollUntil, setPollUntil] = React.useState(0);
  const refetchInterval = () => (Date.now() < pollUntil ? 2000 : false);
  const tags = useQuery({ ...trpc.tags.list.queryOptions(), refetchInterval });
  const badges = useQuery({ ...trpc.tags.badges.queryOptions(), refetchInterval });
  const onQueued = React.useCallback(() => setPollUntil(Date.now() + 120_000), []);
  const [creating, setCreating] = React.useState<Target | null>(null);
  const [editing, setEditing] = React.useState<{ target: Target; row: Row } | null>(null);
  const [bulk, setBulk] = React.useState<{ target: Target; row: Row } | null>(null);
  const [runsOf, setRunsOf] = React.useState<{ target: Target; row: Row } | null>(null);

  const table = (target: Target, rows: Row[] | undefined) => (
    <div className="rounded-lg border bg-card">
      <Table data-testid={`${target}-table`}>
        <TableHeader>
          <TableRow>
            <TableHead>{t("columns.name")}</TableHead>
            <TableHead>{t("columns.kind")}</TableHead>
            <TableHead className="text-right">{t("columns.members")}</TableHead>
            <TableHead>{t("columns.lastRun")}</TableHead>
            <TableHead className="text-right">{t("columns.actions")}</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {rows === undefined
            ? [0, 1, 2].map((i) => (
                <TableRow key={i}>
                  <TableCell colSpan={5}>
                    <Skeleton className="h-5 w-full" />
                  </TableCell>
                </TableRow>
              ))
            : rows.map((row) => (
                <RowView
                  key={row.id}
                  target={target}
                  row={row}
                  mayEdit={mayEdit}
                  onEdit={() => setEditing({ target, row })}
                  onBulk={() => setBulk({ target, row })}
                  onRuns={() => setRunsOf({ target, row })}
                  onQueued={onQueued}
                />
              ))}
        </TableBody>
      </Table>
    </div>
  );

  return (
    <div className="flex flex-col gap-6">
      <Tabs defaultValue="tags">
        <div className="flex flex-wrap items-center gap-3">
          <TabsList variant="pill">
            <TabsTrigger value="tags">
              <TagsIcon /> {t("tabs.tags")}
            </TabsTrigger>
            <TabsTrigger value="badges">
              <AwardIcon /> {t("tabs.badges")}
            </TabsTrigger>
          </TabsList>
          {mayEdit ? (
            <div className="ml-auto flex gap-2">
              <Button variant="outline" onClick={() => setCreating("badge")}>
                <PlusIcon /> {t("actions.newBadge")}
              </Button>
              <Button onClick={() => setCreating("tag")} data-testid="new-tag">
                <PlusIcon /> {t("actions.newTag")}
              </Button>
            </div>
          ) : null}
        </div>
        <TabsContent value="tags" className="mt-4">
          {table("tag", tags.data)}
        </TabsContent>
        <TabsContent value="badges" className="mt-4">
          {table("badge", badges.data)}
        </TabsContent>
      </Tabs>
      <RecentJobs />
      {creating ? <RuleDialog target={creating} onQueued={onQueued} onClose={() => setCreating(null)} /> : null}
      {editing ? <RuleDialog target={editing.target} row={editing.row} onQueued={onQueued} onClose={() => setEditing(null)} /> : null}
      {bulk ? <JobDialog target={bulk.target} row={bulk.row} onClose={() => setBulk(null)} /> : null}
      {runsOf ? <RunsDialog target={runsOf.target} row={runsOf.row} onClose={() => setRunsOf(null)} /> : null}
    </div>
  );
}

/** What the server said of a saved rule's evaluation: started in the background, or done (with counts). */
type Evaluation = { queued: true } | { queued: false; entered: number; left: number } | null;

function useEvaluationToast(onQueued: () => void) {
  const t = useTranslations("tags");
  return (evaluation: Evaluation) => {
    if (evaluation?.queued) {
      toast.success(t("form.evaluating"));
      onQueued();
    } else if (evaluation) toast.success(t("form.saved", { entered: evaluation.entered, left: evaluation.left }));
    else toast.success(t("form.created"));
  };
}

function RowView({
  target,
  row,
  mayEdit,
  onEdit,
  onBulk,
  onRuns,
  onQueued,
}: {
  target: Target;
  row: Row;
  mayEdit: boolean;
  onEdit: () => void;
  onBulk: () => void;
  onRuns: () => void;
  onQueued: () => void;
}) {
  const t = useTranslations("tags");
  const format = useFormatter();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const announce = useEvaluationToast(onQueued);
  const evaluate = useMutation(
    trpc.tags.evaluate.mutationOptions({
      onSuccess: (r) => {
        announce(r);
        void queryClient.invalidateQueries({ queryKey: trpc.tags.pathKey() });
      },
      onError: (e) => toast.error(t("form.failed"), e.message),
    }),
  );
  const rule = row.kind === "rule";
  return (
    <TableRow data-testid={`${target}-row`} data-name={row.name}>
      <TableCell className="font-medium">{row.name}</TableCell>
      <TableCell>
        <Badge variant={rule ? "info" : "outline"}>{t(`kind.${row.kind}`)}</Badge>
      </TableCell>
      <TableCell className="text-right tabular-nums" data-testid="members">
        {format.number(row.members)}
      </TableCell>
      <TableCell>{rule ? <RunSummary run={row.lastRun} /> : <span className="text-sm text-muted-foreground">—</span>}</TableCell>
      <TableCell className="text-right">
        <div className="flex justify-end gap-1.5">
          {rule ? (
            <>
              <Button size="sm" variant="ghost" onClick={onRuns}>
                <HistoryIcon /> {t("actions.runs")}
              </Button>
              {mayEdit ? (
                <>
                  <Button size="sm" variant="ghost" onClick={onEdit}>
                    <PencilIcon /> {t("actions.editRule")}
                  </Button>
                  <Button size="sm" variant="ghost" disabled={evaluate.isPending} onClick={() => evaluate.mutate({ target, id: row.id })}>
                    <PlayIcon /> {t("actions.evaluate")}
                  </Button>
                </>
              ) : null}
            </>
          ) : mayEdit ? (
            <Button size="sm" variant="outline" onClick={onBulk} data-testid="bulk">
              <UsersRoundIcon /> {target === "tag" ? t("actions.bulk") : t("actions.grant")}
            </Button>
          ) : null}
        </div>
      </TableCell>
    </TableRow>
  );
}

/** New tag or badge (manual or rule), or a rule's new condition. */
function RuleDialog({ target, row, onClose, onQueued }: { target: Target; row?: Row; onClose: () => void; onQueued: () => void }) {
  const t = useTranslations("tags");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = React.useState(row?.name ?? "");
  const [kind, setKind] = React.useState<"manual" | "rule">(row ? "rule" : "manual");
  const [tree, setTree] = React.useState<ConditionTree>((row?.condition as ConditionTree | null) ?? emptyConditionTree());
  const announce = useEvaluationToast(onQueued);
  const done = (evaluation: Evaluation) => {
    announce(evaluation);
    void queryClient.invalidateQueries({ queryKey: trpc.tags.pathKey() });
    onClose();
  };
  const onError = (e: { message: string }) => toast.error(t("form.failed"), e.message);
  const createTag = useMutation(trpc.tags.createTag.mutationOptions({ onSuccess: (r) => done(r.evaluation), onError }));
  const createBadge = useMutation(trpc.tags.createBadge.mutationOptions({ onSuccess: (r) => done(r.evaluation), onError }));
  const saveRule = useMutation(trpc.tags.saveRule.mutationOptions({ onSuccess: (r) => done(r), onError }));
  const pending = createTag.isPending || createBadge.isPending || saveRule.isPending;

  const submit = () => {
    if (row) return saveRule.mutate({ target, id: row.id, condition: tree });
    const fields = kind === "rule" ? { kind: "rule" as const, condition: tree } : { kind: "manual" as const };
    if (target === "tag") createTag.mutate({ name, ...fields });
    else createBadge.mutate({ name, ...fields });
  };

  return (
    <Dialog open onOpenChange={(open) => !open && onClose()}>
      <DialogContent className="max-w-3xl">
        <DialogHeader>
          <DialogTitle>{row ? `${t("actions.editRule")} · ${row.name}` : target === "tag" ? t("actions.newTag") : t("actions.newBadge")}</DialogTitle>
          <DialogDescription>{t("form.ruleHint")}</DialogDescription>
        </DialogHeader>
        {row ? null : (
          <div className="grid gap-4 sm:grid-cols-2">
            <div className="flex flex-col gap-1.5">
              <Label htmlFor="tag-name">{t("form.name")}</Label>
              <Input id="tag-name" value={name} maxLength={40} onChange={(e) => setName(e.target.value)} />
            </div>
            <div className="flex flex-col gap-1.5">
              <Label>{t("form.kind")}</Label>
              <Select value={kind} onValueChange={(v) => setKind(v as "manual" | "rule")}>
                <SelectTrigger aria-label={t("form.kind")}>
                  <SelectValue />
                </SelectTrigger>
                <SelectContent>
                  <SelectItem value="manual">{t("kind.manual")}</SelectItem>
                  <SelectItem value="rule">{t("kind.rule")}</SelectItem>
                </SelectContent>
              </Select>
            </div>
          </div>
        )}
        {kind === "rule" ? (
          <div className="flex max-h-[55vh] flex-col gap-2 overflow-y-auto">
            <Label>{t("form.condition")}</Label>
            <ConditionEditor value={tree} onChange={setTree} compact />
          </div>
        ) : null}
        <DialogFooter>
          <Button onClick={submit} disabled={pending || (!row && name.trim() === "")}>
            {row ? t("form.save") : t("form.create")}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

/** Add or remove a manual tag (grant a badge) on a saved audience: a background job. */
function JobDialog({ target, row, onClose }: { target: Target; row: Row; onClose: () => void }) {
  const t = useTranslations("tags");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const audiences = useQuery(trpc.audiences.list.queryOptions({ pageSize: 100 }));
  const [audienceId, setAudienceId] = React.useState("");
  const [action, setAction] = React.useState<"add" | "remove">("add");
  const start = useMutation(
    trpc.tags.startJob.mutationOptions({
      onSuccess: (job) => {
        toast.success(t("job.started", { total: job.total }));
        void queryClient.invalidateQueries({ queryKey: trpc.tags.jobs.queryKey() });
        onClose();
      },
      onError: (e) => toast.error(t("form.failed"), e.message),
    }),
  );
  return (
    <Dialog open onOpenChange={(open) => !open && onClose()}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>
            {t("job.title")} · {row.name}
          </DialogTitle>
        </DialogHeader>
        <div className="flex flex-col gap-4">
          <div className="flex flex-col gap-1.5">
            <Label>{t("job.audience")}</Label>
            <Select value={audienceId} onValueChange={setAudienceId}>
              <SelectTrigger aria-label={t("job.audience")} data-testid="job-audience">
                <SelectValue placeholder={t("job.pickAudience")} />
              </SelectTrigger>
              <SelectContent>
                {(audiences.data?.items ?? []).map((a) => (
                  <SelectItem key={a.id} value={a.id}>
                    {a.name}
                  </SelectItem>
                ))}
              </SelectContent>
            </Select>
          </div>
          {target === "tag" ? (
            <div className="flex flex-col gap-1.5">
              <Label>{t("job.action")}</Label>
              <Select value={action} onValueChange={(v) => setAction(v as "add" | "remove")}>
                <SelectTrigger aria-label={t("job.action")}>
                  <SelectValue />
                </SelectTrigger>
                <SelectContent>
                  <SelectItem value="add">{t("job.add")}</SelectItem>
                  <SelectItem value="remove">{t("job.remove")}</SelectItem>
                </SelectContent>
              </Select>
            </div>
          ) : null}
        </div>
        <DialogFooter>
          <Button disabled={!audienceId || start.isPending} onClick={() => start.mutate({ target, id: row.id, action: target === "tag" ? action : "add", audienceId })} data-testid="job-start">
            {t("job.start")}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

/** The latest bulk changes with their progress, polled every second while one is open. */
function RecentJobs() {
  const t = useTranslations("tags");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const jobs = useQuery({
    ...trpc.tags.jobs.queryOptions(),
    refetchInterval: (query) => ((query.state.data ?? []).some((j: TagJobView) => j.status === "pending" || j.status === "running") ? 1000 : false),
  });
  const open = (jobs.data ?? []).some((j) => j.status === "pending" || j.status === "running");
  const wasOpen = React.useRef(false);
  React.useEffect(() => {
    // A job just finished: the member counts moved.
    if (wasOpen.current && !open) void queryClient.invalidateQueries({ queryKey: trpc.tags.pathKey() });
    wasOpen.current = open;
  }, [open, queryClient, trpc]);
  if (!jobs.data?.length) return null;
  return (
    <Card>
      <CardHeader>
        <CardTitle>{t("job.recent")}</CardTitle>
      </CardHeader>
      <CardContent className="flex flex-col gap-3">
        {jobs.data.map((job) => {
          const pct = job.total > 0 ? Math.min(100, Math.round((job.done / job.total) * 100)) : job.status === "done" ? 100 : 0;
          return (
            <div key={job.id} className="flex flex-col gap-1" data-testid="tag-job" data-status={job.status}>
              <div className="flex flex-wrap items-baseline justify-between gap-2 text-sm">
                <span>
                  {job.action === "add" ? t("job.add") : t("job.remove")} <span className="font-medium">{job.targetName}</span> · {job.audienceName}
                </span>
                <span className="text-muted-foreground tabular-nums">
                  {t(`job.status.${job.status}`)} · {t("job.progress", { done: job.done, total: job.total, changed: job.changed })}
                </span>
              </div>
              <div className="h-2 rounded-full bg-muted" role="progressbar" aria-valuenow={pct} aria-valuemin={0} aria-valuemax={100}>
                <div className="h-2 rounded-full bg-primary transition-[width]" style={{ width: `${pct}%` }} />
              </div>
            </div>
          );
        })}
      </CardContent>
    </Card>
  );
}

/** A rule's evaluations; a run opens to the members who entered and left. */
function RunsDialog({ target, row, onClose }: { target: Target; row: Row; onClose: () => void }) {
  const t = useTranslations("tags");
  const trpc = useTRPC();
  const runs = useQuery(trpc.tags.runs.queryOptions({ target, id: row.id }));
  const [runId, setRunId] = React.useState<number | null>(null);
  return (
    <Dialog open onOpenChange={(open) => !open && onClose()}>
      <DialogContent className="max-w-2xl">
        <DialogHeader>
          <DialogTitle>{t("runs.title", { name: row.name })}</DialogTitle>
        </DialogHeader>
        <div className="flex max-h-[60vh] flex-col gap-2 overflow-y-auto">
          {runs.data?.length === 0 ? <p className="text-sm text-muted-foreground">{t("runs.empty")}</p> : null}
          {(runs.data ?? []).map((run) => (
            <div key={run.id} className="rounded-md border p-2">
              <button type="button" className="w-full text-left" onClick={() => setRunId(runId === run.id ? null : run.id)}>
                <RunSummary run={run} />
              </button>
              {runId === run.id ? (
                <div className="mt-2 grid gap-3 sm:grid-cols-2">
                  <RunMembers runId={run.id} action="add" label={t("runs.entered")} />
                  {target === "tag" ? <RunMembers runId={run.id} action="remove" label={t("runs.left")} /> : null}
                </div>
              ) : null}
            </div>
          ))}
        </div>
      </DialogContent>
    </Dialog>
  );
}

function RunMembers({ runId, action, label }: { runId: number; action: "add" | "remove"; label: string }) {
  const t = useTranslations("tags");
  const trpc = useTRPC();
  const members = useQuery(trpc.tags.runMembers.queryOptions({ runId, action }));
  return (
    <div>
      <div className="mb-1 text-xs text-muted-foreground">{label}</div>
      {members.data?.length === 0 ? <span className="text-sm text-muted-foreground">{t("runs.nobody")}</span> : null}
      <ul className="flex flex-col gap-0.5 text-sm">
        {(members.data ?? []).map((m) => (
          <li key={m.id}>
            <a className="hover:underline" href={`/members/${m.id}`}>
              {m.name} <span className="font-mono text-xs text-muted-foreground">{m.externalId}</span>
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}
