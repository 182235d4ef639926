"use client";

import * as React from "react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ArchiveIcon, ArrowLeftIcon, RefreshCwIcon } from "lucide-react";
import { useFormatter, useTranslations } from "use-intl";

import { cn } from "@/lib/utils";
import { useTRPC, type RouterOutputs } from "@/trpc/react";
import { PageBody, PageHeader } from "@/components/shell/page-header";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Textarea } from "@/components/ui/textarea";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { toast } from "@/components/ui/toast";
import { checkConditionTree, conditionGroupSchema, emptyConditionTree, type ConditionTree } from "@/server/audiences/condition";
import { ConditionEditor } from "./condition-editor";
import { AudienceCount, MemberRows } from "./audience-count";
import { useAudienceSaved } from "./use-audience-saved";
import { useCan } from "@/components/shell/session-user";
import { ArchiveAudienceDialog, KindBadge } from "./audience-bits";

export type AudienceDto = RouterOutputs["audiences"]["get"];

/** JSON with sorted keys: the database (jsonb) does not keep key order. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );
}

function treeOf(condition: unknown): ConditionTree {
  const parsed = conditionGroupSchema.safeParse(condition);
  return parsed.success ? parsed.data : emptyConditionTree();
}

function BackLink() {
  const t = useTranslations("audienceEditor");
  return (
    <Link href="/audiences" className="inline-flex items-center gap-1 hover:text-foreground">
      <ArrowLeftIcon className="size-3.5" aria-hidden />
      {t("form.back")}
    </Link>
  );
}

/** Name and description. */
function DetailsCard({
  name,
  description,
  onName,
  onDescription,
  showNameError,
}: {
  name: string;
  description: string;
  onName: (v: string) => void;
  onDescription: (v: string) => void;
  showNameError: boolean;
}) {
  const t = useTranslations("audienceEditor");
  const nameId = React.useId();
  const descriptionId = React.useId();
  return (
    <Card>
      <CardHeader>
        <CardTitle>{t("form.details")}</CardTitle>
      </CardHeader>
      <CardContent className="flex flex-col gap-4">
        <div className="flex flex-col gap-1.5">
          <Label htmlFor={nameId}>{t("form.name")}</Label>
          <Input
            id={nameId}
            value={name}
            maxLength={120}
            onChange={(e) => onName(e.target.value)}
            placeholder={t("form.namePlaceholder")}
            aria-invalid={showNameError || undefined}
            data-testid="audience-name"
          />
          {showNameError ? <p className="text-xs text-destructive">{t("form.nameRequired")}</p> : null}
        </div>
        <div className="flex flex-col gap-1.5">
          <Label htmlFor={descriptionId}>{t("form.description")}</Label>
          <Textarea
            id={descriptionId}
            value={description}
            maxLength={2000}
            rows={2}
            onChange={(e) => onDescription(e.target.value)}
            placeholder={t("form.descriptionPlaceholder")}
            data-testid="audience-description"
          />
        </div>
      </CardContent>
    </Card>
  );
}

/** Saved size, when it was computed, and a refresh button. */
function SavedSize({ audience }: { audience: AudienceDto }) {
  const t = useTranslations("audienceEditor");
  const format = useFormatter();
  const trpc = useTRPC();
  const saved = useAudienceSaved();
  // Saving, refreshing and archiving are for roles that edit audiences; the server refuses the others regardless.
  const mayEdit = useCan("editAudiences");
  const refresh = useMutation(
    trpc.audiences.refreshSize.mutationOptions({
      onSuccess: (a) => {
        saved(a);
        toast.success(t("form.refreshed"));
      },
      onError: (e) => toast.error(t("form.saveFailed"), e.message),
    }),
  );
  return (
    <div className="flex flex-col gap-1">
      <div className="text-xs font-medium text-muted-foreground">{t("form.savedSize")}</div>
      <div className="text-2xl font-semibold tabular-nums" data-testid="audience-size" data-size={audience.size ?? undefined}>
        {audience.size === null ? "—" : format.number(audience.size)}
      </div>
      <div className="text-xs text-muted-foreground">
        {audience.computedAt ? t("form.computedAt", { when: format.dateTime(audience.computedAt, { dateStyle: "medium", timeStyle: "short" }) }) : t("form.notComputed")}
      </div>
      {mayEdit ? (
        <Button
          variant="outline"
          size="sm"
          className="mt-2 w-fit"
          loading={refresh.isPending}
          onClick={() => refresh.mutate({ id: audience.id })}
          disabled={Boolean(audience.archivedAt)}
          data-testid="audience-refresh"
        >
          {refresh.isPending ? null : <RefreshCwIcon />}
          {t("form.refresh")}
        </Button>
      ) : null}
    </div>
  );
}

