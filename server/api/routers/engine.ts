// The engine seen from the builder: a test run on one member and a forecast over the entry
// audience, both on the real executors with nothing issued (server/engine/test-run.ts).
import { z } from "zod";
import { rowIdSchema } from "@/server/text";
import { createTRPCRouter, protectedProcedure, permissionProcedure } from "@/server/api/trpc";
import { sharedPool } from "@/server/db/sql";
import { forecastDraft, testRunDraft } from "@/server/engine/previews";
import { splitCounts, splitCountsInput } from "@/server/engine/split-counts";

const editor = permissionProcedure("editFlows");
const id = z.string().min(1).max(64);

export const engineRouter = createTRPCRouter({
  testRun: editor
    .input(
      z.object({
        flowId: id,
        memberId: rowIdSchema,
        triggerNodeId: id.optional(),
        responses: z.record(id, z.enum(["responded", "timeout"])).optional(),
      }),
    )
    .mutation(({ ctx, input }) => testRunDraft(ctx.db, sharedPool(), input)),
  forecast: editor
    .input(z.object({ flowId: id, triggerNodeId: id.optional() }))
    .mutation(({ ctx, input }) => forecastDraft(ctx.db, sharedPool(), input)),
  /** How a split would divide the members entering its flow now (first match wins), while it is edited. */
  splitCounts: protectedProcedure.input(splitCountsInput).query(({ input }) => splitCounts(sharedPool(), input)),
});
