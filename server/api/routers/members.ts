// Members: the sorted and filtered list, one member's full picture, the pages of their orders and
// history, their journeys, and the list's filter options. (The CSV export is a route handler,
// app/api/members/export, because it streams.)
import { createTRPCRouter, permissionProcedure, protectedProcedure } from "@/server/api/trpc";
import { eraseMemberInput, memberPrivacyIdInput, setConsentInput } from "@/server/members/privacy-schemas";
import { eraseMember, exportMemberData, memberErasure, setMemberConsent } from "@/server/members/privacy";
import { memberIdInput, memberListInput, memberOrdersInput, memberTimelineInput } from "@/server/members/schemas";
import { getMember, listMembers, memberFilterOptions, memberOrders, memberTimeline } from "@/server/members/service";
import { DomainError } from "@/server/errors";
import { memberJourneys } from "@/server/engine/live";
import { memberPointsInput } from "@/server/loyalty/schemas";
import { memberPoints } from "@/server/loyalty/points-view";
import { prismaTx } from "@/server/db/sql";

export const membersRouter = createTRPCRouter({
  list: protectedProcedure.input(memberListInput).query(({ ctx, input }) => listMembers(ctx.db, input)),
  filterOptions: protectedProcedure.query(({ ctx }) => memberFilterOptions(ctx.db)),
  get: protectedProcedure.input(memberIdInput).query(async ({ ctx, input }) => {
    const member = await getMember(ctx.db, input.id);
    if (!member) throw new DomainError("not_found", `Member ${input.id} does not exist`);
    return member;
  }),
  orders: protectedProcedure.input(memberOrdersInput).query(({ ctx, input }) => memberOrders(ctx.db, input)),
  timeline: protectedProcedure.input(memberTimelineInput).query(({ ctx, input }) => memberTimeline(ctx.db, input)),
  /** The member's journeys: the path each took and the coupons, messages… it gave them. */
  /** The member's points ledger, a page at a time with the running balance, and what expires when. */
  points: protectedProcedure.input(memberPointsInput).query(async ({ ctx, input }) => {
    const page = await memberPoints(prismaTx(ctx.db), input);
    if (!page) throw new DomainError("not_found", `Member ${input.id} does not exist`);
    return page;
  }),
  journeys: protectedProcedure.input(memberIdInput).query(({ ctx, input }) => memberJourneys(ctx.db, input.id)),

  /** Privacy (admins): consent per channel, the member's data as JSON, erasure; each audited. */
  erasure: protectedProcedure.input(memberPrivacyIdInput).query(({ ctx, input }) => memberErasure(ctx.db, input.id)),
  setConsent: permissionProcedure("manageMemberPrivacy").input(setConsentInput).mutation(({ ctx, input }) => setMemberConsent(ctx.db, ctx.session, input)),
  exportData: permissionProcedure("manageMemberPrivacy").input(memberPrivacyIdInput).mutation(({ ctx, input }) => exportMemberData(ctx.db, ctx.session, input.id)),
  erase: permissionProcedure("manageMemberPrivacy").input(eraseMemberInput).mutation(({ ctx, input }) => eraseMember(ctx.db, ctx.session, input)),
});
