"use client";

import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { PlusIcon } from "lucide-react";
import { useLocale, useTranslations } from "use-intl";

import { useTRPC } from "@/trpc/react";
import { placementInput, placementUpdate, surfaces, type Surface } from "@/server/content/banner-schema";
import { localizeSchemaMessage } from "@/lib/i18n/schema-messages";
import { BannerPreview } from "@/components/content/banner-preview";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { useCan } from "@/components/shell/session-user";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Sheet, SheetContent, SheetDescription, SheetHeader, SheetTitle } from "@/components/ui/sheet";
import { Switch } from "@/components/ui/switch";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { Textarea } from "@/components/ui/textarea";

type Placement = { id: string; name: string; nameEn: string; width: number; height: number; surface: string; description: string; archivedAt: Date | null; creatives: number; liveBanners: number };

/** A placement's name in the reader's language. */
export const placementName = (p: { name: string; nameEn: string }, locale: string) => (locale === "en" ? p.nameEn : p.name);

/** The managed list of placements: where storefronts show banners, and at what size. */
export function BannerPlacements() {
  // The server refuses edits to roles without "editContent"; the buttons are not offered to them.
  const mayEdit = useCan("editContent");
  const t = useTranslations("contentBanners.placements");
  const locale = useLocale();
  const trpc = useTRPC();
  const [archived, setArchived] = useState(false);
  const [editing, setEditing] = useState<{ placement: Placement | null } | null>(null);
  const list = useQuery(trpc.content.banners.placements.queryOptions({ archived }));

  return (
    <section className="space-y-3" data-testid="banner-placements">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h2 className="text-lg font-semibold">{t("title")}</h2>
          <p className="text-muted-foreground max-w-3xl text-sm">{t("description")}</p>
        </div>
        <div className="flex items-center gap-4">
          <label className="flex items-center gap-2 text-sm">
            <Switch checked={archived} onCheckedChange={setArchived} data-testid="placements-show-archived" />
            {t("showArchived")}
          </label>
          <Button variant="outline" data-testid="new-placement" hidden={!mayEdit} onClick={() => setEditing({ placement: null })}>
            <PlusIcon /> {t("new")}
          </Button>
        </div>
      </div>

      <Table data-testid="placements-table">
        <TableHeader>
          <TableRow>
            <TableHead>{t("name")}</TableHead>
            <TableHead>{t("id")}</TableHead>
            <TableHead>{t("size")}</TableHead>
            <TableHead>{t("surface")}</TableHead>
            <TableHead className="text-right">{t("creatives")}</TableHead>
            <TableHead className="text-right">{t("liveBanners")}</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {list.isPending && (
            <TableRow>
              <TableCell colSpan={6} className="text-muted-foreground text-sm">{t("loading")}</TableCell>
            </TableRow>
          )}
          {list.data?.map((p) => (
            <TableRow key={p.id} className="cursor-pointer" data-testid={`placement-${p.id}`} onClick={() => setEditing({ placement: p })}>
              <TableCell>
                <div className="font-medium">{placementName(p, locale)}</div>
                {p.description && <div className="text-muted-foreground max-w-80 truncate text-xs">{p.description}</div>}
              </TableCell>
              <TableCell>
                <code className="text-xs">{p.id}</code>
                {p.archivedAt && (
                  <Badge variant="muted" className="ml-2">
                    {t("archived")}
                  </Badge>
                )}
              </TableCell>
              <TableCell className="tabular-nums">
                <span className="flex items-center gap-2">
                  <span className="border-foreground/40 inline-block border" style={{ width: 28, height: Math.max(4, Math.min(36, Math.round((28 * p.height) / p.width))) }} aria-hidden />
                  {p.width}×{p.height}
                </span>
              </TableCell>
              <TableCell>{t(`surface_${p.surface as Surface}`)}</TableCell>
              <TableCell className="text-right tabular-nums">{p.creatives}</TableCell>
              <TableCell className="text-right tabular-nums">{p.liveBanners}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>

      <Sheet open={!!editing} onOpenChange={(open) => !open && setEditing(null)}>
        <SheetContent className="w-full overflow-y-auto sm:max-w-lg">
          <SheetHeader>
            <SheetTitle>{editing?.placement ? t("edit") : t("new")}</SheetTitle>
            <SheetDescription>{t("formDescription")}</SheetDescription>
          </SheetHeader>
          {editing && <PlacementForm key={editing.placement?.id ?? "new"} placement={editing.placement} onDone={() => setEditing(null)} />}
        </SheetContent>
      </Sheet>
    </section>
  );
}

function PlacementForm({ placement, onDone }: { placement: Placement | null; onDone: () => void }) {
  const mayEdit = useCan("editContent");
  const t = useTranslations("contentBanners.placements");
  const locale = useLocale();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState({
    id: placement?.id ?? "",
    name: placement?.name ?? "",
    nameEn: placement?.nameEn ?? "",
    width: placement ? String(placement.width) : "750",
    height: placement ? String(placement.height) : "300",
    surface: (placement?.surface ?? "app") as Surface,
    description: placement?.description ?? "",
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const done = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.content.banners.placements.queryKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.content.banners.creatives.queryKey() });
    onDone();
  };
  const onError = (error: { message: string; data?: { domainError?: { code: string; details: unknown } | null } | null }) => {
    const field = (error.data?.domainError?.details as { field?: string } | null)?.field;
    if (field === "id") setErrors({ id: t("idTaken") });
  };
  const create = useMutation(trpc.content.banners.createPlacement.mutationOptions({ onSuccess: done, onError }));
  const update = useMutation(trpc.content.banners.updatePlacement.mutationOptions({ onSuccess: done, onError }));
  const archive = useMutation(trpc.content.banners.archivePlacement.mutationOptions({ onSuccess: done }));

  const set = (patch: Partial<typeof draft>) => setDraft({ ...draft, ...patch });
  const error = (path: string) => errors[path] && <p className="text-destructive text-xs" data-testid={`placement-error-${path}`}>{errors[path]}</p>;
  const num = (s: string) => (s.trim() === "" ? Number.NaN : Number(s));
  const values = { name: draft.name, nameEn: draft.nameEn, width: num(draft.width), height: num(draft.height), surface: draft.surface, description: draft.description };
  const save = () => {
    const parsed = placement ? placementUpdate.safeParse(values) : placementInput.safeParse({ id: draft.id.trim(), ...values });
    if (!parsed.success) {
      const byPath: Record<string, string> = {};
      for (const issue of parsed.error.issues) byPath[issue.path.join(".")] ??= localizeSchemaMessage(issue.message)[locale];
      setErrors(byPath);
      return;
    }
    setErrors({});
    if (placement) update.mutate({ id: placement.id, placement: parsed.data as typeof values });
    else create.mutate(parsed.data as typeof values & { id: string });
  };
  const width = num(draft.width);
  const height = num(draft.height);
  const sized = width >= 16 && height >= 16 && width <= 4096 && height <= 4096;
  const failure = create.error ?? update.error ?? archive.error;

  return (
    <form
      className="space-y-4 px-4 pb-6"
      data-testid="placement-form"
      onSubmit={(event) => {
        event.preventDefault();
        save();
      }}
    >
      <div className="space-y-1.5">
        <Label htmlFor="pl-id">{t("id")}</Label>
        <Input id="pl-id" data-testid="pl-id" className="font-mono" value={draft.id} disabled={!!placement} placeholder="app_home_middle" onChange={(ev) => set({ id: ev.target.value.toLowerCase() })} />
        <p className="text-muted-foreground text-xs">{t("idHint")}</p>
        {error("id")}
      </div>
      <div className="grid grid-cols-2 gap-3">
        <div className="space-y-1.5">
          <Label htmlFor="pl-name">{t("nameZh")}</Label>
          <Input id="pl-name" data-testid="pl-name" value={draft.name} placeholder="App 首页中部" onChange={(ev) => set({ name: ev.target.value })} />
          {error("name")}
        </div>
        <div className="space-y-1.5">
          <Label htmlFor="pl-name-en">{t("nameEn")}</Label>
          <Input id="pl-name-en" data-testid="pl-name-en" value={draft.nameEn} placeholder="App home, middle" onChange={(ev) => set({ nameEn: ev.target.value })} />
          {error("nameEn")}
        </div>
        <div className="space-y-1.5">
          <Label htmlFor="pl-width">{t("width")}</Label>
          <Input id="pl-width" data-testid="pl-width" inputMode="numeric" value={draft.width} onChange={(ev) => set({ width: ev.target.value })} />
          {error("width")}
        </div>
        <div className="space-y-1.5">
          <Label htmlFor="pl-height">{t("height")}</Label>
          <Input id="pl-height" data-testid="pl-height" inputMode="numeric" value={draft.height} onChange={(ev) => set({ height: ev.target.value })} />
          {error("height")}
        </div>
      </div>
      {placement && placement.creatives > 0 && (width !== placement.width || height !== placement.height) && (
        <p className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm dark:bg-amber-950">{t("resizeNote", { count: placement.creatives })}</p>
      )}
      <div className="space-y-1.5">
        <Label>{t("surface")}</Label>
        <div className="flex gap-2">
          {surfaces.map((surface) => (
            <Button key={surface} type="button" size="sm" variant={draft.surface === surface ? "default" : "outline"} onClick={() => set({ surface })}>
              {t(`surface_${surface}`)}
            </Button>
          ))}
        </div>
      </div>
      <div className="space-y-1.5">
        <Label htmlFor="pl-description">{t("descriptionLabel")}</Label>
        <Textarea id="pl-description" rows={2} value={draft.description} placeholder={t("descriptionPlaceholder")} onChange={(ev) => set({ description: ev.target.value })} />
        {error("description")}
      </div>
      {sized && (
        <BannerPreview
          placement={{ name: placementName({ name: draft.name || draft.id, nameEn: draft.nameEn || draft.id }, locale), width, height, surface: draft.surface }}
          src={null}
          title=""
          link=""
          maxHeight={180}
        />
      )}
      {failure && !errors.id && <p className="text-destructive text-sm">{failure.message}</p>}
      <div className="flex items-center gap-2">
        <Button type="submit" data-testid="pl-save" hidden={!mayEdit} disabled={create.isPending || update.isPending}>
          {t("save")}
        </Button>
        {placement && (
          <Button type="button" variant="outline" disabled={archive.isPending} data-testid="pl-archive" hidden={!mayEdit} onClick={() => archive.mutate({ id: placement.id, archived: !placement.archivedAt })}>
            {placement.archivedAt ? t("unarchive") : t("archive")}
          </Button>
        )}
      </div>
      {placement && !placement.archivedAt && <p className="text-muted-foreground text-xs">{t("archiveHint")}</p>}
    </form>
  );
}
