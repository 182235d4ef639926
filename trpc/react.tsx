"use client";

import { useState, type ReactNode } from "react";
import { QueryClientProvider, type QueryClient } from "@tanstack/react-query";
import { createTRPCClient, httpBatchStreamLink, loggerLink } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import superjson from "superjson";

import type { AppRouter } from "@/server/api/root";
import { createQueryClient } from "@/trpc/query-client";

/**
 * In components:
 *   const trpc = useTRPC();
 *   const ping = useQuery(trpc.health.ping.queryOptions());
 *   const save = useMutation(trpc.flows.save.mutationOptions({ onSuccess: … }));
 *   queryClient.invalidateQueries({ queryKey: trpc.flows.list.queryKey() });
 */
export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

/** e.g. `RouterInputs["flows"]["save"]`. */
export type RouterInputs = inferRouterInputs<AppRouter>;
/** e.g. `RouterOutputs["flows"]["list"][number]`. */
export type RouterOutputs = inferRouterOutputs<AppRouter>;

let browserQueryClient: QueryClient | undefined;
function getQueryClient(): QueryClient {
  // Server render: always a new client, so requests never share cached data.
  if (typeof window === "undefined") return createQueryClient();
  // Browser: one client, kept even if React suspends during the first render.
  browserQueryClient ??= createQueryClient();
  return browserQueryClient;
}

function getBaseUrl(): string {
  if (typeof window !== "undefined") return window.location.origin;
  return `http://localhost:${process.env.PORT ?? 3000}`;
}

export function TRPCReactProvider({ children }: { children: ReactNode }) {
  const queryClient = getQueryClient();
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [
        loggerLink({
          enabled: (op) =>
            process.env.NODE_ENV === "development" || (op.direction === "down" && op.result instanceof Error),
        }),
        httpBatchStreamLink({
          transformer: superjson,
          url: `${getBaseUrl()}/api/trpc`,
          headers: () => {
            const headers = new Headers();
            headers.set("x-trpc-source", "nextjs-react");
            return headers;
          },
        }),
      ],
    }),
  );

  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
