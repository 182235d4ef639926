import type { Metadata } from "next";

import { getT } from "@/lib/i18n/server";
import { PageBody, PageHeader } from "@/components/shell/page-header";
import { CouponTemplates } from "@/components/content/coupon-templates";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getT("content");
  return { title: t("title") };
}

export default async function ContentPage() {
  const t = await getT("content");
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      <PageBody>
        <CouponTemplates />
      </PageBody>
    </>
  );
}
