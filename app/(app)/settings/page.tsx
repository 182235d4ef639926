import type { Metadata } from "next";
import { SettingsIcon } from "lucide-react";

import { getT } from "@/lib/i18n/server";
import { PlaceholderPage } from "@/components/shell/placeholder-page";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getT("settings");
  return { title: t("title") };
}

export default function SettingsPage() {
  return <PlaceholderPage namespace="settings" icon={SettingsIcon} />;
}
