import { describe, expect, it } from "vitest";

import { parseAcceptLanguage, resolveLocale } from "./locale";

describe("resolveLocale", () => {
  it("lets a valid cookie win over Accept-Language", () => {
    expect(resolveLocale("en", "zh-CN,zh;q=0.9")).toBe("en");
    expect(resolveLocale("zh-CN", "en-US,en;q=0.9")).toBe("zh-CN");
  });

  it("ignores an unknown cookie value", () => {
    expect(resolveLocale("fr", "en-US")).toBe("en");
    expect(resolveLocale("", "en-US")).toBe("en");
    expect(resolveLocale("EN", "zh-CN")).toBe("zh-CN");
  });

  it("matches exact tags case-insensitively", () => {
    expect(resolveLocale(undefined, "zh-cn")).toBe("zh-CN");
    expect(resolveLocale(undefined, "EN")).toBe("en");
  });

  it("matches by primary language", () => {
    expect(resolveLocale(undefined, "en-GB")).toBe("en");
    expect(resolveLocale(undefined, "zh-TW")).toBe("zh-CN");
    expect(resolveLocale(undefined, "zh-Hans-CN")).toBe("zh-CN");
    expect(resolveLocale(undefined, "zh")).toBe("zh-CN");
  });

  it("follows q-values, then order", () => {
    expect(resolveLocale(undefined, "zh-CN;q=0.5,en;q=0.8")).toBe("en");
    expect(resolveLocale(undefined, "en;q=0.8, zh-CN;q=0.8")).toBe("en");
    expect(resolveLocale(undefined, "fr-FR,fr;q=0.9,zh-CN;q=0.7,en;q=0.6")).toBe("zh-CN");
    expect(resolveLocale(undefined, "de, en-US;q=0.3")).toBe("en");
  });

  it("skips ranges with q=0", () => {
    expect(resolveLocale(undefined, "zh-CN;q=0, en;q=0.1")).toBe("en");
  });

  it("defaults to zh-CN when nothing is said about language", () => {
    expect(resolveLocale(undefined, undefined)).toBe("zh-CN");
    expect(resolveLocale(null, null)).toBe("zh-CN");
    expect(resolveLocale(undefined, "")).toBe("zh-CN");
    expect(resolveLocale(undefined, " , ")).toBe("zh-CN");
    expect(resolveLocale(undefined, "*")).toBe("zh-CN");
  });

  it("falls back to en when only unsupported languages are asked for", () => {
    expect(resolveLocale(undefined, "fr-FR,fr;q=0.9")).toBe("en");
    expect(resolveLocale(undefined, "ja")).toBe("en");
    expect(resolveLocale(undefined, "en;q=0")).toBe("zh-CN");
  });
});

describe("parseAcceptLanguage", () => {
  it("treats malformed q as 0 and keeps order for equal q", () => {
    expect(parseAcceptLanguage("en;q=abc, zh, fr;q=1").map((r) => r.tag)).toEqual(["zh", "fr"]);
  });
});
