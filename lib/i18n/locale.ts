/**
 * Locales and locale negotiation. Pure (no Next imports): shared by the server helpers, the
 * client switcher and tests.
 */
export const locales = ["zh-CN", "en"] as const;
export type Locale = (typeof locales)[number];

/** Text in every locale the product speaks (labels of node kinds, condition fields …). */
export type Localized = { [L in Locale]: string };

/** Used when the request says nothing about language (no cookie, no Accept-Language). */
export const defaultLocale: Locale = "zh-CN";
/** Used when the browser asks only for languages we don't have. */
export const fallbackLocale: Locale = "en";

export const LOCALE_COOKIE = "locale";
/** One year. */
export const LOCALE_COOKIE_MAX_AGE = 60 * 60 * 24 * 365;

/** Dates are shown in the program's time zone, identical on server and client (no hydration drift). */
export const DEFAULT_TIME_ZONE = "Asia/Shanghai";

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (locales as readonly string[]).includes(value);
}

type LanguageRange = { tag: string; q: number; index: number };

/** Parses an Accept-Language header into ranges sorted by preference (q desc, then order). */
export function parseAcceptLanguage(header: string): LanguageRange[] {
  const ranges: LanguageRange[] = [];
  header.split(",").forEach((part, index) => {
    const [rawTag, ...params] = part.trim().split(";");
    const tag = rawTag?.trim().toLowerCase();
    if (!tag) return;
    let q = 1;
    for (const param of params) {
      const [key, value] = param.trim().split("=");
      if (key?.trim().toLowerCase() === "q") {
        const parsed = Number(value);
        q = Number.isFinite(parsed) ? Math.min(1, Math.max(0, parsed)) : 0;
      }
    }
    if (q > 0) ranges.push({ tag, q, index });
  });
  return ranges.sort((a, b) => b.q - a.q || a.index - b.index);
}

/** The supported locale a single language range asks for, if any. */
function matchRange(tag: string): Locale | undefined {
  if (tag === "*") return defaultLocale;
  const exact = locales.find((locale) => locale.toLowerCase() === tag);
  if (exact) return exact;
  // By primary language: zh, zh-Hans, zh-TW, zh-Hant-HK → zh-CN (our only Chinese); en-GB → en.
  const primary = tag.split("-")[0];
  return locales.find((locale) => locale.toLowerCase().split("-")[0] === primary);
}

/**
 * Picks the UI locale for a request.
 * 1. A valid `locale` cookie wins (the user chose it).
 * 2. Otherwise the most preferred Accept-Language range that we support (exact tag, else by
 *    primary language).
 * 3. No cookie and no usable Accept-Language at all → `defaultLocale` (zh-CN).
 *    A header that only names languages we don't offer → `fallbackLocale` (en).
 */
export function resolveLocale(
  cookieValue: string | null | undefined,
  acceptLanguageHeader: string | null | undefined,
): Locale {
  if (isLocale(cookieValue)) return cookieValue;
  const ranges = acceptLanguageHeader ? parseAcceptLanguage(acceptLanguageHeader) : [];
  if (ranges.length === 0) return defaultLocale;
  for (const range of ranges) {
    const match = matchRange(range.tag);
    if (match) return match;
  }
  return fallbackLocale;
}
