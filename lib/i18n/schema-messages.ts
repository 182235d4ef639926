// Zod carries one message string; its Chinese twin is registered here so validators can report
// both languages without a second schema. Pure: shared by schemas on the server and in the browser.
import type { Localized } from "./locale";

const zhByEn = new Map<string, string>();

/** A schema error message in both languages; returns the English text for zod. */
export function msg(en: string, zhCN: string): string {
  zhByEn.set(en, zhCN);
  return en;
}

/** Both languages of a schema error message (zod's built-in messages get a generic prefix). */
export function localizeSchemaMessage(en: string): Localized {
  return { en, "zh-CN": zhByEn.get(en) ?? `配置无效：${en}` };
}
