"use client";

import { createContext, useContext } from "react";
import type { ReferenceNames } from "@/server/flows/kinds/spec";

/** Things a node can point at outside the flow, loaded once by the editor page. */
export type FlowReferences = {
  /** `archived`: no longer offered for new steps, but still valid where a flow already uses it. */
  couponTemplates: { id: string; name: string; type: string; value: number; minSpend: number; validDays: number | null; archived: boolean }[];
  notificationTemplates: { id: string; name: string; channel: string; title: string; body: string; archived: boolean }[];
  priceLists: { id: string; name: string; summary: string; archived: boolean }[];
  bannerCreatives: { id: string; name: string; placementId: string; imageUrl: string; title: string; archived: boolean }[];
  audiences: { id: string; name: string; size: number | null; archived: boolean }[];
  categories: { id: string; name: string; nameEn: string }[];
};

export const emptyReferences: FlowReferences = { couponTemplates: [], notificationTemplates: [], priceLists: [], bannerCreatives: [], audiences: [], categories: [] };

const ReferencesContext = createContext<FlowReferences>(emptyReferences);

const namesByReferences = new WeakMap<FlowReferences, ReferenceNames>();
/** Looks names up in the loaded references (one resolver per references object, so caches can key on it). */
export function referenceNames(refs: FlowReferences): ReferenceNames {
  let names = namesByReferences.get(refs);
  if (!names) {
    const index = <T extends { id: string; name: string }>(items: readonly T[]) => new Map(items.map((x) => [x.id, x.name]));
    const coupons = index(refs.couponTemplates);
    const audiences = index(refs.audiences);
    const templates = index(refs.notificationTemplates);
    const priceLists = index(refs.priceLists);
    const creatives = index(refs.bannerCreatives);
    names = {
      couponTemplate: (id) => coupons.get(id),
      audience: (id) => audiences.get(id),
      notificationTemplate: (id) => templates.get(id),
      priceList: (id) => priceLists.get(id),
      bannerCreative: (id) => creatives.get(id),
    };
    namesByReferences.set(refs, names);
  }
  return names;
}
export const ReferencesProvider = ReferencesContext.Provider;
export const useFlowReferences = () => useContext(ReferencesContext);

/** What a picker offers: everything not archived, plus the current choice even if it is archived. */
export function pickable<T extends { id: string; archived: boolean }>(items: readonly T[], selectedId: string): T[] {
  return items.filter((item) => !item.archived || item.id === selectedId);
}
