"use client";

import type { ReactNode } from "react";
import { IntlProvider as UseIntlProvider } from "use-intl";

import { DEFAULT_TIME_ZONE, type Locale } from "@/lib/i18n/locale";
import type { Messages } from "@/lib/i18n/messages";

/** Client-side i18n context; the root layout passes the locale and messages resolved on the server. */
export function IntlProvider({
  locale,
  messages,
  children,
}: {
  locale: Locale;
  messages: Messages;
  children: ReactNode;
}) {
  return (
    <UseIntlProvider locale={locale} messages={messages} timeZone={DEFAULT_TIME_ZONE}>
      {children}
    </UseIntlProvider>
  );
}
