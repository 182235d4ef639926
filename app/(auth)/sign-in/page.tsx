import type { Metadata } from "next";
import { headers } from "next/headers";
import { redirect } from "next/navigation";

import { getT } from "@/lib/i18n/server";
import { db } from "@/server/db";
import { getSession, isDemoSession } from "@/server/auth/session";
import { realUserCount } from "@/server/auth/users";
import { AuthCard } from "@/components/access/auth-card";
import { SignInForm } from "@/components/access/sign-in-form";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getT("access.signIn"))("title") };
}

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  if ((await realUserCount(db)) === 0) redirect("/setup");
  const session = await getSession(await headers());
  if (session && !isDemoSession(session)) redirect("/flows");
  const [t, common, { next }] = await Promise.all([getT("access.signIn"), getT("common"), searchParams]);
  return (
    <AuthCard appName={common("appName")} title={t("title")} description={t("description")}>
      <SignInForm next={typeof next === "string" ? next : undefined} />
    </AuthCard>
  );
}
