"use client";

import { createContext, useContext } from "react";

/** Things a node can point at outside the flow, loaded once by the editor page. */
export type FlowReferences = {
  couponTemplates: { id: string; name: string; type: string; value: number; minSpend: number; validDays: number | null }[];
  notificationTemplates: { id: string; name: string; channel: string; title: string; body: string }[];
  audiences: { id: string; name: string; size: number | null }[];
  categories: { id: string; name: string; nameEn: string }[];
};

export const emptyReferences: FlowReferences = { couponTemplates: [], notificationTemplates: [], audiences: [], categories: [] };

const ReferencesContext = createContext<FlowReferences>(emptyReferences);
export const ReferencesProvider = ReferencesContext.Provider;
export const useFlowReferences = () => useContext(ReferencesContext);
