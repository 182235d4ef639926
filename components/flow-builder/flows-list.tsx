"use client";

import { useEffect, useRef, useState } from "react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMutation, useQuery, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import { ArchiveIcon, CopyIcon, DownloadIcon, FilePlus2Icon, MoreHorizontalIcon, PencilIcon, PlusIcon, UploadIcon, WorkflowIcon } from "lucide-react";
import { useFormatter, useLocale, useTranslations } from "use-intl";

import { useTRPC } from "@/trpc/react";
import { cn } from "@/lib/utils";
import { Button } from "@/components/ui/button";
import { useCan } from "@/components/shell/session-user";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { EmptyState } from "@/components/ui/empty-state";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";
import { toast } from "@/components/ui/toast";
import { FlowStatusBadge } from "./status-badge";
import { ApprovalQueueNote, WaitingForApprovalBadge } from "@/components/approvals/waiting-badge";
import { downloadJson, flowFileName } from "./download";
import { FlowListLiveSummary, isIdle } from "./live/live-summary";

/** Opens the "new flow" dialog from anywhere on the page (header button, empty state). */
const openNewFlowEvent = "memberflow:new-flow";
const openNewFlow = () => window.dispatchEvent(new Event(openNewFlowEvent));

/** The header actions: import a flow file, create a flow. */
export function FlowsListActions() {
  const mayEdit = useCan("editFlows");
  const t = useTranslations("flowBuilder.list");
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const input = useRef<HTMLInputElement>(null);
  const importFlow = useMutation(trpc.flows.import.mutationOptions());

  const onFile = async (file: File) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await file.text());
    } catch {
      toast.error(t("importFailed"), t("importNotJson"));
      return;
    }
    try {
      const result = await importFlow.mutateAsync({ file: parsed, publish: false });
      await queryClient.invalidateQueries({ queryKey: trpc.flows.list.queryKey() });
      toast.success(t("imported", { name: result.flow.name }));
      router.push(`/flows/${result.flow.id}`);
    } catch (error) {
      toast.error(t("importFailed"), error instanceof Error ? error.message : undefined);
    }
  };

  if (!mayEdit) return null;
  return (
    <>
      <input
        ref={input}
        type="file"
        accept="application/json,.json"
        className="hidden"
        data-testid="import-input"
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = "";
          if (file) void onFile(file);
        }}
      />
      <Button variant="outline" onClick={() => input.current?.click()} loading={importFlow.isPending} data-testid="import-flow">
        <UploadIcon /> {t("import")}
      </Button>
      <Button onClick={openNewFlow} data-testid="new-flow">
        <PlusIcon /> {t("new")}
      </Button>
      <NewFlowDialog />
    </>
  );
}

