// Coupons & content: the coupon template library (list with live figures, create, edit into
// revisions, archive) and member price lists (with a preview against the catalogue); banners and
// messages in their own sub-routers. Marketers and admins change it; every signed-in role reads it.
import { z } from "zod";
import { createTRPCRouter, protectedProcedure, permissionProcedure } from "@/server/api/trpc";
import { couponTemplateInput } from "@/server/content/coupon-template-schema";
import { contentBannersRouter } from "@/server/api/routers/content-banners";
import { contentMessagesRouter } from "@/server/api/routers/content-messages";
import { priceListInput, priceRuleSchema, priceTargetSchema } from "@/server/content/price-list-schema";
import { createPriceList, getPriceList, listPriceLists, previewPrices, setPriceListArchived, updatePriceList } from "@/server/content/price-lists";
import { createCouponTemplate, getCouponTemplate, listCouponTemplates, setCouponTemplateArchived, updateCouponTemplate } from "@/server/content/coupon-templates";

const editor = permissionProcedure("editContent");
const id = z.string().min(1).max(200);

export const contentRouter = createTRPCRouter({
  banners: contentBannersRouter,
  messages: contentMessagesRouter,
  couponTemplates: protectedProcedure
    .input(z.object({ archived: z.boolean().default(false) }).default({ archived: false }))
    .query(({ ctx, input }) => listCouponTemplates(ctx.db, input)),
  couponTemplate: protectedProcedure.input(z.object({ id })).query(({ ctx, input }) => getCouponTemplate(ctx.db, input.id)),
  createCouponTemplate: editor.input(couponTemplateInput).mutation(({ ctx, input }) => createCouponTemplate(ctx.db, input, { actor: ctx.session.user.id })),
  updateCouponTemplate: editor
    .input(z.object({ id, template: couponTemplateInput }))
    .mutation(({ ctx, input }) => updateCouponTemplate(ctx.db, input.id, input.template, { actor: ctx.session.user.id })),
  archiveCouponTemplate: editor
    .input(z.object({ id, archived: z.boolean() }))
    .mutation(({ ctx, input }) => setCouponTemplateArchived(ctx.db, input.id, input.archived, { actor: ctx.session.user.id })),
  priceLists: protectedProcedure
    .input(z.object({ archived: z.boolean().default(false) }).default({ archived: false }))
    .query(({ ctx, input }) => listPriceLists(ctx.db, input)),
  priceList: protectedProcedure.input(z.object({ id })).query(({ ctx, input }) => getPriceList(ctx.db, input.id)),
  previewPrices: protectedProcedure
    .input(z.object({ target: priceTargetSchema, price: priceRuleSchema }))
    .query(({ ctx, input }) => previewPrices(ctx.db, input.target, input.price)),
  createPriceList: editor.input(priceListInput).mutation(({ ctx, input }) => createPriceList(ctx.db, input, { actor: ctx.session.user.id })),
  updatePriceList: editor
    .input(z.object({ id, list: priceListInput }))
    .mutation(({ ctx, input }) => updatePriceList(ctx.db, input.id, input.list, { actor: ctx.session.user.id })),
  archivePriceList: editor
    .input(z.object({ id, archived: z.boolean() }))
    .mutation(({ ctx, input }) => setPriceListArchived(ctx.db, input.id, input.archived, { actor: ctx.session.user.id })),
});
