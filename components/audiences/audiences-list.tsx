"use client";

import { useState } from "react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ArchiveIcon, MoreHorizontalIcon, PlusIcon, SearchIcon, UsersRoundIcon } from "lucide-react";
import { useFormatter, useTranslations } from "use-intl";

import { useTRPC } from "@/trpc/react";
import { useDebouncedValue } from "@/lib/use-debounced-value";
import { Input } from "@/components/ui/input";
import { Button } from "@/components/ui/button";
import { useCan } from "@/components/shell/session-user";
import { Tabs, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { Pagination } from "@/components/ui/pagination";
import { Skeleton } from "@/components/ui/skeleton";
import { EmptyState } from "@/components/ui/empty-state";
import { DropdownMenu, DropdownMenuContent, DropdownMenuItem, DropdownMenuTrigger } from "@/components/ui/dropdown-menu";
import { toast } from "@/components/ui/toast";
import { ArchiveAudienceDialog, KindBadge } from "./audience-bits";

const PAGE_SIZE = 20;
type Kind = "all" | "condition" | "static";

export function AudiencesList() {
  const t = useTranslations("audienceEditor");
  // The server refuses changes to roles without "editAudiences"; the actions are not offered to them.
  const mayEdit = useCan("editAudiences");
  const format = useFormatter();
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [search, setSearch] = useState("");
  const [kind, setKind] = useState<Kind>("all");
  const [page, setPage] = useState(1);
  const [archiving, setArchiving] = useState<{ id: string; name: string } | null>(null);
  const debounced = useDebouncedValue(search.trim(), 300);

  const list = useQuery({
    ...trpc.audiences.list.queryOptions({ search: debounced || undefined, kind: kind === "all" ? undefined : kind, page, pageSize: PAGE_SIZE }),
    placeholderData: keepPreviousData,
  });
  const archive = useMutation(
    trpc.audiences.archive.mutationOptions({
      onSuccess: () => {
        toast.success(t("list.archived"));
        setArchiving(null);
        void queryClient.invalidateQueries({ queryKey: trpc.audiences.list.queryKey() });
      },
      onError: (e) => toast.error(t("form.saveFailed"), e.message),
    }),
  );

  const filtered = Boolean(debounced) || kind !== "all";
  const dateTime = (d: Date | null) => (d ? format.dateTime(d, { dateStyle: "medium", timeStyle: "short" }) : t("list.never"));

  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center gap-3">
        <div className="relative w-full max-w-sm">
          <SearchIcon className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-muted-foreground" />
          <Input
            type="search"
            value={search}
            onChange={(e) => {
              setSearch(e.target.value);
              setPage(1);
            }}
            placeholder={t("list.searchPlaceholder")}
            aria-label={t("list.searchPlaceholder")}
            className="pl-8"
          />
        </div>
        <Tabs
          value={kind}
          onValueChange={(v) => {
            setKind(v as Kind);
            setPage(1);
          }}
        >
          <TabsList variant="pill">
            <TabsTrigger value="all">{t("list.kindAll")}</TabsTrigger>
            <TabsTrigger value="condition">{t("kind.condition")}</TabsTrigger>
            <TabsTrigger value="static">{t("kind.static")}</TabsTrigger>
          </TabsList>
        </Tabs>
        {list.data ? (
          <span className="ml-auto text-sm text-muted-foreground" data-testid="audiences-total">
            {t("list.total", { count: list.data.total })}
          </span>
        ) : null}
      </div>

      {list.data && list.data.total === 0 && !filtered ? (
        <EmptyState
          icon={UsersRoundIcon}
          title={t("list.emptyTitle")}
          description={t("list.emptyDescription")}
          action={
            mayEdit ? (
              <>
                <Button variant="outline" asChild>
                  <Link href="/audiences/new?kind=static">{t("list.importCsv")}</Link>
                </Button>
                <Button asChild>
                  <Link href="/audiences/new">
                    <PlusIcon />
                    {t("list.newAudience")}
                  </Link>
                </Button>
              </>
            ) : undefined
          }
        />
      ) : (
        <div className="rounded-lg border bg-card">
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>{t("list.columns.name")}</TableHead>
                <TableHead>{t("list.columns.kind")}</TableHead>
                <TableHead className="text-right">{t("list.columns.size")}</TableHead>
                <TableHead>{t("list.columns.computed")}</TableHead>
                <TableHead>{t("list.columns.updated")}</TableHead>
                <TableHead className="w-12">
                  <span className="sr-only">{t("list.open")}</span>
                </TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {list.isPending
                ? Array.from({ length: 5 }, (_, i) => (
                    <TableRow key={i}>
                      <TableCell colSpan={6}>
                        <Skeleton className="h-5 w-full" />
                      </TableCell>
                    </TableRow>
                  ))
                : list.data?.items.map((a) => (
                    <TableRow key={a.id} className="cursor-pointer" onClick={() => router.push(`/audiences/${a.id}`)} data-testid="audience-row">
                      <TableCell className="max-w-md">
                        <Link href={`/audiences/${a.id}`} className="font-medium text-foreground hover:underline" onClick={(e) => e.stopPropagation()}>
                          {a.name}
                        </Link>
                        {a.description ? <div className="truncate text-xs text-muted-foreground">{a.description}</div> : null}
                      </TableCell>
                      <TableCell>
                        <KindBadge kind={a.kind} />
                      </TableCell>
                      <TableCell className="text-right tabular-nums" data-testid="audience-row-size">
                        {a.size === null ? "—" : format.number(a.size)}
                      </TableCell>
                      <TableCell className="text-muted-foreground">{dateTime(a.computedAt)}</TableCell>
                      <TableCell className="text-muted-foreground">{dateTime(a.updatedAt)}</TableCell>
                      <TableCell onClick={(e) => e.stopPropagation()}>
                        <DropdownMenu>
                          <DropdownMenuTrigger asChild>
                            <Button variant="ghost" size="icon-sm" aria-label={t("list.archive")}>
                              <MoreHorizontalIcon />
                            </Button>
                          </DropdownMenuTrigger>
                          <DropdownMenuContent align="end">
                            <DropdownMenuItem asChild>
                              <Link href={`/audiences/${a.id}`}>{t("list.open")}</Link>
                            </DropdownMenuItem>
                            <DropdownMenuItem onSelect={() => setArchiving({ id: a.id, name: a.name })} className="text-destructive" hidden={!mayEdit}>
                              <ArchiveIcon />
                              {t("list.archive")}
                            </DropdownMenuItem>
                          </DropdownMenuContent>
                        </DropdownMenu>
                      </TableCell>
                    </TableRow>
                  ))}
            </TableBody>
          </Table>
          {list.data && list.data.items.length === 0 ? (
            <EmptyState size="inline" icon={SearchIcon} title={t("list.noMatchTitle")} description={t("list.noMatchDescription")} className="border-0" />
          ) : null}
        </div>
      )}

      {list.data && list.data.total > PAGE_SIZE ? <Pagination page={page} pageSize={PAGE_SIZE} total={list.data.total} onPageChange={setPage} /> : null}

      <ArchiveAudienceDialog
        audienceId={archiving?.id ?? null}
        name={archiving?.name ?? ""}
        open={archiving !== null}
        onOpenChange={(open) => (open ? null : setArchiving(null))}
        loading={archive.isPending}
        onConfirm={() => archiving && archive.mutate({ id: archiving.id })}
      />
    </div>
  );
}
