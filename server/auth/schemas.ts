// Inputs of sign-in, first run, invitations and user administration. Pure (zod and server/text
// only), so the forms validate with the same schemas the server does.
import { z } from "zod";
import { roles } from "@/server/auth/roles";
import { text } from "@/server/text";

export const MIN_PASSWORD = 10;
export const MAX_PASSWORD = 128;

export const emailSchema = text({ max: 254, min: 1 })
  .transform((value) => value.toLowerCase())
  .pipe(z.email({ error: "Enter an email address, e.g. name@example.com" }));
export const passwordSchema = text({ max: MAX_PASSWORD, trim: false }).refine((value) => value.length >= MIN_PASSWORD, {
  error: `At least ${MIN_PASSWORD} characters`,
});
export const personNameSchema = text({ max: 100, min: 1 });
export const roleSchema = z.enum(roles, { error: `One of: ${roles.join(", ")}` });
/** A user's or an invitation's id (cuid-like): letters, digits, dashes and underscores. */
export const userIdSchema = text({ max: 64, min: 1 }).regex(/^[\w-]+$/, { error: "Not an id" });
/** The one-time token of an invitation link. */
export const invitationTokenSchema = text({ max: 128, min: 16 }).regex(/^[\w-]+$/, { error: "This link is not valid" });

export const firstAdminInput = z.object({ name: personNameSchema, email: emailSchema, password: passwordSchema });
export const inviteInput = z.object({ email: emailSchema, role: roleSchema });
export const acceptInvitationInput = z.object({ token: invitationTokenSchema, name: personNameSchema, password: passwordSchema });
export const setRoleInput = z.object({ userId: userIdSchema, role: roleSchema });
export const invitationIdInput = z.object({ id: userIdSchema });

export type FirstAdminInput = z.infer<typeof firstAdminInput>;
export type InviteInput = z.infer<typeof inviteInput>;
export type AcceptInvitationInput = z.infer<typeof acceptInvitationInput>;
