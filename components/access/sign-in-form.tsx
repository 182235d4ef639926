"use client";

import { useState } from "react";
import { useRouter } from "next/navigation";
import { useTranslations } from "use-intl";

import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { safeNext, signInWithPassword } from "./sign-in-request";

export function SignInForm({ next }: { next?: string }) {
  const t = useTranslations("access.signIn");
  const router = useRouter();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  return (
    <form
      className="space-y-4"
      data-testid="sign-in-form"
      onSubmit={async (e) => {
        e.preventDefault();
        setPending(true);
        setError(null);
        const result = await signInWithPassword(email, password).catch(() => ({ ok: false as const, status: 0 }));
        if (result.ok) {
          router.replace(safeNext(next));
          router.refresh();
          return;
        }
        setPending(false);
        setError(result.status === 401 ? t("invalid") : result.status === 429 ? t("throttled") : t("failed", { status: result.status }));
      }}
    >
      <div className="space-y-1.5">
        <Label htmlFor="sign-in-email">{t("email")}</Label>
        <Input id="sign-in-email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
      </div>
      <div className="space-y-1.5">
        <Label htmlFor="sign-in-password">{t("password")}</Label>
        <Input id="sign-in-password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
      </div>
      {error ? (
        <p role="alert" className="text-sm text-destructive">
          {error}
        </p>
      ) : null}
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? t("submitting") : t("submit")}
      </Button>
      <p className="text-center text-xs text-muted-foreground">{t("noAccount")}</p>
    </form>
  );
}
