"use client";

import { useState } from "react";
import { MenuIcon } from "lucide-react";
import { useTranslations } from "use-intl";

import type { SessionUser } from "@/server/auth/roles";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Sheet, SheetContent, SheetDescription, SheetTitle, SheetTrigger } from "@/components/ui/sheet";
import { SidebarNav } from "@/components/shell/app-sidebar";
import { LocaleSwitch } from "@/components/shell/locale-switch";
import { Logo } from "@/components/shell/logo";
import { UserMenu } from "@/components/shell/user-menu";

export function TopBar({ user, isDemo }: { user: SessionUser; isDemo: boolean }) {
  const t = useTranslations();
  const [menuOpen, setMenuOpen] = useState(false);

  return (
    <div className="sticky top-0 z-30 flex h-14 shrink-0 items-center gap-3 border-b bg-background/85 px-4 backdrop-blur supports-[backdrop-filter]:bg-background/70 lg:px-6">
      <Sheet open={menuOpen} onOpenChange={setMenuOpen}>
        <SheetTrigger asChild>
          <Button variant="ghost" size="icon-sm" className="lg:hidden" aria-label={t("nav.openMenu")}>
            <MenuIcon aria-hidden />
          </Button>
        </SheetTrigger>
        <SheetContent side="left" className="w-64 bg-sidebar p-0 sm:max-w-64">
          <SheetTitle className="sr-only">{t("nav.label")}</SheetTitle>
          <SheetDescription className="sr-only">{t("common.appName")}</SheetDescription>
          <SidebarNav onNavigate={() => setMenuOpen(false)} />
        </SheetContent>
      </Sheet>
      <div className="lg:hidden">
        <Logo name={t("common.appName")} />
      </div>

      <div className="ml-auto flex items-center gap-2">
        {isDemo ? (
          <Badge variant="warning" className="hidden sm:inline-flex" data-testid="demo-admin-badge" title={t("access.demoNotice")}>
            {t("access.demoBadge")}
          </Badge>
        ) : null}
        <LocaleSwitch />
        <UserMenu user={user} isDemo={isDemo} />
      </div>
    </div>
  );
}
