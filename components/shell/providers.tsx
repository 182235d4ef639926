"use client";

import type { ReactNode } from "react";

import type { Locale } from "@/lib/i18n/locale";
import type { Messages } from "@/lib/i18n/messages";
import { IntlProvider } from "@/lib/i18n/intl-provider";
import { TRPCReactProvider } from "@/trpc/react";
import { Toaster } from "@/components/ui/toast";
import { TooltipProvider } from "@/components/ui/tooltip";

/** Everything client components rely on: i18n, tRPC + React Query, tooltips, toasts. */
export function Providers({ locale, messages, children }: { locale: Locale; messages: Messages; children: ReactNode }) {
  return (
    <IntlProvider locale={locale} messages={messages}>
      <TRPCReactProvider>
        <TooltipProvider>
          {children}
          <Toaster />
        </TooltipProvider>
      </TRPCReactProvider>
    </IntlProvider>
  );
}
