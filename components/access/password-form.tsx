"use client";

import { useState } from "react";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTranslations } from "use-intl";

import { useTRPC } from "@/trpc/react";
import { MIN_PASSWORD } from "@/server/auth/schemas";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { signInWithPassword } from "./sign-in-request";

type FieldErrors = Record<string, string[] | undefined>;
const fieldErrorsOf = (error: unknown): FieldErrors =>
  ((error as { data?: { zodError?: { fieldErrors?: FieldErrors } } } | null)?.data?.zodError?.fieldErrors ?? {}) as FieldErrors;

function FieldError({ messages }: { messages?: string[] }) {
  return messages?.[0] ? <p className="text-xs text-destructive">{messages[0]}</p> : null;
}

/** First run: the first admin's name, email and password; signs in on success. */
export function FirstAdminForm() {
  const t = useTranslations("access.setup");
  const router = useRouter();
  const trpc = useTRPC();
  const [form, setForm] = useState({ name: "", email: "", password: "" });
  const create = useMutation(
    trpc.auth.createFirstAdmin.mutationOptions({
      onSuccess: async () => {
        await signInWithPassword(form.email, form.password);
        router.replace("/flows");
        router.refresh();
      },
    }),
  );
  const errors = fieldErrorsOf(create.error);
  return (
    <form
      className="space-y-4"
      data-testid="first-admin-form"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate(form);
      }}
    >
      <div className="space-y-1.5">
        <Label htmlFor="setup-name">{t("name")}</Label>
        <Input id="setup-name" autoComplete="name" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
        <FieldError messages={errors.name} />
      </div>
      <div className="space-y-1.5">
        <Label htmlFor="setup-email">{t("email")}</Label>
        <Input id="setup-email" type="email" autoComplete="username" value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} />
        <FieldError messages={errors.email} />
      </div>
      <div className="space-y-1.5">
        <Label htmlFor="setup-password">{t("password")}</Label>
        <Input id="setup-password" type="password" autoComplete="new-password" value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} />
        <p className="text-xs text-muted-foreground">{t("passwordHint", { min: MIN_PASSWORD })}</p>
        <FieldError messages={errors.password} />
      </div>
      {create.error && !Object.keys(errors).length ? <p role="alert" className="text-sm text-destructive">{create.error.message}</p> : null}
      <Button type="submit" className="w-full" disabled={create.isPending || create.isSuccess}>
        {create.isPending || create.isSuccess ? t("submitting") : t("submit")}
      </Button>
    </form>
  );
}

/** An invitation: the invitee's name and password; signs in on success. */
export function AcceptInvitationForm({ token, email }: { token: string; email: string }) {
  const t = useTranslations("access.invite");
  const router = useRouter();
  const tSetup = useTranslations("access.setup");
  const trpc = useTRPC();
  const [form, setForm] = useState({ name: "", password: "" });
  const accept = useMutation(
    trpc.auth.acceptInvitation.mutationOptions({
      onSuccess: async () => {
        await signInWithPassword(email, form.password);
        router.replace("/flows");
        router.refresh();
      },
    }),
  );
  const errors = fieldErrorsOf(accept.error);
  return (
    <form
      className="space-y-4"
      data-testid="accept-invitation-form"
      onSubmit={(e) => {
        e.preventDefault();
        accept.mutate({ token, ...form });
      }}
    >
      <div className="space-y-1.5">
        <Label htmlFor="invite-name">{t("name")}</Label>
        <Input id="invite-name" autoComplete="name" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
        <FieldError messages={errors.name} />
      </div>
      <div className="space-y-1.5">
        <Label htmlFor="invite-password">{t("password")}</Label>
        <Input id="invite-password" type="password" autoComplete="new-password" value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} />
        <p className="text-xs text-muted-foreground">{tSetup("passwordHint", { min: MIN_PASSWORD })}</p>
        <FieldError messages={errors.password} />
      </div>
      {accept.error && !Object.keys(errors).length ? <p role="alert" className="text-sm text-destructive">{accept.error.message}</p> : null}
      <Button type="submit" className="w-full" disabled={accept.isPending || accept.isSuccess}>
        {accept.isPending || accept.isSuccess ? t("submitting") : t("submit")}
      </Button>
    </form>
  );
}
