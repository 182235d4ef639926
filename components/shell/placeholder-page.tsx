import type { LucideIcon } from "lucide-react";

import { getT } from "@/lib/i18n/server";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { PageBody, PageHeader } from "@/components/shell/page-header";

/** Message namespaces that describe an area not built yet (title, description, emptyTitle, emptyDescription). */
export type PlaceholderNamespace = "flows" | "audiences" | "content" | "results" | "settings";

/** A server component for an area that is still to come: header plus an explanatory empty state. */
export async function PlaceholderPage({ namespace, icon }: { namespace: PlaceholderNamespace; icon: LucideIcon }) {
  const [t, common] = await Promise.all([getT(namespace), getT("common")]);
  return (
    <>
      <PageHeader
        title={t("title")}
        description={t("description")}
        titleAddon={<Badge variant="muted">{common("comingSoon")}</Badge>}
      />
      <PageBody>
        <EmptyState icon={icon} title={t("emptyTitle")} description={t("emptyDescription")} />
      </PageBody>
    </>
  );
}
