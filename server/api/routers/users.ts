// Users and sign-in around better-auth: the first admin (first run, open only while nobody can
// sign in), accepting an invitation (by its one-time token), and, for admins, the users, their
// roles and invitations. Signing in and out is better-auth's own endpoint (app/api/auth).
import { z } from "zod";
import { createTRPCRouter, permissionProcedure, publicProcedure } from "@/server/api/trpc";
import { acceptInvitationInput, firstAdminInput, invitationIdInput, invitationTokenSchema, inviteInput, setRoleInput } from "@/server/auth/schemas";
import { acceptInvitation, createFirstAdmin, invitationForToken, inviteUser, listUsers, realUserCount, revokeInvitation, setUserRole } from "@/server/auth/users";

const admin = permissionProcedure("manageUsers");

export const authRouter = createTRPCRouter({
  /** Whether the first-run page is open (nobody can sign in yet). */
  needsFirstAdmin: publicProcedure.query(async ({ ctx }) => ({ needsFirstAdmin: (await realUserCount(ctx.db)) === 0 })),
  createFirstAdmin: publicProcedure.input(firstAdminInput).mutation(({ ctx, input }) => createFirstAdmin(ctx.db, input)),
  invitation: publicProcedure.input(z.object({ token: invitationTokenSchema })).query(({ ctx, input }) => invitationForToken(ctx.db, input.token)),
  acceptInvitation: publicProcedure.input(acceptInvitationInput).mutation(({ ctx, input }) => acceptInvitation(ctx.db, input)),
});

export const usersRouter = createTRPCRouter({
  list: admin.query(({ ctx }) => listUsers(ctx.db)),
  invite: admin.input(inviteInput).mutation(({ ctx, input }) => inviteUser(ctx.db, ctx.session, input)),
  revokeInvitation: admin.input(invitationIdInput).mutation(({ ctx, input }) => revokeInvitation(ctx.db, ctx.session, input.id)),
  setRole: admin.input(setRoleInput).mutation(({ ctx, input }) => setUserRole(ctx.db, ctx.session, input)),
});
