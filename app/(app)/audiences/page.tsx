import type { Metadata } from "next";
import Link from "next/link";
import { FileSpreadsheetIcon, PlusIcon, TagsIcon } from "lucide-react";

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
  const [t, e, g, mayEdit] = await Promise.all([getT("audiences"), getT("audienceEditor"), getT("tags"), sessionCan("editAudiences")]);
  // Tags & badges live beside the audiences they are set on (everyone may look).
  const tagsLink = (
    <Button variant="outline" asChild>
      <Link href="/audiences/tags" data-testid="open-tags">
        <TagsIcon />
        {g("openFromAudiences")}
      </Link>
    </Button>
  );
  return (
    <>
      <PageHeader
        title={t("title")}
        description={t("description")}
        actions={
          mayEdit ? (
            <>
              {tagsLink}
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
          ) : (
            tagsLink
          )
        }
      />
      <PageBody>
        <AudiencesList />
      </PageBody>
    </>
  );
}
