import { z } from "zod";
import { defineNodeKind, noReferences } from "../spec";
import type { Localized } from "../spec";
import { httpsUrlSchema, msg, requiredId, validDaysSchema } from "../shared";

/** Placements storefronts render today; others may be added by a storefront (same id format). */
export const bannerPlacements = {
  app_home_top: { en: "App home, top", "zh-CN": "App 首页顶部" },
  app_home_popup: { en: "App home, pop-up", "zh-CN": "App 首页弹窗" },
  web_home_top: { en: "Web shop home, top", "zh-CN": "商城首页顶部" },
  miniprogram_home_top: { en: "Mini-program home, top", "zh-CN": "小程序首页顶部" },
  member_center: { en: "Member center", "zh-CN": "会员中心" },
} as const satisfies Record<string, Localized>;

// A creative from the library, or one described here (it becomes the flow's own library
// creative on publish, inlineCreativeId).
const inlineBannerSchema = z.object({
  mode: z.literal("inline"),
  placement: z
    .string()
    .regex(/^[a-z][a-z0-9_]{1,59}$/, { error: msg("Pick a placement, e.g. app_home_top", "请选择展示位置，例如 app_home_top") }),
  imageUrl: httpsUrlSchema,
  title: z
    .string()
    .trim()
    .min(1, { error: msg("Write a title", "请填写标题") })
    .max(60, { error: msg("At most 60 characters", "最多 60 个字符") }),
  // An https address, or an in-app path like /coupons.
  link: z.union([httpsUrlSchema, z.string().regex(/^\/[^\s]*$/)], {
    error: msg("Use an https:// address or an app path starting with /", "请使用 https:// 地址或以 / 开头的应用路径"),
  }),
  validDays: validDaysSchema,
});
const configSchema = z.object({
  banner: z.discriminatedUnion(
    "mode",
    [z.object({ mode: z.literal("existing"), id: requiredId({ en: "banner", "zh-CN": "Banner" }) }), inlineBannerSchema],
    { error: msg("Choose a banner or describe one here", "请选择 Banner 或在此填写") },
  ),
});
export type ShowBannerConfig = z.infer<typeof configSchema>;

export const showBanner = defineNodeKind({
  kind: "show_banner",
  category: "action",
  label: { en: "Show banner", "zh-CN": "展示 Banner" },
  description: {
    en: "Shows each member an image banner in a storefront placement for a while.",
    "zh-CN": "在一段时间内向会员在指定位置展示图文 Banner。",
  },
  icon: "GalleryHorizontal",
  configSchema,
  defaults: (): ShowBannerConfig => ({ banner: { mode: "existing", id: "" } }),
  summary: (config, locale, names) => {
    const c = config.banner;
    if (c.mode === "existing") return names?.bannerCreative(c.id) ?? "Banner";
    const where = (bannerPlacements as Record<string, Localized | undefined>)[c.placement]?.[locale] ?? c.placement;
    return `${where} · ${c.title}`;
  },
  references: (c) => ({ ...noReferences(), bannerCreativeIds: c.banner.mode === "existing" ? [c.banner.id] : [] }),
});

/** A show_banner config of definition format 1 (the banner at the top) in today's shape. */
export function upgradeShowBannerV1(config: unknown): unknown {
  if (!config || typeof config !== "object" || "banner" in config) return config;
  return { banner: { mode: "inline", ...config } };
}
