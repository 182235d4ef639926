// Sign-in: better-auth with email and password over the app's own PostgreSQL (Prisma adapter).
// Passwords are hashed by better-auth (scrypt) in auth_accounts; sessions live in auth_sessions
// and expire after SESSION_DAYS (renewed once a day while in use); sign-in attempts are throttled
// per client address and per account (./account-throttle.ts) in auth_rate_limits, so the limits
// hold across restarts. Nobody signs up:
// the first admin is made on the first-run page and everyone else by invitation (./users.ts).
import "server-only";

import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { APIError, createAuthMiddleware } from "better-auth/api";
import { consumeSignInAttempt } from "./account-throttle";
import type { PrismaClient } from "@/server/prisma-client";

export const SESSION_DAYS = 7;
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 128;
/** Sign-in attempts per client address and minute. */
export const SIGN_IN_ATTEMPTS_PER_MINUTE = 5;

/** Where the app is reached (cookies, origin checks): MEMBERFLOW_PUBLIC_URL or localhost:PORT. */
export function publicOrigin(): string {
  return (process.env.MEMBERFLOW_PUBLIC_URL ?? `http://localhost:${process.env.PORT ?? 3000}`).replace(/\/+$/, "");
}

function secret(): string {
  const value = process.env.MEMBERFLOW_AUTH_SECRET ?? process.env.BETTER_AUTH_SECRET;
  if (value) return value;
  // `npm run dev` and `npm start` always pass one (scripts/dev.ts keeps it in .data/auth-secret).
  if (process.env.NODE_ENV === "production" && process.env.NEXT_PHASE !== "phase-production-build") {
    throw new Error("MEMBERFLOW_AUTH_SECRET is not set: sessions cannot be signed (npm start sets it; set it yourself elsewhere)");
  }
  return "memberflow-development-secret-not-for-production";
}

/** The request's own origin, so the same app reached as 127.0.0.1 or by a LAN name passes CSRF checks. */
function ownOrigin(request?: Request): string | undefined {
  const host = request?.headers.get("x-forwarded-host") ?? request?.headers.get("host");
  if (!host) return undefined;
  const proto = request?.headers.get("x-forwarded-proto") ?? new URL(request!.url).protocol.replace(":", "");
  return `${proto}://${host}`;
}

export type SignInAudit = (userId: string) => Promise<void>;

export function createAuth(db: PrismaClient, options: { onSignIn?: SignInAudit } = {}) {
  return betterAuth({
    appName: "memberflow",
    baseURL: publicOrigin(),
    basePath: "/api/auth",
    secret: secret(),
    database: prismaAdapter(db, { provider: "postgresql" }),
    telemetry: { enabled: false },
    trustedOrigins: async (request) => [publicOrigin(), ownOrigin(request)],
    emailAndPassword: {
      enabled: true,
      disableSignUp: true,
      minPasswordLength: MIN_PASSWORD_LENGTH,
      maxPasswordLength: MAX_PASSWORD_LENGTH,
    },
    user: {
      modelName: "user",
      additionalFields: { role: { type: "string", input: false, required: false, defaultValue: "viewer" } },
    },
    session: {
      modelName: "authSession",
      expiresIn: SESSION_DAYS * 24 * 60 * 60,
      updateAge: 24 * 60 * 60,
    },
    account: { modelName: "authAccount" },
    verification: { modelName: "authVerification" },
    rateLimit: {
      enabled: true,
      storage: "database",
      modelName: "authRateLimit",
      window: 60,
      max: 100,
      customRules: { "/sign-in/email": { window: 60, max: SIGN_IN_ATTEMPTS_PER_MINUTE } },
    },
    hooks: {
      // Per account, after the per-address limit above let the request through.
      before: createAuthMiddleware(async (ctx) => {
        if (ctx.path !== "/sign-in/email") return;
        const email = (ctx.body as { email?: unknown } | undefined)?.email;
        if (typeof email !== "string" || email.length === 0 || email.length > 254) return;
        const attempt = await consumeSignInAttempt(db, email);
        if (!attempt.allowed) {
          throw new APIError("TOO_MANY_REQUESTS", { message: "Too many sign-in attempts for this account. Try again later." }, { "Retry-After": String(attempt.retryAfter) });
        }
      }),
    },
    databaseHooks: {
      session: {
        create: {
          after: async (session) => {
            await options.onSignIn?.(session.userId);
          },
        },
      },
    },
  });
}

export type Auth = ReturnType<typeof createAuth>;
