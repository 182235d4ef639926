// `npm run keys -- create --name NAME --scopes a,b | list | revoke ID` — storefront API keys.
import { ZodError } from "zod";
import { createPrismaClient } from "../server/prisma-client";
import { DomainError } from "../server/errors";
import { createStorefrontKey, listStorefrontKeys, revokeStorefrontKey, storefrontScopes } from "../server/storefront/keys";
import { withDatabase } from "./lib/dev-database";

const usage = `usage:
  npm run keys -- create --name NAME --scopes ${storefrontScopes.join(",")} [--rate REQUESTS_PER_SECOND]
  npm run keys -- list
  npm run keys -- revoke KEY_ID`;

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main() {
  const [command, ...args] = process.argv.slice(2);
  if (command !== "create" && command !== "list" && command !== "revoke") {
    console.error(usage);
    process.exit(2);
  }
  if (command === "revoke" && !args[0]) {
    console.error(usage);
    process.exit(2);
  }
  await withDatabase(async (url) => {
    const db = createPrismaClient(url, 2);
    try {
      if (command === "create") {
        const scopes = (option(args, "scopes") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
        const rate = option(args, "rate");
        const key = await createStorefrontKey(db, { name: option(args, "name") ?? "", scopes: scopes as never, ...(rate !== undefined ? { rateLimit: Number(rate) } : {}) });
        console.log(`created ${key.prefix} (${key.id}) with scopes ${key.scopes.join(", ")}, ${key.rateLimit} requests/s`);
        console.log(`key (shown once, store it now): ${key.key}`);
      } else if (command === "list") {
        for (const k of await listStorefrontKeys(db)) {
          console.log(`${k.id}\t${k.prefix}\t${k.revokedAt ? "revoked" : "active"}\t${k.scopes.join(",")}\t${k.rateLimit}/s\t${k.lastUsedAt?.toISOString() ?? "never used"}\t${k.name}`);
        }
      } else {
        const key = await revokeStorefrontKey(db, args[0]!);
        console.log(`revoked ${key.prefix} (${key.id})`);
      }
    } finally {
      await db.$disconnect();
    }
  });
}

main().catch((error: unknown) => {
  if (error instanceof ZodError) console.error(error.issues.map((i) => `${i.path.join(".") || "input"}: ${i.message}`).join("\n"));
  else console.error(error instanceof DomainError || error instanceof Error ? error.message : String(error));
  process.exit(1);
});
