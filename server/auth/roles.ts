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

/**
 * What each role may change, by name: the server checks these in `permissionProcedure` and the
 * route handlers, and the UI hides what the signed-in role lacks. Everyone signed in may read.
 * - admin: users, storefront keys and webhooks, programs, settings, the audit log, member privacy,
 *   and approving publishes (when Settings says publishing needs approval; approvers publish directly);
 * - marketer: flows, audiences, content (coupons, prices, banners, messages);
 * - admin and marketer: redeem a member's points for coupons on the member's behalf;
 * - analyst (CRM manager): results, audiences from charts, exports;
 * - viewer: reads only.
 */
export const permissions = {
  manageUsers: ["admin"],
  manageSettings: ["admin"],
  readAudit: ["admin"],
  manageMemberPrivacy: ["admin"],
  approveFlows: ["admin"],
  editFlows: ["admin", "marketer"],
  editAudiences: ["admin", "marketer"],
  editContent: ["admin", "marketer"],
  saveChartAudiences: ["admin", "marketer", "analyst"],
  exportData: ["admin", "marketer", "analyst"],
  redeemMemberPoints: ["admin", "marketer"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof permissions;

export function can(user: { role: Role } | null | undefined, permission: Permission): boolean {
  return !!user && (permissions[permission] as readonly Role[]).includes(user.role);
}