export function FlowsList() {
  const mayEdit = useCan("editFlows");
  const t = useTranslations("flowBuilder.list");
  const format = useFormatter();
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const { data: flows } = useSuspenseQuery(trpc.flows.list.queryOptions());
  const duplicate = useMutation(trpc.flows.duplicate.mutationOptions());
  const setStatus = useMutation(trpc.flows.setStatus.mutationOptions());
  const [archiving, setArchiving] = useState<{ id: string; name: string } | null>(null);

  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.flows.list.queryKey() });

  if (flows.length === 0) {
    return (
      <EmptyState
        icon={WorkflowIcon}
        title={t("emptyTitle")}
        description={t("emptyDescription")}
        action={
          mayEdit ? (
            <Button onClick={openNewFlow}>
              <PlusIcon /> {t("new")}
            </Button>
          ) : undefined
        }
      />
    );
  }

  return (
    <>
      <ApprovalQueueNote flows={flows} />
      <div className="overflow-hidden rounded-lg border">
        <Table data-testid="flows-table">
          <TableHeader>
            <TableRow>
              <TableHead>{t("name")}</TableHead>
              <TableHead>{t("status")}</TableHead>
              <TableHead>{t("version")}</TableHead>
              <TableHead>{t("updated")}</TableHead>
              <TableHead className="text-right">{t("journeys")}</TableHead>
              <TableHead className="w-12">
                <span className="sr-only">{t("actions")}</span>
              </TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {flows.map((flow) => (
              <TableRow key={flow.id} data-testid="flow-row">
                <TableCell className="max-w-md">
                  <Link href={`/flows/${flow.id}`} className="font-medium hover:underline">
                    {flow.name}
                  </Link>
                  {flow.description ? <p className="truncate text-xs text-muted-foreground">{flow.description}</p> : null}
                </TableCell>
                <TableCell>
                  <FlowStatusBadge status={flow.status} idle={flow.currentVersion !== null && isIdle(flow.live)} />
                  <FlowListLiveSummary summary={flow.live} published={flow.currentVersion !== null} />
                  {flow.publishRequests.length > 0 ? <WaitingForApprovalBadge flowId={flow.id} /> : null}
                </TableCell>
                <TableCell className="text-sm">
                  {flow.currentVersion ? `v${flow.currentVersion.version}` : <span className="text-muted-foreground">{t("unpublished")}</span>}
                </TableCell>
                <TableCell className="text-sm text-muted-foreground">
                  {format.dateTime(flow.updatedAt > flow.draftUpdatedAt ? flow.updatedAt : flow.draftUpdatedAt, { dateStyle: "medium", timeStyle: "short" })}
                </TableCell>
                <TableCell className="text-right text-sm tabular-nums">{format.number(flow._count.journeys)}</TableCell>
                <TableCell>
                  <DropdownMenu>
                    <DropdownMenuTrigger asChild>
                      <Button variant="ghost" size="icon-sm" aria-label={t("rowActions", { name: flow.name })}>
                        <MoreHorizontalIcon />
                      </Button>
                    </DropdownMenuTrigger>
                    <DropdownMenuContent align="end" className="w-44">
                      <DropdownMenuItem onSelect={() => router.push(`/flows/${flow.id}`)}>
                        <PencilIcon /> {t("open")}
                      </DropdownMenuItem>
                      <DropdownMenuItem
                        onSelect={async () => {
                          try {
                            const copy = await duplicate.mutateAsync({ id: flow.id });
                            await refresh();
                            toast.success(t("duplicated", { name: copy.name }));
                          } catch (error) {
                            toast.error(t("actionFailed"), error instanceof Error ? error.message : undefined);
                          }
                        }}
                      >
                        <CopyIcon /> {t("duplicate")}
                      </DropdownMenuItem>
                      <DropdownMenuItem
                        onSelect={async () => {
                          const file = await queryClient.fetchQuery({ ...trpc.flows.export.queryOptions({ id: flow.id }), staleTime: 0 });
                          downloadJson(file, flowFileName(file.name));
                        }}
                      >
                        <DownloadIcon /> {t("export")}
                      </DropdownMenuItem>
                      {flow.status !== "archived" ? (
                        <>
                          <DropdownMenuSeparator />
                          <DropdownMenuItem variant="destructive" onSelect={() => setArchiving({ id: flow.id, name: flow.name })}>
                            <ArchiveIcon /> {t("archive")}
                          </DropdownMenuItem>
                        </>
                      ) : null}
                    </DropdownMenuContent>
                  </DropdownMenu>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
      <Dialog open={archiving !== null} onOpenChange={(open) => !open && setArchiving(null)}>
        <DialogContent>
          <DialogHeader>
            <DialogTitle>{t("archiveTitle", { name: archiving?.name ?? "" })}</DialogTitle>
            <DialogDescription>{t("archiveDescription")}</DialogDescription>
          </DialogHeader>
          <DialogFooter>
            <Button variant="outline" onClick={() => setArchiving(null)}>
              {t("cancel")}
            </Button>
            <Button
              variant="destructive"
              loading={setStatus.isPending}
              onClick={async () => {
                if (!archiving) return;
                try {
                  await setStatus.mutateAsync({ id: archiving.id, status: "archived" });
                  await refresh();
                  toast.success(t("archived", { name: archiving.name }));
                } catch (error) {
                  toast.error(t("actionFailed"), error instanceof Error ? error.message : undefined);
                }
                setArchiving(null);
              }}
            >
              {t("archive")}
            </Button>
          </DialogFooter>
        </DialogContent>
      </Dialog>
    </>
  );
}

const BLANK = "__blank__";

function NewFlowDialog() {
  const t = useTranslations("flowBuilder.list");
  const locale = useLocale();
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState("");
  const [template, setTemplate] = useState(BLANK);
  const templates = useQuery({ ...trpc.flows.templates.queryOptions(), enabled: open });
  const create = useMutation(trpc.flows.create.mutationOptions());

  // A tiny window event lets the header button and the empty state open the same dialog.
  useEffect(() => {
    const onOpen = () => setOpen(true);
    window.addEventListener(openNewFlowEvent, onOpen);
    return () => window.removeEventListener(openNewFlowEvent, onOpen);
  }, []);

  return (
    <>
      <Dialog
        open={open}
        onOpenChange={(o) => {
          setOpen(o);
          if (!o) {
            setName("");
            setTemplate(BLANK);
          }
        }}
      >
        <DialogContent className="sm:max-w-2xl" data-testid="new-flow-dialog">
          <DialogHeader>
            <DialogTitle>{t("newTitle")}</DialogTitle>
            <DialogDescription>{t("newDescription")}</DialogDescription>
          </DialogHeader>
          <form
            className="flex flex-col gap-4"
            onSubmit={async (e) => {
              e.preventDefault();
              const chosen = templates.data?.find((x) => x.id === template);
              const finalName = name.trim() || (chosen ? chosen.name[locale] : "");
              if (!finalName) return;
              try {
                const flow = await create.mutateAsync({ name: finalName, ...(chosen ? { templateId: chosen.id, locale } : {}) });
                await queryClient.invalidateQueries({ queryKey: trpc.flows.list.queryKey() });
                setOpen(false);
                router.push(`/flows/${flow.id}`);
              } catch (error) {
                toast.error(t("createFailed"), error instanceof Error ? error.message : undefined);
              }
            }}
          >
            <div className="flex flex-col gap-1.5">
              <Label htmlFor="new-flow-name">{t("flowName")}</Label>
              <Input
                id="new-flow-name"
                value={name}
                maxLength={120}
                onChange={(e) => setName(e.target.value)}
                placeholder={template === BLANK ? t("namePlaceholder") : (templates.data?.find((x) => x.id === template)?.name[locale] ?? "")}
                data-testid="new-flow-name"
                autoFocus
              />
            </div>
            <div className="flex flex-col gap-1.5">
              <span className="text-sm font-medium">{t("startFrom")}</span>
              <div className="grid max-h-[46vh] grid-cols-1 gap-2 overflow-y-auto p-0.5 sm:grid-cols-2" role="radiogroup" aria-label={t("startFrom")}>
                <TemplateCard
                  selected={template === BLANK}
                  onSelect={() => setTemplate(BLANK)}
                  title={t("blank")}
                  description={t("blankDescription")}
                  icon={<FilePlus2Icon className="size-4" aria-hidden />}
                  testId="template-blank"
                />
                {(templates.data ?? []).map((tpl) => (
                  <TemplateCard
                    key={tpl.id}
                    selected={template === tpl.id}
                    onSelect={() => setTemplate(tpl.id)}
                    title={tpl.name[locale]}
                    description={tpl.description[locale]}
                    meta={t("nodeCount", { count: tpl.nodeCount })}
                    icon={<WorkflowIcon className="size-4" aria-hidden />}
                    testId={`template-${tpl.id}`}
                  />
                ))}
              </div>
            </div>
            <DialogFooter>
              <Button type="button" variant="outline" onClick={() => setOpen(false)}>
                {t("cancel")}
              </Button>
              <Button type="submit" loading={create.isPending} disabled={!name.trim() && template === BLANK} data-testid="create-flow">
                {t("create")}
              </Button>
            </DialogFooter>
          </form>
        </DialogContent>
      </Dialog>
    </>
  );
}

function TemplateCard({
  selected,
  onSelect,
  title,
  description,
  meta,
  icon,
  testId,
}: {
  selected: boolean;
  onSelect: () => void;
  title: string;
  description: string;
  meta?: string;
  icon: React.ReactNode;
  testId: string;
}) {
  return (
    <button
      type="button"
      role="radio"
      aria-checked={selected}
      onClick={onSelect}
      data-testid={testId}
      className={cn(
        "flex items-start gap-3 rounded-lg border p-3 text-left transition-colors outline-none focus-visible:ring-[3px] focus-visible:ring-ring/40",
        selected ? "border-primary bg-accent/60 ring-1 ring-primary" : "hover:bg-muted/60",
      )}
    >
      <span className={cn("mt-0.5 flex size-8 shrink-0 items-center justify-center rounded-md", selected ? "bg-primary text-primary-foreground" : "bg-muted text-muted-foreground")}>
        {icon}
      </span>
      <span className="flex min-w-0 flex-col gap-0.5">
        <span className="text-sm font-medium">{title}</span>
        <span className="line-clamp-3 text-xs text-muted-foreground">{description}</span>
        {meta ? <span className="mt-1 text-[11px] text-muted-foreground">{meta}</span> : null}
      </span>
    </button>
  );
}
