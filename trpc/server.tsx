import "server-only";

import { cache, type ReactNode } from "react";
import { headers } from "next/headers";
import {
  dehydrate,
  HydrationBoundary,
  type FetchInfiniteQueryOptions,
  type FetchQueryOptions,
  type QueryKey,
} from "@tanstack/react-query";
import { createTRPCOptionsProxy } from "@trpc/tanstack-react-query";

import { appRouter, createCaller } from "@/server/api/root";
import { createTRPCContext } from "@/server/api/trpc";
import { createQueryClient } from "@/trpc/query-client";

/** The request's context, built once per server render. */
const createContext = cache(async () => {
  const heads = new Headers(await headers());
  heads.set("x-trpc-source", "rsc");
  return createTRPCContext({ headers: heads });
});

/** One QueryClient per server request. */
export const getQueryClient = cache(createQueryClient);

/**
 * Query options for server components — prefetch, then hydrate on the client:
 *
 *   // page.tsx (server)
 *   prefetch(trpc.flows.list.queryOptions());
 *   return <HydrateClient><PageClient /></HydrateClient>;
 *
 *   // page-client.tsx
 *   const trpc = useTRPC();
 *   const { data } = useSuspenseQuery(trpc.flows.list.queryOptions());
 */
export const trpc = createTRPCOptionsProxy({
  ctx: createContext,
  router: appRouter,
  queryClient: getQueryClient,
});

/** Calls procedures directly (no cache) when a server component just needs the data. */
export const api = createCaller(createContext);

/** Dehydrates everything prefetched so far in this request for the client components below. */
export function HydrateClient({ children }: { children: ReactNode }) {
  const queryClient = getQueryClient();
  return <HydrationBoundary state={dehydrate(queryClient)}>{children}</HydrationBoundary>;
}

/** Starts a prefetch without awaiting it (pending queries stream to the client). */
export function prefetch<TQueryFnData, TError, TData, TQueryKey extends QueryKey>(
  queryOptions: FetchQueryOptions<TQueryFnData, TError, TData, TQueryKey>,
): void {
  void getQueryClient().prefetchQuery(queryOptions);
}

/** Same for `trpc.x.infiniteQueryOptions(...)`. */
export function prefetchInfinite<TQueryFnData, TError, TData, TQueryKey extends QueryKey, TPageParam>(
  queryOptions: FetchInfiniteQueryOptions<TQueryFnData, TError, TData, TQueryKey, TPageParam>,
): void {
  void getQueryClient().prefetchInfiniteQuery(queryOptions);
}
