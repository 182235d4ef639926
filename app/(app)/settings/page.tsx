import type { Metadata } from "next";

import { getT } from "@/lib/i18n/server";
import { PageBody, PageHeader } from "@/components/shell/page-header";
import { ApiKeys } from "@/components/settings/api-keys";
import { Webhooks } from "@/components/settings/webhooks";
import { LoyaltyProgramSettings } from "@/components/settings/loyalty-program";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getT("settings");
  return { title: t("title") };
}

export default async function SettingsPage() {
  const t = await getT("settings");
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      <PageBody>
        <div className="space-y-10">
          <LoyaltyProgramSettings />
          <ApiKeys />
          <Webhooks />
        </div>
      </PageBody>
    </>
  );
}
