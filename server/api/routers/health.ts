import { createTRPCRouter, publicProcedure } from "@/server/api/trpc";

export const healthRouter = createTRPCRouter({
  /** Liveness plus a database round trip; `db: false` (with the reason) when Postgres is unreachable. */
  ping: publicProcedure.query(async ({ ctx }) => {
    try {
      await ctx.db.$queryRaw`select 1`;
      return { ok: true as const, db: true, dbError: null };
    } catch (error) {
      return { ok: true as const, db: false, dbError: error instanceof Error ? error.message : String(error) };
    }
  }),
});
