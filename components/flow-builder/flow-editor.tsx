"use client";

import "@xyflow/react/dist/style.css";

import { Suspense, lazy, useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import { ReactFlowProvider, useReactFlow } from "@xyflow/react";
import {
  ArchiveIcon,
  ArrowLeftIcon,
  CircleAlertIcon,
  CircleCheckIcon,
  CopyIcon,
  DownloadIcon,
  ChartColumnIcon,
  HistoryIcon,
  LayoutGridIcon,
  Loader2Icon,
  MaximizeIcon,
  MoreHorizontalIcon,
  PauseIcon,
  PlayIcon,
  Redo2Icon,
  RocketIcon,
  FlaskConicalIcon,
  SettingsIcon,
  TriangleAlertIcon,
  Undo2Icon,
} from "lucide-react";
import { useFormatter, useLocale, useNow, useTranslations } from "use-intl";
import { TRPCClientError } from "@trpc/client";

import { useTRPC, type RouterOutputs } from "@/trpc/react";
import { cn } from "@/lib/utils";
import { nodeBox, nodeBranches, nodeSize } from "@/server/flows/canvas";
import { nodeTitle } from "@/server/flows/kinds";
import { validateFlow, cyclicComponents, type FlowIssue, type ValidationContext } from "@/server/flows/validate";
import type { FlowSettings } from "@/server/flows/definition";
import { Button } from "@/components/ui/button";
import { useCan } from "@/components/shell/session-user";
import { SimpleTooltip } from "@/components/ui/tooltip";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { toast } from "@/components/ui/toast";
import { FlowCanvas, type CanvasSelection, type IssueCounts } from "./flow-canvas";
import { Palette } from "./palette";
import { InspectorPanel } from "./inspector-panel";
import { IssuesPanel } from "./issues-panel";
import { ShortcutsHelp, panelKeys } from "./shortcuts";
import { PanelFoldButton, PanelRail, usePanelCollapsed } from "./side-panel";
import { FlowStatusBadge } from "./status-badge";
import { ReferencesProvider, type FlowReferences } from "./nodes/references";
import { useFlowEditor } from "./use-flow-editor";
import { useAutosave, type SaveState } from "./use-autosave";
import { downloadJson, flowFileName } from "./download";
import { PublishDialog, type PublishChoice } from "./publish-dialog";
import { PublishApprovalStatus, usePublishApproval } from "@/components/approvals/publish-approval";
import { TrySheet } from "./try-sheet";
import { LiveCountsProvider, useFlowLive } from "./live/live-counts";
import { FlowLiveSummary, isIdle } from "./live/live-summary";
import {
  addNode,
  addNodeAfter,
  connect,
  copySelection,
  moveNodes,
  paste,
  removeElements,
  setLayout,
  setSettings,
  updateNode,
  type Clipboard,
  type EditorDoc,
  type NodePatch,
} from "./model";

type Flow = RouterOutputs["flows"]["get"];

const noSelection: CanvasSelection = { nodes: new Set(), edge: null };

// Not needed to open the editor: loaded when first opened, or preloaded once the page is idle.
const loadSettingsSheet = () => import("./settings-sheet");
const loadVersionsSheet = () => import("./versions-sheet");
const loadResultsSheet = () => import("./results-sheet");
const loadLayout = () => import("@/server/flows/layout");
const SettingsSheet = lazy(() => loadSettingsSheet().then((m) => ({ default: m.SettingsSheet })));
const VersionsSheet = lazy(() => loadVersionsSheet().then((m) => ({ default: m.VersionsSheet })));
const ResultsSheet = lazy(() => loadResultsSheet().then((m) => ({ default: m.ResultsSheet })));

/** Runs `task` once the browser is idle (after the editor's first paint). */
function whenIdle(task: () => void): () => void {
  if (typeof window.requestIdleCallback === "function") {
    const id = window.requestIdleCallback(task, { timeout: 3000 });
    return () => window.cancelIdleCallback(id);
  }
  const id = window.setTimeout(task, 200);
  return () => window.clearTimeout(id);
}

/** The flow builder: palette, canvas, inspector, validation, autosave, versions. */
export function FlowEditor({ flowId, references }: { flowId: string; references: FlowReferences }) {
  const trpc = useTRPC();
  const { data: flow } = useSuspenseQuery(trpc.flows.get.queryOptions({ id: flowId }));
  return (
    <ReferencesProvider value={references}>
      <ReactFlowProvider>
        {/* Once published, the canvas shows who is where, refreshed every few seconds. */}
        <LiveCountsProvider flowId={flow.id} published={flow.currentVersion !== null}>
          <EditorInner key={flow.id} flow={flow} references={references} />
        </LiveCountsProvider>
      </ReactFlowProvider>
    </ReferencesProvider>
  );
}

function EditorInner({ flow, references }: { flow: Flow; references: FlowReferences }) {
  // Publishing and editing are for roles that edit flows; the server refuses the others regardless.
  const mayEdit = useCan("editFlows");
  const t = useTranslations("flowBuilder");
  const tApproval = useTranslations("approval.builder");
  const locale = useLocale();
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const reactFlow = useReactFlow();
  const live = useFlowLive();
  // Archived flows, and roles that may not edit flows, see the canvas without changing it.
  const readOnly = flow.status === "archived" || !mayEdit;

  const editor = useFlowEditor({ draft: flow.draft, layout: flow.layout });
  const { doc } = editor;
  const [name, setName] = useState(flow.name);
  const autosave = useAutosave({ flowId: flow.id, doc, name, baseUpdatedAt: flow.draftUpdatedAt, disabled: readOnly });

  const run = useCallback(
    (label: string, update: (d: EditorDoc) => EditorDoc, mergeKey?: string) => {
      if (!readOnly) editor.run(label, update, mergeKey);
    },
    [editor, readOnly],
  );

  // ── validation: the same pure validator the server runs on publish ──
  const validationContext = useMemo<ValidationContext>(
    () => ({
      existingIds: {
        couponTemplates: new Set(references.couponTemplates.map((c) => c.id)),
        audiences: new Set(references.audiences.map((a) => a.id)),
        notificationTemplates: new Set(references.notificationTemplates.map((n) => n.id)),
        priceLists: new Set(references.priceLists.map((p) => p.id)),
        bannerCreatives: new Set(references.bannerCreatives.map((c) => c.id)),
      },
      archivedIds: {
        couponTemplates: new Set(references.couponTemplates.filter((c) => c.archived).map((c) => c.id)),
        audiences: new Set(references.audiences.filter((a) => a.archived).map((a) => a.id)),
        notificationTemplates: new Set(references.notificationTemplates.filter((n) => n.archived).map((n) => n.id)),
        priceLists: new Set(references.priceLists.filter((p) => p.archived).map((p) => p.id)),
        bannerCreatives: new Set(references.bannerCreatives.filter((c) => c.archived).map((c) => c.id)),
      },
    }),
    [references],
  );
  // The server ran this same validator on the draft it sent: its verdict stands until the draft
  // changes, so opening a big flow does not validate it twice.
  const [openedDraft] = useState(flow.draft);
  // The draft as last published, while the editor knows it (history keeps draft objects, so undoing
  // back to it is recognised): publishing it again would only make an identical version.
  const [publishedDraft, setPublishedDraft] = useState(() => (flow.currentVersion && !flow.unpublishedChanges ? flow.draft : null));
  const sameAsPublished = publishedDraft !== null && doc.draft === publishedDraft;
  const issues = useMemo(
    () => (doc.draft === openedDraft ? flow.issues : validateFlow(doc.draft, validationContext)),
    [doc.draft, openedDraft, flow.issues, validationContext],
  );
  const [serverIssues, setServerIssues] = useState<FlowIssue[] | null>(null);
  const errorCount = issues.filter((i) => i.severity === "error").length;
  const warningCount = issues.length - errorCount;

  const countsSignature = useMemo(() => {
    const counts = new Map<string, IssueCounts>();
    for (const issue of issues) {
      if (!issue.nodeId) continue;
      const c = counts.get(issue.nodeId) ?? { errors: 0, warnings: 0 };
      if (issue.severity === "error") c.errors++;
      else c.warnings++;
      counts.set(issue.nodeId, c);
    }
    return JSON.stringify([...counts]);
  }, [issues]);
  const issuesByNode = useMemo(() => new Map<string, IssueCounts>(JSON.parse(countsSignature) as [string, IssueCounts][]), [countsSignature]);

  const loopNodes = useMemo(() => {
    const successors = new Map<string, string[]>(doc.draft.nodes.map((n) => [n.id, []]));
    for (const e of doc.draft.edges) successors.get(e.source)?.push(e.target);
    return new Set(cyclicComponents(doc.draft.nodes.map((n) => n.id), successors).flat());
  }, [doc.draft.nodes, doc.draft.edges]);

  // ── selection, panels ──
  const [selection, setSelection] = useState<CanvasSelection>(noSelection);
  const [showIssues, setShowIssues] = useState(true);
  const [focusPath, setFocusPath] = useState<(string | number)[] | null>(null);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [versionsOpen, setVersionsOpen] = useState(false);
  const [resultsOpen, setResultsOpen] = useState(false);
  const [publishOpen, setPublishOpen] = useState(false);
  const [tryOpen, setTryOpen] = useState(false);
  const [archiveOpen, setArchiveOpen] = useState(false);
  const palettePanel = usePanelCollapsed("palette");
  const sidePanel = usePanelCollapsed("rightPanel");
  const clipboard = useRef<Clipboard | null>(null);
  const pasteCount = useRef(0);
  // The sheets mount the first time they are opened (and stay mounted, so they animate closed).
  const [settingsMounted, setSettingsMounted] = useState(false);
  const [versionsMounted, setVersionsMounted] = useState(false);
  if (settingsOpen && !settingsMounted) setSettingsMounted(true);
  if (versionsOpen && !versionsMounted) setVersionsMounted(true);
  const [resultsMounted, setResultsMounted] = useState(false);
  if (resultsOpen && !resultsMounted) setResultsMounted(true);

  // What a later click needs (the sheets, dagre) is fetched once the page is idle. The canvas
  // fetches the inspectors itself, as soon as it is painted.
  useEffect(
    () =>
      whenIdle(() => {
        void loadSettingsSheet().catch(() => undefined);
        void loadVersionsSheet().catch(() => undefined);
        void loadLayout().catch(() => undefined);
      }),
    [],
  );

  // Selection of nodes that were deleted (undo, paste…) is dropped.
  const liveSelection = useMemo<CanvasSelection>(() => {
    const ids = new Set(doc.draft.nodes.map((n) => n.id));
    const nodes = [...selection.nodes].filter((id) => ids.has(id));
    const edge = selection.edge && doc.draft.edges.some((e) => e.id === selection.edge) ? selection.edge : null;
    if (nodes.length === selection.nodes.size && edge === selection.edge) return selection;
    return { nodes: new Set(nodes), edge };
  }, [selection, doc.draft.nodes, doc.draft.edges]);

  const selectedNode = liveSelection.nodes.size === 1 ? doc.draft.nodes.find((n) => liveSelection.nodes.has(n.id)) : undefined;

  const select = useCallback((ids: string[]) => setSelection({ nodes: new Set(ids), edge: null }), []);

  const centerOn = useCallback(
    (id: string) => {
      const p = doc.layout[id];
      const node = doc.draft.nodes.find((n) => n.id === id);
      if (!p || !node) return;
      // A split with long labels is wider than nodeSize: centre on the box it is drawn in.
      const box = nodeBox(nodeBranches(node));
      void reactFlow.setCenter(p.x + box.width / 2, p.y + box.height / 2, { zoom: Math.max(reactFlow.getZoom(), 0.9), duration: 300 });
    },
    [doc.layout, doc.draft.nodes, reactFlow],
  );

  /** Pans (at the same zoom) to a node that is out of view. */
  const revealNode = useCallback(
    (id: string, inDoc: EditorDoc) => {
      const p = inDoc.layout[id];
      const node = inDoc.draft.nodes.find((n) => n.id === id);
      const bounds = document.querySelector("[data-testid=flow-canvas]")?.getBoundingClientRect();
      if (!p || !node || !bounds) return;
      const box = nodeBox(nodeBranches(node));
      const a = reactFlow.flowToScreenPosition(p);
      const b = reactFlow.flowToScreenPosition({ x: p.x + box.width, y: p.y + box.height });
      if (a.x >= bounds.left && a.y >= bounds.top && b.x <= bounds.right && b.y <= bounds.bottom) return;
      void reactFlow.setCenter(p.x + box.width / 2, p.y + box.height / 2, { zoom: reactFlow.getZoom(), duration: 300 });
    },
    [reactFlow],
  );

  // ── edits ──
  const addKind = useCallback(
    (kind: string, position?: { x: number; y: number }) => {
      // A click with one node selected continues the flow from it, in one command.
      const after = !position && selectedNode ? addNodeAfter(doc, kind, selectedNode.id) : null;
      if (after) {
        run(t("commands.add"), () => after.doc);
        select([after.id]);
        revealNode(after.id, after.doc);
        return;
      }
      let at = position;
      if (!at) {
        const bounds = document.querySelector("[data-testid=flow-canvas]")?.getBoundingClientRect();
        const centre = bounds
          ? reactFlow.screenToFlowPosition({ x: bounds.left + bounds.width / 2, y: bounds.top + bounds.height / 2 })
          : { x: 0, y: 0 };
        const n = doc.draft.nodes.length % 6;
        at = { x: centre.x - nodeSize.width / 2 + n * 24, y: centre.y - nodeSize.height / 2 + n * 24 };
      }
      const added = addNode(doc, kind, at);
      if (!added.id) return;
      run(t("commands.add"), () => added.doc);
      select([added.id]);
    },
    [doc, reactFlow, run, select, t, selectedNode, revealNode],
  );

  const deleteSelection = useCallback(() => {
    const nodes = [...liveSelection.nodes];
    const edges = liveSelection.edge ? [liveSelection.edge] : [];
    if (nodes.length === 0 && edges.length === 0) return;
    run(t("commands.delete"), (d) => removeElements(d, nodes, edges));
    setSelection(noSelection);
  }, [liveSelection, run, t]);

  const onPatch = useCallback(
    (patch: NodePatch, mergeKey: string) => {
      if (!selectedNode) return;
      const id = selectedNode.id;
      run(t("commands.edit"), (d) => updateNode(d, id, patch), mergeKey);
      setServerIssues(null);
    },
    [selectedNode, run, t],
  );

  const copy = useCallback(() => {
    const clip = copySelection(doc, [...liveSelection.nodes]);
    if (clip) {
      clipboard.current = clip;
      pasteCount.current = 0;
    }
    return clip;
  }, [doc, liveSelection.nodes]);

  const pasteClipboard = useCallback(
    (clip: Clipboard | null = clipboard.current) => {
      if (!clip) return;
      pasteCount.current++;
      const result = paste(doc, clip, { x: 40 * pasteCount.current, y: 40 * pasteCount.current });
      run(t("commands.paste"), () => result.doc);
      select(result.ids);
    },
    [doc, run, select, t],
  );

  const onDeleteEdge = useCallback(
    (id: string) => {
      run(t("commands.disconnect"), (d) => removeElements(d, [], [id]));
      setSelection(noSelection);
    },
    [run, t],
  );
  const onConnect = useCallback(
    (source: string, branch: string, target: string) => run(t("commands.connect"), (d) => connect(d, source, branch, target)),
    [run, t],
  );
  const onMoveStart = useCallback(() => editor.beginGroup(t("commands.move")), [editor, t]);
  const onMoveEnd = useCallback(
    (positions: Record<string, { x: number; y: number }>) => {
      run(t("commands.move"), (d) => moveNodes(d, positions));
      editor.endGroup();
    },
    [editor, run, t],
  );
  const onSettings = useCallback(
    (settings: FlowSettings, field: string) => run(t("commands.settings"), (d) => setSettings(d, settings), `settings:${field}`),
    [run, t],
  );
  const autoLayout = useCallback(() => {
    // dagre is loaded on first use: opening a flow does not need it.
    void loadLayout().then(({ autoLayout: layOut }) => {
      run(t("commands.layout"), (d) => setLayout(d, layOut(d.draft)));
      requestAnimationFrame(() => void reactFlow.fitView({ padding: 0.2, duration: 300, maxZoom: 1.1 }));
    });
  }, [run, reactFlow, t]);

  const onIssue = useCallback(
    (issue: FlowIssue) => {
      if (issue.nodeId && doc.draft.nodes.some((n) => n.id === issue.nodeId)) {
        select([issue.nodeId]);
        centerOn(issue.nodeId);
        setFocusPath(issue.path ?? null);
      } else if (issue.edgeId) {
        setSelection({ nodes: new Set(), edge: issue.edgeId });
      } else if (issue.path?.[0] === "settings") {
        setSettingsOpen(true);
      } else if (issue.code === "no_trigger") {
        // Point at where triggers come from: the first trigger in the palette.
        const first = document.querySelector<HTMLElement>('[data-testid="palette"] [data-category="trigger"]');
        first?.scrollIntoView({ block: "nearest" });
        first?.focus();
      }
    },
    [doc.draft.nodes, select, centerOn],
  );

  // ── keyboard ──
  const keyActions = () => ({
    deleteSelection,
    copy,
    pasteClipboard,
    undo: editor.undo,
    redo: editor.redo,
    flush: autosave.flush,
    selectAll: () => select(doc.draft.nodes.map((n) => n.id)),
    togglePalette: palettePanel.toggle,
    toggleSidePanel: sidePanel.toggle,
  });
  const keys = useRef(keyActions());
  useEffect(() => {
    keys.current = keyActions();
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.metaKey || e.ctrlKey;
      const key = e.key.toLowerCase();
      if (mod && key === "s") {
        e.preventDefault();
        void keys.current.flush();
        return;
      }
      const target = e.target as HTMLElement | null;
      if (target?.closest("input, textarea, select, [contenteditable=true], [role=dialog], [role=menu], [role=listbox], [role=combobox]")) return;
      if (mod && key === "z") {
        e.preventDefault();
        if (e.shiftKey) keys.current.redo();
        else keys.current.undo();
      } else if (mod && key === "y") {
        e.preventDefault();
        keys.current.redo();
      } else if (e.key === "Delete" || e.key === "Backspace") {
        e.preventDefault();
        keys.current.deleteSelection();
      } else if (mod && key === "c") {
        keys.current.copy();
      } else if (mod && key === "v") {
        e.preventDefault();
        keys.current.pasteClipboard();
      } else if (mod && key === "a") {
        e.preventDefault();
        keys.current.selectAll();
      } else if (e.key === "Escape") {
        setSelection(noSelection);
      } else if (!mod && !e.altKey && e.key === panelKeys.palette) {
        keys.current.togglePalette();
      } else if (!mod && !e.altKey && e.key === panelKeys.rightPanel) {
        keys.current.toggleSidePanel();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  // ── server actions ──
  const invalidate = useCallback(async () => {
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.flows.get.queryKey({ id: flow.id }) }),
      queryClient.invalidateQueries({ queryKey: trpc.flows.list.queryKey() }),
    ]);
  }, [queryClient, trpc, flow.id]);

  const publish = useMutation(trpc.flows.publish.mutationOptions());
  // With "Publishing needs approval" on, a marketer's Publish sends the draft for approval instead.
  const approval = usePublishApproval(flow.id);
  const setStatus = useMutation(trpc.flows.setStatus.mutationOptions());
  const duplicate = useMutation(trpc.flows.duplicate.mutationOptions());

  const reloadFromServer = useCallback(
    async (asCommand: boolean) => {
      const fresh = await queryClient.fetchQuery({ ...trpc.flows.get.queryOptions({ id: flow.id }), staleTime: 0 });
      const next: EditorDoc = { draft: fresh.draft, layout: fresh.layout };
      autosave.rebase({ doc: next, name: fresh.name, updatedAt: fresh.draftUpdatedAt });
      setName(fresh.name);
      if (fresh.currentVersion && !fresh.unpublishedChanges) setPublishedDraft(next.draft);
      if (asCommand) editor.run(t("commands.revert"), () => next);
      else editor.reset(next);
      setSelection(noSelection);
      setServerIssues(null);
    },
    [queryClient, trpc, flow.id, autosave, editor, t],
  );

  const doPublish = async ({ note, migrate }: PublishChoice) => {
    await autosave.flush();
    const publishing = doc.draft;
    try {
      const result = await publish.mutateAsync({ id: flow.id, ...(note.trim() ? { note: note.trim() } : {}), ...(migrate ? { migrate } : {}) });
      setPublishedDraft(publishing);
      setServerIssues(null);
      setPublishOpen(false);
      toast.success(t("publish.done", { version: result.version }));
      await invalidate();
    } catch (error) {
      const details = error instanceof TRPCClientError ? (error.data as { domainError?: { details?: { issues?: FlowIssue[] } } } | undefined) : undefined;
      const refused = details?.domainError?.details?.issues;
      if (refused?.length) {
        setServerIssues(refused);
        setShowIssues(true);
        setSelection(noSelection);
        setPublishOpen(false);
      }
      toast.error(t("publish.failed"), error instanceof Error ? error.message : undefined);
    }
  };

  const doRequest = async (choice: PublishChoice) => {
    await autosave.flush();
    try {
      await approval.request(choice);
      setPublishOpen(false);
      toast.success(tApproval("sent"));
    } catch (error) {
      toast.error(tApproval("failed"), error instanceof Error ? error.message : undefined);
    }
  };

  const changeStatus = async (status: "active" | "paused" | "archived") => {
    try {
      await autosave.flush();
      await setStatus.mutateAsync({ id: flow.id, status });
      toast.success(t(`status.changed.${status}`));
      await invalidate();
      if (status === "archived") router.push("/flows");
    } catch (error) {
      toast.error(t("errors.statusFailed"), error instanceof Error ? error.message : undefined);
    }
  };

  const exportFile = async () => {
    await autosave.flush();
    const file = await queryClient.fetchQuery({ ...trpc.flows.export.queryOptions({ id: flow.id }), staleTime: 0 });
    downloadJson(file, flowFileName(file.name));
  };

  const duplicateFlow = async () => {
    await autosave.flush();
    const copyOf = await duplicate.mutateAsync({ id: flow.id });
    await queryClient.invalidateQueries({ queryKey: trpc.flows.list.queryKey() });
    toast.success(t("menu.duplicated"));
    router.push(`/flows/${copyOf.id}`);
  };

  const shownIssues = serverIssues ?? issues;
  const canPublish =
    !readOnly &&
    errorCount === 0 &&
    autosave.state.status !== "conflict" &&
    doc.draft.nodes.length > 0 &&
    !sameAsPublished &&
    !(approval.needsApproval && approval.pending);
  const rightPanel: "inspector" | "issues" | null = selectedNode ? "inspector" : showIssues ? "issues" : null;

  return (
    <div className="flex h-[calc(100dvh-3.5rem)] min-h-[560px] flex-col" data-testid="flow-editor">
      {/* ── header ── */}
      <header className="flex h-14 shrink-0 items-center gap-2 border-b bg-background px-3">
        <Button variant="ghost" size="icon-sm" asChild>
          <Link href="/flows" aria-label={t("header.back")} title={t("header.back")}>
            <ArrowLeftIcon />
          </Link>
        </Button>
        <input
          value={name}
          onChange={(e) => setName(e.target.value)}
          readOnly={readOnly}
          maxLength={120}
          aria-label={t("header.name")}
          data-testid="flow-name"
          className="h-8 min-w-0 max-w-[22rem] flex-1 truncate rounded-md border border-transparent bg-transparent px-2 text-base font-semibold outline-none hover:border-input focus-visible:border-ring focus-visible:ring-[3px] focus-visible:ring-ring/40"
        />
        <FlowStatusBadge status={flow.status} idle={!!live?.version && isIdle(live)} />
        <span className="hidden text-xs whitespace-nowrap text-muted-foreground md:inline" data-testid="version-label">
          {flow.currentVersion ? t("header.version", { version: flow.currentVersion.version }) : t("header.neverPublished")}
        </span>
        {flow.currentVersion && !sameAsPublished && doc.draft.nodes.length > 0 ? (
          <span className="hidden rounded-full bg-warning/20 px-2 py-0.5 text-[11px] font-medium whitespace-nowrap text-warning-foreground lg:inline" data-testid="unpublished-changes">
            {t("header.unpublishedChanges")}
          </span>
        ) : null}
        <PublishApprovalStatus flowId={flow.id} approval={approval} />
        <SaveIndicator state={autosave.state} readOnly={readOnly} />
        <div className="ml-auto flex items-center gap-1">
          <SimpleTooltip content={t("header.undo")}>
            <Button variant="ghost" size="icon-sm" aria-label={t("header.undo")} disabled={!editor.canUndo || readOnly} onClick={editor.undo} data-testid="undo">
              <Undo2Icon />
            </Button>
          </SimpleTooltip>
          <SimpleTooltip content={t("header.redo")}>
            <Button variant="ghost" size="icon-sm" aria-label={t("header.redo")} disabled={!editor.canRedo || readOnly} onClick={editor.redo} data-testid="redo">
              <Redo2Icon />
            </Button>
          </SimpleTooltip>
          <Button
            variant="outline"
            size="sm"
            data-testid="issues-count"
            data-errors={errorCount}
            aria-pressed={rightPanel === "issues" && !sidePanel.collapsed}
            onClick={() => {
              setSelection(noSelection);
              // A folded right panel unfolds on the issues.
              if (sidePanel.collapsed) {
                sidePanel.set(false);
                setShowIssues(true);
              } else setShowIssues((v) => !(v && !selectedNode));
            }}
            className={cn(errorCount > 0 && "border-destructive/40 text-destructive hover:text-destructive")}
          >
            {errorCount > 0 ? (
              <CircleAlertIcon />
            ) : warningCount > 0 ? (
              <TriangleAlertIcon className="text-warning" />
            ) : (
              <CircleCheckIcon className="text-success" />
            )}
            {errorCount > 0
              ? t("header.errors", { count: errorCount })
              : warningCount > 0
                ? t("header.warnings", { count: warningCount })
                : t("header.valid")}
          </Button>
          <Button variant="ghost" size="sm" onClick={() => setTryOpen(true)} disabled={doc.draft.nodes.length === 0 || readOnly} data-testid="try-button">
            <FlaskConicalIcon /> <span className="hidden lg:inline">{t("header.try")}</span>
          </Button>
          {flow.versions.length > 0 ? (
            <Button variant="ghost" size="sm" onClick={() => setResultsOpen(true)} data-testid="results-button">
              <ChartColumnIcon /> <span className="hidden lg:inline">{t("header.results")}</span>
            </Button>
          ) : null}
          <Button variant="ghost" size="sm" onClick={() => setVersionsOpen(true)} data-testid="versions-button">
            <HistoryIcon /> <span className="hidden lg:inline">{t("header.versions")}</span>
          </Button>
          <Button variant="ghost" size="sm" onClick={() => setSettingsOpen(true)} data-testid="settings-button">
            <SettingsIcon /> <span className="hidden lg:inline">{t("header.settings")}</span>
          </Button>
          {mayEdit ? (
          <SimpleTooltip
            content={
              canPublish
                ? t("publish.ready")
                : errorCount > 0
                  ? t("publish.blocked", { count: errorCount })
                  : sameAsPublished
                    ? t("publish.unchanged")
                    : approval.needsApproval && approval.pending
                      ? tApproval("pendingBlocks")
                      : t("publish.unavailable")
            }
          >
            <span>
              <Button size="sm" disabled={!canPublish} onClick={() => setPublishOpen(true)} data-testid="publish-button">
                <RocketIcon /> {approval.needsApproval ? tApproval("request") : t("header.publish")}
              </Button>
            </span>
          </SimpleTooltip>
          ) : null}
          <DropdownMenu>
            <DropdownMenuTrigger asChild>
              <Button variant="ghost" size="icon-sm" aria-label={t("header.more")} data-testid="flow-menu">
                <MoreHorizontalIcon />
              </Button>
            </DropdownMenuTrigger>
            <DropdownMenuContent align="end" className="w-48">
              <DropdownMenuItem onSelect={() => void duplicateFlow()}>
                <CopyIcon /> {t("menu.duplicate")}
              </DropdownMenuItem>
              <DropdownMenuItem onSelect={() => void exportFile()}>
                <DownloadIcon /> {t("menu.export")}
              </DropdownMenuItem>
              {flow.status === "active" ? (
                <DropdownMenuItem onSelect={() => void changeStatus("paused")}>
                  <PauseIcon /> {t("menu.pause")}
                </DropdownMenuItem>
              ) : null}
              {flow.status === "paused" ? (
                <DropdownMenuItem onSelect={() => void changeStatus("active")}>
                  <PlayIcon /> {t("menu.resume")}
                </DropdownMenuItem>
              ) : null}
              {flow.status !== "archived" ? (
                <>
                  <DropdownMenuSeparator />
                  <DropdownMenuItem variant="destructive" onSelect={() => setArchiveOpen(true)}>
                    <ArchiveIcon /> {t("menu.archive")}
                  </DropdownMenuItem>
                </>
              ) : null}
            </DropdownMenuContent>
          </DropdownMenu>
        </div>
      </header>

      {autosave.state.status === "conflict" ? (
        <div role="alert" className="flex items-center gap-3 border-b border-destructive/30 bg-destructive/8 px-4 py-2 text-sm text-destructive" data-testid="conflict-banner">
          <CircleAlertIcon className="size-4 shrink-0" aria-hidden />
          <span className="flex-1">{t("conflict.message")}</span>
          <Button size="sm" variant="outline" onClick={() => void reloadFromServer(false)}>
            {t("conflict.reload")}
          </Button>
        </div>
      ) : null}
      {readOnly ? (
        <div className="flex items-center gap-3 border-b bg-muted px-4 py-2 text-sm text-muted-foreground">
          <ArchiveIcon className="size-4 shrink-0" aria-hidden />
          <span className="flex-1">{t("archivedNotice")}</span>
          <Button size="sm" variant="outline" onClick={() => void duplicateFlow()}>
            {t("menu.duplicate")}
          </Button>
        </div>
      ) : null}

      {/* ── body ── */}
      <div className="flex min-h-0 flex-1">
        <Palette
          onAdd={(kind) => addKind(kind)}
          disabled={readOnly}
          addAfter={selectedNode ? nodeTitle(selectedNode)[locale] : undefined}
          collapsed={palettePanel.collapsed}
          onToggle={palettePanel.toggle}
        />
        <div className="relative min-w-0 flex-1">
          <FlowCanvas
            doc={doc}
            issuesByNode={issuesByNode}
            selection={liveSelection}
            readOnly={readOnly}
            onSelectionChange={setSelection}
            onMoveStart={onMoveStart}
            onMoveEnd={onMoveEnd}
            onConnect={onConnect}
            onDeleteEdge={onDeleteEdge}
            onDropKind={addKind}
          />
          <div className="absolute top-3 left-3 z-10 flex items-center gap-1.5">
            <Button variant="outline" size="sm" className="bg-background" onClick={autoLayout} disabled={readOnly} data-testid="auto-layout">
              <LayoutGridIcon /> {t("canvas.autoLayout")}
            </Button>
            <SimpleTooltip content={t("canvas.fitView")}>
              <Button
                variant="outline"
                size="icon-sm"
                className="bg-background"
                aria-label={t("canvas.fitView")}
                onClick={() => void reactFlow.fitView({ padding: 0.2, duration: 300, maxZoom: 1.1 })}
              >
                <MaximizeIcon />
              </Button>
            </SimpleTooltip>
            <ShortcutsHelp />
          </div>
          <FlowLiveSummary />
          {doc.draft.nodes.length === 0 ? (
            <div className="pointer-events-none absolute inset-0 flex items-center justify-center">
              <div className="max-w-sm rounded-xl border border-dashed bg-background/90 p-6 text-center shadow-sm">
                <p className="text-sm font-semibold">{t("canvas.emptyTitle")}</p>
                <p className="mt-1 text-xs text-muted-foreground">{t("canvas.emptyDescription")}</p>
              </div>
            </div>
          ) : null}
        </div>
        {rightPanel && sidePanel.collapsed ? (
          <PanelRail
            side="right"
            title={rightPanel === "inspector" ? t("inspector.title") : t("issues.title")}
            label={rightPanel === "inspector" ? t("panels.showInspector") : t("panels.showIssues")}
            shortcut={panelKeys.rightPanel}
            onExpand={() => sidePanel.set(false)}
            testId="right-panel-rail"
          />
        ) : rightPanel ? (
          <aside className="relative flex w-[380px] shrink-0 flex-col border-l bg-background" aria-label={rightPanel === "inspector" ? t("inspector.title") : t("issues.title")}>
            <div className="absolute top-3 right-3 z-10">
              <PanelFoldButton
                side="right"
                label={rightPanel === "inspector" ? t("panels.hideInspector") : t("panels.hideIssues")}
                shortcut={panelKeys.rightPanel}
                onFold={() => sidePanel.set(true)}
                testId="right-panel-fold"
              />
            </div>
            {rightPanel === "inspector" && selectedNode ? (
              <InspectorPanel
                key={selectedNode.id}
                node={selectedNode}
                nodes={doc.draft.nodes}
                issues={issues.filter((i) => i.nodeId === selectedNode.id)}
                onLoop={loopNodes.has(selectedNode.id)}
                timezone={doc.draft.settings.timezone}
                focusPath={focusPath}
                onFocused={() => setFocusPath(null)}
                onPatch={onPatch}
                onDelete={deleteSelection}
                onDuplicate={() => pasteClipboard(copy())}
                onClose={() => setSelection(noSelection)}
              />
            ) : (
              <IssuesPanel issues={shownIssues} nodes={doc.draft.nodes} source={serverIssues ? "server" : "canvas"} onSelect={onIssue} />
            )}
          </aside>
        ) : null}
      </div>

      <Suspense fallback={null}>
        {settingsMounted ? (
          <SettingsSheet open={settingsOpen} onOpenChange={setSettingsOpen} settings={doc.draft.settings} onChange={onSettings} readOnly={readOnly} />
        ) : null}
        {resultsMounted ? <ResultsSheet open={resultsOpen} onOpenChange={setResultsOpen} flowId={flow.id} /> : null}
        {versionsMounted ? (
          <VersionsSheet
            open={versionsOpen}
            onOpenChange={setVersionsOpen}
            flowId={flow.id}
            versions={flow.versions}
            currentVersionId={flow.currentVersion?.id ?? null}
            nodes={doc.draft.nodes}
            beforeCompare={autosave.flush}
            onReverted={() => reloadFromServer(true)}
            readOnly={readOnly}
          />
        ) : null}
      </Suspense>
      {tryOpen ? (
        <TrySheet open={tryOpen} onOpenChange={setTryOpen} flowId={flow.id} nodes={doc.draft.nodes} blocked={errorCount > 0} beforeRun={autosave.flush} />
      ) : null}
      <PublishDialog
        open={publishOpen}
        onOpenChange={setPublishOpen}
        flowId={flow.id}
        liveVersion={flow.currentVersion?.version ?? null}
        nodes={doc.draft.nodes}
        nextVersion={(flow.versions[0]?.version ?? 0) + 1}
        warnings={warningCount}
        pending={publish.isPending || approval.requesting}
        onPublish={approval.needsApproval ? doRequest : doPublish}
        asRequest={approval.needsApproval}
      />
      <Dialog open={archiveOpen} onOpenChange={setArchiveOpen}>
        <DialogContent>
          <DialogHeader>
            <DialogTitle>{t("archive.title")}</DialogTitle>
            <DialogDescription>{t("archive.description")}</DialogDescription>
          </DialogHeader>
          <DialogFooter>
            <Button variant="outline" onClick={() => setArchiveOpen(false)}>
              {t("archive.cancel")}
            </Button>
            <Button variant="destructive" loading={setStatus.isPending} onClick={() => void changeStatus("archived")}>
              {t("archive.confirm")}
            </Button>
          </DialogFooter>
        </DialogContent>
      </Dialog>
      <span className="sr-only" aria-live="polite">
        {locale && selectedNode ? t("inspector.opened", { name: selectedNode.name || selectedNode.id }) : ""}
      </span>
    </div>
  );
}

