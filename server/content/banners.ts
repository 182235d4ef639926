// Banner placements (where storefronts show banners) and creatives (image, title, link, validity
// for one placement), with live figures from the banners flows issued and the flows that use
// each creative. A banner a flow issued keeps its own copy (banners row), so editing or archiving
// a creative never changes what a member already holds; archived items keep working in flows.
import type { Prisma, PrismaClient } from "@prisma/client";
import { sql, type Tx } from "@/server/db/sql";
import { DomainError } from "@/server/errors";
import {
  contentImagePath,
  creativeInput,
  creativeStatus,
  placementInput,
  placementUpdate,
  type CreativeInput,
  type PlacementInput,
  type PlacementUpdate,
} from "./banner-schema";
import { inlineCreativeId } from "./banner-images";
import { flowsUsingLibrary, refuseFlowOwnEdit } from "./flow-usage";

type Actor = { actor?: string };
type Db = PrismaClient | Prisma.TransactionClient;

/* ----------------------------------------------------------------------------------------
 * Placements
 * -------------------------------------------------------------------------------------- */

/** Every placement (archived ones on request), with its creatives and the banners live in it now. */
export async function listPlacements(db: PrismaClient, { archived = false, now = new Date() }: { archived?: boolean; now?: Date } = {}) {
  const [placements, counts] = await Promise.all([
    db.bannerPlacement.findMany({ where: archived ? {} : { archivedAt: null }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] }),
    db.$queryRaw<{ id: string; creatives: number; live: number }[]>`
      SELECT p.id,
             (SELECT count(*) FROM banner_creatives c WHERE c.placement_id = p.id AND c.archived_at IS NULL)::int AS creatives,
             (SELECT count(*) FROM banners b WHERE b.placement = p.id AND b.valid_from <= ${now} AND b.valid_to > ${now})::int AS live
      FROM banner_placements p`,
  ]);
  const byId = new Map(counts.map((c) => [c.id, c]));
  return placements.map((p) => ({ ...p, creatives: byId.get(p.id)?.creatives ?? 0, liveBanners: byId.get(p.id)?.live ?? 0 }));
}

export async function createPlacement(db: PrismaClient, raw: PlacementInput, { actor = "cli" }: Actor = {}) {
  const input = placementInput.parse(raw);
  return db.$transaction(async (tx) => {
    if (await tx.bannerPlacement.findUnique({ where: { id: input.id }, select: { id: true } }))
      throw new DomainError("conflict", `A placement ${input.id} already exists`, { field: "id" });
    const placement = await tx.bannerPlacement.create({ data: input });
    await tx.auditLog.create({ data: { actor, action: "banner_placement.create", entityType: "banner_placement", entityId: placement.id, details: { name: placement.name, width: placement.width, height: placement.height } } });
    return placement;
  });
}

/** Edits a placement; its id stays (storefronts ask for it). */
export async function updatePlacement(db: PrismaClient, id: string, raw: PlacementUpdate, { actor = "cli" }: Actor = {}) {
  const input = placementUpdate.parse(raw);
  return db.$transaction(async (tx) => {
    const before = await tx.bannerPlacement.findUnique({ where: { id } });
    if (!before) throw new DomainError("not_found", `No placement ${id}`);
    const changed = (Object.keys(input) as (keyof typeof input)[]).filter((k) => before[k] !== input[k]);
    const placement = await tx.bannerPlacement.update({ where: { id }, data: input });
    await tx.auditLog.create({ data: { actor, action: "banner_placement.update", entityType: "banner_placement", entityId: id, details: { changed } } });
    return placement;
  });
}

