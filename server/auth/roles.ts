/**
 * Roles and what they may do. Public (no server-only imports) so the UI can hide what a role
 * can't use; the server enforces the same list in `roleProcedure`.
 */
export const roles = ["admin", "marketer", "analyst", "viewer"] as const;
export type Role = (typeof roles)[number];

export type SessionUser = {
  id: string;
  role: Role;
  name: string;
  email: string | null;
};

export type Session = { user: SessionUser };

export function hasRole(session: Session | null, allowed: readonly Role[]): boolean {
  return session !== null && allowed.includes(session.user.role);
}

/** How a user is named in the audit log. */
export function actorOf(session: Session): string {
  return session.user.email ?? session.user.id;
}
