"use client";

// The editor's side panels (the palette on the left; the inspector or the issues on the right)
// fold away to a narrow rail, so the canvas gets the width. Each panel's state is remembered in
// this browser and shared by every editor tab.
import { useCallback, useSyncExternalStore } from "react";
import { PanelLeftCloseIcon, PanelLeftOpenIcon, PanelRightCloseIcon, PanelRightOpenIcon } from "lucide-react";

import { Button } from "@/components/ui/button";
import { cn } from "@/lib/utils";

export type SidePanel = "palette" | "rightPanel";

const storageKey = (panel: SidePanel) => `memberflow.flowBuilder.${panel}Collapsed`;
// Read once per panel; kept here too so the panels still fold where storage is unavailable.
const known = new Map<SidePanel, boolean>();
const listeners = new Set<() => void>();

function isCollapsed(panel: SidePanel): boolean {
  let collapsed = known.get(panel);
  if (collapsed === undefined) {
    try {
      collapsed = window.localStorage.getItem(storageKey(panel)) === "1";
    } catch {
      collapsed = false;
    }
    known.set(panel, collapsed);
  }
  return collapsed;
}

function setCollapsed(panel: SidePanel, collapsed: boolean) {
  known.set(panel, collapsed);
  try {
    if (collapsed) window.localStorage.setItem(storageKey(panel), "1");
    else window.localStorage.removeItem(storageKey(panel));
  } catch {
    // Private mode: remembered until the page closes.
  }
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void) {
  // Another tab folded a panel: read it again.
  const onStorage = () => {
    known.clear();
    listener();
  };
  listeners.add(listener);
  window.addEventListener("storage", onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("storage", onStorage);
  };
}

/** Whether a panel is folded; the server renders it open (the browser then applies what it remembers). */
export function usePanelCollapsed(panel: SidePanel) {
  const collapsed = useSyncExternalStore(subscribe, () => isCollapsed(panel), () => false);
  const set = useCallback((value: boolean) => setCollapsed(panel, value), [panel]);
  const toggle = useCallback(() => setCollapsed(panel, !isCollapsed(panel)), [panel]);
  return { collapsed, set, toggle };
}

const icons = {
  left: { open: PanelLeftOpenIcon, close: PanelLeftCloseIcon },
  right: { open: PanelRightOpenIcon, close: PanelRightCloseIcon },
};

/** The button in an open panel's header that folds it. */
export function PanelFoldButton({ side, label, shortcut, onFold, testId }: { side: "left" | "right"; label: string; shortcut: string; onFold: () => void; testId: string }) {
  const Icon = icons[side].close;
  return (
    <Button variant="ghost" size="icon-sm" aria-label={label} title={`${label} (${shortcut})`} aria-expanded onClick={onFold} data-testid={testId}>
      <Icon />
    </Button>
  );
}

/** A folded panel: a rail the height of the editor; a click anywhere on it opens the panel again. */
export function PanelRail({
  side,
  title,
  label,
  shortcut,
  onExpand,
  testId,
}: {
  side: "left" | "right";
  /** What the panel holds, written along the rail. */
  title: string;
  /** What a click does ("Show palette"). */
  label: string;
  shortcut: string;
  onExpand: () => void;
  testId: string;
}) {
  const Icon = icons[side].open;
  return (
    <aside className={cn("flex w-10 shrink-0 bg-background", side === "left" ? "border-r" : "border-l")} aria-label={title}>
      <button
        type="button"
        onClick={onExpand}
        aria-label={label}
        aria-expanded={false}
        title={`${label} (${shortcut})`}
        data-testid={testId}
        className="flex w-full flex-col items-center gap-3 py-3 text-muted-foreground outline-none hover:bg-muted/60 hover:text-foreground focus-visible:ring-[3px] focus-visible:ring-ring/40 focus-visible:ring-inset"
      >
        <Icon className="size-4 shrink-0" aria-hidden />
        <span className="text-[11px] font-semibold tracking-wide whitespace-nowrap uppercase [writing-mode:vertical-rl]">{title}</span>
      </button>
    </aside>
  );
}
