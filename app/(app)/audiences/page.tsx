import type { Metadata } from "next";
import Link from "next/link";
import { FileSpreadsheetIcon, PlusIcon } from "lucide-react";

import { getT } from "@/lib/i18n/server";
import { PageBody, PageHeader } from "@/components/shell/page-header";
import { Button } from "@/components/ui/button";
import { AudiencesList } from "@/components/audiences/audiences-list";
import { sessionCan } from "@/server/auth/session";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getT("audiences");
  return { title: t("title") };
}

export default async function AudiencesPage() {
  const [t, e, mayEdit] = await Promise.all([getT("audiences"), getT("audienceEditor"), sessionCan("editAudiences")]);
  return (
    <>
      <PageHeader
        title={t("title")}
        description={t("description")}
        actions={
          mayEdit ? (
            <>
              <Button variant="outline" asChild>
                <Link href="/audiences/new?kind=static">
                  <FileSpreadsheetIcon />
                  {e("list.importCsv")}
                </Link>
              </Button>
              <Button asChild>
                <Link href="/audiences/new" data-testid="new-audience">
                  <PlusIcon />
                  {e("list.newAudience")}
                </Link>
              </Button>
            </>
          ) : null
        }
      />
      <PageBody>
        <AudiencesList />
      </PageBody>
    </>
  );
}
