// Audiences API: the field catalog and option lookups for the editor, live counts and samples,
// and saved audiences. Thin: the logic lives in server/audiences.
import { TRPCError } from "@trpc/server";
import { createTRPCRouter, protectedProcedure, permissionProcedure } from "@/server/api/trpc";
import { actorOf } from "@/server/auth/roles";
import { flowsUsingAudience } from "@/server/flows/service";
import { countAudience, sampleAudience } from "@/server/audiences/compile";
import { describeCatalog } from "@/server/audiences/fields";
import {
  audienceCountInput,
  audienceCreateInput,
  audienceIdInput,
  audienceImportCsvInput,
  audienceListInput,
  audienceOptionsInput,
  audienceSampleInput,
  audienceUpdateInput,
} from "@/server/audiences/schemas";
import {
  archiveAudience,
  audienceOptions,
  createAudience,
  getAudience,
  importCsvAudience,
  listAudiences,
  refreshAudienceSize,
  sampleSavedAudience,
  updateAudience,
} from "@/server/audiences/service";

const editors = permissionProcedure("editAudiences");

export const audiencesRouter = createTRPCRouter({
  /** The field catalog (labels, operators, widgets, option sources) without compile functions. */
  fields: protectedProcedure.query(() => describeCatalog()),
  /** Values for a multi-select: provinces, cities, districts, tags, products, categories, tiers, badges, coupon templates, event names. */
  options: protectedProcedure.input(audienceOptionsInput).query(({ ctx, input }) => audienceOptions(ctx.db, input)),
  /** Live count while editing (the client debounces and cancels superseded requests). */
  count: protectedProcedure.input(audienceCountInput).query(async ({ ctx, input, signal }) => {
    const started = performance.now();
    const count = await countAudience(ctx.db, input.tree);
    if (signal?.aborted) throw new TRPCError({ code: "CLIENT_CLOSED_REQUEST", message: "Superseded" });
    return { count, ms: Math.round(performance.now() - started) };
  }),
  sample: protectedProcedure.input(audienceSampleInput).query(({ ctx, input }) =>
    "tree" in input ? sampleAudience(ctx.db, input.tree, input.limit) : sampleSavedAudience(ctx.db, input.audienceId, input.limit),
  ),
  list: protectedProcedure.input(audienceListInput).query(({ ctx, input }) => listAudiences(ctx.db, input)),
  get: protectedProcedure.input(audienceIdInput).query(({ ctx, input }) => getAudience(ctx.db, input.id)),
  refreshSize: editors.input(audienceIdInput).mutation(({ ctx, input }) => refreshAudienceSize(ctx.db, input.id)),
  create: editors.input(audienceCreateInput).mutation(({ ctx, input }) =>
    createAudience(ctx.db, input, actorOf(ctx.session), ctx.session.user.id),
  ),
  update: editors.input(audienceUpdateInput).mutation(({ ctx, input }) => updateAudience(ctx.db, input, actorOf(ctx.session))),
  /** The flows that use an audience (shown before archiving it: they keep using it). */
  usage: protectedProcedure.input(audienceIdInput).query(({ ctx, input }) => flowsUsingAudience(ctx.db, input.id)),
  archive: editors.input(audienceIdInput).mutation(({ ctx, input }) => archiveAudience(ctx.db, input.id, actorOf(ctx.session))),
  importCsv: editors.input(audienceImportCsvInput).mutation(({ ctx, input }) =>
    importCsvAudience(ctx.db, input, actorOf(ctx.session), ctx.session.user.id),
  ),
});
export type AudiencesRouter = typeof audiencesRouter;
