// Small reference data: tiers, tags, badges, offers, message templates, the demo user.
// Ids of text-keyed rows are fixed so flows and docs can point at them across reseeds.

export type TierId = "bronze" | "silver" | "gold" | "platinum" | "diamond";

/** Growth value = yuan spent (1 point of growth per whole yuan paid). */
export const TIERS: readonly {
  id: TierId;
  name: string;
  nameEn: string;
  rank: number;
  growthThreshold: number;
  /** Display notes; the points multiplier and member-day discount are structured benefits too (server/loyalty/tiers). */
  benefits: string[];
  pointsMultiplier: number;
  discountPercent: number;
}[] = [
  { id: "bronze", name: "青铜", nameEn: "Bronze", rank: 1, growthThreshold: 0, benefits: ["积分 1 倍", "生日礼券"], pointsMultiplier: 1, discountPercent: 0 },
  { id: "silver", name: "白银", nameEn: "Silver", rank: 2, growthThreshold: 1_000, benefits: ["积分 1.2 倍", "生日礼券", "会员日 95 折"], pointsMultiplier: 1.2, discountPercent: 5 },
  { id: "gold", name: "黄金", nameEn: "Gold", rank: 3, growthThreshold: 5_000, benefits: ["积分 1.5 倍", "生日礼券", "会员日 9 折", "免运费"], pointsMultiplier: 1.5, discountPercent: 10 },
  { id: "platinum", name: "铂金", nameEn: "Platinum", rank: 4, growthThreshold: 15_000, benefits: ["积分 2 倍", "专属客服", "会员日 88 折", "免运费"], pointsMultiplier: 2, discountPercent: 12 },
  { id: "diamond", name: "钻石", nameEn: "Diamond", rank: 5, growthThreshold: 40_000, benefits: ["积分 3 倍", "专属顾问", "新品优先购", "会员日 85 折", "免运费"], pointsMultiplier: 3, discountPercent: 15 },
];

/** Tier for a growth value (thresholds ascending). */
export function tierFor(growth: number): TierId {
  let id: TierId = "bronze";
  for (const t of TIERS) if (growth >= t.growthThreshold) id = t.id;
  return id;
}

/** Keys let the generator refer to tags; the rules that assign them are in generate/labels.ts. */
export const TAGS = [
  { key: "high_value", name: "高价值", color: "amber", category: "value" },
  { key: "big_ticket", name: "大件消费", color: "orange", category: "value" },
  { key: "frequent", name: "高频复购", color: "emerald", category: "value" },
  { key: "one_time", name: "一次性消费", color: "slate", category: "value" },
  { key: "price_sensitive", name: "价格敏感", color: "sky", category: "behaviour" },
  { key: "promo_hunter", name: "大促活跃", color: "red", category: "behaviour" },
  { key: "night_owl", name: "夜猫子", color: "violet", category: "behaviour" },
  { key: "weekend", name: "周末购物", color: "teal", category: "behaviour" },
  { key: "store_regular", name: "门店常客", color: "stone", category: "behaviour" },
  { key: "mini_program", name: "小程序用户", color: "green", category: "behaviour" },
  { key: "mother_baby", name: "母婴", color: "pink", category: "preference" },
  { key: "beauty", name: "美妆爱好者", color: "rose", category: "preference" },
  { key: "digital", name: "数码达人", color: "blue", category: "preference" },
  { key: "sports", name: "运动健身", color: "lime", category: "preference" },
  { key: "foodie", name: "吃货", color: "yellow", category: "preference" },
  { key: "home", name: "家居控", color: "cyan", category: "preference" },
  { key: "mens_care", name: "男士护理", color: "indigo", category: "preference" },
  { key: "student", name: "学生党", color: "fuchsia", category: "demographic" },
  { key: "white_collar", name: "白领", color: "zinc", category: "demographic" },
  { key: "silver_age", name: "银发族", color: "neutral", category: "demographic" },
] as const;
export type TagKey = (typeof TAGS)[number]["key"];

export const BADGES = [
  { key: "first_order", name: "首单达成", description: "完成第一笔订单", icon: "ShoppingBag" },
  { key: "early_bird", name: "早鸟会员", description: "会员计划上线首季加入", icon: "Sunrise" },
  { key: "loyal_year", name: "年度忠粉", description: "近一年下单 24 次以上", icon: "Heart" },
  { key: "hundred_orders", name: "百单俱乐部", description: "累计下单 100 次", icon: "Trophy" },
  { key: "explorer", name: "品类探索家", description: "购买过 6 个以上品类", icon: "Compass" },
] as const;
export type BadgeKey = (typeof BADGES)[number]["key"];

export const COUPON_TEMPLATES = [
  { id: "ct_welcome_20", name: "新人专享 满100减20", description: "注册 30 天内可用", type: "amount", value: 20, minSpend: 100, maxDiscount: null, validDays: 30, perMemberMax: 1 },
  { id: "ct_member_day_90", name: "会员日 9 折券", description: "全场 9 折，最高减 50 元", type: "percent", value: 10, minSpend: 0, maxDiscount: 50, validDays: 7, perMemberMax: 1 },
  { id: "ct_birthday_50", name: "生日礼券 满200减50", description: "生日当月可用", type: "amount", value: 50, minSpend: 200, maxDiscount: null, validDays: 30, perMemberMax: 1 },
  { id: "ct_winback_30", name: "老友回归 满150减30", description: "唤醒沉睡会员", type: "amount", value: 30, minSpend: 150, maxDiscount: null, validDays: 14, perMemberMax: 1 },
] as const;

export const NOTIFICATION_TEMPLATES = [
  { id: "nt_welcome_sms", name: "欢迎新会员（短信）", channel: "sms", title: "", body: "【memberflow】{{member.name}}，欢迎加入会员！新人券 {{coupon.code}} 已到账，{{coupon.validTo}} 前有效。" },
  { id: "nt_coupon_push", name: "优惠券到账（推送）", channel: "push", title: "您有一张优惠券到账", body: "{{member.name}}，{{coupon.name}} 已放入您的卡包，{{coupon.validTo}} 前使用。" },
  { id: "nt_winback_sms", name: "老友回归（短信）", channel: "sms", title: "", body: "【memberflow】{{member.name}}，好久不见！送您 {{coupon.name}}，券码 {{coupon.code}}。" },
  { id: "nt_birthday_email", name: "生日祝福（邮件）", channel: "email", title: "{{member.name}}，生日快乐！", body: "亲爱的{{member.name}}，祝您生日快乐！{{coupon.name}} 已送达，券码 {{coupon.code}}。" },
  { id: "nt_points_expiring", name: "积分即将过期（站内信）", channel: "in_app", title: "积分即将过期", body: "您有 {{member.expiringPoints}} 积分将于 {{member.pointsExpireAt}} 过期，快去兑换吧。" },
  { id: "nt_tier_upgrade_push", name: "等级升级（推送）", channel: "push", title: "恭喜升级", body: "{{member.name}}，您已升级为{{member.tier}}会员，专属权益已开启。" },
  { id: "nt_coupon_reminder_in_app", name: "优惠券到期提醒（站内信）", channel: "in_app", title: "优惠券即将到期", body: "{{member.name}}，您的{{coupon.name}}将于 {{coupon.validTo}} 到期，券码 {{coupon.code}}，别错过。" },
] as const;

/** The demo admin `npm run dev` creates and signs in automatically (scripts/dev.ts; DEMO_USER_ID in server/auth/session.ts). */
export const DEMO_USER = { id: "demo-admin", email: "admin@memberflow.local", name: "Demo Admin", role: "admin" } as const;
