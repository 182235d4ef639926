"use client";

// The live state of a published flow on the canvas: one query, refetched every few seconds, held
// in a small store so each node re-renders only when its own figures change (React Query keeps
// unchanged parts of the answer as the same objects), and the members sheet it opens.
import { createContext, useCallback, useContext, useLayoutEffect, useMemo, useState, useSyncExternalStore, type ReactNode } from "react";
import { useQuery } from "@tanstack/react-query";

import { useTRPC } from "@/trpc/react";
import { NodeMembersSheet } from "./node-members-sheet";

import { LIVE_REFRESH_MS, type FlowLive, type MembersTarget } from "./live-types";

export type { FlowLive, MembersTarget } from "./live-types";
export type NodeLive = FlowLive["nodes"][string];

type LiveStore = {
  get(): FlowLive | undefined;
  set(data: FlowLive | undefined): void;
  subscribe(listener: () => void): () => void;
  openMembers(target: MembersTarget): void;
};

function createLiveStore(openMembers: (target: MembersTarget) => void): LiveStore {
  let data: FlowLive | undefined;
  const listeners = new Set<() => void>();
  return {
    get: () => data,
    set(next) {
      if (next === data) return;
      data = next;
      for (const listener of listeners) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    openMembers,
  };
}

const LiveContext = createContext<LiveStore | null>(null);
const noSubscription = () => () => {};

/** The live query's options, shared by the canvas, the header and the members sheet. */
export function useLiveCountsQuery(flowId: string, enabled: boolean) {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.flows.liveCounts.queryOptions({ id: flowId }),
    enabled,
    refetchInterval: LIVE_REFRESH_MS,
    staleTime: 0,
  });
}

export function LiveCountsProvider({ flowId, published, children }: { flowId: string; published: boolean; children: ReactNode }) {
  const live = useLiveCountsQuery(flowId, published);
  const data = published ? live.data : undefined;
  const [target, setTarget] = useState<MembersTarget | null>(null);

  const [store] = useState(() => createLiveStore(setTarget));
  useLayoutEffect(() => store.set(data), [store, data]);

  const onOpenChange = useCallback((open: boolean) => {
    if (!open) setTarget(null);
  }, []);

  return (
    <LiveContext.Provider value={store}>
      {children}
      {published ? <NodeMembersSheet flowId={flowId} target={target} onOpenChange={onOpenChange} live={data} /> : null}
    </LiveContext.Provider>
  );
}

/** A node's live figures, or undefined (not published, not loaded yet, or a node the live version lacks). */
export function useNodeLive(nodeId: string): NodeLive | undefined {
  const store = useContext(LiveContext);
  const read = () => store?.get()?.nodes[nodeId];
  return useSyncExternalStore(store?.subscribe ?? noSubscription, read, () => undefined);
}

/** The whole live state (the header's totals). */
export function useFlowLive(): FlowLive | undefined {
  const store = useContext(LiveContext);
  return useSyncExternalStore(store?.subscribe ?? noSubscription, () => store?.get(), () => undefined);
}

/** Opens the side list of members standing at a node. */
export function useOpenNodeMembers(): (target: MembersTarget) => void {
  const store = useContext(LiveContext);
  return useMemo(() => (target: MembersTarget) => store?.openMembers(target), [store]);
}
