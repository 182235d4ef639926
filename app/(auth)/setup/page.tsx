import type { Metadata } from "next";
import { redirect } from "next/navigation";

import { getT } from "@/lib/i18n/server";
import { db } from "@/server/db";
import { realUserCount } from "@/server/auth/users";
import { AuthCard } from "@/components/access/auth-card";
import { FirstAdminForm } from "@/components/access/password-form";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getT("access.setup"))("title") };
}

/** First run: open only while nobody can sign in. */
export default async function SetupPage() {
  if ((await realUserCount(db)) > 0) redirect("/sign-in");
  const [t, common] = await Promise.all([getT("access.setup"), getT("common")]);
  return (
    <AuthCard appName={common("appName")} title={t("title")} description={t("description")}>
      <FirstAdminForm />
    </AuthCard>
  );
}
