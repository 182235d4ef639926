import { ShieldAlertIcon } from "lucide-react";

import { getT } from "@/lib/i18n/server";
import { EmptyState } from "@/components/ui/empty-state";

/** What a page shows a role that may not use it (the page checks on the server before rendering). */
export async function NeedsRole() {
  const t = await getT("errors");
  return <EmptyState icon={ShieldAlertIcon} title={t("forbiddenTitle")} description={t("forbiddenDescription")} />;
}
