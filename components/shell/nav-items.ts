import {
  ChartColumnIncreasingIcon,
  ContactIcon,
  SettingsIcon,
  TicketPercentIcon,
  UsersRoundIcon,
  WorkflowIcon,
  type LucideIcon,
} from "lucide-react";

/** Keys of the `nav` message namespace that name a destination. */
export type NavLabelKey = "flows" | "audiences" | "members" | "content" | "results" | "settings";

import type { Permission } from "@/server/auth/roles";

/** `permission`: shown only to roles that hold it (the pages check it again on the server). */
export type NavItem = { href: string; label: NavLabelKey; icon: LucideIcon; permission?: Permission };
export type NavSection = { label: "engage" | "insights"; items: NavItem[] };

export const navSections: NavSection[] = [
  {
    label: "engage",
    items: [
      { href: "/flows", label: "flows", icon: WorkflowIcon },
      { href: "/audiences", label: "audiences", icon: UsersRoundIcon },
      { href: "/content", label: "content", icon: TicketPercentIcon },
    ],
  },
  {
    label: "insights",
    items: [
      { href: "/members", label: "members", icon: ContactIcon },
      { href: "/results", label: "results", icon: ChartColumnIncreasingIcon },
    ],
  },
];

export const navFooterItems: NavItem[] = [{ href: "/settings", label: "settings", icon: SettingsIcon, permission: "manageSettings" }];

export function isActivePath(pathname: string, href: string): boolean {
  return pathname === href || pathname.startsWith(`${href}/`);
}
