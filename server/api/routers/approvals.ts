// Publish approval: thin procedures over server/approvals/service.ts. Admins switch it on and
// approve; marketers send requests (and may withdraw their own); everyone signed in reads.
import { z } from "zod";
import { createTRPCRouter, permissionProcedure, protectedProcedure } from "@/server/api/trpc";
import { sharedPool } from "@/server/db/sql";
import * as approvals from "@/server/approvals/service";
import { approvalSettingInput, approveInput, publishRequestInput, rejectInput, requestIdInput } from "@/server/approvals/schemas";

const approver = permissionProcedure("approveFlows");

export const approvalsRouter = createTRPCRouter({
  setting: protectedProcedure.query(({ ctx }) => approvals.approvalSetting(ctx.db)),
  saveSetting: permissionProcedure("manageSettings")
    .input(approvalSettingInput)
    .mutation(({ ctx, input }) => approvals.saveApprovalSetting(ctx.db, ctx.session, input)),

  /** The request waiting for a flow and its latest decision, for the builder. */
  forFlow: protectedProcedure
    .input(z.object({ flowId: z.string().min(1).max(64) }))
    .query(({ ctx, input }) => approvals.publishRequestsOfFlow(ctx.db, input.flowId)),
  pending: protectedProcedure.query(({ ctx }) => approvals.pendingPublishRequests(ctx.db)),
  review: protectedProcedure.input(requestIdInput).query(({ ctx, input }) => approvals.reviewPublishRequest(ctx.db, input.requestId)),
  /** Runs the executors over the audience (seconds on a large base): for the approver's review only. */
  forecast: approver.input(requestIdInput).query(({ ctx, input }) => approvals.forecastPublishRequest(ctx.db, sharedPool(), input.requestId)),

  request: permissionProcedure("editFlows")
    .input(publishRequestInput)
    .mutation(({ ctx, input }) => approvals.requestPublish(ctx.db, ctx.session, input)),
  withdraw: permissionProcedure("editFlows")
    .input(requestIdInput)
    .mutation(({ ctx, input }) => approvals.withdrawPublishRequest(ctx.db, ctx.session, input.requestId)),
  approve: approver.input(approveInput).mutation(({ ctx, input }) => approvals.approvePublishRequest(ctx.db, ctx.session, input)),
  reject: approver.input(rejectInput).mutation(({ ctx, input }) => approvals.rejectPublishRequest(ctx.db, ctx.session, input)),
});
