import * as React from "react";
import type { LucideIcon } from "lucide-react";

import { cn } from "@/lib/utils";

export type EmptyStateProps = {
  icon?: LucideIcon;
  title: React.ReactNode;
  description?: React.ReactNode;
  /** Buttons or links, e.g. <Button>Create flow</Button>. */
  action?: React.ReactNode;
  /** `page` fills a page body; `inline` fits in a card or table. */
  size?: "page" | "inline";
  className?: string;
  children?: React.ReactNode;
};

/** What a screen shows when there is nothing yet: an icon, a sentence, and the next step. */
export function EmptyState({
  icon: Icon,
  title,
  description,
  action,
  size = "page",
  className,
  children,
}: EmptyStateProps) {
  return (
    <div
      data-slot="empty-state"
      className={cn(
        "flex flex-col items-center justify-center rounded-xl border border-dashed text-center",
        size === "page" ? "min-h-[360px] gap-4 px-6 py-16" : "gap-3 px-4 py-10",
        className,
      )}
    >
      {Icon ? (
        <div
          className={cn(
            "flex items-center justify-center rounded-xl border bg-background text-primary shadow-xs",
            size === "page" ? "size-12" : "size-10",
          )}
        >
          <Icon className={size === "page" ? "size-6" : "size-5"} aria-hidden strokeWidth={1.75} />
        </div>
      ) : null}
      <div className="flex max-w-md flex-col gap-1.5">
        <h2 className={cn("font-semibold text-foreground", size === "page" ? "text-base" : "text-sm")}>{title}</h2>
        {description ? <p className="text-sm leading-relaxed text-muted-foreground">{description}</p> : null}
      </div>
      {children}
      {action ? <div className="mt-1 flex flex-wrap items-center justify-center gap-2">{action}</div> : null}
    </div>
  );
}
