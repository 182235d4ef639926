import { z } from "zod";

/** Which runtime drives the engine (see README "How flows run"). */
export const runtimes = ["worker", "inngest"] as const;
export type Runtime = (typeof runtimes)[number];

// The runtime and what it needs: shared by `env()` and by `runtime()`, which scripts call before
// they have a DATABASE_URL (`npm run dev` starts its own database).
const runtimeShape = {
  // "worker": graphile-worker in a process of our own (`npm run dev`, `tsx scripts/worker.ts`),
  // the default. "inngest": Inngest Cloud or a self-hosted Inngest server calls /api/inngest.
  MEMBERFLOW_RUNTIME: z.enum(runtimes).default("worker"),
  INNGEST_DEV: z.string().optional(),
  INNGEST_SIGNING_KEY: z.string().optional(),
  INNGEST_EVENT_KEY: z.string().optional(),
  // Self-hosted Inngest: where its API and event endpoints are (the SDK reads it itself).
  INNGEST_BASE_URL: z.string().url({ message: "INNGEST_BASE_URL must be a URL, e.g. http://inngest.internal:8288" }).optional(),
};

/** As the Inngest SDK reads INNGEST_DEV: "1"/"true", or the URL of a dev server. */
function inngestDevMode(value: string | undefined): boolean {
  const v = value?.trim().toLowerCase();
  if (!v || v === "0" || v === "false" || v === "undefined") return false;
  if (v === "1" || v === "true") return true;
  return URL.canParse(v.includes("://") ? v : `http://${v}`);
}

function checkRuntime(
  value: { MEMBERFLOW_RUNTIME: Runtime; INNGEST_DEV?: string; INNGEST_SIGNING_KEY?: string; INNGEST_EVENT_KEY?: string },
  ctx: z.RefinementCtx,
) {
  if (value.MEMBERFLOW_RUNTIME !== "inngest" || inngestDevMode(value.INNGEST_DEV)) return;
  // Without a signing key the serve handler refuses every call; without an event key the
  // scheduler tick cannot send the runs it starts.
  for (const key of ["INNGEST_SIGNING_KEY", "INNGEST_EVENT_KEY"] as const) {
    if (!value[key]) {
      ctx.addIssue({
        code: "custom",
        path: [key],
        message: `MEMBERFLOW_RUNTIME=inngest needs ${key} (from Inngest Cloud or your self-hosted Inngest server), or INNGEST_DEV=1 for a local Inngest dev server`,
      });
    }
  }
}

// Validated once at start so a misconfigured server fails loudly, not on first use.
const envSchema = z
  .object({
    DATABASE_URL: z.string().url({ message: "DATABASE_URL must be a postgres:// URL" }),
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    ...runtimeShape,
  })
  .superRefine(checkRuntime);

const runtimeSchema = z.object(runtimeShape).superRefine(checkRuntime);

export type Env = z.infer<typeof envSchema>;

// `next build` imports server modules to collect page data but never queries: it needs no
// database, so the build phase gets a placeholder address instead of failing.
const BUILD_PLACEHOLDER_URL = "postgresql://build-time-placeholder@127.0.0.1:1/unused";

function invalid(error: z.ZodError): Error {
  return new Error(`Invalid environment: ${JSON.stringify(z.flattenError(error).fieldErrors)}`);
}

let cached: Env | undefined;
export function env(): Env {
  if (!cached) {
    const building = process.env.NEXT_PHASE === "phase-production-build";
    const source = building && !process.env.DATABASE_URL ? { ...process.env, DATABASE_URL: BUILD_PLACEHOLDER_URL } : process.env;
    const parsed = envSchema.safeParse(source);
    if (!parsed.success) throw invalid(parsed.error);
    cached = parsed.data;
  }
  return cached;
}

/** The validated runtime setting alone (no DATABASE_URL needed). Throws with a clear message when misconfigured. */
export function runtime(source: Record<string, string | undefined> = process.env): Runtime {
  const parsed = runtimeSchema.safeParse(source);
  if (!parsed.success) throw invalid(parsed.error);
  return parsed.data.MEMBERFLOW_RUNTIME;
}
