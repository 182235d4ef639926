"use client";

import Link from "next/link";
import { useRef, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { GalleryHorizontalIcon, PlusIcon, TriangleAlertIcon, UploadIcon } from "lucide-react";
import { useFormatter, useLocale, useTranslations } from "use-intl";

import { useTRPC } from "@/trpc/react";
import { contentImagePath, creativeInput, creativeStatus, imageTypes, maxImageBytes, uploadErrorCodes, type CreativeInput, type UploadErrorCode } from "@/server/content/banner-schema";
import { localizeSchemaMessage } from "@/lib/i18n/schema-messages";
import { BannerPreview, fitNotes } from "@/components/content/banner-preview";
import { placementName } from "@/components/content/banner-placements";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { useCan } from "@/components/shell/session-user";
import { EmptyState } from "@/components/ui/empty-state";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Sheet, SheetContent, SheetDescription, SheetHeader, SheetTitle } from "@/components/ui/sheet";
import { Switch } from "@/components/ui/switch";

type Uploaded = { id: string; width: number; height: number; bytes: number; contentType: string; originalName: string };
type Draft = {
  name: string;
  placementId: string;
  imageKind: "upload" | "url";
  upload: Uploaded | null;
  url: string;
  title: string;
  link: string;
  validityKind: "days" | "range";
  days: string;
  from: string;
  to: string;
};
const ALL = "__all";

const num = (s: string) => (s.trim() === "" ? Number.NaN : Number(s));
/** A datetime-local value (the browser's time zone) as an ISO time, and back. */
const isoOf = (local: string) => (local ? new Date(local).toISOString() : "");
const localOf = (iso: string) => new Date(new Date(iso).getTime() - new Date(iso).getTimezoneOffset() * 60_000).toISOString().slice(0, 16);

function toInput(d: Draft): CreativeInput {
  return {
    name: d.name,
    placementId: d.placementId,
    image: d.imageKind === "upload" ? { kind: "upload", imageId: d.upload?.id ?? "" } : { kind: "url", url: d.url.trim() },
    title: d.title,
    link: d.link.trim(),
    validity: d.validityKind === "days" ? { kind: "days", days: num(d.days) } : { kind: "range", from: isoOf(d.from), to: isoOf(d.to) },
  };
}

/** Sends one file to the upload route; answers the image or the reason it was refused. */
async function upload(file: File): Promise<{ image: Uploaded } | { refused: UploadErrorCode | "failed" }> {
  if (file.size > maxImageBytes) return { refused: "too_large" };
  const form = new FormData();
  form.append("file", file);
  try {
    const response = await fetch("/api/content/images", { method: "POST", body: form });
    const body = (await response.json().catch(() => null)) as (Uploaded & { error?: { code?: string } }) | null;
    if (response.ok && body) return { image: body };
    const code = body?.error?.code;
    return { refused: (uploadErrorCodes as readonly string[]).includes(code ?? "") ? (code as UploadErrorCode) : "failed" };
  } catch {
    return { refused: "failed" };
  }
}

