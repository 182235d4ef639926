"use client";

import { createElement, useCallback, useEffect, useRef, useState } from "react";
import { CircleAlertIcon, CopyIcon, Trash2Icon, TriangleAlertIcon, XIcon } from "lucide-react";
import { useLocale, useTranslations } from "use-intl";

import { findNodeKindSpec, isNodeKind } from "@/server/flows/kinds";
import type { FlowDraftNode } from "@/server/flows/definition";
import type { FlowIssue } from "@/server/flows/validate";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Switch } from "@/components/ui/switch";
import { cn } from "@/lib/utils";
import { KindIcon } from "./icons";
import { categoryStyles } from "./node-view";
import { useInspector } from "./nodes/registry";
import type { NodePatch } from "./model";

type Props = {
  node: FlowDraftNode;
  nodes: readonly FlowDraftNode[];
  issues: readonly FlowIssue[];
  onLoop: boolean;
  timezone: string;
  /** A path to focus once the inspector is open (from the issues list). */
  focusPath: (string | number)[] | null;
  onFocused: () => void;
  onPatch: (patch: NodePatch, mergeKey: string) => void;
  onDelete: () => void;
  onDuplicate: () => void;
  onClose: () => void;
};

/** The right-hand panel for one node: name, visit limit, its issues and its kind's own form. */
export function InspectorPanel(props: Props) {
  const { node, issues, onPatch } = props;
  const t = useTranslations("flowBuilder.inspector");
  const locale = useLocale();
  const spec = findNodeKindSpec(node.kind);
  const style = categoryStyles[spec?.category ?? "unknown"];
  const kind = isNodeKind(node.kind) ? node.kind : null;
  const knownKind = kind !== null;
  const KindInspector = useInspector(kind);
  const root = useRef<HTMLDivElement>(null);

  const onConfig = useCallback((config: unknown, field?: string) => onPatch({ config }, `config:${node.id}:${field ?? ""}`), [onPatch, node.id]);

  // The kind's form may still be loading its chunk: focusing waits until it is on screen.
  const [formShown, setFormShown] = useState(false);
  const onFormShown = useCallback(() => setFormShown(true), []);
  const { focusPath, onFocused } = props;
  useEffect(() => {
    if (!focusPath || !root.current) return;
    if (knownKind && !formShown) return;
    const parts = (focusPath[0] === "config" ? focusPath.slice(1) : focusPath).map(String);
    const frame = requestAnimationFrame(() => {
      for (let n = parts.length; n > 0; n--) {
        const name = parts.slice(0, n).join(".");
        const el =
          root.current?.querySelector<HTMLElement>(`[name="${CSS.escape(name)}"]`) ??
          root.current?.querySelector<HTMLElement>(`[name^="${CSS.escape(name)}."]`) ??
          root.current?.querySelector<HTMLElement>(`[data-field="${CSS.escape(name)}"], [data-path="${CSS.escape(name)}"]`);
        if (el) {
          el.scrollIntoView({ block: "center" });
          const focusable = el.matches("input, textarea, select, button") ? el : el.querySelector<HTMLElement>("input, textarea, button");
          focusable?.focus({ preventScroll: true });
          break;
        }
      }
      onFocused();
    });
    return () => cancelAnimationFrame(frame);
  }, [focusPath, onFocused, knownKind, formShown]);

  const showVisitLimit = props.onLoop || node.visitLimit !== undefined;
  const errors = issues.filter((i) => i.severity === "error");
  const warnings = issues.filter((i) => i.severity === "warning");

  return (
    <div ref={root} data-inspector data-testid="inspector" data-node-id={node.id} className="flex h-full min-h-0 flex-col">
      {/* Room on the right for the panel's fold button, which flow-editor places over every right panel. */}
      <div className="flex items-start gap-3 border-b py-3 pr-12 pl-4">
        <span className={cn("mt-0.5 flex size-9 shrink-0 items-center justify-center rounded-md", style.tile)}>
          <KindIcon name={spec?.icon ?? ""} className="size-4.5" />
        </span>
        <div className="flex min-w-0 flex-1 flex-col">
          <h2 className="truncate text-sm font-semibold">{spec?.label[locale] ?? node.kind}</h2>
          <p className="line-clamp-2 text-xs text-muted-foreground">{spec?.description[locale]}</p>
        </div>
        <Button variant="ghost" size="icon-sm" aria-label={t("close")} onClick={props.onClose}>
          <XIcon />
        </Button>
      </div>
      <div className="min-h-0 flex-1 overflow-y-auto">
        <div className="flex flex-col gap-5 px-4 py-4">
          {issues.length > 0 ? (
            <ul className="flex flex-col gap-1.5" data-testid="inspector-issues">
              {[...errors, ...warnings].map((issue, i) => (
                <li
                  key={i}
                  className={cn(
                    "flex items-start gap-2 rounded-md px-2.5 py-1.5 text-xs",
                    issue.severity === "error" ? "bg-destructive/8 text-destructive" : "bg-warning/15 text-warning-foreground",
                  )}
                >
                  {issue.severity === "error" ? (
                    <CircleAlertIcon className="mt-0.5 size-3.5 shrink-0" aria-hidden />
                  ) : (
                    <TriangleAlertIcon className="mt-0.5 size-3.5 shrink-0" aria-hidden />
                  )}
                  {issue.message[locale]}
                </li>
              ))}
            </ul>
          ) : null}

          <div className="flex flex-col gap-1.5">
            <Label htmlFor="node-name" className="text-xs">
              {t("name")}
            </Label>
            <Input
              id="node-name"
              name="name"
              data-testid="node-name-input"
              placeholder={spec?.label[locale]}
              maxLength={60}
              value={node.name ?? ""}
              onChange={(e) => onPatch({ name: e.target.value }, `name:${node.id}`)}
            />
            <p className="font-mono text-[10px] text-muted-foreground">{t("id", { id: node.id })}</p>
          </div>

          {showVisitLimit ? (
            <div className="flex flex-col gap-1.5 rounded-lg border border-chart-3/40 bg-chart-3/5 p-3" data-field="visitLimit">
              <div className="flex items-center justify-between gap-2">
                <Label htmlFor="visit-limit" className="text-xs">
                  {t("visitLimit")}
                </Label>
                <Switch
                  checked={node.visitLimit !== undefined}
                  aria-label={t("visitLimit")}
                  onCheckedChange={(on) => onPatch({ visitLimit: on ? 2 : undefined }, `visit:${node.id}`)}
                />
              </div>
              {node.visitLimit !== undefined ? (
                <Input
                  id="visit-limit"
                  name="visitLimit"
                  type="number"
                  min={1}
                  max={100}
                  className="w-24"
                  data-testid="visit-limit-input"
                  value={Number.isNaN(node.visitLimit) ? "" : node.visitLimit}
                  onChange={(e) => onPatch({ visitLimit: e.target.value === "" ? Number.NaN : Number(e.target.value) }, `visit:${node.id}`)}
                />
              ) : null}
              {/* What the engine does at the limit (server/engine/journeys.ts, end reason "visit_limit"). */}
              <p className="text-xs text-muted-foreground" data-testid="visit-limit-hint">
                {node.visitLimit !== undefined && !Number.isNaN(node.visitLimit) ? t("visitLimitHintSet", { limit: node.visitLimit }) : t("visitLimitHint")}
              </p>
            </div>
          ) : null}

          {!knownKind ? (
            <p className="text-sm text-destructive">{t("unknownKind", { kind: node.kind })}</p>
          ) : KindInspector ? (
            <>
              {/* A module-level component from the registry, only looked up here (so not created in render). */}
              {createElement(KindInspector, { key: node.id, node, nodes: props.nodes, timezone: props.timezone, onChange: onConfig })}
              <Shown onShown={onFormShown} />
            </>
          ) : (
            // The kind's form is its own chunk (see nodes/registry): usually preloaded by then.
            <div className="h-24 animate-pulse rounded-md bg-muted/60" data-testid="inspector-loading" aria-busy />
          )}
        </div>
      </div>
      <div className="flex items-center justify-between gap-2 border-t px-4 py-2.5">
        <Button variant="ghost" size="sm" onClick={props.onDuplicate}>
          <CopyIcon /> {t("duplicate")}
        </Button>
        <Button variant="ghost" size="sm" className="text-destructive hover:text-destructive" onClick={props.onDelete} data-testid="inspector-delete">
          <Trash2Icon /> {t("delete")}
        </Button>
      </div>
    </div>
  );
}

/** Reports once that the kind's form has been committed. */
function Shown({ onShown }: { onShown: () => void }) {
  useEffect(() => onShown(), [onShown]);
  return null;
}
