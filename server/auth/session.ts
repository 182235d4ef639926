import "server-only";

import type { Session } from "@/server/auth/roles";

export type { Role, Session, SessionUser } from "@/server/auth/roles";

/** The built-in account used until sign-in exists. */
export const DEMO_SESSION: Session = {
  user: { id: "demo-admin", role: "admin", name: "Demo Admin", email: "admin@memberflow.local" },
};

/**
 * The session for a request, or null when signed out.
 *
 * Sign-in comes later: replace the body with a lookup of the session cookie / token in
 * `headers` (e.g. `headers.get("cookie")`) and return null when absent or invalid. Callers
 * (tRPC context, server components, route handlers) already treat null as "signed out".
 */
export async function getSession(headers?: Headers): Promise<Session | null> {
  void headers;
  return DEMO_SESSION;
}

export function isDemoSession(session: Session | null): boolean {
  return session?.user.id === DEMO_SESSION.user.id;
}
