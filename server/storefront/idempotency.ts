// Idempotency-Key handling for storefront POSTs that must not happen twice (a redeem). The key's
// record is written in the same transaction as the effect, so a retry can never see the effect
// without its answer or the answer without its effect; a concurrent retry with the same key
// waits on the record's primary key and then replays the first answer. Domain refusals (409,
// 422) are answers too and are kept; nothing else of theirs is written.
import type { ZodType } from "zod";
import { sql, withTransaction, type Pool, type Tx } from "@/server/db/sql";
import { DomainError } from "@/server/errors";
import type { Answer } from "./endpoint";
import { domainProblem, problem } from "./problem";

/** How long a key is remembered (then the same key starts afresh). */
export const IDEMPOTENCY_TTL_HOURS = 24;

export async function withIdempotency(
  pool: Pool,
  storefrontId: string,
  idempotency: { key: string; requestHash: string },
  work: (tx: Tx) => Promise<Answer<ZodType>>,
): Promise<Answer<ZodType>> {
  return withTransaction(pool, async (tx) => {
    await tx.execute(sql`
      DELETE FROM idempotency_records
      WHERE storefront_id = ${storefrontId} AND key = ${idempotency.key} AND created_at < now() - make_interval(hours => ${IDEMPOTENCY_TTL_HOURS})`);
    const fresh = await tx.query(sql`
      INSERT INTO idempotency_records (storefront_id, key, request_hash, response_status, response_body)
      VALUES (${storefrontId}, ${idempotency.key}, ${idempotency.requestHash}, 0, '{}')
      ON CONFLICT (storefront_id, key) DO NOTHING RETURNING key`);
    if (fresh.length === 0) {
      const [prior] = await tx.query<{ request_hash: string; response_status: number; response_body: Record<string, unknown> }>(sql`
        SELECT request_hash, response_status, response_body FROM idempotency_records WHERE storefront_id = ${storefrontId} AND key = ${idempotency.key}`);
      if (!prior || prior.request_hash !== idempotency.requestHash) {
        const body = problem("idempotency_key_reused", "This Idempotency-Key was first used with another request; use a new key for a new request");
        return { status: body.status, body };
      }
      return { status: prior.response_status, body: prior.response_body, headers: { "idempotent-replayed": "true" } };
    }
    await tx.execute(sql`SAVEPOINT idempotent_work`);
    let answer: Answer<ZodType>;
    try {
      answer = await work(tx);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      await tx.execute(sql`ROLLBACK TO SAVEPOINT idempotent_work`);
      const body = domainProblem(error);
      answer = { status: body.status, body };
    }
    await tx.execute(sql`
      UPDATE idempotency_records SET response_status = ${answer.status}, response_body = ${JSON.stringify(answer.body)}::jsonb
      WHERE storefront_id = ${storefrontId} AND key = ${idempotency.key}`);
    return answer;
  });
}

/** Forgets keys older than the TTL (the hourly housekeeping). */
export async function pruneIdempotencyRecords(pool: Pool): Promise<number> {
  const result = await pool.query(`DELETE FROM idempotency_records WHERE created_at < now() - make_interval(hours => $1)`, [IDEMPOTENCY_TTL_HOURS]);
  return result.rowCount ?? 0;
}
