import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";

import "./globals.css";

import { getLocale, getMessages, getT } from "@/lib/i18n/server";
import { Providers } from "@/components/shell/providers";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getT("metadata");
  return {
    title: { default: t("title"), template: `%s · ${t("title")}` },
    description: t("description"),
  };
}

export const viewport: Viewport = {
  themeColor: "#ffffff",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const locale = await getLocale();
  const messages = await getMessages(locale);
  return (
    <html lang={locale} suppressHydrationWarning>
      <body className="min-h-dvh bg-background font-sans text-foreground antialiased">
        <Providers locale={locale} messages={messages}>
          {children}
        </Providers>
      </body>
    </html>
  );
}