function useArchive(audience: AudienceDto | undefined) {
  const t = useTranslations("audienceEditor");
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const mayEdit = useCan("editAudiences");
  const [open, setOpen] = React.useState(false);
  const archive = useMutation(
    trpc.audiences.archive.mutationOptions({
      onSuccess: () => {
        toast.success(t("list.archived"));
        void queryClient.invalidateQueries({ queryKey: trpc.audiences.list.queryKey() });
        router.push("/audiences");
      },
      onError: (e) => toast.error(t("form.saveFailed"), e.message),
    }),
  );
  const button =
    mayEdit && audience && !audience.archivedAt ? (
      <Button variant="outline" onClick={() => setOpen(true)} data-testid="audience-archive">
        <ArchiveIcon />
        {t("form.archive")}
      </Button>
    ) : null;
  const dialog = audience ? (
    <ArchiveAudienceDialog audienceId={audience.id} name={audience.name} open={open} onOpenChange={setOpen} loading={archive.isPending} onConfirm={() => archive.mutate({ id: audience.id })} />
  ) : null;
  return { button, dialog };
}

function useWarnUnsaved(dirty: boolean) {
  React.useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener("beforeunload", onBeforeUnload);
    return () => window.removeEventListener("beforeunload", onBeforeUnload);
  }, [dirty]);
}

/**
 * The condition audience editor: name, description, the condition tree with the live count and
 * a sample; creates (`audience` undefined) or updates.
 */
export function ConditionAudienceForm({ audience, headerExtra }: { audience?: AudienceDto; headerExtra?: React.ReactNode }) {
  const t = useTranslations("audienceEditor");
  const trpc = useTRPC();
  const router = useRouter();
  const saved = useAudienceSaved();
  const [name, setName] = React.useState(audience?.name ?? "");
  const [description, setDescription] = React.useState(audience?.description ?? "");
  const [tree, setTree] = React.useState<ConditionTree>(() => treeOf(audience?.condition));
  const [attempted, setAttempted] = React.useState(false);
  const { button: archiveButton, dialog: archiveDialog } = useArchive(audience);
  const mayEdit = useCan("editAudiences");

  const treeValid = React.useMemo(() => checkConditionTree(tree).length === 0, [tree]);
  const nameValid = name.trim().length > 0;
  const dirty = audience
    ? name !== audience.name || description !== audience.description || stableJson(tree) !== stableJson(treeOf(audience.condition))
    : name.trim() !== "" || description !== "" || tree.children.length > 0;
  useWarnUnsaved(mayEdit && dirty);

  const onError = (e: { message: string }) => toast.error(t("form.saveFailed"), e.message);
  const create = useMutation(
    trpc.audiences.create.mutationOptions({
      onSuccess: (a) => {
        saved(a);
        toast.success(t("form.saved"));
        router.push(`/audiences/${a.id}`);
      },
      onError,
    }),
  );
  const update = useMutation(
    trpc.audiences.update.mutationOptions({
      onSuccess: (a) => {
        saved(a);
        toast.success(t("form.saved"));
      },
      onError,
    }),
  );
  const pending = create.isPending || update.isPending;

  const save = () => {
    if (!mayEdit) return;
    setAttempted(true);
    if (!nameValid || !treeValid) return;
    if (audience) {
      update.mutate({ id: audience.id, name: name.trim(), description, condition: tree });
    } else {
      create.mutate({ kind: "condition", name: name.trim(), description, condition: tree, origin: "editor" });
    }
  };

  const onSubmit = (e: React.FormEvent) => {
    e.preventDefault();
    save();
  };

  return (
    <form onSubmit={onSubmit} noValidate className="contents">
      <PageHeader
        eyebrow={<BackLink />}
        title={audience ? audience.name : t("form.newTitle")}
        description={audience ? undefined : t("form.newDescription")}
        titleAddon={
          audience ? (
            <span className="flex items-center gap-2">
              <KindBadge kind="condition" />
              {audience.archivedAt ? <Badge variant="warning">{t("form.archivedBadge")}</Badge> : null}
            </span>
          ) : undefined
        }
        actions={
          <>
            {archiveButton}
            {mayEdit ? (
              <Button type="submit" loading={pending} disabled={audience ? !dirty : false} data-testid="audience-save">
                {audience ? t("form.save") : t("form.create")}
              </Button>
            ) : null}
          </>
        }
      >
        {headerExtra}
      </PageHeader>
      <PageBody>
        <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_20rem] xl:grid-cols-[minmax(0,1fr)_22rem]">
          <div className="flex min-w-0 flex-col gap-6">
            <DetailsCard name={name} description={description} onName={setName} onDescription={setDescription} showNameError={attempted && !nameValid} />
            <section className="flex flex-col gap-3" aria-labelledby="audience-conditions-title">
              <div className="flex flex-col gap-0.5">
                <h2 id="audience-conditions-title" className="text-base font-semibold">
                  {t("form.conditions")}
                </h2>
                <p className="text-sm text-muted-foreground">{t("form.conditionsHint")}</p>
              </div>
              <ConditionEditor value={tree} onChange={setTree} showCount={false} />
            </section>
          </div>
          <aside className="flex flex-col gap-4 self-start lg:sticky lg:top-4">
            <AudienceCount tree={tree} />
            {audience || (attempted && !treeValid) ? (
              <Card>
                <CardContent className="flex flex-col gap-3 p-4">
                  {audience ? (
                    <p className={cn("text-xs", dirty ? "font-medium text-warning-foreground" : "text-muted-foreground")} data-testid="audience-dirty" data-dirty={dirty}>
                      {dirty ? t("form.unsaved") : t("form.upToDate")}
                    </p>
                  ) : null}
                  {attempted && !treeValid ? <p className="text-xs text-destructive">{t("form.fixConditions")}</p> : null}
                  {audience ? <SavedSize audience={audience} /> : null}
                </CardContent>
              </Card>
            ) : null}
          </aside>
        </div>
      </PageBody>
      {archiveDialog}
    </form>
  );
}

