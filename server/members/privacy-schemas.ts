// Inputs of a member's privacy actions (consent per channel, data export, erasure). Pure.
import { z } from "zod";
import { rowIdSchema, text } from "@/server/text";

export const consentChannels = ["sms", "email", "push", "inApp"] as const;
export type ConsentChannel = (typeof consentChannels)[number];

export const setConsentInput = z.object({
  id: rowIdSchema,
  consent: z
    .object({ sms: z.boolean().optional(), email: z.boolean().optional(), push: z.boolean().optional(), inApp: z.boolean().optional() })
    .strict()
    .refine((c) => Object.keys(c).length > 0, { error: "Name at least one channel" }),
});

export const memberPrivacyIdInput = z.object({ id: rowIdSchema });

/** Erasing is confirmed by typing the member's external id, so no stray call erases anyone. */
export const eraseMemberInput = z.object({ id: rowIdSchema, confirmExternalId: text({ max: 100, min: 1 }) });
