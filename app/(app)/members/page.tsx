import type { Metadata } from "next";
import { Suspense } from "react";

import { getT } from "@/lib/i18n/server";
import { PageBody, PageHeader } from "@/components/shell/page-header";
import { MembersList } from "@/components/members/members-list";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getT("members");
  return { title: t("title") };
}

export default async function MembersPage() {
  const t = await getT("members");
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      <PageBody>
        <Suspense>
          <MembersList />
        </Suspense>
      </PageBody>
    </>
  );
}