/** A static audience: its name and description, size, and the first members. */
export function StaticAudienceView({ audience }: { audience: AudienceDto }) {
  const t = useTranslations("audienceEditor");
  const trpc = useTRPC();
  const saved = useAudienceSaved();
  const [name, setName] = React.useState(audience.name);
  const [description, setDescription] = React.useState(audience.description);
  const { button: archiveButton, dialog: archiveDialog } = useArchive(audience);
  const mayEdit = useCan("editAudiences");
  const dirty = name !== audience.name || description !== audience.description;
  const members = useQuery(trpc.audiences.sample.queryOptions({ audienceId: audience.id, limit: 100 }));
  const update = useMutation(
    trpc.audiences.update.mutationOptions({
      onSuccess: (a) => {
        saved(a);
        toast.success(t("form.saved"));
      },
      onError: (e) => toast.error(t("form.saveFailed"), e.message),
    }),
  );
  return (
    <form
      className="contents"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (mayEdit && name.trim()) update.mutate({ id: audience.id, name: name.trim(), description });
      }}
    >
      <PageHeader
        eyebrow={<BackLink />}
        title={audience.name}
        titleAddon={
          <span className="flex items-center gap-2">
            <KindBadge kind="static" />
            {audience.archivedAt ? <Badge variant="warning">{t("form.archivedBadge")}</Badge> : null}
          </span>
        }
        description={t("form.origin", { origin: audience.origin })}
        actions={
          <>
            {archiveButton}
            {mayEdit ? (
              <Button type="submit" loading={update.isPending} disabled={!dirty || !name.trim()} data-testid="audience-save">
                {t("form.save")}
              </Button>
            ) : null}
          </>
        }
      />
      <PageBody>
        <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_20rem] xl:grid-cols-[minmax(0,1fr)_22rem]">
          <div className="flex min-w-0 flex-col gap-6">
            <DetailsCard name={name} description={description} onName={setName} onDescription={setDescription} showNameError={!name.trim()} />
            <Card>
              <CardHeader>
                <CardTitle>{t("static.title")}</CardTitle>
                {members.data ? <CardDescription>{t("static.showing", { count: members.data.length })}</CardDescription> : null}
              </CardHeader>
              <CardContent data-testid="static-members">
                {members.isPending ? (
                  <div className="flex flex-col gap-2">
                    {Array.from({ length: 5 }, (_, i) => (
                      <Skeleton key={i} className="h-8 w-full" />
                    ))}
                  </div>
                ) : (
                  <MemberRows members={members.data ?? []} />
                )}
              </CardContent>
            </Card>
          </div>
          <aside className="flex flex-col gap-4 self-start lg:sticky lg:top-4">
            <Card>
              <CardContent className="p-4">
                <SavedSize audience={audience} />
              </CardContent>
            </Card>
          </aside>
        </div>
      </PageBody>
      {archiveDialog}
    </form>
  );
}

/** /audiences/[id]: the saved audience, kept fresh in the query cache. */
export function AudienceDetail({ initial }: { initial: AudienceDto }) {
  const trpc = useTRPC();
  const { data } = useQuery({ ...trpc.audiences.get.queryOptions({ id: initial.id }), initialData: initial });
  const audience = data ?? initial;
  return audience.kind === "condition" ? <ConditionAudienceForm audience={audience} /> : <StaticAudienceView audience={audience} />;
}
