import type { Metadata } from "next";
import { Suspense } from "react";

import { getT } from "@/lib/i18n/server";
import { HydrateClient, prefetch, trpc } from "@/trpc/server";
import { PageBody, PageHeader } from "@/components/shell/page-header";
import { FlowsList, FlowsListActions } from "@/components/flow-builder/flows-list";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getT("flows");
  return { title: t("title") };
}

export default async function FlowsPage() {
  const t = await getT("flows");
  prefetch(trpc.flows.list.queryOptions());
  prefetch(trpc.flows.templates.queryOptions());
  return (
    <HydrateClient>
      <PageHeader title={t("title")} description={t("description")} actions={<FlowsListActions />} />
      <PageBody>
        <Suspense>
          <FlowsList />
        </Suspense>
      </PageBody>
    </HydrateClient>
  );
}
