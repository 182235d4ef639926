// Types use-intl's `useTranslations` / `createTranslator` against our locales and messages,
// so `t("flows.title")` is checked at compile time.
import type { Locale } from "@/lib/i18n/locale";
import type { Messages } from "@/lib/i18n/messages";

declare module "use-intl" {
  interface AppConfig {
    Locale: Locale;
    Messages: Messages;
  }
}
