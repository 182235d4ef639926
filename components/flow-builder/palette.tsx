"use client";

import { useMemo, useState } from "react";
import { SearchIcon } from "lucide-react";
import { useLocale, useTranslations } from "use-intl";

import { nodeKinds, type NodeCategory } from "@/server/flows/kinds";
import { Input } from "@/components/ui/input";
import { ScrollArea } from "@/components/ui/scroll-area";
import { cn } from "@/lib/utils";
import { KindIcon } from "./icons";
import { categoryStyles } from "./node-view";
import { PALETTE_MIME } from "./flow-canvas";
import { PanelFoldButton, PanelRail } from "./side-panel";
import { panelKeys } from "./shortcuts";

const categories: NodeCategory[] = ["trigger", "group", "action", "wait", "exit"];

type Props = {
  onAdd: (kind: string) => void;
  disabled?: boolean;
  /** The selected node's name: a click adds after it. */
  addAfter?: string | undefined;
  collapsed: boolean;
  onToggle: () => void;
};

/**
 * Node kinds by category: drag one onto the canvas, or click to add it (after the selected node,
 * or in the middle of the view). Folds to a rail.
 */
export function Palette({ onAdd, disabled, addAfter, collapsed, onToggle }: Props) {
  const t = useTranslations("flowBuilder.palette");
  const tPanels = useTranslations("flowBuilder.panels");
  const locale = useLocale();
  const [query, setQuery] = useState("");
  const groups = useMemo(() => {
    const q = query.trim().toLowerCase();
    return categories
      .map((category) => ({
        category,
        kinds: nodeKinds.filter(
          (k) =>
            k.category === category &&
            (!q || k.label[locale].toLowerCase().includes(q) || k.description[locale].toLowerCase().includes(q) || k.kind.includes(q)),
        ),
      }))
      .filter((g) => g.kinds.length > 0);
  }, [query, locale]);

  if (collapsed) {
    return <PanelRail side="left" title={t("title")} label={tPanels("showPalette")} shortcut={panelKeys.palette} onExpand={onToggle} testId="palette-rail" />;
  }
  return (
    <aside className="flex h-full min-h-0 w-64 shrink-0 flex-col border-r bg-background" aria-label={t("title")} data-testid="palette">
      <div className="flex flex-col gap-2 border-b p-3">
        <div className="-my-1.5 -mr-1.5 flex items-center justify-between gap-2">
          <h2 className="text-xs font-semibold tracking-wide text-muted-foreground uppercase">{t("title")}</h2>
          <PanelFoldButton side="left" label={tPanels("hidePalette")} shortcut={panelKeys.palette} onFold={onToggle} testId="palette-fold" />
        </div>
        <div className="relative">
          <SearchIcon className="pointer-events-none absolute top-1/2 left-2.5 size-3.5 -translate-y-1/2 text-muted-foreground" aria-hidden />
          <Input
            type="search"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            placeholder={t("search")}
            aria-label={t("search")}
            className="h-8 pl-8 text-xs"
          />
        </div>
      </div>
      <ScrollArea className="min-h-0 flex-1">
        <div className="flex flex-col gap-4 p-3">
          {groups.length === 0 ? <p className="px-1 text-xs text-muted-foreground">{t("noMatch")}</p> : null}
          {groups.map(({ category, kinds }) => (
            <section key={category} className="flex flex-col gap-1.5">
              <h3 className="px-1 text-[11px] font-semibold tracking-wide text-muted-foreground uppercase">{t(`categories.${category}`)}</h3>
              {kinds.map((spec) => {
                return (
                  <button
                    key={spec.kind}
                    type="button"
                    draggable={!disabled}
                    disabled={disabled}
                    data-testid={`palette-item-${spec.kind}`}
                    data-category={spec.category}
                    // A trigger starts a flow: it is never added after a node.
                    title={addAfter && spec.category !== "trigger" ? t("hintAfter", { name: addAfter }) : t("hint")}
                    onDragStart={(e) => {
                      e.dataTransfer.setData(PALETTE_MIME, spec.kind);
                      e.dataTransfer.effectAllowed = "copy";
                    }}
                    onClick={() => onAdd(spec.kind)}
                    className="group flex cursor-grab items-start gap-2.5 rounded-md border border-transparent px-2 py-1.5 text-left outline-none transition-colors hover:border-border hover:bg-muted/60 focus-visible:ring-[3px] focus-visible:ring-ring/40 active:cursor-grabbing disabled:cursor-not-allowed disabled:opacity-50"
                  >
                    <span className={cn("mt-0.5 flex size-7 shrink-0 items-center justify-center rounded-md", categoryStyles[spec.category].tile)}>
                      <KindIcon name={spec.icon} className="size-3.5" />
                    </span>
                    <span className="flex min-w-0 flex-col">
                      <span className="text-[13px] leading-5 font-medium">{spec.label[locale]}</span>
                      <span className="line-clamp-2 text-[11px] leading-snug text-muted-foreground">{spec.description[locale]}</span>
                    </span>
                  </button>
                );
              })}
            </section>
          ))}
        </div>
      </ScrollArea>
    </aside>
  );
}
