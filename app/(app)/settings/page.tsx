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

export async function generateMetadata(): Promise<Metadata> {
  const t = await getT("settings");
  return { title: t("title") };
}

export default async function SettingsPage() {
  const t = await getT("settings");
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
          <div className="space-y-10">
            <LoyaltyProgramSettings />
            <TierProgramSettings />
            <ApprovalSetting />
            <LifecycleSettingsForm />
            <ApiKeys />
            <Webhooks />
          </div>
        ) : (
          <NeedsRole />
        )}
      </PageBody>
    </>
  );
}
