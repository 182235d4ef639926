import { createCallerFactory, createTRPCRouter } from "@/server/api/trpc";
import { approvalsRouter } from "@/server/api/routers/approvals";
import { audiencesRouter } from "@/server/api/routers/audiences";
import { auditRouter } from "@/server/api/routers/audit";
import { contentRouter } from "@/server/api/routers/content";
import { engineRouter } from "@/server/api/routers/engine";
import { flowsRouter } from "@/server/api/routers/flows";
import { healthRouter } from "@/server/api/routers/health";
import { insightsRouter } from "@/server/api/routers/insights";
import { lifecycleRouter } from "@/server/api/routers/lifecycle";
import { loyaltyRouter } from "@/server/api/routers/loyalty";
import { membersRouter } from "@/server/api/routers/members";
import { storefrontRouter } from "@/server/api/routers/storefront";
import { tagsRouter } from "@/server/api/routers/tags";
import { authRouter, usersRouter } from "@/server/api/routers/users";

/**
 * The app's API: one router per capability, merged here by hand.
 * Add a router in `server/api/routers/<capability>.ts` and list it below.
 */
export const appRouter = createTRPCRouter({
  health: healthRouter,
  flows: flowsRouter,
  members: membersRouter,
  audiences: audiencesRouter,
  engine: engineRouter,
  approvals: approvalsRouter,
  storefront: storefrontRouter,
  content: contentRouter,
  insights: insightsRouter,
  loyalty: loyaltyRouter,
  tags: tagsRouter,
  lifecycle: lifecycleRouter,
  auth: authRouter,
  users: usersRouter,
  audit: auditRouter,
});

export type AppRouter = typeof appRouter;

/**
 * Server-side caller, e.g. in a script or test:
 *   const api = createCaller(await createTRPCContext({ headers: new Headers() }));
 *   await api.health.ping();
 */
export const createCaller = createCallerFactory(appRouter);
