import type { ReactNode } from "react";
import { headers } from "next/headers";
import { redirect } from "next/navigation";

import { getT } from "@/lib/i18n/server";
import { db } from "@/server/db";
import { getSession, isDemoSession } from "@/server/auth/session";
import { realUserCount } from "@/server/auth/users";
import { AppSidebar } from "@/components/shell/app-sidebar";
import { TopBar } from "@/components/shell/top-bar";
import { SessionUserProvider } from "@/components/shell/session-user";

/** The signed-in app: sidebar navigation, top bar, and the page. Signed out, it sends to sign-in (or first run). */
export default async function AppLayout({ children }: { children: ReactNode }) {
  const [session, t] = await Promise.all([getSession(await headers()), getT("shell")]);
  if (!session) redirect((await realUserCount(db)) === 0 ? "/setup" : "/sign-in");
  return (
    <SessionUserProvider user={session.user}>
    <div className="flex min-h-dvh">
      <a
        href="#main"
        className="sr-only z-50 rounded-md bg-background px-3 py-2 text-sm font-medium shadow-md focus:not-sr-only focus:fixed focus:top-3 focus:left-3 focus:ring-[3px] focus:ring-ring/40 focus:outline-none"
      >
        {t("skipToContent")}
      </a>
      <AppSidebar />
      <div className="flex min-w-0 flex-1 flex-col">
        <TopBar user={session.user} isDemo={isDemoSession(session)} />
        <main id="main" tabIndex={-1} className="flex min-w-0 flex-1 flex-col outline-none">
          {children}
        </main>
      </div>
    </div>
    </SessionUserProvider>
  );
}
