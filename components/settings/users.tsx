"use client";

import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { UserPlusIcon } from "lucide-react";
import { useFormatter, useTranslations } from "use-intl";

import { useTRPC } from "@/trpc/react";
import { roles, type Role } from "@/server/auth/roles";
import { useSessionUser } from "@/components/shell/session-user";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { ShownOnce } from "./shown-once";

const selectClass =
  "h-9 rounded-md border border-input bg-background px-2.5 text-sm shadow-xs outline-none focus-visible:ring-[3px] focus-visible:ring-ring/40 disabled:opacity-60";

/** Users and their roles, open invitations, and inviting someone (the one-time link shown once). */
export function Users() {
  const t = useTranslations("access.users");
  const roleName = useTranslations("shell.user.roles");
  const format = useFormatter();
  const trpc = useTRPC();
  const me = useSessionUser();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.users.list.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.users.list.queryKey() });
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("marketer");
  const [link, setLink] = useState<{ email: string; url: string } | null>(null);
  const invite = useMutation(
    trpc.users.invite.mutationOptions({
      onSuccess: (invitation) => {
        setLink({ email: invitation.email, url: `${window.location.origin}/invite/${invitation.token}` });
        setEmail("");
        void refresh();
      },
    }),
  );
  const setUserRole = useMutation(trpc.users.setRole.mutationOptions({ onSuccess: () => void refresh() }));
  const revoke = useMutation(trpc.users.revokeInvitation.mutationOptions({ onSuccess: () => void refresh() }));
  const emailError = (invite.error?.data as { zodError?: { fieldErrors?: Record<string, string[]> } } | undefined)?.zodError?.fieldErrors?.email?.[0];

  return (
    <section className="space-y-6" data-testid="users">
      <form
        className="grid gap-4 rounded-lg border bg-card p-4 md:grid-cols-[1fr_auto_auto] md:items-end"
        onSubmit={(e) => {
          e.preventDefault();
          invite.mutate({ email, role });
        }}
      >
        <div className="space-y-1.5">
          <Label htmlFor="invite-email">{t("email")}</Label>
          <Input id="invite-email" data-testid="invite-email" type="email" value={email} placeholder="name@example.com" onChange={(e) => setEmail(e.target.value)} />
          {emailError ? <p className="text-xs text-destructive">{emailError}</p> : invite.error ? <p className="text-xs text-destructive">{invite.error.message}</p> : null}
        </div>
        <div className="space-y-1.5">
          <Label htmlFor="invite-role">{t("role")}</Label>
          <select id="invite-role" data-testid="invite-role" className={selectClass} value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {roles.map((r) => (
              <option key={r} value={r}>
                {roleName(r)}
              </option>
            ))}
          </select>
        </div>
        <Button type="submit" disabled={invite.isPending} data-testid="invite-submit">
          <UserPlusIcon aria-hidden />
          {invite.isPending ? t("inviting") : t("invite")}
        </Button>
        <p className="text-xs text-muted-foreground md:col-span-3">{t(`roleHelp.${role}`)}</p>
      </form>

      {link ? (
        <ShownOnce title={t("linkTitle", { email: link.email })} hint={t("linkHint")} secret={link.url} onDone={() => setLink(null)} testId="invitation-link" />
      ) : null}

      <Table>
        <TableHeader>
          <TableRow>
            <TableHead>{t("name")}</TableHead>
            <TableHead>{t("email")}</TableHead>
            <TableHead>{t("role")}</TableHead>
            <TableHead>{t("lastActive")}</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {(list.data?.users ?? []).map((user) => (
            <TableRow key={user.id} data-testid="user-row">
              <TableCell className="font-medium">
                {user.name}
                {user.id === me?.id ? <span className="ml-1.5 text-xs text-muted-foreground">({t("you")})</span> : null}
              </TableCell>
              <TableCell>{user.email}</TableCell>
              <TableCell>
                <select
                  aria-label={t("role")}
                  className={selectClass}
                  value={user.role}
                  disabled={user.id === me?.id || setUserRole.isPending}
                  onChange={(e) => setUserRole.mutate({ userId: user.id, role: e.target.value as Role })}
                >
                  {roles.map((r) => (
                    <option key={r} value={r}>
                      {roleName(r)}
                    </option>
                  ))}
                </select>
              </TableCell>
              <TableCell className="text-muted-foreground">{user.lastActiveAt ? format.dateTime(user.lastActiveAt, { dateStyle: "medium", timeStyle: "short" }) : t("never")}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>

      {list.data?.invitations.length ? (
        <div className="space-y-2">
          <h3 className="text-sm font-semibold">{t("pending")}</h3>
          <ul className="divide-y rounded-lg border">
            {list.data.invitations.map((invitation) => (
              <li key={invitation.id} className="flex items-center justify-between gap-4 px-4 py-2.5 text-sm" data-testid="invitation-row">
                <span className="flex items-center gap-2">
                  <span className="font-medium">{invitation.email}</span>
                  <Badge variant="info">{roleName(invitation.role)}</Badge>
                </span>
                <span className="flex items-center gap-3 text-xs text-muted-foreground">
                  {t("invitedBy", { name: invitation.invitedBy })} · {t("expires", { when: format.dateTime(invitation.expiresAt, { dateStyle: "medium" }) })}
                  <Button variant="ghost" size="sm" onClick={() => revoke.mutate({ id: invitation.id })}>
                    {t("revoke")}
                  </Button>
                </span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}
