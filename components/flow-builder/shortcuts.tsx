"use client";

import { KeyboardIcon } from "lucide-react";
import { useTranslations } from "use-intl";

import { Button } from "@/components/ui/button";
import { Popover, PopoverContent, PopoverTrigger } from "@/components/ui/popover";

/** Keys that fold and unfold the side panels (flow-editor listens for them). */
export const panelKeys = { palette: "[", rightPanel: "]" } as const;

const shortcuts = [
  ["undo", "⌘/Ctrl Z"],
  ["redo", "⇧⌘/Ctrl Z · Ctrl Y"],
  ["delete", "Delete · Backspace"],
  ["copy", "⌘/Ctrl C"],
  ["paste", "⌘/Ctrl V"],
  ["selectAll", "⌘/Ctrl A"],
  ["save", "⌘/Ctrl S"],
  ["multi", "Shift + drag · ⌘/Ctrl click"],
  ["escape", "Esc"],
  ["togglePalette", panelKeys.palette],
  ["toggleRightPanel", panelKeys.rightPanel],
] as const;

export function ShortcutsHelp() {
  const t = useTranslations("flowBuilder.shortcuts");
  return (
    <Popover>
      <PopoverTrigger asChild>
        <Button variant="outline" size="icon-sm" aria-label={t("title")} title={t("title")} className="bg-background">
          <KeyboardIcon />
        </Button>
      </PopoverTrigger>
      <PopoverContent align="start" className="w-72">
        <h3 className="mb-2 text-sm font-semibold">{t("title")}</h3>
        <dl className="grid grid-cols-[1fr_auto] gap-x-3 gap-y-1.5 text-xs">
          {shortcuts.map(([key, keys]) => (
            <div key={key} className="contents">
              <dt className="text-muted-foreground">{t(key)}</dt>
              <dd>
                <kbd className="rounded border bg-muted px-1.5 py-0.5 font-mono text-[10px]">{keys}</kbd>
              </dd>
            </div>
          ))}
        </dl>
      </PopoverContent>
    </Popover>
  );
}
