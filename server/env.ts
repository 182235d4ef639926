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

let cached: Env | undefined;
export function env(): Env {
  if (!cached) {
    const parsed = envSchema.safeParse(process.env);
    if (!parsed.success) {
      throw new Error(`Invalid environment: ${JSON.stringify(z.flattenError(parsed.error).fieldErrors)}`);
    }
    cached = parsed.data;
  }
  return cached;
}
