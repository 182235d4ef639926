import type { ReactNode } from "react";
import { headers } from "next/headers";

import { getT } from "@/lib/i18n/server";
import { getSession, isDemoSession } from "@/server/auth/session";
import { AppSidebar } from "@/components/shell/app-sidebar";
import { TopBar } from "@/components/shell/top-bar";

/** The signed-in app: sidebar navigation, top bar, and the page. */
export default async function AppLayout({ children }: { children: ReactNode }) {
  const [session, t] = await Promise.all([getSession(await headers()), getT("shell")]);
  return (
    <div className="flex min-h-dvh">
      <a
        href="#main"
        className="sr-only z-50 rounded-md bg-background px-3 py-2 text-sm font-medium shadow-md focus:not-sr-only focus:fixed focus:top-3 focus:left-3 focus:ring-[3px] focus:ring-ring/40 focus:outline-none"
      >
        {t("skipToContent")}
      </a>
      <AppSidebar />
      <div className="flex min-w-0 flex-1 flex-col">
        <TopBar user={session?.user ?? null} isDemo={isDemoSession(session)} />
        <main id="main" tabIndex={-1} className="flex min-w-0 flex-1 flex-col outline-none">
          {children}
        </main>
      </div>
    </div>
  );
}
