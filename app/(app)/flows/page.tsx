import type { Metadata } from "next";
import { WorkflowIcon } from "lucide-react";

import { getT } from "@/lib/i18n/server";
import { PlaceholderPage } from "@/components/shell/placeholder-page";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getT("flows");
  return { title: t("title") };
}

export default function FlowsPage() {
  return <PlaceholderPage namespace="flows" icon={WorkflowIcon} />;
}
