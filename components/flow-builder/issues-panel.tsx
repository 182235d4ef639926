"use client";

import { CircleAlertIcon, CircleCheckIcon, TriangleAlertIcon } from "lucide-react";
import { useLocale, useTranslations } from "use-intl";

import { nodeTitle } from "@/server/flows/kinds";
import type { FlowDraftNode } from "@/server/flows/definition";
import type { FlowIssue } from "@/server/flows/validate";
import { ScrollArea } from "@/components/ui/scroll-area";
import { cn } from "@/lib/utils";

/** Every issue of the flow; clicking one jumps to its node (and field). */
export function IssuesPanel({
  issues,
  nodes,
  source,
  onSelect,
}: {
  issues: readonly FlowIssue[];
  nodes: readonly FlowDraftNode[];
  /** "server" when these came back from a refused publish. */
  source: "canvas" | "server";
  onSelect: (issue: FlowIssue) => void;
}) {
  const t = useTranslations("flowBuilder.issues");
  const locale = useLocale();
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const sorted = [...issues].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === "error" ? -1 : 1));
  const errors = issues.filter((i) => i.severity === "error").length;
  const warnings = issues.length - errors;
  return (
    <div className="flex h-full min-h-0 flex-col" data-testid="issues-panel">
      <div className="border-b px-4 py-3">
        <h2 className="text-sm font-semibold">{t("title")}</h2>
        <p className="text-xs text-muted-foreground">
          {source === "server" ? t("fromServer") : t("summary", { errors, warnings })}
        </p>
      </div>
      {issues.length === 0 ? (
        <div className="flex flex-1 flex-col items-center justify-center gap-2 p-6 text-center">
          <CircleCheckIcon className="size-8 text-success" aria-hidden />
          <p className="text-sm font-medium">{t("noneTitle")}</p>
          <p className="text-xs text-muted-foreground">{t("noneDescription")}</p>
        </div>
      ) : (
        <ScrollArea className="min-h-0 flex-1">
          <ul className="flex flex-col p-2">
            {sorted.map((issue, i) => {
              const node = issue.nodeId ? byId.get(issue.nodeId) : undefined;
              const where = node
                ? nodeTitle(node)[locale]
                : issue.path?.[0] === "settings"
                  ? t("settings")
                  : t("flow");
              return (
                <li key={i}>
                  <button
                    type="button"
                    data-testid="issue-item"
                    data-node-id={issue.nodeId}
                    onClick={() => onSelect(issue)}
                    className="flex w-full items-start gap-2.5 rounded-md px-2.5 py-2 text-left outline-none hover:bg-muted focus-visible:ring-[3px] focus-visible:ring-ring/40"
                  >
                    {issue.severity === "error" ? (
                      <CircleAlertIcon className="mt-0.5 size-4 shrink-0 text-destructive" aria-label={t("error")} />
                    ) : (
                      <TriangleAlertIcon className="mt-0.5 size-4 shrink-0 text-warning" aria-label={t("warning")} />
                    )}
                    <span className="flex min-w-0 flex-col">
                      <span className={cn("truncate text-xs font-medium", !node && "text-muted-foreground")}>{where}</span>
                      <span className="text-xs leading-snug text-foreground/80">{issue.message[locale]}</span>
                    </span>
                  </button>
                </li>
              );
            })}
          </ul>
        </ScrollArea>
      )}
    </div>
  );
}
