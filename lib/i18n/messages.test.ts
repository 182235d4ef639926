import { describe, expect, it } from "vitest";

import { messagesFor } from "./messages";

const en = messagesFor("en");
const zhCN = messagesFor("zh-CN");

type Tree = { [key: string]: string | Tree };

/** Every leaf path ("nav.flows") with its value. */
function leaves(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") out.set(path, value);
    else for (const [p, v] of leaves(value, path)) out.set(p, v);
  }
  return out;
}

/**
 * ICU argument names used in a message ("{count}", "{count, plural, …}"), each once. A plural or
 * select branch ("one {once}") is text, not an argument: a brace after a selector is skipped.
 */
function argumentNames(message: string): string[] {
  const names = [...message.matchAll(/(?<!(?:zero|one|two|few|many|other|=\d+)\s*)\{\s*([A-Za-z_][\w]*)\s*[,}]/g)].map((m) => m[1]!);
  return [...new Set(names)].sort();
}

describe("message catalogues", () => {
  const enLeaves = leaves(en as Tree);
  const zhLeaves = leaves(zhCN as Tree);

  it("en and zh-CN have exactly the same keys", () => {
    const missingInZh = [...enLeaves.keys()].filter((k) => !zhLeaves.has(k));
    const missingInEn = [...zhLeaves.keys()].filter((k) => !enLeaves.has(k));
    expect({ missingInZh, missingInEn }).toEqual({ missingInZh: [], missingInEn: [] });
  });

  it("uses the same placeholders in both languages", () => {
    const mismatched = [...enLeaves]
      .filter(([key, value]) => zhLeaves.has(key) && argumentNames(value).join() !== argumentNames(zhLeaves.get(key)!).join())
      .map(([key]) => key);
    expect(mismatched).toEqual([]);
  });

  it("has no empty messages", () => {
    const empty = [...enLeaves, ...zhLeaves].filter(([, v]) => v.trim() === "").map(([k]) => k);
    expect(empty).toEqual([]);
  });
});
