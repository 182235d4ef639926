import type { ReactNode } from "react";
import { Logo } from "@/components/shell/logo";

/** The frame of the signed-out pages: the mark, a title, a short line and the form. */
export function AuthCard({ appName, title, description, children }: { appName: string; title: string; description: ReactNode; children: ReactNode }) {
  return (
    <main className="flex min-h-dvh items-center justify-center bg-muted/40 px-4 py-12">
      <div className="w-full max-w-sm space-y-6">
        <Logo name={appName} className="justify-center" />
        <div className="space-y-5 rounded-xl border bg-card p-6 shadow-sm">
          <div className="space-y-1.5">
            <h1 className="text-xl font-semibold tracking-tight">{title}</h1>
            <p className="text-sm text-muted-foreground">{description}</p>
          </div>
          {children}
        </div>
      </div>
    </main>
  );
}
