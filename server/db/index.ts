import "server-only";
import { createPrismaClient, type PrismaClient } from "@/server/prisma-client";
import { env } from "@/server/env";

// One client per process; kept on globalThis so Next's dev reloads don't open new pools.
const globalForDb = globalThis as unknown as { memberflowDb?: PrismaClient };

export const db: PrismaClient = globalForDb.memberflowDb ?? createPrismaClient(env().DATABASE_URL);
if (env().NODE_ENV !== "production") globalForDb.memberflowDb = db;
