// People who sign in: the first admin (first run), invitations (a one-time link an admin hands
// over), roles. Each change and its audit entry are written in one transaction.
import "server-only";

import { createHash, randomBytes, randomUUID } from "node:crypto";
import { hashPassword } from "better-auth/crypto";
import type { PrismaClient } from "@/server/prisma-client";
import type { Role, Session } from "@/server/auth/roles";
import { DomainError } from "@/server/errors";
import { audit } from "@/server/audit/service";
import {
  acceptInvitationInput,
  firstAdminInput,
  inviteInput,
  setRoleInput,
  type AcceptInvitationInput,
  type FirstAdminInput,
  type InviteInput,
} from "@/server/auth/schemas";

export const INVITATION_DAYS = 7;
/** The demo admin of `npm run dev` (no password): it does not count as a user of a real install. */
const DEMO_USER_ID = "demo-admin";
/** Serialises the first-run check-and-create: two browsers cannot both make the first admin. */
const FIRST_RUN_LOCK = 7_120_001;

const tokenHash = (token: string) => createHash("sha256").update(token).digest("hex");

/** Users who can sign in (the development demo admin aside): 0 means the first-run page is open. */
export async function realUserCount(db: PrismaClient): Promise<number> {
  return db.user.count({ where: { id: { not: DEMO_USER_ID } } });
}

type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

async function createUserWithPassword(tx: Tx, user: { name: string; email: string; role: Role }, password: string) {
  if (await tx.user.findUnique({ where: { email: user.email }, select: { id: true } })) {
    throw new DomainError("conflict", `A user with the email ${user.email} already exists`, { field: "email" });
  }
  const created = await tx.user.create({ data: { name: user.name, email: user.email, role: user.role, emailVerified: true } });
  await tx.authAccount.create({
    data: { id: randomUUID(), userId: created.id, providerId: "credential", accountId: created.id, password: await hashPassword(password) },
  });
  return created;
}

/** First run: creates the first admin, only while nobody can sign in yet. */
export async function createFirstAdmin(db: PrismaClient, raw: FirstAdminInput) {
  const input = firstAdminInput.parse(raw);
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${FIRST_RUN_LOCK})`;
    if ((await tx.user.count({ where: { id: { not: DEMO_USER_ID } } })) > 0) {
      throw new DomainError("conflict", "memberflow already has users: sign in, or ask an admin for an invitation");
    }
    const user = await createUserWithPassword(tx, { name: input.name, email: input.email, role: "admin" }, input.password);
    await tx.auditLog.create({
      data: { actor: user.email, userId: user.id, action: "user.first_admin", entityType: "user", entityId: user.id, details: { role: "admin" } },
    });
    return { id: user.id, email: user.email };
  });
}

/** An invitation for `email` with `role`; returns the one-time token (only its hash is kept). */
export async function inviteUser(db: PrismaClient, session: Session, raw: InviteInput) {
  const input = inviteInput.parse(raw);
  const token = randomBytes(24).toString("base64url");
  return db.$transaction(async (tx) => {
    if (await tx.user.findUnique({ where: { email: input.email }, select: { id: true } })) {
      throw new DomainError("conflict", `${input.email} is already a user`, { field: "email" });
    }
    // A new invitation replaces any pending one for the same address.
    await tx.userInvitation.updateMany({ where: { email: input.email, acceptedAt: null, revokedAt: null }, data: { revokedAt: new Date() } });
    const invitation = await tx.userInvitation.create({
      data: {
        email: input.email,
        role: input.role,
        tokenHash: tokenHash(token),
        invitedBy: session.user.id,
        expiresAt: new Date(Date.now() + INVITATION_DAYS * 24 * 60 * 60 * 1000),
      },
    });
    await audit(tx, session, { action: "user.invite", entityType: "user_invitation", entityId: invitation.id, details: { email: input.email, role: input.role } });
    return { id: invitation.id, email: invitation.email, role: invitation.role, expiresAt: invitation.expiresAt, token };
  });
}

async function pendingInvitation(tx: Tx, token: string) {
  const invitation = await tx.userInvitation.findUnique({ where: { tokenHash: tokenHash(token) } });
  if (!invitation || invitation.acceptedAt || invitation.revokedAt || invitation.expiresAt <= new Date()) return null;
  return invitation;
}

/** What an invitation link offers, or null when it is unknown, used, revoked or expired. */
export async function invitationForToken(db: PrismaClient, token: string) {
  const invitation = await pendingInvitation(db as unknown as Tx, token);
  return invitation ? { email: invitation.email, role: invitation.role, expiresAt: invitation.expiresAt } : null;
}

/** The invitee sets their name and password: the user exists from then on, the link is spent. */
export async function acceptInvitation(db: PrismaClient, raw: AcceptInvitationInput) {
  const input = acceptInvitationInput.parse(raw);
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT 1 FROM user_invitations WHERE token_hash = ${tokenHash(input.token)} FOR UPDATE`;
    const invitation = await pendingInvitation(tx, input.token);
    if (!invitation) throw new DomainError("not_found", "This invitation link is not valid any more: ask an admin for a new one", { field: "token" });
    const user = await createUserWithPassword(tx, { name: input.name, email: invitation.email, role: invitation.role }, input.password);
    await tx.userInvitation.update({ where: { id: invitation.id }, data: { acceptedAt: new Date() } });
    await tx.auditLog.create({
      data: { actor: user.email, userId: user.id, action: "user.invitation_accept", entityType: "user", entityId: user.id, details: { role: user.role, invitation: invitation.id } },
    });
    return { id: user.id, email: user.email };
  });
}

