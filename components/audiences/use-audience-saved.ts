"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useTRPC, type RouterOutputs } from "@/trpc/react";

/**
 * After any write that returns an audience: put it in the `get` cache (no refetch when the page
 * opens it) and mark the list stale. One place, so every write keeps the caches consistent.
 */
export function useAudienceSaved() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return (audience: RouterOutputs["audiences"]["get"]) => {
    queryClient.setQueryData(trpc.audiences.get.queryKey({ id: audience.id }), audience);
    void queryClient.invalidateQueries({ queryKey: trpc.audiences.list.queryKey() });
  };
}