/** Archived: no new creatives for it; its creatives and the banners flows show there keep working. */
export async function setPlacementArchived(db: PrismaClient, id: string, archived: boolean, { actor = "cli" }: Actor = {}) {
  return db.$transaction(async (tx) => {
    if (!(await tx.bannerPlacement.findUnique({ where: { id }, select: { id: true } }))) throw new DomainError("not_found", `No placement ${id}`);
    const placement = await tx.bannerPlacement.update({ where: { id }, data: { archivedAt: archived ? new Date() : null } });
    await tx.auditLog.create({ data: { actor, action: archived ? "banner_placement.archive" : "banner_placement.unarchive", entityType: "banner_placement", entityId: id, details: {} } });
    return placement;
  });
}

/* ----------------------------------------------------------------------------------------
 * Creatives
 * -------------------------------------------------------------------------------------- */

type ParsedCreative = ReturnType<typeof creativeInput.parse>;

function columns(input: ParsedCreative) {
  return {
    name: input.name,
    placementId: input.placementId,
    imageId: input.image.kind === "upload" ? input.image.imageId : null,
    imageUrl: input.image.kind === "url" ? input.image.url : null,
    title: input.title,
    link: input.link,
    validDays: input.validity.kind === "days" ? input.validity.days : null,
    validFrom: input.validity.kind === "range" ? new Date(input.validity.from) : null,
    validTo: input.validity.kind === "range" ? new Date(input.validity.to) : null,
  };
}

/**
 * The references a creative makes must exist (a 4xx on their field, not a foreign-key 500); a
 * new creative, or one moved to another placement, may not go to an archived placement.
 */
async function checkReferences(tx: Db, next: ReturnType<typeof columns>, currentPlacementId: string | null) {
  const placement = await tx.bannerPlacement.findUnique({ where: { id: next.placementId }, select: { archivedAt: true } });
  if (!placement) throw new DomainError("invalid", `No placement ${next.placementId}`, { field: "placementId" });
  if (placement.archivedAt && next.placementId !== currentPlacementId)
    throw new DomainError("archived", `The placement ${next.placementId} is archived`, { field: "placementId" });
  if (next.imageId && !(await tx.contentImage.findUnique({ where: { id: next.imageId }, select: { id: true } })))
    throw new DomainError("invalid", "That image was not uploaded: upload it again", { field: "image" });
}

export async function createCreative(db: PrismaClient, raw: CreativeInput, { actor = "cli" }: Actor = {}) {
  const input = creativeInput.parse(raw);
  const data = columns(input);
  return db.$transaction(async (tx) => {
    await checkReferences(tx, data, null);
    const creative = await tx.bannerCreative.create({ data, select: { id: true, name: true, placementId: true } });
    await tx.auditLog.create({ data: { actor, action: "banner_creative.create", entityType: "banner_creative", entityId: creative.id, details: { name: creative.name, placementId: creative.placementId } } });
    return creative;
  });
}

/** Edits a creative: banners already shown keep their own copy; later ones show the new version. */
export async function updateCreative(db: PrismaClient, id: string, raw: CreativeInput, { actor = "cli" }: Actor = {}) {
  const input = creativeInput.parse(raw);
  const data = columns(input);
  return db.$transaction(async (tx) => {
    const before = await tx.bannerCreative.findUnique({ where: { id } });
    if (!before) throw new DomainError("not_found", `No banner creative ${id}`);
    await checkReferences(tx, data, before.placementId);
    const changed = (Object.keys(data) as (keyof typeof data)[]).filter((k) => String(before[k]?.valueOf() ?? "") !== String(data[k]?.valueOf() ?? ""));
    const formField = (k: string) => (k.startsWith("image") ? "image" : k.startsWith("valid") ? "validity" : k);
    refuseFlowOwnEdit(before.sourceFlowId, changed.map(formField), ["placementId", "image", "title", "link", "validity"]);
    await tx.bannerCreative.update({ where: { id }, data: { ...data, updatedAt: new Date() } });
    await tx.auditLog.create({ data: { actor, action: "banner_creative.update", entityType: "banner_creative", entityId: id, details: { changed } } });
    return { id, changed };
  });
}

