import type { Metadata } from "next";

import { getT } from "@/lib/i18n/server";
import { PageBody, PageHeader } from "@/components/shell/page-header";
import Link from "next/link";
import { ScrollTextIcon, UsersIcon } from "lucide-react";
import { Button } from "@/components/ui/button";
import { NeedsRole } from "@/components/settings/admin-only";
import { sessionCan } from "@/server/auth/session";
import { ApiKeys } from "@/components/settings/api-keys";
import { Webhooks } from "@/components/settings/webhooks";
import { LoyaltyProgramSettings } from "@/components/settings/loyalty-program";
import { TierProgramSettings } from "@/components/settings/tier-program";
import { ApprovalSetting } from "@/components/approvals/approval-setting";
import { LifecycleSettingsForm } from "@/components/settings/lifecycle-settings";
import { SectionTabs, currentSection } from "@/components/shell/section-tabs";

/** Settings by section, one at a time (each its own address: /settings?tab=tiers). */
const sections = {
  points: () => <LoyaltyProgramSettings />,
  tiers: () => <TierProgramSettings />,
  lifecycle: () => <LifecycleSettingsForm />,
  publishing: () => <ApprovalSetting />,
  storefront: () => (
    <div className="space-y-10">
      <ApiKeys />
      <Webhooks />
    </div>
  ),
} as const;
type Section = keyof typeof sections;

export async function generateMetadata(): Promise<Metadata> {
  const t = await getT("settings");
  return { title: t("title") };
}

export default async function SettingsPage({ searchParams }: { searchParams: Promise<{ tab?: string | string[] }> }) {
  const t = await getT("settings");
  const current = currentSection((await searchParams).tab, Object.keys(sections) as Section[]);
  const Current = sections[current];
  return (
    <>
      <PageHeader
        title={t("title")}
        description={t("description")}
        actions={
          <>
            <Button variant="outline" size="sm" asChild>
              <Link href="/settings/users">
                <UsersIcon aria-hidden />
                {t("usersLink")}
              </Link>
            </Button>
            <Button variant="outline" size="sm" asChild>
              <Link href="/settings/audit">
                <ScrollTextIcon aria-hidden />
                {t("auditLink")}
              </Link>
            </Button>
          </>
        }
      />
      <PageBody>
        {(await sessionCan("manageSettings")) ? (
          <>
            <SectionTabs label={t("sections")} path="/settings" current={current} sections={(Object.keys(sections) as Section[]).map((id) => ({ id, label: t(`tab_${id}`) }))} />
            <Current />
          </>
        ) : (
          <NeedsRole />
        )}
      </PageBody>
    </>
  );
}
