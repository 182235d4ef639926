// Coupons & content — message templates (list with figures, create, edit, archive, a preview for a
// real member) and the outbox of what flows produced. Marketers and admins change templates; every
// signed-in role reads.
import { z } from "zod";
import { createTRPCRouter, protectedProcedure, permissionProcedure } from "@/server/api/trpc";
import { sharedPool } from "@/server/db/sql";
import { text } from "@/server/text";
import { channelSchema } from "@/server/flows/kinds/shared";
import { messagePreviewInput, messageTemplateInput, outboxFilterInput, outboxPageInput } from "@/server/content/message-template-schema";
import {
  createMessageTemplate,
  getMessageTemplate,
  listMessageTemplates,
  previewMessage,
  setMessageTemplateArchived,
  updateMessageTemplate,
} from "@/server/content/message-templates";
import { outboxCounts, outboxFlows, outboxMessage, outboxPage } from "@/server/content/outbox";

const editor = permissionProcedure("editContent");
const id = text({ max: 200, min: 1 });

export const contentMessagesRouter = createTRPCRouter({
  list: protectedProcedure
    .input(z.object({ archived: z.boolean().default(false), channel: channelSchema.optional() }).default({ archived: false }))
    .query(({ ctx, input }) => listMessageTemplates(ctx.db, input)),
  get: protectedProcedure.input(z.object({ id })).query(({ ctx, input }) => getMessageTemplate(ctx.db, input.id)),
  create: editor.input(messageTemplateInput).mutation(({ ctx, input }) => createMessageTemplate(ctx.db, input, { actor: ctx.session.user.id })),
  update: editor
    .input(z.object({ id, template: messageTemplateInput }))
    .mutation(({ ctx, input }) => updateMessageTemplate(ctx.db, input.id, input.template, { actor: ctx.session.user.id })),
  archive: editor
    .input(z.object({ id, archived: z.boolean() }))
    .mutation(({ ctx, input }) => setMessageTemplateArchived(ctx.db, input.id, input.archived, { actor: ctx.session.user.id })),
  preview: protectedProcedure
    .input(messagePreviewInput.extend({ locale: z.enum(["en", "zh-CN"]).default("zh-CN") }))
    .query(({ input: { locale, ...input } }) => previewMessage(sharedPool(), input, { locale })),

  outbox: protectedProcedure.input(outboxPageInput).query(({ ctx, input }) => outboxPage(ctx.db, input)),
  outboxCounts: protectedProcedure.input(outboxFilterInput).query(({ ctx, input }) => outboxCounts(ctx.db, input)),
  outboxMessage: protectedProcedure
    .input(z.object({ id: z.number().int().positive().max(Number.MAX_SAFE_INTEGER) }))
    .query(({ ctx, input }) => outboxMessage(ctx.db, input.id)),
  outboxFlows: protectedProcedure.query(({ ctx }) => outboxFlows(ctx.db)),
});
