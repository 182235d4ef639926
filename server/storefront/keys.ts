// Storefront API keys: shown once at creation, stored only as a SHA-256 hash. The prefix
// ("mf_live_ab12cd34") is kept in clear so operators can tell keys apart in lists and logs.
import { createHash, randomBytes } from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import { z } from "zod";
import { DomainError } from "@/server/errors";

import { DEFAULT_RATE_LIMIT, storefrontScopes } from "./scopes";

export { storefrontScopes, type StorefrontScope } from "./scopes";

export const createKeyInput = z.object({
  name: z.string().trim().min(1, "Give the key a name").max(80),
  scopes: z
    .array(z.enum(storefrontScopes, { message: `Scopes are: ${storefrontScopes.join(", ")}` }))
    .min(1, "Give the key at least one scope"),
  rateLimit: z.number().int("Use a whole number of requests per second").min(1, "At least 1 request per second").max(10_000, "At most 10,000 requests per second").default(DEFAULT_RATE_LIMIT),
});

export const hashKey = (key: string) => createHash("sha256").update(key).digest("hex");

/** Who did it, for the audit log: "cli", or the signed-in user's id. */
type Actor = { actor?: string };

export async function createStorefrontKey(db: PrismaClient, raw: z.input<typeof createKeyInput>, { actor = "cli" }: Actor = {}) {
  const input = createKeyInput.parse(raw);
  const prefix = `mf_live_${randomBytes(4).toString("hex")}`;
  const key = `${prefix}_${randomBytes(24).toString("base64url")}`;
  const record = await db.storefrontKey.create({
    data: { name: input.name, prefix, keyHash: hashKey(key), scopes: [...new Set(input.scopes)], rateLimit: input.rateLimit },
  });
  await db.auditLog.create({ data: { actor, action: "key.create", entityType: "storefront_key", entityId: record.id, details: { prefix } } });
  return { id: record.id, prefix, key, scopes: record.scopes, rateLimit: record.rateLimit };
}

export async function listStorefrontKeys(db: PrismaClient) {
  return db.storefrontKey.findMany({
    orderBy: { createdAt: "desc" },
    select: { id: true, name: true, prefix: true, scopes: true, rateLimit: true, createdAt: true, lastUsedAt: true, revokedAt: true },
  });
}

export async function revokeStorefrontKey(db: PrismaClient, id: string, { actor = "cli" }: Actor = {}) {
  const key = await db.storefrontKey.findUnique({ where: { id } });
  if (!key) throw new DomainError("not_found", `No storefront key ${id}`);
  if (key.revokedAt) throw new DomainError("conflict", `Key ${key.prefix} was already revoked`);
  const revoked = await db.storefrontKey.update({ where: { id }, data: { revokedAt: new Date() } });
  forgetKey(key.keyHash);
  await db.auditLog.create({ data: { actor, action: "key.revoke", entityType: "storefront_key", entityId: id, details: { prefix: key.prefix } } });
  return revoked;
}

export type ActiveKey = { id: string; prefix: string; scopes: string[]; rateLimit: number };

// Looked-up keys are remembered briefly, so a storefront's every request does not read the keys
// table: a revocation in this process takes effect at once (forgetKey), one made elsewhere (the
// CLI, another instance) within KEY_CACHE_MS.
const KEY_CACHE_MS = 5_000;
const keyCache = new Map<string, { key: ActiveKey | null; until: number }>();
const forgetKey = (keyHash: string) => keyCache.delete(keyHash);

/** The active key a bearer token names, or null (unknown or revoked). */
export async function findActiveKey(db: PrismaClient, token: string): Promise<ActiveKey | null> {
  const keyHash = hashKey(token);
  const cached = keyCache.get(keyHash);
  if (cached && cached.until > Date.now()) return cached.key;
  const row = await db.storefrontKey.findUnique({ where: { keyHash }, select: { id: true, prefix: true, scopes: true, rateLimit: true, revokedAt: true } });
  const key = row && !row.revokedAt ? { id: row.id, prefix: row.prefix, scopes: row.scopes, rateLimit: row.rateLimit } : null;
  if (keyCache.size > 10_000) keyCache.clear(); // unknown tokens must not grow it without bound
  keyCache.set(keyHash, { key, until: Date.now() + KEY_CACHE_MS });
  return key;
}

// last_used_at is written at most once a minute per key, off the request's path.
const LAST_USED_EVERY_MS = 60_000;
const lastUsedWritten = new Map<string, number>();
export function touchKey(db: PrismaClient, keyId: string, now = Date.now()) {
  if ((lastUsedWritten.get(keyId) ?? 0) > now - LAST_USED_EVERY_MS) return;
  lastUsedWritten.set(keyId, now);
  db.storefrontKey.update({ where: { id: keyId }, data: { lastUsedAt: new Date(now) } }).catch(() => lastUsedWritten.delete(keyId));
}
