import type { Metadata } from "next";
import { ChartColumnIncreasingIcon } from "lucide-react";

import { getT } from "@/lib/i18n/server";
import { PlaceholderPage } from "@/components/shell/placeholder-page";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getT("results");
  return { title: t("title") };
}

export default function ResultsPage() {
  return <PlaceholderPage namespace="results" icon={ChartColumnIncreasingIcon} />;
}
