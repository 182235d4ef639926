// Coupons & content — banner placements and creatives (images are uploaded over HTTP, see
// app/api/content/images). Marketers and admins change them; every signed-in role reads them.
import { z } from "zod";
import { createTRPCRouter, protectedProcedure, permissionProcedure } from "@/server/api/trpc";
import { actorOf } from "@/server/auth/roles";
import { creativeInput, placementIdSchema, placementInput, placementUpdate } from "@/server/content/banner-schema";
import {
  createCreative,
  createPlacement,
  getCreative,
  listCreatives,
  listPlacements,
  setCreativeArchived,
  setPlacementArchived,
  updateCreative,
  updatePlacement,
} from "@/server/content/banners";
import { text } from "@/server/text";

const editor = permissionProcedure("editContent");
const id = text({ min: 1, max: 200 });

export const contentBannersRouter = createTRPCRouter({
  placements: protectedProcedure
    .input(z.object({ archived: z.boolean().default(false) }).default({ archived: false }))
    .query(({ ctx, input }) => listPlacements(ctx.db, input)),
  createPlacement: editor.input(placementInput).mutation(({ ctx, input }) => createPlacement(ctx.db, input, { actor: actorOf(ctx.session) })),
  updatePlacement: editor
    .input(z.object({ id: placementIdSchema, placement: placementUpdate }))
    .mutation(({ ctx, input }) => updatePlacement(ctx.db, input.id, input.placement, { actor: actorOf(ctx.session) })),
  archivePlacement: editor
    .input(z.object({ id: placementIdSchema, archived: z.boolean() }))
    .mutation(({ ctx, input }) => setPlacementArchived(ctx.db, input.id, input.archived, { actor: actorOf(ctx.session) })),

  creatives: protectedProcedure
    .input(z.object({ archived: z.boolean().default(false), placementId: placementIdSchema.optional() }).default({ archived: false }))
    .query(({ ctx, input }) => listCreatives(ctx.db, input)),
  creative: protectedProcedure.input(z.object({ id })).query(({ ctx, input }) => getCreative(ctx.db, input.id)),
  createCreative: editor.input(creativeInput).mutation(({ ctx, input }) => createCreative(ctx.db, input, { actor: actorOf(ctx.session) })),
  updateCreative: editor
    .input(z.object({ id, creative: creativeInput }))
    .mutation(({ ctx, input }) => updateCreative(ctx.db, input.id, input.creative, { actor: actorOf(ctx.session) })),
  archiveCreative: editor
    .input(z.object({ id, archived: z.boolean() }))
    .mutation(({ ctx, input }) => setCreativeArchived(ctx.db, input.id, input.archived, { actor: actorOf(ctx.session) })),
});
