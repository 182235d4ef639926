"use client";

import { createContext, useContext, type ReactNode } from "react";
import { can, type Permission, type SessionUser } from "@/server/auth/roles";

const SessionUserContext = createContext<SessionUser | null>(null);

/** The signed-in user, for hiding what their role cannot do (the server enforces it regardless). */
export function SessionUserProvider({ user, children }: { user: SessionUser; children: ReactNode }) {
  return <SessionUserContext.Provider value={user}>{children}</SessionUserContext.Provider>;
}

export function useSessionUser(): SessionUser | null {
  return useContext(SessionUserContext);
}

/** Whether the signed-in user's role holds `permission`; true outside the app shell (no user known). */
export function useCan(permission: Permission): boolean {
  const user = useContext(SessionUserContext);
  return user ? can(user, permission) : true;
}
