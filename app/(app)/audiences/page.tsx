import type { Metadata } from "next";
import { UsersRoundIcon } from "lucide-react";

import { getT } from "@/lib/i18n/server";
import { PlaceholderPage } from "@/components/shell/placeholder-page";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getT("audiences");
  return { title: t("title") };
}

export default function AudiencesPage() {
  return <PlaceholderPage namespace="audiences" icon={UsersRoundIcon} />;
}
