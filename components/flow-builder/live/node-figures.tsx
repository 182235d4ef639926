"use client";

// A node's live figures, drawn inside its fixed box: entered and waiting now on the kind line
// (a button that lists the members standing there), a count beside each branch label.
import { HourglassIcon, UsersIcon } from "lucide-react";
import { useFormatter, useTranslations } from "use-intl";

import { cn } from "@/lib/utils";
import { useOpenNodeMembers, type NodeLive } from "./live-counts";

/** Short enough for a node: 9,999 in full, then 12K / 1.2M (1.2万 in Chinese). */
function useShortNumber() {
  const format = useFormatter();
  return (n: number) => (n < 10_000 ? format.number(n) : format.number(n, { notation: "compact", maximumFractionDigits: 1 }));
}

export function NodeLiveFigures({ nodeId, name, live, isWait }: { nodeId: string; name: string; live: NodeLive; isWait: boolean }) {
  const t = useTranslations("flowBuilder.live");
  const format = useFormatter();
  const short = useShortNumber();
  const openMembers = useOpenNodeMembers();
  const here = live.waiting + live.active;
  const title = t("figuresTitle", { entered: format.number(live.entered), here: format.number(here) });
  return (
    <button
      type="button"
      // nodrag/nopan: a click here opens the list; it neither drags nor selects the node.
      className="nodrag nopan -my-px flex h-4 shrink-0 cursor-pointer items-center gap-1.5 rounded px-1 text-[11px] leading-4 text-muted-foreground tabular-nums hover:bg-accent hover:text-accent-foreground focus-visible:ring-2 focus-visible:ring-ring/50 focus-visible:outline-none"
      title={title}
      aria-label={title}
      data-testid={`node-live-${nodeId}`}
      data-entered={live.entered}
      data-waiting={here}
      onClick={(event) => {
        event.stopPropagation();
        openMembers({ nodeId, name });
      }}
      onDoubleClick={(event) => event.stopPropagation()}
    >
      <span className="flex items-center gap-0.5" data-testid="node-entered">
        <UsersIcon className="size-3" aria-hidden />
        <span className="font-semibold text-foreground">{short(live.entered)}</span>
      </span>
      {isWait || here > 0 ? (
        <span className={cn("flex items-center gap-0.5", here > 0 && "text-[color:color-mix(in_oklch,var(--color-chart-3)_60%,black)]")} data-testid="node-waiting">
          <HourglassIcon className="size-3" aria-hidden />
          <span className="font-semibold">{short(here)}</span>
        </span>
      ) : null}
    </button>
  );
}

/** The count beside a branch's label: members who left the node that way. */
export function BranchLiveCount({ count, label }: { count: number; label: string }) {
  const t = useTranslations("flowBuilder.live");
  const short = useShortNumber();
  return (
    <span className="shrink-0 font-semibold text-foreground tabular-nums" title={t("branchTitle", { count, branch: label })} data-testid="branch-count">
      {short(count)}
    </span>
  );
}
