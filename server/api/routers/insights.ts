// Insights: the overview, group comparison (radar), frequency movement (Sankey), the members of
// any chart selection, and chart → audience → flow. Thin: the logic lives in server/analytics.
import { createTRPCRouter, protectedProcedure, permissionProcedure } from "@/server/api/trpc";
import { actorOf } from "@/server/auth/roles";
import { targetAudienceInFlow, targetInFlowInput } from "@/server/analytics/chart-audience";
import {
  frequencyInput,
  frequencyMembers,
  frequencyMembersInput,
  frequencyMovement,
  saveFrequencyAudienceInput,
  saveFrequencyAudience,
} from "@/server/analytics/frequency";
import { groupMembers, groupMembersInput, saveGroupAudience, saveGroupAudienceInput } from "@/server/analytics/groups";
import { overview, overviewInput } from "@/server/analytics/overview";
import { radar, radarInput } from "@/server/analytics/radar";

const savers = permissionProcedure("saveChartAudiences");

export const insightsRouter = createTRPCRouter({
  /** Members by stage and tier; new and active members, orders, spend, AOV, redemptions over time vs the previous period. */
  overview: protectedProcedure.input(overviewInput).query(({ ctx, input }) => overview(ctx.db, input)),
  /** 2–6 groups on up to eight indicators: sizes, raw values, normalised scores. */
  radar: protectedProcedure.input(radarInput).query(({ ctx, input }) => radar(ctx.db, input)),
  /** A page of a group's members (an overview segment, a radar group). */
  groupMembers: protectedProcedure.input(groupMembersInput).query(({ ctx, input }) => groupMembers(ctx.db, input)),
  /** A group as a static audience with its provenance (which chart, which group), in one transaction. */
  saveGroupAudience: savers
    .input(saveGroupAudienceInput)
    .mutation(({ ctx, input }) => saveGroupAudience(ctx.db, input, actorOf(ctx.session), ctx.session.user.id)),
  /** Members per (band in A, band in B), with the nodes' totals and the biggest movements. */
  frequency: protectedProcedure.input(frequencyInput).query(({ ctx, input }) => frequencyMovement(ctx.db, input)),
  /** A page of the members of a node (a band in A or B) or a link (A → B). */
  frequencyMembers: protectedProcedure.input(frequencyMembersInput).query(({ ctx, input }) => frequencyMembers(ctx.db, input)),
  /** The selection as a static audience with its provenance, in one transaction. */
  saveFrequencyAudience: savers
    .input(saveFrequencyAudienceInput)
    .mutation(({ ctx, input }) => saveFrequencyAudience(ctx.db, input, actorOf(ctx.session), ctx.session.user.id)),
  /** A new draft flow whose schedule trigger enters the audience; flow editors only. */
  targetInFlow: permissionProcedure("editFlows")
    .input(targetInFlowInput)
    .mutation(({ ctx, input }) => targetAudienceInFlow(ctx.db, input, actorOf(ctx.session))),
});
export type InsightsRouter = typeof insightsRouter;
