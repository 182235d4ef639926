import "server-only";

import { db } from "@/server/db";
import type { FlowReferences } from "@/components/flow-builder/nodes/references";
import { draftReferences } from "@/server/flows/service";
import { creativeImageUrl } from "@/server/content/banner-images";

/** "15% off · 3 categories · 7 days": what a picker shows beside a price list's name. */
function priceSummary(p: { productIds: number[]; categoryIds: number[]; price: unknown; percentOff: unknown; validDays: number | null }) {
  const price = p.price !== null ? `¥${Number(p.price)}` : `${Number(p.percentOff)}% off`;
  const what = p.productIds.length > 0 ? `${p.productIds.length} products` : `${p.categoryIds.length} categories`;
  return `${price} · ${what}${p.validDays !== null ? ` · ${p.validDays} days` : ""}`;
}
import type { FlowDraft } from "@/server/flows/definition";

/**
 * The pickers' choices (and the existing ids the canvas validates references against): what can
 * be picked, plus archived templates and audiences this draft already uses (they keep working).
 */
export async function loadFlowReferences(draft: FlowDraft): Promise<FlowReferences> {
  const used = draftReferences(draft);
  const [coupons, notifications, priceLists, creatives, audiences, categories] = await Promise.all([
    db.couponTemplate.findMany({
      where: { OR: [{ archivedAt: null }, { id: { in: [...used.couponTemplates] } }] },
      orderBy: { name: "asc" },
      take: 500,
      select: { id: true, name: true, type: true, value: true, minSpend: true, validDays: true, archivedAt: true },
    }),
    db.notificationTemplate.findMany({
      where: { OR: [{ archivedAt: null, sourceFlowId: null }, { id: { in: [...used.notificationTemplates] } }] },
      orderBy: { name: "asc" },
      take: 500,
      select: { id: true, name: true, channel: true, title: true, body: true, archivedAt: true },
    }),
    db.priceList.findMany({
      where: { OR: [{ archivedAt: null, sourceFlowId: null }, { id: { in: [...used.priceLists] } }] },
      orderBy: { name: "asc" },
      take: 500,
    }),
    db.bannerCreative.findMany({
      where: { OR: [{ archivedAt: null, sourceFlowId: null }, { id: { in: [...used.bannerCreatives] } }] },
      orderBy: { name: "asc" },
      take: 500,
      select: { id: true, name: true, placementId: true, imageUrl: true, imageId: true, title: true, archivedAt: true },
    }),
    db.audience.findMany({
      where: { OR: [{ archivedAt: null }, { id: { in: [...used.audiences] } }] },
      orderBy: { name: "asc" },
      take: 500,
      select: { id: true, name: true, size: true, archivedAt: true },
    }),
    db.productCategory.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true, nameEn: true } }),
  ]);
  return {
    couponTemplates: coupons.map(({ archivedAt, ...c }) => ({ ...c, value: Number(c.value), minSpend: Number(c.minSpend), archived: archivedAt !== null })),
    notificationTemplates: notifications.map(({ archivedAt, ...n }) => ({ ...n, archived: archivedAt !== null })),
    priceLists: priceLists.map((p) => ({
      id: p.id,
      name: p.name,
      summary: priceSummary(p),
      archived: p.archivedAt !== null,
    })),
    bannerCreatives: creatives.map(({ archivedAt, imageId, imageUrl, ...c }) => ({ ...c, imageUrl: creativeImageUrl({ imageId, imageUrl }), archived: archivedAt !== null })),
    audiences: audiences.map(({ archivedAt, ...a }) => ({ ...a, archived: archivedAt !== null })),
    categories: categories.map((c) => ({ id: String(c.id), name: c.name, nameEn: c.nameEn })),
  };
}
