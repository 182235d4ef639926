// A flow's last failure, shown on its status until a later run succeeds: what the engine could not
// do says itself to the marketer (e.g. "message template … does not exist"); a database or driver
// failure is logged whole under a reference and shown as that reference only.
import { randomUUID } from "node:crypto";
import { sql, type Pool, type Tx } from "@/server/db/sql";

function shownMessage(error: unknown): string {
  const driverError = typeof error === "object" && error !== null && "code" in error && typeof (error as { code: unknown }).code === "string";
  if (error instanceof Error && !driverError) return error.message.slice(0, 300);
  const reference = randomUUID().slice(0, 8);
  console.error(`[engine] a run failed, reference ${reference}:`, error);
  return `The engine hit an internal error (reference ${reference}); it retries.`;
}

/** Records a failure on the flow, outside the transaction that failed (which is rolled back). */
export async function recordFlowError(pool: Pool, flowId: string, error: unknown): Promise<void> {
  await pool.query(`UPDATE flows SET last_error = $2 WHERE id = $1`, [flowId, shownMessage(error)]).catch((e: unknown) => {
    console.error("[engine] could not record a flow's error:", e);
  });
}

/** A run that went through clears the flow's last failure (a no-op write when there was none). */
export async function clearFlowError(tx: Tx, flowId: string): Promise<void> {
  await tx.execute(sql`UPDATE flows SET last_error = NULL WHERE id = ${flowId} AND last_error IS NOT NULL`);
}
