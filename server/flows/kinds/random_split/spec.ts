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

const FNV_OFFSET = 0x811c9dc5;
export const FNV_PRIME = 0x01000193;

/**
 * FNV-1a, 32-bit: tiny, deterministic everywhere (browser, Node, tests, and SQL: the engine
 * continues the state of a key's constant prefix over the member id in SQL, mf_fnv1a).
 * `state` continues a hash: stableHash(a + b) === stableHash(b, stableHash(a)).
 */
export function stableHash(key: string, state = FNV_OFFSET): number {
  let hash = state;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, FNV_PRIME);
  }
  return hash >>> 0;
}

/** The key a member's bucket is drawn from, split as the engine hashes it: a constant prefix + the member id. */
export const bucketKeyPrefix = (flowId: string, nodeId: string): string => `${flowId}:${nodeId}:`;

/** Basis-point slots [from, to) per branch, in the order assignBucket tests them. */
export function bucketSlots(config: RandomSplitConfig): { branch: string; upTo: number }[] {
  let upTo = 0;
  const slots = config.buckets.map((b) => ({ branch: b.id, upTo: (upTo += b.percent * 100) }));
  if (config.holdout) slots.push({ branch: controlBranchId, upTo: 10_000 });
  // Percentages short of 100 (the validator refuses them): the last branch takes the rest.
  const last = slots[slots.length - 1];
  if (last) last.upTo = 10_000;
  return slots;
}

/**
 * The branch a member takes. Stable per member: the key should be
 * `${flowId}:${nodeId}:${memberId}`, so reruns and retries send a member the same way,
 * while different splits are independent of each other.
 */
export function assignBucket(config: RandomSplitConfig, key: string): string {
  const slot = stableHash(key) % 10_000; // basis points
  const slots = bucketSlots(config);
  return (slots.find((s) => slot < s.upTo) ?? slots[slots.length - 1])?.branch ?? controlBranchId;
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