/** Archived: out of the pickers and the default list; flows that show it keep showing it. */
export async function setCreativeArchived(db: PrismaClient, id: string, archived: boolean, { actor = "cli" }: Actor = {}) {
  return db.$transaction(async (tx) => {
    if (!(await tx.bannerCreative.findUnique({ where: { id }, select: { id: true } }))) throw new DomainError("not_found", `No banner creative ${id}`);
    const creative = await tx.bannerCreative.update({ where: { id }, data: { archivedAt: archived ? new Date() : null }, select: { id: true, archivedAt: true } });
    await tx.auditLog.create({ data: { actor, action: archived ? "banner_creative.archive" : "banner_creative.unarchive", entityType: "banner_creative", entityId: id, details: {} } });
    return creative;
  });
}

/** The image URL an issued banner stores: the public path of an upload, or the external https address. */
export function creativeImagePath(creative: { imageId: string | null; imageUrl: string | null }): string {
  if (creative.imageId) return contentImagePath(creative.imageId);
  if (creative.imageUrl) return creative.imageUrl;
  throw new Error("A banner creative has an image id or an image URL");
}

export type CreativeFigures = {
  /** Banners flows issued from it. */
  issued: number;
  shown: number;
  clicked: number;
  /** Inside their validity now: what storefronts can show. */
  activeNow: number;
  /** Clicked of shown; null before anything was shown. */
  clickRate: number | null;
};
const noFigures: CreativeFigures = { issued: 0, shown: 0, clicked: 0, activeNow: 0, clickRate: null };

/** Issued, shown, clicked and active banners per creative (the banners rows that name it). */
export async function creativeFigures(db: PrismaClient, now = new Date(), creativeIds?: string[]): Promise<Map<string, CreativeFigures>> {
  const rows = await db.$queryRaw<{ creative_id: string; issued: number; shown: number; clicked: number; active: number }[]>`
    SELECT creative_id,
           count(*)::int AS issued,
           count(*) FILTER (WHERE shown_at IS NOT NULL)::int AS shown,
           count(*) FILTER (WHERE clicked_at IS NOT NULL)::int AS clicked,
           count(*) FILTER (WHERE valid_from <= ${now} AND valid_to > ${now})::int AS active
    FROM banners
    WHERE creative_id IS NOT NULL AND (${creativeIds ?? null}::text[] IS NULL OR creative_id = ANY(${creativeIds ?? null}::text[]))
    GROUP BY creative_id`;
  return new Map(rows.map((r) => [r.creative_id, { issued: r.issued, shown: r.shown, clicked: r.clicked, activeNow: r.active, clickRate: r.shown > 0 ? r.clicked / r.shown : null }]));
}

/**
 * The flows whose draft or live version shows each creative: show_banner nodes that pick one from
 * the library, and inline banners, which become their flow's own creative (inlineCreativeId).
 */
export const flowsUsingCreatives = (db: PrismaClient) => flowsUsingLibrary(db, { kind: "show_banner", field: "banner", existingMode: "existing", idKey: "id" });

/** A show_banner node's inline banner, as the publish step hands it over. */
export type InlineBanner = { nodeId: string; placement: string; imageUrl: string; title: string; link: string; validDays: number };

/**
 * On publish: each inline banner on a placement the library manages becomes (or updates) its
 * flow's own creative, so what members are shown is what the node says now. A rename in the
 * library is kept; a storefront's own placement has no library row, and is shown from the node.
 */
