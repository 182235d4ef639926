import type { Metadata } from "next";

import { getT } from "@/lib/i18n/server";
import { INVITATION_DAYS } from "@/server/auth/users";
import { PageBody, PageHeader } from "@/components/shell/page-header";
import { NeedsRole } from "@/components/settings/admin-only";
import { sessionCan } from "@/server/auth/session";
import { Users } from "@/components/settings/users";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getT("access.users"))("title") };
}

export default async function UsersPage() {
  const t = await getT("access.users");
  return (
    <>
      <PageHeader title={t("title")} description={t("description", { days: INVITATION_DAYS })} />
      <PageBody>{(await sessionCan("manageUsers")) ? <Users /> : <NeedsRole />}</PageBody>
    </>
  );
}
