"use client";

import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useTranslations } from "use-intl";

import { cn } from "@/lib/utils";
import { Logo } from "@/components/shell/logo";
import { isActivePath, navFooterItems, navSections, type NavItem } from "@/components/shell/nav-items";
import { useSessionUser } from "@/components/shell/session-user";
import { can } from "@/server/auth/roles";

function NavLink({ item, onNavigate }: { item: NavItem; onNavigate?: () => void }) {
  const t = useTranslations("nav");
  const pathname = usePathname() ?? "";
  const active = isActivePath(pathname, item.href);
  const Icon = item.icon;
  const router = useRouter();
  return (
    <Link
      href={item.href}
      // Prefetched on hover, not on sight: sight means every page load asks the server for all
      // sections at once, while the page is still starting (costly on small machines).
      prefetch={false}
      onMouseEnter={() => router.prefetch(item.href)}
      onFocus={() => router.prefetch(item.href)}
      onClick={onNavigate}
      aria-current={active ? "page" : undefined}
      className={cn(
        "group flex h-8 items-center gap-2.5 rounded-md px-2.5 text-sm font-medium outline-none transition-colors focus-visible:ring-[3px] focus-visible:ring-ring/40",
        active
          ? "bg-sidebar-accent text-sidebar-accent-foreground"
          : "text-sidebar-foreground hover:bg-sidebar-accent/60 hover:text-foreground",
      )}
    >
      <Icon
        className={cn(
          "size-4 shrink-0",
          active ? "text-primary" : "text-sidebar-muted-foreground group-hover:text-foreground",
        )}
        aria-hidden
      />
      <span className="truncate">{t(item.label)}</span>
    </Link>
  );
}

/** The navigation itself; used by the desktop sidebar and the mobile sheet. */
export function SidebarNav({ onNavigate }: { onNavigate?: () => void }) {
  const t = useTranslations();
  const user = useSessionUser();
  const visible = (item: NavItem) => !item.permission || can(user, item.permission);
  return (
    <div className="flex h-full flex-col">
      <div className="flex h-14 shrink-0 items-center px-4">
        <Link
          href="/flows"
          onClick={onNavigate}
          aria-label={t("nav.home")}
          className="rounded-md outline-none focus-visible:ring-[3px] focus-visible:ring-ring/40"
        >
          <Logo name={t("common.appName")} />
        </Link>
      </div>
      <nav aria-label={t("nav.label")} className="flex flex-1 flex-col gap-5 overflow-y-auto px-3 py-3">
        {navSections.map((section) => (
          <div key={section.label} className="flex flex-col gap-0.5">
            <p className="px-2.5 pb-1 text-[11px] font-medium tracking-wide text-sidebar-muted-foreground uppercase">
              {t(`nav.${section.label}`)}
            </p>
            {section.items.filter(visible).map((item) => (
              <NavLink key={item.href} item={item} onNavigate={onNavigate} />
            ))}
          </div>
        ))}
        <div className="mt-auto flex flex-col gap-0.5 border-t border-sidebar-border pt-3">
          {navFooterItems.filter(visible).map((item) => (
            <NavLink key={item.href} item={item} onNavigate={onNavigate} />
          ))}
        </div>
      </nav>
    </div>
  );
}

/** Fixed left column on large screens; below `lg` the top bar opens the same nav in a sheet. */
export function AppSidebar() {
  return (
    <aside className="sticky top-0 hidden h-dvh w-60 shrink-0 border-r border-sidebar-border bg-sidebar lg:block">
      <SidebarNav />
    </aside>
  );
}
