import "server-only";

import { db } from "@/server/db";
import type { FlowReferences } from "@/components/flow-builder/nodes/references";
import { draftReferences } from "@/server/flows/service";
import type { FlowDraft } from "@/server/flows/definition";

/**
 * The pickers' choices (and the existing ids the canvas validates references against): what can
 * be picked, plus archived templates and audiences this draft already uses (they keep working).
 */
export async function loadFlowReferences(draft: FlowDraft): Promise<FlowReferences> {
  const used = draftReferences(draft);
  const [coupons, notifications, audiences, categories] = await Promise.all([
    db.couponTemplate.findMany({
      where: { OR: [{ archivedAt: null }, { id: { in: [...used.couponTemplates] } }] },
      orderBy: { name: "asc" },
      take: 500,
      select: { id: true, name: true, type: true, value: true, minSpend: true, validDays: true, archivedAt: true },
    }),
    db.notificationTemplate.findMany({ orderBy: { name: "asc" }, take: 500, select: { id: true, name: true, channel: true, title: true, body: true } }),
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
    notificationTemplates: notifications,
    audiences: audiences.map(({ archivedAt, ...a }) => ({ ...a, archived: archivedAt !== null })),
    categories: categories.map((c) => ({ id: String(c.id), name: c.name, nameEn: c.nameEn })),
  };
}
