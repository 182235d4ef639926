// Sign-in attempts per account (email), on top of better-auth's limit per client address: someone
// guessing one account's password from many addresses is slowed down all the same. Counted in
// better-auth's own auth_rate_limits table, one row per account, in one atomic statement.
import "server-only";

import type { PrismaClient } from "@/server/prisma-client";

/** Attempts one account may take within ACCOUNT_WINDOW_MINUTES, from any address. */
export const SIGN_IN_ATTEMPTS_PER_ACCOUNT = 10;
export const ACCOUNT_WINDOW_MINUTES = 15;

const keyOf = (email: string) => `sign-in-account:${email.trim().toLowerCase()}`;

/**
 * Counts one attempt for `email` and says whether it may go ahead (and if not, in how many seconds).
 * The row's last_request holds when its window ends, not its last attempt: better-auth prunes rows
 * whose last_request is older than its own (one-minute) window, which would forget a longer one.
 */
export async function consumeSignInAttempt(db: PrismaClient, email: string, now = Date.now()): Promise<{ allowed: boolean; retryAfter: number }> {
  const until = BigInt(now + ACCOUNT_WINDOW_MINUTES * 60_000);
  const [row] = await db.$queryRaw<{ count: number; ends: bigint }[]>`
    INSERT INTO auth_rate_limits (id, key, count, last_request)
    VALUES (gen_random_uuid()::text, ${keyOf(email)}, 1, ${until})
    ON CONFLICT (key) DO UPDATE SET
      count = CASE WHEN auth_rate_limits.last_request <= ${BigInt(now)} THEN 1 ELSE auth_rate_limits.count + 1 END,
      last_request = CASE WHEN auth_rate_limits.last_request <= ${BigInt(now)} THEN ${until} ELSE auth_rate_limits.last_request END
    RETURNING count, last_request AS ends`;
  return { allowed: row!.count <= SIGN_IN_ATTEMPTS_PER_ACCOUNT, retryAfter: Math.max(1, Math.ceil((Number(row!.ends) - now) / 1000)) };
}
