import type { Metadata } from "next";

import { getT } from "@/lib/i18n/server";
import { PageBody, PageHeader } from "@/components/shell/page-header";
import { DemoStorefront } from "@/components/settings/demo-storefront";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getT("settings.demo");
  return { title: t("title") };
}

export default async function DemoStorefrontPage() {
  const t = await getT("settings.demo");
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      <PageBody>
        <DemoStorefront />
      </PageBody>
    </>
  );
}
