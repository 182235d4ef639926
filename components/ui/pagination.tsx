"use client";

import * as React from "react";
import Link from "next/link";
import { usePathname, useSearchParams } from "next/navigation";
import { ChevronLeftIcon, ChevronRightIcon } from "lucide-react";
import { useFormatter, useTranslations } from "use-intl";

import { cn } from "@/lib/utils";
import { buttonVariants } from "@/components/ui/button";

export type PaginationProps = {
  /** 1-based current page. */
  page: number;
  pageSize: number;
  /** Total rows; when unknown, pass `hasNextPage` instead. */
  total?: number;
  hasNextPage?: boolean;
  /** Client mode: called with the new page. Without it, pages are links that set `?{param}=n`. */
  onPageChange?: (page: number) => void;
  /** Search param used in link mode. */
  param?: string;
  className?: string;
};

/** Page numbers to show: first, last, current ±1, with `null` for gaps. */
export function pageWindow(page: number, pageCount: number): (number | null)[] {
  if (pageCount <= 7) return Array.from({ length: pageCount }, (_, i) => i + 1);
  const pages = new Set([1, pageCount, page - 1, page, page + 1]);
  if (page <= 3) [2, 3, 4].forEach((p) => pages.add(p));
  if (page >= pageCount - 2) [pageCount - 3, pageCount - 2, pageCount - 1].forEach((p) => pages.add(p));
  const sorted = [...pages].filter((p) => p >= 1 && p <= pageCount).sort((a, b) => a - b);
  const out: (number | null)[] = [];
  sorted.forEach((p, i) => {
    const prev = sorted[i - 1];
    if (prev !== undefined && p - prev > 1) out.push(null);
    out.push(p);
  });
  return out;
}

export function Pagination({
  page,
  pageSize,
  total,
  hasNextPage,
  onPageChange,
  param = "page",
  className,
}: PaginationProps) {
  const t = useTranslations("common.pagination");
  const format = useFormatter();
  const pathname = usePathname();
  const searchParams = useSearchParams();

  const pageCount = total === undefined ? undefined : Math.max(1, Math.ceil(total / pageSize));
  const canPrev = page > 1;
  const canNext = pageCount === undefined ? Boolean(hasNextPage) : page < pageCount;
  const from = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const to = total === undefined ? page * pageSize : Math.min(total, page * pageSize);

  const hrefFor = (p: number) => {
    const params = new URLSearchParams(searchParams?.toString());
    if (p <= 1) params.delete(param);
    else params.set(param, String(p));
    const qs = params.toString();
    return qs ? `${pathname}?${qs}` : pathname;
  };

  const pageControl = (p: number, content: React.ReactNode, opts: { label: string; disabled?: boolean; current?: boolean }) => {
    const cls = cn(
      buttonVariants({ variant: opts.current ? "outline" : "ghost", size: "icon-sm" }),
      "min-w-8 w-auto px-2 tabular-nums",
      opts.current && "border-primary/40 text-primary",
      opts.disabled && "pointer-events-none opacity-40",
    );
    if (onPageChange || opts.disabled) {
      return (
        <button
          type="button"
          className={cls}
          aria-label={opts.label}
          aria-current={opts.current ? "page" : undefined}
          disabled={opts.disabled}
          onClick={() => onPageChange?.(p)}
        >
          {content}
        </button>
      );
    }
    return (
      <Link href={hrefFor(p)} className={cls} aria-label={opts.label} aria-current={opts.current ? "page" : undefined} scroll={false}>
        {content}
      </Link>
    );
  };

  return (
    <nav
      aria-label={t("label")}
      data-slot="pagination"
      className={cn("flex flex-wrap items-center justify-between gap-3 text-sm", className)}
    >
      <p className="text-muted-foreground tabular-nums">
        {total === undefined
          ? t("rangeOpen", { from: format.number(from), to: format.number(to) })
          : t("range", { from: format.number(from), to: format.number(to), total: format.number(total) })}
      </p>
      <div className="flex items-center gap-1">
        {pageControl(page - 1, <ChevronLeftIcon className="size-4" aria-hidden />, {
          label: t("previous"),
          disabled: !canPrev,
        })}
        {pageCount !== undefined
          ? pageWindow(page, pageCount).map((p, i) =>
              p === null ? (
                <span key={`gap-${i}`} className="px-1 text-muted-foreground" aria-hidden>
                  …
                </span>
              ) : (
                <React.Fragment key={p}>
                  {pageControl(p, format.number(p), { label: t("page", { page: p }), current: p === page })}
                </React.Fragment>
              ),
            )
          : null}
        {pageControl(page + 1, <ChevronRightIcon className="size-4" aria-hidden />, {
          label: t("next"),
          disabled: !canNext,
        })}
      </div>
    </nav>
  );
}
