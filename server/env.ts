import { z } from "zod";

// Validated once at start so a misconfigured server fails loudly, not on first use.
const envSchema = z.object({
  DATABASE_URL: z.string().url({ message: "DATABASE_URL must be a postgres:// URL" }),
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  INNGEST_DEV: z.string().optional(),
  INNGEST_SIGNING_KEY: z.string().optional(),
  INNGEST_EVENT_KEY: z.string().optional(),
});

export type Env = z.infer<typeof envSchema>;

// `next build` imports server modules to collect page data but never queries: it needs no
// database, so the build phase gets a placeholder address instead of failing.
const BUILD_PLACEHOLDER_URL = "postgresql://build-time-placeholder@127.0.0.1:1/unused";

let cached: Env | undefined;
export function env(): Env {
  if (!cached) {
    const building = process.env.NEXT_PHASE === "phase-production-build";
    const source = building && !process.env.DATABASE_URL ? { ...process.env, DATABASE_URL: BUILD_PLACEHOLDER_URL } : process.env;
    const parsed = envSchema.safeParse(source);
    if (!parsed.success) {
      throw new Error(`Invalid environment: ${JSON.stringify(z.flattenError(parsed.error).fieldErrors)}`);
    }
    cached = parsed.data;
  }
  return cached;
}
