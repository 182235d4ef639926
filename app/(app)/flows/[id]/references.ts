import "server-only";

import { db } from "@/server/db";
import type { FlowReferences } from "@/components/flow-builder/nodes/references";

/** The pickers' choices (and the existing ids the canvas validates references against). */
export async function loadFlowReferences(): Promise<FlowReferences> {
  const [coupons, notifications, audiences, categories] = await Promise.all([
    db.couponTemplate.findMany({
      where: { archivedAt: null },
      orderBy: { name: "asc" },
      take: 500,
      select: { id: true, name: true, type: true, value: true, minSpend: true, validDays: true },
    }),
    db.notificationTemplate.findMany({ orderBy: { name: "asc" }, take: 500, select: { id: true, name: true, channel: true, title: true, body: true } }),
    db.audience.findMany({ where: { archivedAt: null }, orderBy: { name: "asc" }, take: 500, select: { id: true, name: true, size: true } }),
    db.productCategory.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true, nameEn: true } }),
  ]);
  return {
    couponTemplates: coupons.map((c) => ({ ...c, value: Number(c.value), minSpend: Number(c.minSpend) })),
    notificationTemplates: notifications,
    audiences,
    categories: categories.map((c) => ({ id: String(c.id), name: c.name, nameEn: c.nameEn })),
  };
}
