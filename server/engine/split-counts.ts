// The builder's split counts: how the members a flow lets in would divide over a split's groups
// now — the same entry predicate and the same first-match CASE the engine runs (so the numbers
// are what the split does, and they add up to the members entering).
import { z } from "zod";
import { conditionTreeSchema } from "@/server/audiences/condition";
import { entryAudienceSchema } from "@/server/flows/kinds/entry";
import { elseBranchId } from "@/server/flows/kinds/split/spec";
import { splitBranchSql } from "@/server/flows/kinds/split/execute";
import { raw, sql, withTransaction, type Pool } from "@/server/db/sql";
import { DomainError } from "@/server/errors";
import { text } from "@/server/text";
import { PARALLEL_COUNT_SETTINGS } from "@/server/audiences/compile";
import { entryPredicate } from "./triggers";

export const splitCountsInput = z.object({
  /** Who enters the flow; null: any member (an event or a manual trigger). */
  entry: entryAudienceSchema.nullable(),
  groups: z.array(z.object({ id: text({ min: 1, max: 64 }), conditions: conditionTreeSchema })).min(1).max(20),
});

export type SplitCounts = { entering: number; groups: Record<string, number>; else: number };

export async function splitCounts(pool: Pool, given: z.input<typeof splitCountsInput>, now = new Date()): Promise<SplitCounts> {
  const input = splitCountsInput.parse(given);
  return withTransaction(pool, async (tx) => {
    if (input.entry?.mode === "audience") {
      const [found] = await tx.query<{ id: string }>(sql`SELECT id FROM audiences WHERE id = ${input.entry.audienceId}`);
      if (!found) throw new DomainError("not_found", `No audience ${input.entry.audienceId}`, { field: "entry.audienceId" });
    }
    for (const setting of PARALLEL_COUNT_SETTINGS) await tx.execute(raw(setting));
    const entry = input.entry ? await entryPredicate(tx, input.entry, now) : raw("TRUE");
    const rows = await tx.query<{ branch: string; n: number }>(sql`
      SELECT ${splitBranchSql(input.groups, now)} AS branch, count(*)::float8 AS n
      FROM members m WHERE ${entry} GROUP BY 1`);
    const byBranch = new Map(rows.map((r) => [r.branch, Number(r.n)]));
    return {
      entering: rows.reduce((sum, r) => sum + Number(r.n), 0),
      groups: Object.fromEntries(input.groups.map((g) => [g.id, byBranch.get(g.id) ?? 0])),
      else: byBranch.get(elseBranchId) ?? 0,
    };
  });
}
