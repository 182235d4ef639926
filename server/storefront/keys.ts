// Storefront API keys: shown once at creation, stored only as a SHA-256 hash. The prefix
// ("mf_live_ab12cd34") is kept in clear so operators can tell keys apart in lists and logs.
import { createHash, randomBytes } from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import { z } from "zod";
import { DomainError } from "@/server/errors";

export const storefrontScopes = ["wallet:read", "coupons:redeem", "events:write", "members:write"] as const;
export type StorefrontScope = (typeof storefrontScopes)[number];

export const createKeyInput = z.object({
  name: z.string().trim().min(1, "Give the key a name").max(80),
  scopes: z
    .array(z.enum(storefrontScopes, { message: `Scopes are: ${storefrontScopes.join(", ")}` }))
    .min(1, "Give the key at least one scope"),
});

export const hashKey = (key: string) => createHash("sha256").update(key).digest("hex");

export async function createStorefrontKey(db: PrismaClient, raw: z.input<typeof createKeyInput>) {
  const input = createKeyInput.parse(raw);
  const prefix = `mf_live_${randomBytes(4).toString("hex")}`;
  const key = `${prefix}_${randomBytes(24).toString("base64url")}`;
  const record = await db.storefrontKey.create({
    data: { name: input.name, prefix, keyHash: hashKey(key), scopes: [...new Set(input.scopes)] },
  });
  await db.auditLog.create({ data: { actor: "cli", action: "key.create", entityType: "storefront_key", entityId: record.id, details: { prefix } } });
  return { id: record.id, prefix, key, scopes: record.scopes };
}

export async function listStorefrontKeys(db: PrismaClient) {
  return db.storefrontKey.findMany({
    orderBy: { createdAt: "desc" },
    select: { id: true, name: true, prefix: true, scopes: true, createdAt: true, lastUsedAt: true, revokedAt: true },
  });
}

export async function revokeStorefrontKey(db: PrismaClient, id: string) {
  const key = await db.storefrontKey.findUnique({ where: { id } });
  if (!key) throw new DomainError("not_found", `No storefront key ${id}`);
  if (key.revokedAt) throw new DomainError("conflict", `Key ${key.prefix} was already revoked`);
  const revoked = await db.storefrontKey.update({ where: { id }, data: { revokedAt: new Date() } });
  await db.auditLog.create({ data: { actor: "cli", action: "key.revoke", entityType: "storefront_key", entityId: id, details: { prefix: key.prefix } } });
  return revoked;
}

/** The active key a bearer token names, or null (unknown or revoked). */
export async function findActiveKey(db: PrismaClient, token: string) {
  const key = await db.storefrontKey.findUnique({ where: { keyHash: hashKey(token) } });
  return key && !key.revokedAt ? key : null;
}
