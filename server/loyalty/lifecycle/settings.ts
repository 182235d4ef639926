// The lifecycle settings row: read by the evaluation inside its transactions, edited by admins in
// Settings → Lifecycle. A database without the row runs on the defaults.
// Server-only: the lint allow-list keeps components/ away.
import { sql, type Tx } from "@/server/db/sql";
import { defaultLifecycleSettings, lifecycleSettingsSchema, type LifecycleSettings } from "./settings-schema";

export async function loadLifecycleSettings(tx: Tx): Promise<LifecycleSettings> {
  const [row] = await tx.query<{ config: unknown }>(sql`SELECT config FROM lifecycle_settings WHERE id = 1`);
  if (!row) return defaultLifecycleSettings;
  // Stored documents were validated on the way in; a field added since takes its default.
  const parsed = lifecycleSettingsSchema.safeParse({ ...defaultLifecycleSettings, ...(row.config as object) });
  return parsed.success ? parsed.data : defaultLifecycleSettings;
}

export async function lifecycleSettingsWithMeta(tx: Tx): Promise<{ settings: LifecycleSettings; updatedAt: Date | null; updatedBy: string | null }> {
  const [row] = await tx.query<{ updated_at: Date; updated_by: string | null }>(sql`SELECT updated_at, updated_by FROM lifecycle_settings WHERE id = 1`);
  return { settings: await loadLifecycleSettings(tx), updatedAt: row?.updated_at ?? null, updatedBy: row?.updated_by ?? null };
}

/** Saves validated settings; returns them with the instant they were saved (it names the recompute that follows). */
export async function saveLifecycleSettings(tx: Tx, input: unknown, by: string | null): Promise<{ settings: LifecycleSettings; savedAt: Date }> {
  const settings = lifecycleSettingsSchema.parse(input);
  const [row] = await tx.query<{ updated_at: Date }>(sql`
    INSERT INTO lifecycle_settings (id, config, updated_at, updated_by) VALUES (1, ${JSON.stringify(settings)}::jsonb, clock_timestamp(), ${by})
    ON CONFLICT (id) DO UPDATE SET config = excluded.config, updated_at = excluded.updated_at, updated_by = excluded.updated_by
    RETURNING updated_at`);
  return { settings, savedAt: row!.updated_at };
}