export async function syncInlineBannerCreatives(tx: Tx, flowId: string, inline: InlineBanner[]) {
  for (const b of inline) {
    await tx.execute(sql`
      INSERT INTO banner_creatives (id, name, placement_id, image_url, title, link, valid_days, source_flow_id)
      SELECT ${inlineCreativeId(flowId, b.nodeId)}, ${b.title}, p.id, ${b.imageUrl}, ${b.title}, ${b.link}, ${b.validDays}, ${flowId}
      FROM banner_placements p WHERE p.id = ${b.placement}
      ON CONFLICT (id) DO UPDATE SET placement_id = EXCLUDED.placement_id, image_id = NULL, image_url = EXCLUDED.image_url, title = EXCLUDED.title,
        link = EXCLUDED.link, valid_days = EXCLUDED.valid_days, valid_from = NULL, valid_to = NULL, source_flow_id = EXCLUDED.source_flow_id, updated_at = now()`);
  }
}

const creativeInclude = {
  placement: { select: { id: true, name: true, nameEn: true, width: true, height: true, surface: true, archivedAt: true } },
  image: { select: { id: true, contentType: true, width: true, height: true, bytes: true, originalName: true } },
} as const;

/** The library: creatives (archived ones on request, optionally of one placement) with figures and flows. */
export async function listCreatives(db: PrismaClient, { archived = false, placementId, now = new Date() }: { archived?: boolean; placementId?: string; now?: Date } = {}) {
  const [creatives, figures, flows] = await Promise.all([
    db.bannerCreative.findMany({ where: { ...(archived ? {} : { archivedAt: null }), ...(placementId ? { placementId } : {}) }, include: creativeInclude, orderBy: [{ createdAt: "desc" }, { id: "asc" }] }),
    creativeFigures(db, now),
    flowsUsingCreatives(db),
  ]);
  return creatives.map((c) => ({ ...serialize(c, now), figures: figures.get(c.id) ?? noFigures, flows: flows.get(c.id) ?? [] }));
}

export async function getCreative(db: PrismaClient, id: string, now = new Date()) {
  const creative = await db.bannerCreative.findUnique({ where: { id }, include: creativeInclude });
  if (!creative) throw new DomainError("not_found", `No banner creative ${id}`);
  const [figures, flows] = await Promise.all([creativeFigures(db, now, [id]), flowsUsingCreatives(db)]);
  return { ...serialize(creative, now), figures: figures.get(id) ?? noFigures, flows: flows.get(id) ?? [] };
}

type CreativeRow = Prisma.BannerCreativeGetPayload<{ include: typeof creativeInclude }>;

function serialize(c: CreativeRow, now: Date) {
  const validity =
    c.validDays !== null ? { kind: "days" as const, days: c.validDays } : { kind: "range" as const, from: c.validFrom!.toISOString(), to: c.validTo!.toISOString() };
  return {
    id: c.id,
    name: c.name,
    placementId: c.placementId,
    placement: c.placement,
    image: c.image,
    imageId: c.imageId,
    imageUrl: c.imageUrl,
    /** What the preview and an issued banner load. */
    imageSrc: creativeImagePath(c),
    title: c.title,
    link: c.link,
    validity,
    status: creativeStatus(validity, now),
    sourceFlowId: c.sourceFlowId,
    archivedAt: c.archivedAt,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}

/**
 * What a show_banner node issues from creatives, inside the engine's transaction: archived ones
 * included (a flow that uses one keeps showing it). validFrom/validTo for a fixed period;
 * validDays counts from the moment the banner is issued.
 */
export async function creativesForIssue(tx: Tx, ids: string[]) {
  const rows = await tx.query<{ id: string; placement_id: string; image_id: string | null; image_url: string | null; title: string; link: string; valid_days: number | null; valid_from: Date | null; valid_to: Date | null }>(sql`
    SELECT id, placement_id, image_id, image_url, title, link, valid_days, valid_from, valid_to FROM banner_creatives WHERE id = ANY(${ids}::text[])`);
  return new Map(
    rows.map((r) => [
      r.id,
      { id: r.id, placement: r.placement_id, imageUrl: creativeImagePath({ imageId: r.image_id, imageUrl: r.image_url }), title: r.title, link: r.link, validDays: r.valid_days, validFrom: r.valid_from, validTo: r.valid_to },
    ]),
  );
}
