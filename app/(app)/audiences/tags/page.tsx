import type { Metadata } from "next";
import Link from "next/link";
import { ArrowLeftIcon } from "lucide-react";

import { getT } from "@/lib/i18n/server";
import { PageBody, PageHeader } from "@/components/shell/page-header";
import { TagsAndBadges } from "@/components/tags/tags-and-badges";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getT("tags");
  return { title: t("title") };
}

export default async function TagsPage() {
  const [t, a] = await Promise.all([getT("tags"), getT("audiences")]);
  return (
    <>
      <PageHeader
        eyebrow={
          <Link href="/audiences" className="inline-flex items-center gap-1 hover:text-foreground">
            <ArrowLeftIcon className="size-3.5" /> {a("title")}
          </Link>
        }
        title={t("title")}
        description={t("description")}
      />
      <PageBody>
        <TagsAndBadges />
      </PageBody>
    </>
  );
}
