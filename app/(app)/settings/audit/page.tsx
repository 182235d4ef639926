import type { Metadata } from "next";

import { getT } from "@/lib/i18n/server";
import { PageBody, PageHeader } from "@/components/shell/page-header";
import { NeedsRole } from "@/components/settings/admin-only";
import { sessionCan } from "@/server/auth/session";
import { AuditLog } from "@/components/settings/audit-log";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getT("access.audit"))("title") };
}

export default async function AuditPage() {
  const t = await getT("access.audit");
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      <PageBody>{(await sessionCan("readAudit")) ? <AuditLog /> : <NeedsRole />}</PageBody>
    </>
  );
}
