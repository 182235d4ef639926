import type { Metadata } from "next";

import { getT } from "@/lib/i18n/server";
import { NewAudience } from "@/components/audiences/new-audience";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getT("audienceEditor");
  return { title: t("form.newTitle") };
}

type Props = { searchParams: Promise<{ kind?: string }> };

export default async function NewAudiencePage({ searchParams }: Props) {
  const { kind } = await searchParams;
  return <NewAudience initialKind={kind === "static" ? "static" : "condition"} />;
}
