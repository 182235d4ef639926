import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import { createStorefrontKey, findActiveKey, hashKey, listStorefrontKeys, revokeStorefrontKey } from "./keys";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

describe("storefront API keys", () => {
  it("shows the key once, stores only its hash, finds it until revoked", async () => {
    const created = await createStorefrontKey(t.db, { name: "Web shop", scopes: ["wallet:read", "events:write"] });
    expect(created.key.startsWith(`${created.prefix}_`)).toBe(true);
    const stored = await t.db.storefrontKey.findUniqueOrThrow({ where: { id: created.id } });
    expect(stored.keyHash).toBe(hashKey(created.key));
    expect(JSON.stringify(stored)).not.toContain(created.key);
    expect((await findActiveKey(t.db, created.key))?.id).toBe(created.id);
    expect(await findActiveKey(t.db, `${created.key}x`)).toBeNull();

    await revokeStorefrontKey(t.db, created.id);
    expect(await findActiveKey(t.db, created.key)).toBeNull();
    await expect(revokeStorefrontKey(t.db, created.id)).rejects.toThrow(/already revoked/);
    expect((await listStorefrontKeys(t.db)).map((k) => k.prefix)).toContain(created.prefix);
  });

  it("refuses unknown scopes and empty names", async () => {
    await expect(createStorefrontKey(t.db, { name: "x", scopes: ["admin" as never] })).rejects.toThrow(/Scopes are/);
    await expect(createStorefrontKey(t.db, { name: " ", scopes: ["wallet:read"] })).rejects.toThrow(/name/);
  });
});
