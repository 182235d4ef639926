// Pure (zod and other pure modules only; on the eslint allow-list): what the Insights charts
// accept that the browser also needs — the member groups, the radar's indicators and how they
// are normalised, the overview's granularities.
import { z } from "zod";
import { and, conditionTreeSchema, rule, type ConditionTree } from "@/server/audiences/condition";
import { lifecycleStages } from "@/server/audiences/fields";
import { text } from "@/server/text";

export { lifecycleStages };
export const granularities = ["day", "week", "month"] as const;
export type Granularity = (typeof granularities)[number];

/**
 * RFM segments on the hourly R and F scores (1–5, 5 = best; see server/members/stats.ts): a 2×2
 * grid that puts every member in exactly one segment.
 *   champions   R 4–5, F 4–5 — recent and frequent
 *   at_risk     R 1–3, F 4–5 — were frequent, not recent
 *   promising   R 4–5, F 1–3 — recent, not yet frequent
 *   hibernating R 1–3, F 1–3 — neither (members without orders are here)
 */
export const rfmSegments = ["champions", "at_risk", "promising", "hibernating"] as const;
export type RfmSegment = (typeof rfmSegments)[number];
const high = (field: string) => rule(field, "gte", 4);
const low = (field: string) => rule(field, "lte", 3);
export const RFM_SEGMENT_CONDITIONS: Record<RfmSegment, ConditionTree> = {
  champions: and(high("rfm_recency"), high("rfm_frequency")),
  at_risk: and(low("rfm_recency"), high("rfm_frequency")),
  promising: and(high("rfm_recency"), low("rfm_frequency")),
  hibernating: and(low("rfm_recency"), low("rfm_frequency")),
};

export const groupSchema = z.discriminatedUnion(
  "kind",
  [
    z.object({ kind: z.literal("all") }),
    z.object({ kind: z.literal("audience"), audienceId: text({ min: 1, max: 64 }) }),
    z.object({ kind: z.literal("tier"), tierId: text({ min: 1, max: 64 }) }),
    z.object({ kind: z.literal("stage"), stage: z.enum(lifecycleStages, { error: "Choose new, active, silent, churn risk or churned" }) }),
    z.object({ kind: z.literal("rfm"), segment: z.enum(rfmSegments, { error: `Choose one of ${rfmSegments.join(", ")}` }) }),
    z.object({ kind: z.literal("condition"), condition: conditionTreeSchema, label: text({ min: 1, max: 120 }).optional() }),
  ],
  { error: "Choose all members, an audience, a tier, a lifecycle stage, an RFM segment or a condition" },
);
export type Group = z.infer<typeof groupSchema>;

/**
 * The radar's indicators, each an average over the group's members unless said otherwise
 * (definitions in docs/insights.md). `better` says which way is good: recency and nothing else
 * is better when lower.
 */
export const indicators = ["recency", "frequency", "spend", "aov", "points", "redemption", "visits", "tenure"] as const;
export type Indicator = (typeof indicators)[number];
export const INDICATOR_BETTER: Record<Indicator, "higher" | "lower"> = {
  recency: "lower",
  frequency: "higher",
  spend: "higher",
  aov: "higher",
  points: "higher",
  redemption: "higher",
  visits: "higher",
  tenure: "higher",
};

/**
 * Radar scale, 0–100 per axis, relative to the groups compared: the best group on an axis is
 * 100 and the others are their share of it — value / max for "higher is better", min / value for
 * recency (fewer days since the last order is better; days count as at least 1). A group without a value (no orders, so no
 * recency or average order value) is 0; an axis where every group is 0 is 0 for all.
 */
export function normalise(indicator: Indicator, values: (number | null)[]): number[] {
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (INDICATOR_BETTER[indicator] === "higher") {
    const max = Math.max(0, ...present);
    return values.map((v) => (v === null || max <= 0 ? 0 : (Math.max(0, v) / max) * 100));
  }
  // Days are counted as at least 1, so a group that ordered today is not infinitely better.
  const days = (v: number) => Math.max(1, v);
  const best = present.length ? Math.min(...present.map(days)) : 0;
  return values.map((v) => (v === null || best === 0 ? 0 : (best / days(v)) * 100));
}
