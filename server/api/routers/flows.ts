// Flows: thin procedures over server/flows/service.ts. Marketers and admins edit; everyone reads.
import { z } from "zod";
import { createTRPCRouter, protectedProcedure, permissionProcedure } from "@/server/api/trpc";
import { flowDraftSchema } from "@/server/flows/definition";
import { flowTemplates } from "@/server/flows/templates";
import { locales } from "@/lib/i18n/locale";
import * as flows from "@/server/flows/service";
import { flowLiveCounts, flowSummaries, membersAtNode } from "@/server/engine/live";
import { actorOf } from "@/server/auth/roles";
import { flowResults, flowResultsInput } from "@/server/analytics/flow-results";
import { importAndPublish, publishDirectly } from "@/server/approvals/service";

const editor = permissionProcedure("editFlows");
const layoutInput = z.record(z.string(), z.object({ x: z.number().finite(), y: z.number().finite() }));
const flowId = z.object({ id: z.string().min(1) });

export const flowsRouter = createTRPCRouter({
  list: protectedProcedure
    .input(z.object({ includeArchived: z.boolean().default(false) }).default({ includeArchived: false }))
    .query(async ({ ctx, input }) => {
      const list = await flows.listFlows(ctx.db, input);
      // In flight, completed and the last run beside each flow's status.
      const live = await flowSummaries(ctx.db, list.map((f) => f.id));
      return list.map((f) => ({ ...f, live: live.get(f.id)! }));
    }),

  templates: protectedProcedure.query(() =>
    flowTemplates.map((t) => ({ id: t.id, name: t.name, description: t.description, nodeCount: t.definition.nodes.length })),
  ),

  get: protectedProcedure.input(flowId).query(({ ctx, input }) => flows.getFlow(ctx.db, input.id)),

  create: editor
    .input(
      z.object({
        name: flows.flowNameSchema,
        description: z.string().max(2000).optional(),
        templateId: z.string().optional(),
        /** The marketer's language: a template's group and node names come in it. */
        locale: z.enum(locales).optional(),
      }),
    )
    .mutation(({ ctx, input }) =>
      input.templateId
        ? flows.createFlowFromTemplate(ctx.db, { ...input, templateId: input.templateId }, actorOf(ctx.session))
        : flows.createFlow(ctx.db, { name: input.name, description: input.description }, actorOf(ctx.session)),
    ),

  saveDraft: editor
    .input(
      z.object({
        id: z.string().min(1),
        draft: flowDraftSchema,
        layout: layoutInput,
        baseUpdatedAt: z.date().optional(),
        name: flows.flowNameSchema.optional(),
        description: z.string().max(2000).optional(),
      }),
    )
    .mutation(({ ctx, input }) => flows.saveDraft(ctx.db, input, { actor: actorOf(ctx.session) })),

  publish: editor
    .input(
      z.object({
        id: z.string().min(1),
        note: z.string().max(500).optional(),
        // Move members in flight onto the new version; those at removed nodes go where this says (else they leave).
        migrate: z.object({ removedNodeTargets: z.record(z.string().min(1).max(64), z.string().min(1).max(64)) }).optional(),
      }),
    )
    // With "Publishing needs approval" on, a marketer is refused here and sends a request (approvals.request).
    .mutation(({ ctx, input }) => publishDirectly(ctx.db, ctx.session, input)),

  setStatus: editor
    .input(z.object({ id: z.string().min(1), status: z.enum(["active", "paused", "archived"]) }))
    .mutation(({ ctx, input }) => flows.setFlowStatus(ctx.db, input, actorOf(ctx.session))),

  /** The canvas's live figures: members per node and branch, who stands where now, totals, last run. */
  liveCounts: protectedProcedure.input(flowId).query(({ ctx, input }) => flowLiveCounts(ctx.db, input.id)),
  /** Outcomes: conversions, orders and revenue in the attribution window, uplift over the holdout, effects' figures. */
  results: protectedProcedure.input(flowResultsInput).query(({ ctx, input }) => flowResults(ctx.db, input)),

  membersAtNode: protectedProcedure
    .input(
      z.object({
        flowId: z.string().min(1),
        nodeId: z.string().min(1).max(64),
        cursor: z.number().int().nonnegative().max(2_147_483_647).nullish(),
        limit: z.number().int().min(1).max(200).default(50),
      }),
    )
    .query(({ ctx, input }) => membersAtNode(ctx.db, input)),

  compare: protectedProcedure
    .input(z.object({ flowId: z.string().min(1), from: z.string().min(1), to: z.string().min(1) }))
    .query(({ ctx, input }) => flows.compareVersions(ctx.db, input)),

  revert: editor
    .input(z.object({ flowId: z.string().min(1), versionId: z.string().min(1) }))
    .mutation(({ ctx, input }) => flows.revertDraft(ctx.db, input, actorOf(ctx.session))),

  duplicate: editor.input(flowId).mutation(({ ctx, input }) => flows.duplicateFlow(ctx.db, input.id, actorOf(ctx.session))),

  export: protectedProcedure.input(flowId).query(({ ctx, input }) => flows.exportFlow(ctx.db, input.id)),

  import: editor
    .input(z.object({ file: z.unknown(), publish: z.boolean().default(false) }))
    .mutation(({ ctx, input }) => importAndPublish(ctx.db, ctx.session, input.file, { publish: input.publish })),
});
