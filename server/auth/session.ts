import "server-only";

import { db } from "@/server/db";
import { createAuth, type Auth } from "@/server/auth/auth";
import { can, roles, type Permission, type Role, type Session } from "@/server/auth/roles";

export type { Role, Session, SessionUser } from "@/server/auth/roles";

/** The demo admin `npm run dev` seeds and signs in automatically (development only; no password). */
export const DEMO_USER_ID = "demo-admin";

const globalForAuth = globalThis as unknown as { memberflowAuth?: Auth };

/** The app's better-auth instance (created on first use: `next build` never needs one). */
export function auth(): Auth {
  globalForAuth.memberflowAuth ??= createAuth(db, {
    onSignIn: async (userId) => {
      const user = await db.user.findUnique({ where: { id: userId }, select: { email: true } });
      await db.auditLog.create({ data: { actor: user?.email ?? userId, userId, action: "user.sign_in", entityType: "user", entityId: userId } });
    },
  });
  return globalForAuth.memberflowAuth;
}

/**
 * True only under `npm run dev`: scripts/dev.ts sets MEMBERFLOW_DEMO_SIGN_IN=1 for `next dev`
 * (never for `npm start`), and NODE_ENV must be "development" as well.
 */
export function demoSignInEnabled(): boolean {
  return process.env.MEMBERFLOW_DEMO_SIGN_IN === "1" && process.env.NODE_ENV === "development";
}

const isRole = (value: unknown): value is Role => typeof value === "string" && (roles as readonly string[]).includes(value);

/**
 * The session for a request, or null when signed out: the better-auth session cookie in
 * `headers`, looked up in auth_sessions (expired sessions count as signed out). In development
 * only, a request without a session is served as the demo admin (see demoSignInEnabled).
 */
export async function getSession(headers?: Headers): Promise<Session | null> {
  if (headers?.get("cookie")) {
    const found = await auth().api.getSession({ headers });
    const role = (found?.user as { role?: unknown } | undefined)?.role;
    if (found && isRole(role)) {
      return { user: { id: found.user.id, role, name: found.user.name, email: found.user.email } };
    }
  }
  if (demoSignInEnabled()) {
    const demo = await db.user.findUnique({ where: { id: DEMO_USER_ID } });
    if (demo) return { user: { id: demo.id, role: demo.role, name: demo.name, email: demo.email } };
  }
  return null;
}

export function isDemoSession(session: Session | null): boolean {
  return session?.user.id === DEMO_USER_ID;
}

/** Whether the request's signed-in user holds `permission` (server components, before rendering). */
export async function sessionCan(permission: Permission): Promise<boolean> {
  const { headers } = await import("next/headers");
  return can((await getSession(await headers()))?.user, permission);
}
