// Members: the searchable list, one member's full picture, their journeys, and the list's filter options.
import { createTRPCRouter, protectedProcedure } from "@/server/api/trpc";
import { memberIdInput, memberListInput } from "@/server/members/schemas";
import { getMember, listMembers, memberFilterOptions } from "@/server/members/service";
import { DomainError } from "@/server/errors";
import { memberJourneys } from "@/server/engine/live";

export const membersRouter = createTRPCRouter({
  list: protectedProcedure.input(memberListInput).query(({ ctx, input }) => listMembers(ctx.db, input)),
  filterOptions: protectedProcedure.query(({ ctx }) => memberFilterOptions(ctx.db)),
  get: protectedProcedure.input(memberIdInput).query(async ({ ctx, input }) => {
    const member = await getMember(ctx.db, input.id);
    if (!member) throw new DomainError("not_found", `Member ${input.id} does not exist`);
    return member;
  }),
  /** The member's journeys: the path each took and the coupons, messages… it gave them. */
  journeys: protectedProcedure.input(memberIdInput).query(({ ctx, input }) => memberJourneys(ctx.db, input.id)),
});
