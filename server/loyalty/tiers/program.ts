// The tier program as stored: its levels are the `tiers` rows (members, audiences and the points
// ledger refer to them), its rules one `tier_program` row. Read inside the callers' transactions;
// edited by admins in Settings → Tiers.
// Server-only: the lint allow-list keeps components/ away (no `import "server-only"`: vitest and tsx scripts import it).
import { sql, type Tx } from "@/server/db/sql";
import { DomainError } from "@/server/errors";
import { benefitsOf, defaultTierRules, tierProgramSchema, type TierLevel, type TierProgram } from "./program-schema";

export async function loadLevels(tx: Tx): Promise<TierLevel[]> {
  const rows = await tx.query<{ id: string; name: string; name_en: string; growth_threshold: number; benefits: unknown }>(
    sql`SELECT id, name, name_en, growth_threshold, benefits FROM tiers ORDER BY rank`,
  );
  return rows.map((r) => ({ id: r.id, name: r.name, nameEn: r.name_en, threshold: r.growth_threshold, benefits: benefitsOf(r.benefits) }));
}

export async function loadTierProgram(tx: Tx): Promise<TierProgram> {
  const levels = await loadLevels(tx);
  const [row] = await tx.query<{ config: unknown }>(sql`SELECT config FROM tier_program WHERE id = 1`);
  // Stored rules were validated on the way in; a field added since takes its default.
  const parsed = tierProgramSchema.safeParse({ ...defaultTierRules, ...(row?.config as object | undefined), levels });
  return parsed.success ? parsed.data : { ...defaultTierRules, levels };
}

export async function tierProgramWithMeta(tx: Tx): Promise<{ program: TierProgram; updatedAt: Date | null; updatedBy: string | null }> {
  const [row] = await tx.query<{ updated_at: Date; updated_by: string | null }>(sql`SELECT updated_at, updated_by FROM tier_program WHERE id = 1`);
  return { program: await loadTierProgram(tx), updatedAt: row?.updated_at ?? null, updatedBy: row?.updated_by ?? null };
}

/**
 * Saves the program: levels are upserted in their order (ranks follow it), levels left out are
 * removed — refused while members hold them. Coupon templates named by benefits must exist. The
 * caller's transaction makes it all-or-nothing.
 */
export async function saveTierProgram(tx: Tx, input: unknown, by: string | null): Promise<TierProgram> {
  const program = tierProgramSchema.parse(input);
  const ids = program.levels.map((l) => l.id);
  const held = await tx.query<{ tier_id: string }>(sql`
    SELECT t.id AS tier_id FROM tiers t WHERE t.id <> ALL(${ids}::text[]) AND EXISTS (SELECT 1 FROM members m WHERE m.tier_id = t.id) ORDER BY t.rank LIMIT 1`);
  if (held[0]) throw new DomainError("invalid", `Members hold the level ${held[0].tier_id}; keep it`, { field: "levels" });
  const templates = program.levels.flatMap((l, i) => [
    ...(l.benefits.monthlyCoupons ? [{ id: l.benefits.monthlyCoupons.couponTemplateId, field: `levels.${i}.benefits.monthlyCoupons.couponTemplateId` }] : []),
    ...(l.benefits.birthdayGift ? [{ id: l.benefits.birthdayGift.couponTemplateId, field: `levels.${i}.benefits.birthdayGift.couponTemplateId` }] : []),
  ]);
  if (templates.length > 0) {
    const known = new Set((await tx.query<{ id: string }>(sql`SELECT id FROM coupon_templates WHERE id = ANY(${templates.map((t) => t.id)}::text[])`)).map((r) => r.id));
    const missing = templates.find((t) => !known.has(t.id));
    if (missing) throw new DomainError("invalid", `No coupon template ${missing.id}`, { field: missing.field });
  }
  await tx.execute(sql`DELETE FROM tiers WHERE id <> ALL(${ids}::text[])`);
  // Ranks are unique: move the kept ones out of the way first, then write them in order.
  await tx.execute(sql`UPDATE tiers SET rank = -rank - 1000`);
  await tx.execute(sql`
    INSERT INTO tiers (id, name, name_en, rank, growth_threshold, benefits, validity_months)
    SELECT l.id, l.name, l.name_en, l.rank, l.threshold, l.benefits::jsonb, ${program.validityMonths}
    FROM unnest(${ids}::text[], ${program.levels.map((l) => l.name)}::text[], ${program.levels.map((l) => l.nameEn)}::text[],
                ${program.levels.map((l) => l.threshold)}::int[], ${program.levels.map((l) => JSON.stringify(l.benefits))}::text[]) WITH ORDINALITY
         AS l(id, name, name_en, threshold, benefits, rank)
    ON CONFLICT (id) DO UPDATE SET name = excluded.name, name_en = excluded.name_en, rank = excluded.rank,
      growth_threshold = excluded.growth_threshold, benefits = excluded.benefits, validity_months = excluded.validity_months`);
  const { levels: _levels, ...rules } = program;
  await tx.execute(sql`
    INSERT INTO tier_program (id, config, updated_at, updated_by) VALUES (1, ${JSON.stringify(rules)}::jsonb, now(), ${by})
    ON CONFLICT (id) DO UPDATE SET config = excluded.config, updated_at = excluded.updated_at, updated_by = excluded.updated_by`);
  return program;
}
