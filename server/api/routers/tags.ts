// Tags & badges API: the lists, rule runs and their members, bulk jobs (made here, run by the
// runtimes, polled for progress), and one member's tags, badges and history. Thin: the logic lives
// in server/loyalty/tags. Changes commit with their audit entry; a saved rule is then evaluated
// over all members in the background (cause "saved"), on the engine's runtime.
import type { Prisma } from "@prisma/client";
import { createTRPCRouter, permissionProcedure, protectedProcedure } from "@/server/api/trpc";
import { audit } from "@/server/audit/service";
import { prismaTx, sharedPool, withTransaction } from "@/server/db/sql";
import { createTagJob } from "@/server/loyalty/tags/jobs";
import { evaluateSoon } from "@/server/loyalty/tags/evaluate-soon";
import {
  badgeCreateInput,
  memberTagsInput,
  ruleRefInput,
  ruleRunMembersInput,
  ruleRunsInput,
  ruleSaveInput,
  tagCreateInput,
  tagJobIdInput,
  tagJobInput,
} from "@/server/loyalty/tags/schemas";
import { createBadge, createTag, getTagJob, listBadges, listTags, memberTagHistory, recentTagJobs, ruleRunMembers, ruleRuns, saveRule } from "@/server/loyalty/tags/service";

const editors = permissionProcedure("editAudiences");
const read = <T>(work: Parameters<typeof withTransaction<T>>[1]) => withTransaction(sharedPool(), work);

/** A saved rule is evaluated over all members in the background (the list shows its run when done). */
const evaluateSaved = (target: "tag" | "badge", id: number) => evaluateSoon(sharedPool(), { target, id });

export const tagsRouter = createTRPCRouter({
  list: protectedProcedure.query(() => read((tx) => listTags(tx))),
  badges: protectedProcedure.query(() => read((tx) => listBadges(tx))),
  runs: protectedProcedure.input(ruleRunsInput).query(({ input }) => read((tx) => ruleRuns(tx, input.target, input.id, input.limit))),
  runMembers: protectedProcedure.input(ruleRunMembersInput).query(({ input }) => read((tx) => ruleRunMembers(tx, input.runId, input.action, input.limit))),
  job: protectedProcedure.input(tagJobIdInput).query(({ input }) => read((tx) => getTagJob(tx, input.jobId))),
  jobs: protectedProcedure.query(() => read((tx) => recentTagJobs(tx))),
  member: protectedProcedure.input(memberTagsInput).query(({ input }) => read((tx) => memberTagHistory(tx, input.memberId, input.limit))),

  createTag: editors.input(tagCreateInput).mutation(async ({ ctx, input }) => {
    const tag = await ctx.db.$transaction(async (tx) => {
      const created = await createTag(prismaTx(tx), input);
      await audit(tx, ctx.session, { action: "tag.create", entityType: "tag", entityId: String(created.id), details: { name: input.name, kind: input.kind } });
      return created;
    });
    return { ...tag, evaluation: input.kind === "rule" ? await evaluateSaved("tag", tag.id) : null };
  }),
  createBadge: editors.input(badgeCreateInput).mutation(async ({ ctx, input }) => {
    const badge = await ctx.db.$transaction(async (tx) => {
      const created = await createBadge(prismaTx(tx), input);
      await audit(tx, ctx.session, { action: "badge.create", entityType: "badge", entityId: String(created.id), details: { name: input.name, kind: input.kind } });
      return created;
    });
    return { ...badge, evaluation: input.kind === "rule" ? await evaluateSaved("badge", badge.id) : null };
  }),
  saveRule: editors.input(ruleSaveInput).mutation(async ({ ctx, input }) => {
    await ctx.db.$transaction(async (tx) => {
      await saveRule(prismaTx(tx), input);
      await audit(tx, ctx.session, { action: `${input.target}.rule.save`, entityType: input.target, entityId: String(input.id), details: { condition: input.condition as unknown as Prisma.InputJsonValue } });
    });
    return evaluateSaved(input.target, input.id);
  }),
  /** Evaluates a rule soon, outside its schedule. */
  evaluate: editors.input(ruleRefInput).mutation(({ input }) => evaluateSaved(input.target, input.id)),
  /** Starts a bulk add/remove (tag) or grant (badge) on an audience; poll `job` for progress. */
  startJob: editors.input(tagJobInput).mutation(({ ctx, input }) =>
    ctx.db.$transaction(async (tx) => {
      const job = await createTagJob(prismaTx(tx), input, ctx.session.user.id);
      await audit(tx, ctx.session, { action: `${input.target}.job.start`, entityType: input.target, entityId: String(input.id), details: { jobId: job.id, action: input.action, audienceId: input.audienceId } });
      return job;
    }),
  ),
});
