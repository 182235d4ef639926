import type { Metadata } from "next";

import { getT } from "@/lib/i18n/server";
import { PageBody, PageHeader } from "@/components/shell/page-header";
import { ApiReference } from "@/components/settings/api-reference";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getT("settings.keys");
  return { title: t("reference") };
}

export default async function ApiReferencePage() {
  const t = await getT("settings.keys");
  return (
    <>
      <PageHeader title={t("reference")} description={t("referenceDescription")} />
      <PageBody>
        <ApiReference />
      </PageBody>
    </>
  );
}