const noSubscription = () => () => {};

function SaveIndicator({ state, readOnly }: { state: SaveState; readOnly: boolean }) {
  const t = useTranslations("flowBuilder.save");
  const format = useFormatter();
  const now = useNow({ updateInterval: 5000 });
  // "3 minutes ago" differs between the server's render and the browser's: the relative time is
  // shown once hydrated (a mismatch would make React re-render the whole editor on the client).
  const hydrated = useSyncExternalStore(noSubscription, () => true, () => false);
  if (readOnly) return null;
  const content =
    state.status === "saved" ? (
      <span className="text-muted-foreground">
        {hydrated ? t("saved", { when: format.relativeTime(state.at, now > state.at ? now : state.at) }) : t("savedUntimed")}
      </span>
    ) : state.status === "saving" ? (
      <span className="flex items-center gap-1 text-muted-foreground">
        <Loader2Icon className="size-3 animate-spin" aria-hidden /> {t("saving")}
      </span>
    ) : state.status === "dirty" ? (
      <span className="text-muted-foreground">{t("dirty")}</span>
    ) : state.status === "conflict" ? (
      <span className="font-medium text-destructive">{t("conflict")}</span>
    ) : (
      <span className="font-medium text-destructive" title={state.message}>
        {t("error")}
      </span>
    );
  return (
    <span className="hidden text-xs whitespace-nowrap sm:inline" data-testid="save-state" data-status={state.status} aria-live="polite">
      {content}
    </span>
  );
}
