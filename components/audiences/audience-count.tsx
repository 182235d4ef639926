"use client";

import * as React from "react";
import Link from "next/link";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { ChevronDownIcon, CircleAlertIcon, Loader2, UsersIcon } from "lucide-react";
import { useFormatter, useLocale, useTranslations } from "use-intl";

import { cn } from "@/lib/utils";
import { useTRPC } from "@/trpc/react";
import { useDebouncedValue } from "@/lib/use-debounced-value";
import { Skeleton } from "@/components/ui/skeleton";
import { checkConditionTree, emptyConditionTree, type ConditionTree } from "@/server/audiences/condition";
import { useFieldOptions } from "./use-options";

const COUNT_DEBOUNCE_MS = 400;
const EVERYONE: ConditionTree = emptyConditionTree();

/** All members: the empty AND group matches everyone. Cached for a few minutes. */
export function useMemberTotal(enabled = true) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.audiences.count.queryOptions({ tree: EVERYONE }), staleTime: 5 * 60_000, enabled });
}

/**
 * The live count of a tree: debounced, only for valid trees, keyed by the tree (so an edit
 * supersedes the running request — TanStack Query aborts it through the AbortSignal tRPC passes
 * to fetch), keeping the previous figure while the next one loads.
 */
export function useLiveCount(tree: ConditionTree) {
  const trpc = useTRPC();
  const debounced = useDebouncedValue(tree, COUNT_DEBOUNCE_MS);
  const currentValid = React.useMemo(() => checkConditionTree(tree).length === 0, [tree]);
  const debouncedValid = React.useMemo(() => checkConditionTree(debounced).length === 0, [debounced]);
  const query = useQuery({
    ...trpc.audiences.count.queryOptions({ tree: debounced }),
    enabled: debouncedValid,
    placeholderData: keepPreviousData,
    staleTime: 30_000,
    retry: false,
  });
  const settling = debounced !== tree;
  const state: "invalid" | "loading" | "error" | "ready" = !currentValid
    ? "invalid"
    : settling || query.isFetching || (query.isPending && debouncedValid)
      ? "loading"
      : query.isError
        ? "error"
        : "ready";
  return { state, data: query.data, debounced, valid: currentValid && debouncedValid, error: query.error };
}

export function AudienceCount({ tree, compact = false, className }: { tree: ConditionTree; compact?: boolean; className?: string }) {
  const t = useTranslations("audienceEditor");
  const format = useFormatter();
  const { state, data, debounced, valid } = useLiveCount(tree);
  const total = useMemberTotal();
  const [sampleOpen, setSampleOpen] = React.useState(false);
  const count = data?.count;
  const share = count !== undefined && total.data && total.data.count > 0 ? count / total.data.count : undefined;

  return (
    <section
      aria-label={t("count.title")}
      className={cn("flex flex-col gap-3 rounded-lg border bg-card p-4", compact && "gap-2 p-3", className)}
    >
      <div
        data-testid="audience-count"
        data-state={state}
        data-count={state === "ready" && count !== undefined ? count : undefined}
        data-total={total.data?.count}
        aria-live="polite"
        aria-busy={state === "loading"}
        className="flex flex-col gap-1"
      >
        <div className="flex items-center gap-2 text-xs font-medium text-muted-foreground">
          <UsersIcon className="size-3.5" aria-hidden />
          {t("count.title")}
          {state === "loading" ? <Loader2 className="size-3.5 animate-spin" aria-label={t("count.loading")} /> : null}
        </div>
        {count === undefined && state !== "invalid" && state !== "error" ? (
          <Skeleton className="h-8 w-32" />
        ) : (
          <div className={cn("flex items-baseline gap-1.5 transition-opacity", state !== "ready" && "opacity-50")}>
            <span className={cn("font-semibold tracking-tight tabular-nums", compact ? "text-xl" : "text-3xl")} data-testid="audience-count-value">
              {count === undefined ? "—" : format.number(count)}
            </span>
            <span className="text-sm text-muted-foreground">{t("count.members", { count: count ?? 0 })}</span>
          </div>
        )}
        {share !== undefined && total.data ? (
          <>
            <div className="h-1.5 w-full overflow-hidden rounded-full bg-muted" aria-hidden>
              <div
                className={cn("h-full rounded-full bg-primary transition-[width] duration-300", state !== "ready" && "opacity-50")}
                style={{ width: `${Math.min(100, share * 100)}%` }}
              />
            </div>
            <p className="text-xs text-muted-foreground tabular-nums" data-testid="audience-count-share">
              {t("count.share", {
                share: format.number(share, { style: "percent", maximumFractionDigits: share < 0.01 && share > 0 ? 2 : 1 }),
                total: format.number(total.data.count),
              })}
              {data ? <span className="ml-1.5">· {t("count.ms", { ms: data.ms })}</span> : null}
            </p>
          </>
        ) : null}
        {state === "invalid" ? (
          <p className="flex items-center gap-1.5 text-xs text-warning-foreground" data-testid="audience-count-invalid">
            <CircleAlertIcon className="size-3.5 shrink-0" aria-hidden />
            {t("count.invalid")}
          </p>
        ) : state === "error" ? (
          <p className="flex items-center gap-1.5 text-xs text-destructive">
            <CircleAlertIcon className="size-3.5 shrink-0" aria-hidden />
            {t("count.error")}
          </p>
        ) : null}
      </div>

      <div className="border-t pt-2">
        <button
          type="button"
          aria-expanded={sampleOpen}
          aria-controls="audience-sample"
          onClick={() => setSampleOpen((o) => !o)}
          data-testid="audience-sample-toggle"
          className="flex w-full items-center justify-between rounded-md py-1 text-sm font-medium outline-none hover:text-foreground focus-visible:ring-[3px] focus-visible:ring-ring/40"
        >
          {t("sample.title")}
          <ChevronDownIcon className={cn("size-4 text-muted-foreground transition-transform", sampleOpen && "rotate-180")} aria-hidden />
        </button>
        {sampleOpen ? <SamplePanel tree={debounced} enabled={valid} /> : null}
      </div>
    </section>
  );
}