/** The creatives: each previewed in its placement's frame, with its live figures; a sheet to create or edit one. */
export function BannerCreatives() {
  // The server refuses edits to roles without "editContent"; the buttons are not offered to them.
  const mayEdit = useCan("editContent");
  const t = useTranslations("contentBanners.creatives");
  const locale = useLocale();
  const format = useFormatter();
  const trpc = useTRPC();
  const [archived, setArchived] = useState(false);
  const [placementId, setPlacementId] = useState(ALL);
  const [editing, setEditing] = useState<{ id: string | null } | null>(null);
  const placements = useQuery(trpc.content.banners.placements.queryOptions({ archived: true }));
  const list = useQuery(trpc.content.banners.creatives.queryOptions({ archived, placementId: placementId === ALL ? undefined : placementId }));
  const filtered = placements.data?.find((p) => p.id === placementId);
  const filterLabel = filtered ? placementName(filtered, locale) : t("allPlacements");
  const percent = (v: number | null) => (v === null ? "—" : format.number(v, { style: "percent", maximumFractionDigits: 1 }));

  return (
    <section className="space-y-3" data-testid="banner-creatives">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h2 className="text-lg font-semibold">{t("title")}</h2>
          <p className="text-muted-foreground max-w-3xl text-sm">{t("description")}</p>
        </div>
        <div className="flex flex-wrap items-center gap-4">
          <Select value={placementId} onValueChange={setPlacementId}>
            <SelectTrigger className="w-56" aria-label={t("filterPlacement")} data-testid="creatives-placement-filter">
              <SelectValue>{filterLabel}</SelectValue>
            </SelectTrigger>
            <SelectContent>
              <SelectItem value={ALL}>{t("allPlacements")}</SelectItem>
              {placements.data?.map((p) => (
                <SelectItem key={p.id} value={p.id}>
                  {placementName(p, locale)}
                </SelectItem>
              ))}
            </SelectContent>
          </Select>
          <label className="flex items-center gap-2 text-sm">
            <Switch checked={archived} onCheckedChange={setArchived} data-testid="creatives-show-archived" />
            {t("showArchived")}
          </label>
          <Button data-testid="new-creative" hidden={!mayEdit} onClick={() => setEditing({ id: null })}>
            <PlusIcon /> {t("new")}
          </Button>
        </div>
      </div>

      {list.isPending && <p className="text-muted-foreground text-sm">{t("loading")}</p>}
      {list.data && list.data.length === 0 ? (
        <EmptyState size="inline" icon={GalleryHorizontalIcon} title={t("emptyTitle")} description={t("emptyDescription")} />
      ) : (
        <ul className="grid gap-4 md:grid-cols-2 xl:grid-cols-3" data-testid="creatives-list">
          {list.data?.map((c) => (
            <li key={c.id}>
              <button
                type="button"
                className="hover:border-primary/60 focus-visible:ring-ring/40 flex h-full w-full flex-col gap-3 rounded-lg border p-3 text-left transition-colors outline-none focus-visible:ring-[3px]"
                data-testid={`creative-${c.name}`}
                data-id={c.id}
                onClick={() => setEditing({ id: c.id })}
              >
                <div className="flex h-36 w-full items-center justify-center">
                  <BannerPreview compact placement={{ ...c.placement, name: placementName(c.placement, locale) }} src={c.imageSrc} title={c.title} link={c.link} maxHeight={144} className="w-full [&>div]:mx-auto" />
                </div>
                <div className="min-w-0 space-y-1">
                  <div className="flex items-start justify-between gap-2">
                    <span className="truncate font-medium">{c.name}</span>
                    <StatusBadge status={c.status} archived={!!c.archivedAt} />
                  </div>
                  <p className="text-muted-foreground truncate text-xs">
                    {placementName(c.placement, locale)} · {c.placement.width}×{c.placement.height} · {validityText(t, format, c.validity)}
                  </p>
                </div>
                <dl className="grid grid-cols-4 gap-2 border-t pt-2 text-xs">
                  {(
                    [
                      ["shown", format.number(c.figures.shown)],
                      ["clicked", format.number(c.figures.clicked)],
                      ["clickRate", percent(c.figures.clickRate)],
                      ["activeNow", format.number(c.figures.activeNow)],
                    ] as const
                  ).map(([key, value]) => (
                    <div key={key} className="min-w-0">
                      <dt className="text-muted-foreground truncate">{t(`figure_${key}`)}</dt>
                      <dd className="font-medium tabular-nums" data-testid={`creative-figure-${key}`}>{value}</dd>
                    </div>
                  ))}
                </dl>
                <p className="text-muted-foreground truncate text-xs" data-testid="creative-flows">
                  {c.flows.length === 0 ? t("noFlows") : t("usedBy", { flows: c.flows.map((f) => f.name).join(", ") })}
                </p>
              </button>
            </li>
          ))}
        </ul>
      )}

      <Sheet open={!!editing} onOpenChange={(open) => !open && setEditing(null)}>
        <SheetContent className="w-full overflow-y-auto sm:max-w-2xl">
          <SheetHeader>
            <SheetTitle>{editing?.id ? t("edit") : t("new")}</SheetTitle>
            <SheetDescription>{editing?.id ? t("editDescription") : t("newDescription")}</SheetDescription>
          </SheetHeader>
          {editing && <CreativeForm key={editing.id ?? "new"} id={editing.id} defaultPlacementId={placementId === ALL ? null : placementId} onDone={() => setEditing(null)} />}
        </SheetContent>
      </Sheet>
    </section>
  );
}

