import type { Metadata } from "next";
import Link from "next/link";

import { getT } from "@/lib/i18n/server";
import { cn } from "@/lib/utils";
import { PageBody, PageHeader } from "@/components/shell/page-header";
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
  const current: Section = typeof tab === "string" && Object.hasOwn(sections, tab) ? (tab as Section) : "coupons";
  const Current = sections[current];
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      <PageBody>
        <nav aria-label={t("sections")} className="mb-6 flex gap-1 border-b">
          {(Object.keys(sections) as Section[]).map((section) => (
            <Link
              key={section}
              href={`/content?tab=${section}`}
              aria-current={section === current ? "page" : undefined}
              className={cn(
                "-mb-px border-b-2 px-3 py-2 text-sm font-medium transition-colors",
                section === current ? "border-primary text-foreground" : "border-transparent text-muted-foreground hover:text-foreground",
              )}
            >
              {t(`tab_${section}`)}
            </Link>
          ))}
        </nav>
        <Current />
      </PageBody>
    </>
  );
}
