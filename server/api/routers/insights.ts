// Insights: frequency movement (Sankey), who moved, and chart → audience → flow. Thin: the logic
// lives in server/analytics.
import { createTRPCRouter, protectedProcedure, permissionProcedure } from "@/server/api/trpc";
import { actorOf } from "@/server/auth/roles";
import {
  frequencyInput,
  frequencyMembers,
  frequencyMembersInput,
  frequencyMovement,
  saveFrequencyAudienceInput,
  saveFrequencyAudience,
  targetAudienceInFlow,
  targetInFlowInput,
} from "@/server/analytics/frequency";

export const insightsRouter = createTRPCRouter({
  /** Members per (band in A, band in B), with the nodes' totals and the biggest movements. */
  frequency: protectedProcedure.input(frequencyInput).query(({ ctx, input }) => frequencyMovement(ctx.db, input)),
  /** A page of the members of a node (a band in A or B) or a link (A → B). */
  frequencyMembers: protectedProcedure.input(frequencyMembersInput).query(({ ctx, input }) => frequencyMembers(ctx.db, input)),
  /** The selection as a static audience with its provenance, in one transaction. */
  saveFrequencyAudience: permissionProcedure("saveChartAudiences")
    .input(saveFrequencyAudienceInput)
    .mutation(({ ctx, input }) => saveFrequencyAudience(ctx.db, input, actorOf(ctx.session), ctx.session.user.id)),
  /** A new draft flow whose schedule trigger enters the audience; flow editors only. */
  targetInFlow: permissionProcedure("editFlows")
    .input(targetInFlowInput)
    .mutation(({ ctx, input }) => targetAudienceInFlow(ctx.db, input, actorOf(ctx.session))),
});
export type InsightsRouter = typeof insightsRouter;
