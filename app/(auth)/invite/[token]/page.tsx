import type { Metadata } from "next";

import { getT } from "@/lib/i18n/server";
import { db } from "@/server/db";
import { invitationTokenSchema } from "@/server/auth/schemas";
import { invitationForToken } from "@/server/auth/users";
import { AuthCard } from "@/components/access/auth-card";
import { AcceptInvitationForm } from "@/components/access/password-form";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getT("access.invite"))("title") };
}

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const parsed = invitationTokenSchema.safeParse(token);
  const invitation = parsed.success ? await invitationForToken(db, parsed.data) : null;
  const [t, roles, common] = await Promise.all([getT("access.invite"), getT("shell.user.roles"), getT("common")]);
  if (!invitation) {
    return (
      <AuthCard appName={common("appName")} title={t("title")} description={t("invalid")}>
        {null}
      </AuthCard>
    );
  }
  return (
    <AuthCard appName={common("appName")} title={t("title")} description={t("description", { role: roles(invitation.role), email: invitation.email })}>
      <AcceptInvitationForm token={parsed.data!} email={invitation.email} />
    </AuthCard>
  );
}
