import type { Metadata } from "next";
import { Suspense } from "react";
import { notFound } from "next/navigation";
import { TRPCError } from "@trpc/server";

import { getT } from "@/lib/i18n/server";
import { getQueryClient, HydrateClient, trpc } from "@/trpc/server";
import { FlowEditor } from "@/components/flow-builder/flow-editor";
import { EditorSkeleton } from "@/components/flow-builder/editor-skeleton";
import { loadFlowReferences } from "./references";

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { id } = await params;
  const t = await getT("flows");
  try {
    const flow = await getQueryClient().fetchQuery(trpc.flows.get.queryOptions({ id }));
    return { title: `${flow.name} · ${t("title")}` };
  } catch {
    return { title: t("title") };
  }
}

/** The flow builder: full-bleed, no page padding. */
export default async function FlowEditorPage({ params }: Props) {
  const { id } = await params;
  const flow = await getQueryClient()
    .fetchQuery(trpc.flows.get.queryOptions({ id }))
    .catch((error: unknown) => {
      if (error instanceof TRPCError && error.code === "NOT_FOUND") return null;
      throw error;
    });
  if (!flow) notFound();
  const references = await loadFlowReferences(flow.draft);
  return (
    <HydrateClient>
      <Suspense fallback={<EditorSkeleton />}>
        <FlowEditor flowId={id} references={references} />
      </Suspense>
    </HydrateClient>
  );
}
