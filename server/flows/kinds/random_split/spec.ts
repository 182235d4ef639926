import { z } from "zod";
import { defineNodeKind } from "../spec";
import type { BranchSpec } from "../spec";
import { firstDuplicate, handleIdSchema, msg } from "../shared";

/** The holdout branch: members who get nothing, so results can show uplift against them. */
export const controlBranchId = "control";

const percentSchema = z
  .number({ error: msg("Enter a percentage", "请输入百分比") })
  .int({ error: msg("Use a whole percentage", "请输入整数百分比") })
  .min(1, { error: msg("At least 1%", "至少 1%") })
  .max(100, { error: msg("At most 100%", "最多 100%") });

const bucketSchema = z.object({
  id: handleIdSchema.refine((id) => id !== controlBranchId, {
    error: msg('"control" is reserved for the holdout', "“control” 保留给对照组"),
  }),
  name: z.string().trim().min(1, { error: msg("Name the bucket", "请填写分组名称") }),
  percent: percentSchema,
});

// The 100% total is checked by `check` (its own issue code), so a half-edited split still parses.
const configSchema = z
  .object({
    buckets: z
      .array(bucketSchema)
      .min(1, { error: msg("Add at least one bucket", "请至少添加一个分组") })
      .max(10, { error: msg("At most 10 buckets", "最多 10 个分组") }),
    holdout: z.object({ percent: percentSchema.max(50, { error: msg("Hold out at most 50%", "对照组最多 50%") }) }).nullable(),
  })
  .superRefine((c, ctx) => {
    const dup = firstDuplicate(c.buckets.map((b) => b.id));
    if (dup !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["buckets", c.buckets.findLastIndex((b) => b.id === dup), "id"],
        message: msg("Each bucket needs its own id", "分组 id 不能重复"),
      });
    }
  });
export type RandomSplitConfig = z.infer<typeof configSchema>;

export const totalPercent = (c: RandomSplitConfig): number =>
  c.buckets.reduce((sum, b) => sum + b.percent, 0) + (c.holdout?.percent ?? 0);

/** FNV-1a, 32-bit: tiny, deterministic everywhere (browser, Node, tests). */
export function stableHash(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * The branch a member takes. Stable per member: the key should be
 * `${flowId}:${nodeId}:${memberId}`, so reruns and retries send a member the same way,
 * while different splits are independent of each other.
 */
export function assignBucket(config: RandomSplitConfig, key: string): string {
  const slot = stableHash(key) % 10_000; // basis points
  let upTo = 0;
  for (const b of config.buckets) {
    upTo += b.percent * 100;
    if (slot < upTo) return b.id;
  }
  if (config.holdout) return controlBranchId;
  // Only reachable when percentages are short of 100 (the validator refuses that); stay total.
  return config.buckets[config.buckets.length - 1]?.id ?? controlBranchId;
}

export const randomSplit = defineNodeKind({
  kind: "random_split",
  category: "group",
  label: { en: "Random split", "zh-CN": "随机分组" },
  description: {
    en: "Splits members by percentage, optionally with a holdout (control) group; a member always lands in the same bucket.",
    "zh-CN": "按比例随机分组，可设对照组；同一会员每次进入同一分组。",
  },
  icon: "Shuffle",
  configSchema,
  defaults: (): RandomSplitConfig => ({
    buckets: [
      { id: "a", name: "A", percent: 45 },
      { id: "b", name: "B", percent: 45 },
    ],
    holdout: { percent: 10 },
  }),
  branches: (c): BranchSpec[] => [
    ...c.buckets.map((b) => ({ id: b.id, label: { en: `${b.name} (${b.percent}%)`, "zh-CN": `${b.name}（${b.percent}%）` } })),
    ...(c.holdout
      ? [{ id: controlBranchId, label: { en: `Control (${c.holdout.percent}%)`, "zh-CN": `对照组（${c.holdout.percent}%）` } }]
      : []),
  ],
  summary: (c, locale) => {
    const parts = c.buckets.map((b) => `${b.name} ${b.percent}%`);
    if (c.holdout) parts.push(`${locale === "zh-CN" ? "对照" : "control"} ${c.holdout.percent}%`);
    return parts.join(" / ");
  },
  check: (c) => {
    const total = totalPercent(c);
    if (total === 100) return [];
    return [
      {
        code: "random_split_total",
        severity: "error",
        path: ["buckets"],
        message: {
          en: `Percentages add up to ${total}%, they must add up to 100%`,
          "zh-CN": `各分组比例合计 ${total}%，必须等于 100%`,
        },
      },
    ];
  },
});
