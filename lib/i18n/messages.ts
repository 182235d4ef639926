import en from "@/messages/en.json";
import zhCN from "@/messages/zh-CN.json";
import type { Locale } from "@/lib/i18n/locale";

/** The message shape; en.json is the reference file (zh-CN.json must have exactly the same keys). */
export type Messages = typeof en;

const catalog: Record<Locale, Messages> = {
  en,
  "zh-CN": zhCN,
};

export function messagesFor(locale: Locale): Messages {
  return catalog[locale];
}
