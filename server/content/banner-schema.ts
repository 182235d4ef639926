// What a marketer fills in for banner placements and creatives, validated the same way in the
// forms and on the server. Pure: the Coupons & content page imports it.
import { z } from "zod";
import { text } from "@/server/text";
import { msg } from "@/lib/i18n/schema-messages";

/** Uploads: what the image check accepts (server/content/images.ts enforces it on the bytes). */
export const imageTypes = ["image/png", "image/jpeg", "image/webp", "image/gif"] as const;
export type ImageType = (typeof imageTypes)[number];
export const maxImageBytes = 2 * 1024 * 1024;
/** Storefronts decode the image: a larger side is never a banner, and could exhaust a phone. */
export const maxImageSide = 8192;

/** Why an upload was refused: the upload route answers it as `{ error: { field: "file", code } }`. */
export const uploadErrorCodes = ["missing", "too_large", "unsupported_type", "unreadable", "too_many_pixels"] as const;
export type UploadErrorCode = (typeof uploadErrorCodes)[number];

/** Where storefronts render a placement. */
export const surfaces = ["app", "web", "miniprogram"] as const;
export type Surface = (typeof surfaces)[number];

/** The id a storefront asks the wallet for: the database's own format. */
export const placementIdSchema = z
  .string({ error: msg("Pick a placement", "请选择展示位置") })
  .regex(/^[a-z][a-z0-9_]{1,59}$/, { error: msg("2–60 lowercase letters, digits or _, starting with a letter", "2–60 位小写字母、数字或下划线，以字母开头") });

const side = (what: string, zh: string) =>
  z
    .number({ error: msg(`Enter the ${what} in pixels`, `请输入${zh}（像素）`) })
    .int({ error: msg("Whole pixels", "请输入整数像素") })
    .min(16, { error: msg("At least 16 px", "至少 16 像素") })
    .max(4096, { error: msg("At most 4,096 px", "最多 4,096 像素") });

// text() says these in English; registering their Chinese twins localizes them in the forms.
msg("Must not contain control characters (such as NUL)", "不能包含控制字符（如 NUL）");
const limited = (max: number) => {
  msg(`At most ${max} characters`, `最多 ${max} 个字符`);
  return text({ max });
};
const required = (max: number, en: string, zh: string) => limited(max).refine((v) => v.length > 0, { error: msg(en, zh) });

export const placementFields = {
  name: required(60, "Name the placement", "请填写位置名称"),
  nameEn: required(60, "Name the placement in English", "请填写英文名称"),
  width: side("width", "宽度"),
  height: side("height", "高度"),
  surface: z.enum(surfaces, { error: msg("Pick app, web shop or mini-program", "请选择 App、商城或小程序") }),
  description: limited(300).default(""),
};

/** A new placement: its id is fixed from then on (storefronts ask for it). */
export const placementInput = z.object({ id: placementIdSchema, ...placementFields });
export type PlacementInput = z.input<typeof placementInput>;
export const placementUpdate = z.object(placementFields);
export type PlacementUpdate = z.input<typeof placementUpdate>;

const httpsUrl = limited(2000).refine(
  (value) => {
    try {
      return new URL(value).protocol === "https:";
    } catch {
      return false;
    }
  },
  { error: msg("Use an https:// address", "请使用 https:// 地址") },
);

/** Where a click goes: an https address, or an in-app path like /coupons (as show_banner accepts). */
export const bannerLinkSchema = limited(2000).refine((v) => /^\/[^\s]*$/.test(v) || httpsUrl.safeParse(v).success, {
  error: msg("Use an https:// address or an app path starting with /", "请使用 https:// 地址或以 / 开头的应用路径"),
});

// Dates PostgreSQL and every storefront handle alike: no year 0 or 275760.
const dateTime = (en: string, zh: string) =>
  z.iso.datetime({ offset: true, error: msg(en, zh) }).refine((v) => {
    const year = new Date(v).getUTCFullYear();
    return year >= 2000 && year <= 2999;
  }, { error: msg("Pick a date between 2000 and 2999", "请选择 2000 至 2999 年之间的日期") });

export const bannerValiditySchema = z.discriminatedUnion(
  "kind",
  [
    z.object({
      kind: z.literal("days"),
      days: z.number({ error: msg("Enter a number of days", "请输入天数") }).int({ error: msg("Whole days", "请输入整数天") }).min(1, { error: msg("At least 1 day", "至少 1 天") }).max(3650, { error: msg("At most 3,650 days", "最多 3,650 天") }),
    }),
    z.object({ kind: z.literal("range"), from: dateTime("Pick a start time", "请选择开始时间"), to: dateTime("Pick an end time", "请选择结束时间") }),
  ],
  { error: msg("Choose days from showing or a fixed period", "请选择展示后有效天数或固定时段") },
);

export const creativeImageSchema = z.discriminatedUnion(
  "kind",
  [
    z.object({ kind: z.literal("upload"), imageId: z.string({ error: msg("Upload an image", "请上传图片") }).regex(/^img_[a-f0-9]{24}$/, { error: msg("Upload an image", "请上传图片") }) }),
    z.object({ kind: z.literal("url"), url: httpsUrl }),
  ],
  { error: msg("Upload an image or give its https address", "请上传图片或填写图片的 https 地址") },
);

export const creativeInput = z
  .object({
    name: required(80, "Name the creative", "请填写素材名称"),
    placementId: placementIdSchema,
    image: creativeImageSchema,
    title: required(60, "Write a title", "请填写标题"),
    link: bannerLinkSchema,
    validity: bannerValiditySchema,
  })
  .superRefine((c, ctx) => {
    if (c.validity.kind === "range" && new Date(c.validity.to) <= new Date(c.validity.from)) {
      ctx.addIssue({ code: "custom", path: ["validity", "to"], message: msg("The end must come after the start", "结束时间必须晚于开始时间") });
    }
  });
export type CreativeInput = z.input<typeof creativeInput>;
export type CreativeValidity = z.infer<typeof bannerValiditySchema>;

/** Where a fixed-period creative stands now; a days-from-showing one is always "running". */
export function creativeStatus(validity: { kind: "days" } | { kind: "range"; from: string; to: string }, now = new Date()): "running" | "scheduled" | "ended" {
  if (validity.kind === "days") return "running";
  if (new Date(validity.from) > now) return "scheduled";
  return new Date(validity.to) <= now ? "ended" : "running";
}

/** The URL path of an uploaded image (public: storefronts load it). */
export const contentImagePath = (imageId: string) => `/api/content/images/${imageId}`;
