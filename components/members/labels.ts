"use client";

// Every stored value the member pages show, through a label in the reader's language: tiers,
// lifecycle stages, channels, tag categories, event names, points types and reasons, tier-change
// reasons. A value with no label (a custom event, a category someone added, a reason a flow's
// author wrote) is shown as stored: it is already what a person typed.
import { useLocale, useMessages, useTranslations } from "use-intl";

import type { LifecycleStage, PointsEntryType } from "@/server/members/schemas";

export function useMemberLabels() {
  const t = useTranslations("members");
  const messages = useMessages().members;
  const locale = useLocale();
  // The key is checked against the catalogue just before, so it need not be a literal.
  const byKey = t as unknown as (key: string) => string;
  /** The label of `value` in `group`, or the value itself when it has none. */
  const lookup = (group: "channels" | "tagCategories" | "events" | "tierReason", value: string) =>
    Object.hasOwn(messages[group], value) ? byKey(`${group}.${value}`) : value;

  return {
    tier: (tier: { name: string; nameEn: string }) => (locale === "en" ? tier.nameEn : tier.name),
    lifecycle: (stage: LifecycleStage) => t(`lifecycle.${stage}`),
    channel: (channel: string) => lookup("channels", channel),
    tagCategory: (category: string) => lookup("tagCategories", category),
    /** Event names have dots ("order.placed"); message keys cannot. */
    event: (name: string) => lookup("events", name.replaceAll(".", "_")),
    isKnownEvent: (name: string) => Object.hasOwn(messages.events, name.replaceAll(".", "_")),
    pointsType: (type: PointsEntryType) => t(`pointsType.${type}`),
    /** The ledger's reasons: "order:<no>", "redeem:checkout", "redeem:points_mall", "expired:<year>", or a flow's own words. */
    pointsReason: (reason: string) => {
      const [, kind, rest] = /^(order|redeem|expired):(.+)$/.exec(reason) ?? [];
      if (kind === "order") return t("pointsReason.order", { order: rest! });
      if (kind === "expired" && /^\d{4}$/.test(rest!)) return t("pointsReason.expired", { year: rest! });
      if (reason === "redeem:checkout") return t("pointsReason.checkout");
      if (reason === "redeem:points_mall") return t("pointsReason.pointsMall");
      return reason;
    },
    tierReason: (reason: string) => lookup("tierReason", reason),
  };
}