type Translate = ReturnType<typeof useTranslations<"contentBanners.creatives">>;
type Validity = { kind: "days"; days: number } | { kind: "range"; from: string; to: string };
function validityText(t: Translate, format: ReturnType<typeof useFormatter>, v: Validity) {
  if (v.kind === "days") return t("validDays", { days: v.days });
  return format.dateTimeRange(new Date(v.from), new Date(v.to), { dateStyle: "medium", timeStyle: "short" });
}

function StatusBadge({ status, archived }: { status: "running" | "scheduled" | "ended"; archived: boolean }) {
  const t = useTranslations("contentBanners.creatives");
  if (archived) return <Badge variant="muted">{t("archived")}</Badge>;
  return <Badge variant={status === "running" ? "success" : status === "scheduled" ? "info" : "muted"}>{t(`status_${status}`)}</Badge>;
}

function CreativeForm({ id, defaultPlacementId, onDone }: { id: string | null; defaultPlacementId: string | null; onDone: () => void }) {
  const mayEdit = useCan("editContent");
  const t = useTranslations("contentBanners.creatives");
  const locale = useLocale();
  const format = useFormatter();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const fileInput = useRef<HTMLInputElement>(null);
  const existing = useQuery({ ...trpc.content.banners.creative.queryOptions({ id: id ?? "" }), enabled: id !== null });
  const placements = useQuery(trpc.content.banners.placements.queryOptions({ archived: true }));
  const [draft, setDraft] = useState<Draft | null>(
    id === null
      ? { name: "", placementId: defaultPlacementId ?? "", imageKind: "upload", upload: null, url: "", title: "", link: "/", validityKind: "days", days: "7", from: "", to: "" }
      : null,
  );
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [uploading, setUploading] = useState(false);
  const [dragging, setDragging] = useState(false);

  if (draft === null && existing.data) {
    const e = existing.data;
    setDraft({
      name: e.name,
      placementId: e.placementId,
      imageKind: e.imageId ? "upload" : "url",
      upload: e.image,
      url: e.imageUrl ?? "",
      title: e.title,
      link: e.link,
      validityKind: e.validity.kind,
      days: e.validity.kind === "days" ? String(e.validity.days) : "7",
      from: e.validity.kind === "range" ? localOf(e.validity.from) : "",
      to: e.validity.kind === "range" ? localOf(e.validity.to) : "",
    });
  }

  // A new creative starts on the first placement in use, so the preview has a frame at once.
  const firstPlacement = placements.data?.find((p) => !p.archivedAt);
  if (draft && id === null && draft.placementId === "" && firstPlacement) setDraft({ ...draft, placementId: firstPlacement.id });

  const done = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.content.banners.creatives.queryKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.content.banners.creative.queryKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.content.banners.placements.queryKey() });
    onDone();
  };
  // The server's refusals that name a field land on it, in the reader's language.
  const onError = (error: { data?: { domainError?: { code: string; details: unknown } | null } | null }) => {
    const field = (error.data?.domainError?.details as { field?: string } | null)?.field;
    if (field === "placementId") setErrors({ placementId: error.data?.domainError?.code === "archived" ? t("placementArchived") : t("placementMissing") });
    if (field === "image") setErrors({ image: t("imageMissing") });
  };
  const create = useMutation(trpc.content.banners.createCreative.mutationOptions({ onSuccess: done, onError }));
  const update = useMutation(trpc.content.banners.updateCreative.mutationOptions({ onSuccess: done, onError }));
  const archive = useMutation(trpc.content.banners.archiveCreative.mutationOptions({ onSuccess: done }));
  if (!draft) return <p className="text-muted-foreground px-4 text-sm">{t("loading")}</p>;

  const set = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch });
  const error = (path: string) => errors[path] && <p className="text-destructive text-xs" data-testid={`error-${path}`}>{errors[path]}</p>;
  const save = () => {
    const parsed = creativeInput.safeParse(toInput(draft));
    if (!parsed.success) {
      const byPath: Record<string, string> = {};
      for (const issue of parsed.error.issues) {
        // Both image kinds report on one place in the form.
        const path = issue.path[0] === "image" ? "image" : issue.path.join(".");
        byPath[path] ??= localizeSchemaMessage(issue.message)[locale];
      }
      setErrors(byPath);
      return;
    }
    setErrors({});
    if (id) update.mutate({ id, creative: parsed.data });
    else create.mutate(parsed.data);
  };
  const pick = async (file: File | undefined) => {
    if (!file) return;
    setUploading(true);
    const result = await upload(file);
    setUploading(false);
    if ("image" in result) {
      setDraft((d) => d && { ...d, upload: result.image, imageKind: "upload", name: d.name || file.name.replace(/\.[^.]+$/, "").slice(0, 80) });
      setErrors(({ image: _image, ...rest }) => rest);
    } else setErrors((e) => ({ ...e, image: t(`upload_${result.refused}`, { mb: maxImageBytes / 1024 / 1024 }) }));
  };

  const e = existing.data;
  // A flow's own creative: what its node describes is edited there (the server refuses it here too).
  const inline = !!e?.sourceFlowId;
  const choices = placements.data?.filter((p) => !p.archivedAt || p.id === draft.placementId) ?? [];
  const placement = placements.data?.find((p) => p.id === draft.placementId) ?? null;
  const src = draft.imageKind === "upload" ? (draft.upload ? contentImagePath(draft.upload.id) : null) : /^https:\/\/\S+$/.test(draft.url.trim()) ? draft.url.trim() : null;
  const notes = draft.imageKind === "upload" ? fitNotes(draft.upload, placement) : [];
  const failure = create.error ?? update.error ?? archive.error;
  const fixedStatus = draft.validityKind === "range" && draft.from && draft.to ? creativeStatus({ kind: "range", from: isoOf(draft.from), to: isoOf(draft.to) }) : null;

  return (
    <form
      className="grid gap-6 px-4 pb-6"
      data-testid="creative-form"
      onSubmit={(event) => {
        event.preventDefault();
        save();
      }}
    >
      {/* Kept in view while the fields below are edited. */}
      <div className="bg-background sticky top-0 z-10 -mx-4 border-b px-4 pt-1 pb-3">
        <h3 className="mb-2 text-sm font-semibold">{t("previewTitle")}</h3>
        <BannerPreview placement={placement && { ...placement, name: placementName(placement, locale) }} src={src} title={draft.title} link={draft.link} maxHeight={200} />
      </div>

      {inline && (
        <p className="rounded-md border border-sky-300 bg-sky-50 p-3 text-sm dark:bg-sky-950" data-testid="cr-inline-note">
          {t("inlineNote")}{" "}
          <Link className="underline" href={`/flows/${e!.sourceFlowId}`}>
            {t("openFlow")}
          </Link>
        </p>
      )}
      <div className="grid grid-cols-2 gap-3">
        <div className="space-y-1.5">
          <Label htmlFor="cr-name">{t("name")}</Label>
          <Input id="cr-name" data-testid="cr-name" value={draft.name} placeholder={t("namePlaceholder")} onChange={(ev) => set({ name: ev.target.value })} />
          {error("name")}
        </div>
        <div className="space-y-1.5">
          <Label htmlFor="cr-placement">{t("placement")}</Label>
          <Select disabled={inline} value={draft.placementId} onValueChange={(placementId) => set({ placementId })}>
            <SelectTrigger id="cr-placement" className="w-full" data-testid="cr-placement">
              <SelectValue placeholder={t("pickPlacement")}>{placement && `${placementName(placement, locale)} · ${placement.width}×${placement.height}`}</SelectValue>
            </SelectTrigger>
            <SelectContent>
              {choices.map((p) => (
                <SelectItem key={p.id} value={p.id} data-testid={`cr-placement-${p.id}`}>
                  {placementName(p, locale)} · {p.width}×{p.height}
                </SelectItem>
              ))}
            </SelectContent>
          </Select>
          {error("placementId")}
        </div>
      </div>

      <fieldset className="space-y-2" disabled={inline}>
        <legend className="text-sm font-medium">{t("image")}</legend>
        <div className="flex gap-2">
          {(["upload", "url"] as const).map((kind) => (
            <Button key={kind} type="button" size="sm" variant={draft.imageKind === kind ? "default" : "outline"} onClick={() => set({ imageKind: kind })}>
              {t(`image_${kind}`)}
            </Button>
          ))}
        </div>
        {draft.imageKind === "upload" ? (
          <div
            className={`flex flex-wrap items-center gap-3 rounded-md border border-dashed p-3 ${dragging ? "border-primary bg-primary/5" : ""}`}
            onDragOver={(ev) => {
              ev.preventDefault();
              setDragging(true);
            }}
            onDragLeave={() => setDragging(false)}
            onDrop={(ev) => {
              ev.preventDefault();
              setDragging(false);
              void pick(ev.dataTransfer.files[0]);
            }}
          >
            <input
              ref={fileInput}
              type="file"
              className="sr-only"
              accept={imageTypes.join(",")}
              data-testid="cr-file"
              aria-label={t("chooseFile")}
              onChange={(ev) => {
                void pick(ev.target.files?.[0]);
                ev.target.value = "";
              }}
            />
            <Button type="button" variant="outline" size="sm" disabled={uploading} onClick={() => fileInput.current?.click()}>
              <UploadIcon /> {uploading ? t("uploading") : draft.upload ? t("replaceFile") : t("chooseFile")}
            </Button>
            <div className="min-w-0 flex-1 text-xs" data-testid="cr-upload-info">
              {draft.upload ? (
                <>
                  <p className="truncate font-medium">{draft.upload.originalName || draft.upload.id}</p>
                  <p className="text-muted-foreground tabular-nums">
                    {draft.upload.width}×{draft.upload.height} · {draft.upload.contentType.replace("image/", "").toUpperCase()} · {format.number(draft.upload.bytes / 1024, { maximumFractionDigits: 0 })} KB
                  </p>
                </>
              ) : (
                <p className="text-muted-foreground">
                  {t("uploadHint", { mb: maxImageBytes / 1024 / 1024 })} {placement && t("madeFor", { size: `${placement.width}×${placement.height}` })}
                </p>
              )}
            </div>
          </div>
        ) : (
          <Input data-testid="cr-url" value={draft.url} placeholder="https://cdn.example.com/banner.jpg" onChange={(ev) => set({ url: ev.target.value })} />
        )}
        {notes.map((note) => (
          <p key={note} className="flex items-center gap-1.5 text-xs text-amber-700 dark:text-amber-400" data-testid={`cr-fit-${note}`}>
            <TriangleAlertIcon className="size-3.5 shrink-0" aria-hidden />
            {t(`fit_${note}`, { image: `${draft.upload!.width}×${draft.upload!.height}`, placement: `${placement!.width}×${placement!.height}` })}
          </p>
        ))}
        {error("image")}
      </fieldset>

      <div className="grid grid-cols-2 gap-3">
        <div className="space-y-1.5">
          <Label htmlFor="cr-title">{t("titleLabel")}</Label>
          <Input id="cr-title" data-testid="cr-title" disabled={inline} value={draft.title} maxLength={60} placeholder={t("titlePlaceholder")} onChange={(ev) => set({ title: ev.target.value })} />
          <p className="text-muted-foreground text-xs">{t("titleHint", { left: 60 - draft.title.length })}</p>
          {error("title")}
        </div>
        <div className="space-y-1.5">
          <Label htmlFor="cr-link">{t("link")}</Label>
          <Input id="cr-link" data-testid="cr-link" disabled={inline} value={draft.link} placeholder="/coupons" onChange={(ev) => set({ link: ev.target.value })} />
          <p className="text-muted-foreground text-xs">{t("linkHint")}</p>
          {error("link")}
        </div>
      </div>

      <fieldset className="space-y-2" disabled={inline}>
        <legend className="text-sm font-medium">{t("validity")}</legend>
        <div className="flex gap-2">
          {(["days", "range"] as const).map((kind) => (
            <Button key={kind} type="button" size="sm" variant={draft.validityKind === kind ? "default" : "outline"} onClick={() => set({ validityKind: kind })}>
              {t(`validity_${kind}`)}
            </Button>
          ))}
        </div>
        {draft.validityKind === "days" ? (
          <div className="flex items-center gap-2">
            <Input className="w-24" data-testid="cr-days" inputMode="numeric" value={draft.days} onChange={(ev) => set({ days: ev.target.value })} />
            <span className="text-sm">{t("daysFromShowing")}</span>
          </div>
        ) : (
          <div className="grid grid-cols-2 gap-3">
            <Input type="datetime-local" aria-label={t("from")} data-testid="cr-from" value={draft.from} onChange={(ev) => set({ from: ev.target.value })} />
            <Input type="datetime-local" aria-label={t("to")} data-testid="cr-to" value={draft.to} onChange={(ev) => set({ to: ev.target.value })} />
          </div>
        )}
        {fixedStatus && fixedStatus !== "running" && <p className="text-muted-foreground text-xs">{t(`rangeNote_${fixedStatus}`)}</p>}
        {error("validity.days")}
        {error("validity.from")}
        {error("validity.to")}
      </fieldset>

      {failure && !errors.placementId && !errors.image && <p className="text-destructive text-sm">{failure.message}</p>}
      <div className="flex items-center gap-2">
        <Button type="submit" data-testid="cr-save" hidden={!mayEdit} disabled={create.isPending || update.isPending || uploading}>
          {t("save")}
        </Button>
        {e && (
          <Button type="button" variant="outline" disabled={archive.isPending} data-testid="cr-archive" hidden={!mayEdit} onClick={() => archive.mutate({ id: e.id, archived: !e.archivedAt })}>
            {e.archivedAt ? t("unarchive") : t("archive")}
          </Button>
        )}
      </div>

      {e && (
        <div className="space-y-3 border-t pt-4">
          <h3 className="text-sm font-semibold">{t("figuresTitle")}</h3>
          <dl className="grid grid-cols-5 gap-2 text-sm">
            {(
              [
                ["issued", format.number(e.figures.issued)],
                ["shown", format.number(e.figures.shown)],
                ["clicked", format.number(e.figures.clicked)],
                ["clickRate", e.figures.clickRate === null ? "—" : format.number(e.figures.clickRate, { style: "percent", maximumFractionDigits: 1 })],
                ["activeNow", format.number(e.figures.activeNow)],
              ] as const
            ).map(([key, value]) => (
              <div key={key}>
                <dt className="text-muted-foreground text-xs">{t(`figure_${key}`)}</dt>
                <dd className="font-medium tabular-nums">{value}</dd>
              </div>
            ))}
          </dl>
          <p className="text-muted-foreground text-xs">{t("editNote")}</p>
          <h3 className="text-sm font-semibold">{t("flowsTitle")}</h3>
          {e.flows.length === 0 ? (
            <p className="text-muted-foreground text-sm">{t("noFlows")}</p>
          ) : (
            <div className="flex flex-wrap gap-1">
              {e.flows.map((f) => (
                <Badge key={f.id} variant="secondary">
                  <a href={`/flows/${f.id}`}>{f.name}</a>
                </Badge>
              ))}
            </div>
          )}
        </div>
      )}
    </form>
  );
}
