import type { Metadata } from "next";

import { getT } from "@/lib/i18n/server";
import { PageBody, PageHeader } from "@/components/shell/page-header";
import { InsightsSections } from "@/components/insights/insights-sections";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getT("insights");
  return { title: t("title") };
}

export default async function InsightsPage() {
  const t = await getT("insights");
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      <PageBody>
        <InsightsSections />
      </PageBody>
    </>
  );
}
