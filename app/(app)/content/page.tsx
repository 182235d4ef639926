import type { Metadata } from "next";
import { TicketPercentIcon } from "lucide-react";

import { getT } from "@/lib/i18n/server";
import { PlaceholderPage } from "@/components/shell/placeholder-page";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getT("content");
  return { title: t("title") };
}

export default function ContentPage() {
  return <PlaceholderPage namespace="content" icon={TicketPercentIcon} />;
}