function SamplePanel({ tree, enabled }: { tree: ConditionTree; enabled: boolean }) {
  const t = useTranslations("audienceEditor");
  const trpc = useTRPC();
  const sample = useQuery({
    ...trpc.audiences.sample.queryOptions({ tree, limit: 10 }),
    enabled,
    placeholderData: keepPreviousData,
    staleTime: 30_000,
    retry: false,
  });
  return (
    <div id="audience-sample" data-testid="audience-sample" className="mt-2">
      {!enabled ? (
        <p className="py-2 text-xs text-muted-foreground">{t("count.invalid")}</p>
      ) : sample.isPending ? (
        <div className="flex flex-col gap-2 py-1">
          {Array.from({ length: 4 }, (_, i) => (
            <Skeleton key={i} className="h-8 w-full" />
          ))}
        </div>
      ) : (
        <MemberRows members={sample.data ?? []} dimmed={sample.isFetching} />
      )}
    </div>
  );
}

export type MemberRow = { id: number; externalId: string; name: string; city: string | null; tierId: string };

/** Name, city and tier of members, each linking to /members/[id]. */
export function MemberRows({ members, dimmed }: { members: readonly MemberRow[]; dimmed?: boolean }) {
  const t = useTranslations("audienceEditor");
  const locale = useLocale();
  const tiers = useFieldOptions({ source: "tiers" }, { serverSearch: false, search: "" });
  const tierName = (id: string) => {
    const o = tiers.options.find((x) => x.value === id);
    return o ? (locale === "en" ? (o.description ?? o.label) : o.label) : id;
  };
  if (members.length === 0) return <p className="py-2 text-xs text-muted-foreground">{t("sample.empty")}</p>;
  return (
    <ul className={cn("flex flex-col divide-y transition-opacity", dimmed && "opacity-60")}>
      {members.map((m) => (
        <li key={m.id} className="flex items-center gap-3 py-2 text-sm" data-testid="sample-member">
          <div className="flex min-w-0 flex-1 flex-col">
            <Link href={`/members/${m.id}`} className="truncate font-medium hover:underline">
              {m.name}
            </Link>
            <span className="truncate font-mono text-xs text-muted-foreground">{m.externalId}</span>
          </div>
          <span className="shrink-0 text-xs text-muted-foreground">{m.city ?? "—"}</span>
          <span className="shrink-0 rounded-md border px-1.5 py-0.5 text-xs">{tierName(m.tierId)}</span>
        </li>
      ))}
    </ul>
  );
}
