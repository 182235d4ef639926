import type { Metadata } from "next";
import { getT } from "@/lib/i18n/server";
import { PageBody, PageHeader } from "@/components/shell/page-header";
import { SectionTabs, currentSection } from "@/components/shell/section-tabs";
import { Banners } from "@/components/content/banners";
import { CouponTemplates } from "@/components/content/coupon-templates";
import { MessageTemplates } from "@/components/content/message-templates";
import { Outbox } from "@/components/content/outbox";
import { PriceLists } from "@/components/content/price-lists";

const sections = {
  coupons: CouponTemplates,
  prices: PriceLists,
  banners: Banners,
  messages: MessageTemplates,
  outbox: Outbox,
} as const;
type Section = keyof typeof sections;

export async function generateMetadata(): Promise<Metadata> {
  const t = await getT("content");
  return { title: t("title") };
}

export default async function ContentPage({ searchParams }: { searchParams: Promise<{ tab?: string | string[] }> }) {
  const t = await getT("content");
  const { tab } = await searchParams;
  const current = currentSection(tab, Object.keys(sections) as Section[]);
  const Current = sections[current];
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      <PageBody>
        <SectionTabs label={t("sections")} path="/content" current={current} sections={(Object.keys(sections) as Section[]).map((id) => ({ id, label: t(`tab_${id}`) }))} />
        <Current />
      </PageBody>
    </>
  );
}