/** Users and the invitations still open, for Settings → Users. */
export async function listUsers(db: PrismaClient) {
  const [users, invitations] = await Promise.all([
    db.user.findMany({
      where: { id: { not: DEMO_USER_ID } },
      orderBy: { createdAt: "asc" },
      select: { id: true, name: true, email: true, role: true, createdAt: true, sessions: { select: { updatedAt: true }, orderBy: { updatedAt: "desc" }, take: 1 } },
    }),
    db.userInvitation.findMany({
      where: { acceptedAt: null, revokedAt: null, expiresAt: { gt: new Date() } },
      orderBy: { createdAt: "desc" },
      select: { id: true, email: true, role: true, createdAt: true, expiresAt: true, inviter: { select: { name: true } } },
    }),
  ]);
  return {
    users: users.map(({ sessions, ...u }) => ({ ...u, lastActiveAt: sessions[0]?.updatedAt ?? null })),
    invitations: invitations.map(({ inviter, ...i }) => ({ ...i, invitedBy: inviter.name })),
  };
}

/** Changes a user's role; an admin cannot change their own (so one admin always remains). */
export async function setUserRole(db: PrismaClient, session: Session, raw: { userId: string; role: Role }) {
  const input = setRoleInput.parse(raw);
  if (input.userId === session.user.id) throw new DomainError("forbidden", "You cannot change your own role: ask another admin");
  return db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: input.userId } });
    if (!user || user.id === DEMO_USER_ID) throw new DomainError("not_found", `User ${input.userId} does not exist`, { field: "userId" });
    if (user.role === input.role) return { id: user.id, role: user.role };
    await tx.user.update({ where: { id: user.id }, data: { role: input.role } });
    await audit(tx, session, { action: "user.role_change", entityType: "user", entityId: user.id, details: { email: user.email, from: user.role, to: input.role } });
    return { id: user.id, role: input.role };
  });
}

export async function revokeInvitation(db: PrismaClient, session: Session, id: string) {
  return db.$transaction(async (tx) => {
    const invitation = await tx.userInvitation.findUnique({ where: { id } });
    if (!invitation || invitation.acceptedAt || invitation.revokedAt) throw new DomainError("not_found", "No open invitation with this id", { field: "id" });
    await tx.userInvitation.update({ where: { id }, data: { revokedAt: new Date() } });
    await audit(tx, session, { action: "user.invitation_revoke", entityType: "user_invitation", entityId: id, details: { email: invitation.email } });
    return { id };
  });
}
