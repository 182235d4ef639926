import Link from "next/link";

import { cn } from "@/lib/utils";

/** A page's sections as tabs: links to `?tab=<id>`, so each section has its own address. */
export function SectionTabs({ label, path, sections, current }: { label: string; path: string; sections: { id: string; label: string }[]; current: string }) {
  return (
    <nav aria-label={label} className="mb-6 flex flex-wrap gap-1 border-b">
      {sections.map((section) => (
        <Link
          key={section.id}
          href={`${path}?tab=${section.id}`}
          aria-current={section.id === current ? "page" : undefined}
          data-testid={`tab-${section.id}`}
          className={cn(
            "-mb-px border-b-2 px-3 py-2 text-sm font-medium transition-colors",
            section.id === current ? "border-primary text-foreground" : "border-transparent text-muted-foreground hover:text-foreground",
          )}
        >
          {section.label}
        </Link>
      ))}
    </nav>
  );
}

/** The section a `tab` search parameter names, or the first. */
export function currentSection<S extends string>(tab: string | string[] | undefined, sections: readonly S[]): S {
  return typeof tab === "string" && (sections as readonly string[]).includes(tab) ? (tab as S) : sections[0]!;
}
