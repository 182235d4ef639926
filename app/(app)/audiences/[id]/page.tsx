import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { cache } from "react";
import { TRPCError } from "@trpc/server";

import { getT } from "@/lib/i18n/server";
import { api } from "@/trpc/server";
import { AudienceDetail } from "@/components/audiences/audience-editor-page";

type Props = { params: Promise<{ id: string }> };

const load = cache(async (id: string) => {
  try {
    return await api.audiences.get({ id });
  } catch (e) {
    if (e instanceof TRPCError && (e.code === "NOT_FOUND" || e.code === "BAD_REQUEST")) return null;
    throw e;
  }
});

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const t = await getT("audiences");
  const audience = await load((await params).id);
  return { title: audience ? `${audience.name} · ${t("title")}` : t("title") };
}

export default async function AudiencePage({ params }: Props) {
  const audience = await load((await params).id);
  if (!audience) notFound();
  return <AudienceDetail initial={audience} />;
}
