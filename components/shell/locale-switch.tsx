"use client";

import { useTransition } from "react";
import { useRouter } from "next/navigation";
import { CheckIcon, LanguagesIcon, Loader2 } from "lucide-react";
import { useLocale, useTranslations } from "use-intl";

import { cn } from "@/lib/utils";
import { setLocale } from "@/lib/i18n/actions";
import { locales, type Locale } from "@/lib/i18n/locale";
import { Button } from "@/components/ui/button";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";

/** Language menu: stores the choice in the `locale` cookie (server action) and re-renders. */
export function LocaleSwitch({ className }: { className?: string }) {
  const t = useTranslations("shell.locale");
  const current = useLocale();
  const router = useRouter();
  const [pending, startTransition] = useTransition();

  const choose = (locale: Locale) => {
    if (locale === current) return;
    startTransition(async () => {
      await setLocale(locale);
      router.refresh();
    });
  };

  return (
    <DropdownMenu>
      <DropdownMenuTrigger asChild>
        <Button variant="ghost" size="sm" className={cn("text-muted-foreground", className)} aria-label={t("label")}>
          {pending ? <Loader2 className="animate-spin" aria-hidden /> : <LanguagesIcon aria-hidden />}
          <span className="hidden sm:inline">{t(current)}</span>
        </Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent align="end" className="w-44">
        <DropdownMenuLabel>{t("label")}</DropdownMenuLabel>
        {locales.map((locale) => (
          <DropdownMenuItem key={locale} lang={locale} onSelect={() => choose(locale)}>
            <span className="flex-1">{t(locale)}</span>
            {locale === current ? <CheckIcon className="size-4 text-primary" aria-hidden /> : null}
          </DropdownMenuItem>
        ))}
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
