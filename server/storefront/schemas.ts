// Shapes shared by several storefront endpoints. Each carries its OpenAPI description and example.
import { z } from "zod";
import { text } from "@/server/text";

export const externalIdSchema = text({ min: 1, max: 100 }).meta({
  description: "The member's id in your system (the storefront's own id)",
  example: "M000123",
});

export const memberPathSchema = z.object({ externalId: externalIdSchema });

/** Money in yuan, at most two decimals. */
export const moneySchema = z
  .number({ error: "Expected an amount" })
  .min(0, { error: "Must not be negative" })
  .max(100_000_000, { error: "At most 100,000,000" })
  .refine((v) => Math.abs(Math.round(v * 100) - v * 100) < 1e-6, { error: "At most two decimals" })
  .meta({ description: "An amount in yuan (CNY), up to two decimals", example: 199.5 });

export const timestampSchema = z.iso.datetime({ offset: true, error: "Use an ISO 8601 time with a zone, e.g. 2026-12-03T08:00:00Z" }).meta({ example: "2026-12-03T08:00:00.000Z" });

export const skuSchema = text({ min: 1, max: 64 }).meta({ description: "Your product's SKU, as in the catalogue", example: "SKU-10023" });

export const cartItemSchema = z
  .object({
    sku: skuSchema,
    quantity: z.number().int({ error: "Use a whole number" }).min(1).max(10_000),
    unitPrice: moneySchema.meta({ description: "Price of one unit in the cart, in yuan", example: 99 }),
  })
  .meta({ id: "CartItem" });

export const cartSchema = z
  .object({
    total: moneySchema.meta({ description: "The cart's total before this coupon, in yuan", example: 298 }),
    items: z.array(cartItemSchema).max(500).default([]).meta({ description: "Needed for coupons limited to products or categories" }),
  })
  .meta({ id: "Cart" });
export type Cart = z.infer<typeof cartSchema>;
