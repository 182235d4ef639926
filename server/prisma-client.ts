import { PrismaClient } from "@prisma/client";
import { PrismaPg } from "@prisma/adapter-pg";

export type { PrismaClient };

// The driver-adapter route: no native query engine is downloaded (see README, "Database").
// Transactions may run for up to a minute: with driver adapters a batch `$transaction([...])`
// (the parallel-plan settings and an analytics query on the whole base) is held to the interactive
// timeout, whose 5 s default turned a slow answer on a busy machine into an error.
export function createPrismaClient(connectionString: string, poolSize = 10): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString, max: poolSize }), transactionOptions: { timeout: 60_000, maxWait: 10_000 } });
}
