// The loyalty program's settings row: read by the ledger inside its transactions, edited by admins
// in Settings → Loyalty. A database without the row runs on the defaults.
// Server-only: the lint allow-list keeps components/ away (no `import "server-only"`: vitest and tsx scripts import it).
import { sql, type Tx } from "@/server/db/sql";
import { defaultLoyaltyProgram, loyaltyProgramSchema, type LoyaltyProgram } from "./program-schema";

export async function loadProgram(tx: Tx): Promise<LoyaltyProgram> {
  const [row] = await tx.query<{ config: unknown }>(sql`SELECT config FROM loyalty_program WHERE id = 1`);
  if (!row) return defaultLoyaltyProgram;
  // Stored documents were validated on the way in; a field added since takes its default.
  const parsed = loyaltyProgramSchema.safeParse({ ...defaultLoyaltyProgram, ...(row.config as object) });
  return parsed.success ? parsed.data : defaultLoyaltyProgram;
}

export async function programWithMeta(tx: Tx): Promise<{ program: LoyaltyProgram; updatedAt: Date | null; updatedBy: string | null }> {
  const [row] = await tx.query<{ updated_at: Date; updated_by: string | null }>(sql`SELECT updated_at, updated_by FROM loyalty_program WHERE id = 1`);
  return { program: await loadProgram(tx), updatedAt: row?.updated_at ?? null, updatedBy: row?.updated_by ?? null };
}

export async function saveProgram(tx: Tx, input: unknown, by: string | null): Promise<LoyaltyProgram> {
  const program = loyaltyProgramSchema.parse(input);
  await tx.execute(sql`
    INSERT INTO loyalty_program (id, config, updated_at, updated_by) VALUES (1, ${JSON.stringify(program)}::jsonb, now(), ${by})
    ON CONFLICT (id) DO UPDATE SET config = excluded.config, updated_at = excluded.updated_at, updated_by = excluded.updated_by`);
  return program;
}
