import en from "@/messages/en.json";
import zhCN from "@/messages/zh-CN.json";
import enFlowBuilder from "@/messages/en/flow-builder.json";
import zhCNFlowBuilder from "@/messages/zh-CN/flow-builder.json";
import enAudienceEditor from "@/messages/en/audience-editor.json";
import zhCNAudienceEditor from "@/messages/zh-CN/audience-editor.json";
import enContentBanners from "@/messages/en/content-banners.json";
import zhCNContentBanners from "@/messages/zh-CN/content-banners.json";
import enContentMessages from "@/messages/en/content-messages.json";
import zhCNContentMessages from "@/messages/zh-CN/content-messages.json";
import enInsights from "@/messages/en/insights.json";
import zhCNInsights from "@/messages/zh-CN/insights.json";
import enLoyalty from "@/messages/en/loyalty.json";
import zhCNLoyalty from "@/messages/zh-CN/loyalty.json";
import enTags from "@/messages/en/tags.json";
import zhCNTags from "@/messages/zh-CN/tags.json";
import enTiers from "@/messages/en/tiers.json";
import zhCNTiers from "@/messages/zh-CN/tiers.json";
import enLifecycle from "@/messages/en/lifecycle.json";
import zhCNLifecycle from "@/messages/zh-CN/lifecycle.json";
import enAccess from "@/messages/en/access.json";
import zhCNAccess from "@/messages/zh-CN/access.json";
import enApproval from "@/messages/en/approval.json";
import zhCNApproval from "@/messages/zh-CN/approval.json";
import type { Locale } from "@/lib/i18n/locale";

// The big editors keep their text in their own files (messages/<locale>/<area>.json), mounted
// here as one namespace each; the rest lives in messages/<locale>.json.
const enCatalog = {
  ...en,
  flowBuilder: enFlowBuilder,
  audienceEditor: enAudienceEditor,
  contentBanners: enContentBanners,
  contentMessages: enContentMessages,
  insights: enInsights,
  loyalty: enLoyalty,
  tags: enTags,
  tiers: enTiers,
  lifecycle: enLifecycle,
  access: enAccess,
  approval: enApproval,
};

/** The message shape; English is the reference (zh-CN must have exactly the same keys). */
export type Messages = typeof enCatalog;

const catalog: Record<Locale, Messages> = {
  en: enCatalog,
  "zh-CN": {
    ...zhCN,
    flowBuilder: zhCNFlowBuilder,
    audienceEditor: zhCNAudienceEditor,
    contentBanners: zhCNContentBanners,
    contentMessages: zhCNContentMessages,
    insights: zhCNInsights,
    loyalty: zhCNLoyalty,
    tags: zhCNTags,
    tiers: zhCNTiers,
    lifecycle: zhCNLifecycle,
    access: zhCNAccess,
    approval: zhCNApproval,
  } as Messages,
};

export function messagesFor(locale: Locale): Messages {
  return catalog[locale];
}
