import "server-only";

import { cache } from "react";
import { cookies, headers } from "next/headers";
import { createFormatter, createTranslator, type NamespaceKeys, type NestedKeyOf } from "use-intl";

import { DEFAULT_TIME_ZONE, LOCALE_COOKIE, resolveLocale, type Locale } from "@/lib/i18n/locale";
import { messagesFor, type Messages } from "@/lib/i18n/messages";

export type Namespace = NamespaceKeys<Messages, NestedKeyOf<Messages>>;

/** The request's locale: `locale` cookie, else Accept-Language (see resolveLocale). Cached per request. */
export const getLocale = cache(async (): Promise<Locale> => {
  const [cookieStore, headerList] = await Promise.all([cookies(), headers()]);
  return resolveLocale(cookieStore.get(LOCALE_COOKIE)?.value, headerList.get("accept-language"));
});

export async function getMessages(locale?: Locale): Promise<Messages> {
  return messagesFor(locale ?? (await getLocale()));
}

/**
 * A translator for server components, route handlers and metadata:
 *   const t = await getT("flows"); t("title")
 */
export async function getT<N extends Namespace>(namespace: N) {
  const locale = await getLocale();
  return createTranslator({ locale, messages: messagesFor(locale), namespace, timeZone: DEFAULT_TIME_ZONE });
}

/** Number/date formatting on the server with the request's locale and the program's time zone. */
export async function getFormatter() {
  const locale = await getLocale();
  return createFormatter({ locale, timeZone: DEFAULT_TIME_ZONE });
}
