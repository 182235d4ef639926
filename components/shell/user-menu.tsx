"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "use-intl";

import type { SessionUser } from "@/server/auth/roles";
import { Badge } from "@/components/ui/badge";
import { LogOutIcon } from "lucide-react";
import { signOut } from "@/components/access/sign-in-request";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";

function initials(name: string): string {
  const parts = name.trim().split(/\s+/);
  const letters = parts.length > 1 ? `${parts[0]![0]}${parts[parts.length - 1]![0]}` : name.slice(0, 2);
  return letters.toUpperCase();
}

export function UserMenu({ user, isDemo }: { user: SessionUser; isDemo: boolean }) {
  const t = useTranslations("shell.user");
  const router = useRouter();
  const tAccess = useTranslations("access");
  return (
    <DropdownMenu>
      <DropdownMenuTrigger
        aria-label={t("menu")}
        className="flex size-8 items-center justify-center rounded-full bg-accent text-xs font-semibold text-accent-foreground ring-1 ring-primary/15 outline-none hover:ring-primary/30 focus-visible:ring-[3px] focus-visible:ring-ring/40"
      >
        {initials(user.name)}
      </DropdownMenuTrigger>
      <DropdownMenuContent align="end" className="w-64">
        <DropdownMenuLabel className="font-normal">
          <span className="block text-xs text-muted-foreground">{t("signedInAs")}</span>
          <span className="mt-1 flex items-center justify-between gap-2">
            <span className="truncate text-sm font-medium text-foreground">{user.name}</span>
            <Badge variant="info">{t(`roles.${user.role}`)}</Badge>
          </span>
          {user.email ? <span className="block truncate text-xs text-muted-foreground">{user.email}</span> : null}
        </DropdownMenuLabel>
        {isDemo ? (
          <>
            <DropdownMenuSeparator />
            <p className="px-2 py-1.5 text-xs leading-relaxed text-muted-foreground">{tAccess("demoNotice")}</p>
          </>
        ) : null}
        <DropdownMenuSeparator />
        <DropdownMenuItem
          data-testid="sign-out"
          onSelect={async () => {
            await signOut();
            router.replace("/sign-in");
            router.refresh();
          }}
        >
          <LogOutIcon aria-hidden />
          {tAccess("signOut")}
        </DropdownMenuItem>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
