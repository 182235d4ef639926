import * as React from "react";

import { cn } from "@/lib/utils";

export type PageHeaderProps = {
  title: React.ReactNode;
  description?: React.ReactNode;
  /** Buttons on the right (primary action last). */
  actions?: React.ReactNode;
  /** Small line above the title: a back link or breadcrumb. */
  eyebrow?: React.ReactNode;
  /** Next to the title: a status badge, a version. */
  titleAddon?: React.ReactNode;
  /** Below the title row, full width: usually <Tabs> with a line TabsList. */
  children?: React.ReactNode;
  className?: string;
};

/** The top of every page. Works in server and client components (no hooks). */
export function PageHeader({ title, description, actions, eyebrow, titleAddon, children, className }: PageHeaderProps) {
  return (
    <header data-slot="page-header" className={cn("px-6 pt-6 lg:px-8", children ? "pb-0" : "pb-6", className)}>
      {eyebrow ? <div className="mb-2 text-sm text-muted-foreground">{eyebrow}</div> : null}
      <div className="flex flex-col gap-4 sm:flex-row sm:items-start sm:justify-between">
        <div className="flex min-w-0 flex-col gap-1">
          <div className="flex min-w-0 items-center gap-2">
            <h1 className="truncate text-xl leading-8 font-semibold tracking-tight text-foreground">{title}</h1>
            {titleAddon}
          </div>
          {description ? <p className="max-w-3xl text-sm leading-relaxed text-muted-foreground">{description}</p> : null}
        </div>
        {actions ? <div className="flex shrink-0 flex-wrap items-center gap-2">{actions}</div> : null}
      </div>
      {children ? <div className="mt-5">{children}</div> : null}
    </header>
  );
}

/** The padded content area under a PageHeader. Full-bleed screens (the canvas) skip it. */
export function PageBody({ className, ...props }: React.ComponentProps<"div">) {
  return <div data-slot="page-body" className={cn("px-6 pb-10 lg:px-8", className)} {...props} />;
}
