import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { TRPCError } from "@trpc/server";

import { getT } from "@/lib/i18n/server";
import { getQueryClient, HydrateClient, trpc } from "@/trpc/server";
import { ReferencesProvider } from "@/components/flow-builder/nodes/references";
import { PublishReview } from "@/components/approvals/publish-review";
import { loadFlowReferences } from "../references";

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { id } = await params;
  const t = await getT("approval.review");
  const flow = await getQueryClient().fetchQuery(trpc.flows.get.queryOptions({ id })).catch(() => null);
  return { title: t("title", { name: flow?.name ?? "" }) };
}

/** A flow's publish request: the approver's review, or the requester's view of the decision. */
export default async function PublishReviewPage({ params }: Props) {
  const { id } = await params;
  const flow = await getQueryClient()
    .fetchQuery(trpc.flows.get.queryOptions({ id }))
    .catch((error: unknown) => {
      if (error instanceof TRPCError && error.code === "NOT_FOUND") return null;
      throw error;
    });
  if (!flow) notFound();
  // Names of the templates and audiences the diff mentions, as the builder shows them.
  const references = await loadFlowReferences(flow.draft);
  return (
    <HydrateClient>
      <ReferencesProvider value={references}>
        <PublishReview flowId={id} flowName={flow.name} />
      </ReferencesProvider>
    </HydrateClient>
  );
}
