/**
 * tRPC server setup, in three parts:
 *   1. CONTEXT  — what every procedure receives (db, session, request headers).
 *   2. SETUP    — initTRPC with superjson and an error formatter that exposes zod errors.
 *   3. BUILDERS — routers and procedures; this is the part routers import.
 *
 * Routers live in `server/api/routers/<capability>.ts` and are merged by hand in `root.ts`.
 */
import "server-only";

import { randomUUID } from "node:crypto";
import { initTRPC, TRPCError, type TRPC_ERROR_CODE_KEY } from "@trpc/server";
import superjson from "superjson";
import { z, ZodError } from "zod";

import { db } from "@/server/db";
import { getSession } from "@/server/auth/session";
import { permissions, type Permission, type Role } from "@/server/auth/roles";
import { DomainError, type DomainErrorCode } from "@/server/errors";
import { controlCharacterPaths } from "@/server/text";

/* ------------------------------------------------------------------------------------------
 * 1. CONTEXT
 * ---------------------------------------------------------------------------------------- */

/**
 * Built once per request: by the fetch handler (`app/api/trpc/[trpc]/route.ts`) and by the
 * server-side caller (`trpc/server.ts`), both of which pass the request headers.
 */
export async function createTRPCContext(opts: { headers: Headers }) {
  const session = await getSession(opts.headers);
  return { db, session, headers: opts.headers };
}

export type TRPCContext = Awaited<ReturnType<typeof createTRPCContext>>;

/* ------------------------------------------------------------------------------------------
 * 2. SETUP
 * ---------------------------------------------------------------------------------------- */

const t = initTRPC.context<typeof createTRPCContext>().create({
  transformer: superjson,
  errorFormatter({ shape, error, path }) {
    // Nothing from inside (SQL, driver messages, stacks) reaches a client: an error that is not
    // a known one answers a reference, and the server log keeps the whole error under it.
    const known = error.code !== "INTERNAL_SERVER_ERROR" || error.cause instanceof DomainError;
    const reference = known ? null : randomUUID().slice(0, 8);
    if (reference) console.error(`[trpc] ${path ?? "?"} failed, reference ${reference}:`, error.cause ?? error);
    const { stack: _stack, ...data } = shape.data;
    return {
      ...shape,
      message: reference ? `Something went wrong on our side. Reference: ${reference}` : shape.message,
      data: {
        ...data,
        reference,
        // Field-level input errors for forms: { formErrors: string[], fieldErrors: { [field]: string[] } }.
        zodError: inputIssues(error.cause),
        // Services' DomainError, for clients that branch on it: { code: "not_found" | …, details }.
        domainError:
          error.cause instanceof DomainError ? { code: error.cause.code, details: error.cause.details ?? null } : null,
      },
    };
  },
});

/** Field-level detail of an input error: zod's own, or the issues of one tRPC wrapped on the way. */
function inputIssues(cause: unknown) {
  if (cause instanceof ZodError) return z.flattenError(cause);
  const issues = (cause as { issues?: unknown } | undefined)?.issues;
  return Array.isArray(issues) ? z.flattenError(new ZodError(issues)) : null;
}

/**
 * Before any procedure's own schema: text PostgreSQL cannot store (NUL, other control
 * characters) anywhere in the input is refused with 400, naming the field (server/text.ts).
 */
const refuseUnstorableText = t.middleware(async ({ getRawInput, next }) => {
  const paths = controlCharacterPaths(await getRawInput().catch(() => undefined));
  if (paths.length > 0) {
    const message = "Must not contain control characters (such as NUL)";
    const issues = paths.map((p) => ({ code: "custom" as const, path: p, message, input: undefined }));
    throw new TRPCError({ code: "BAD_REQUEST", message, cause: Object.assign(new Error(message), { issues }) });
  }
  return next();
});

/** How each DomainError code reaches tRPC clients (and its HTTP status). */
const domainErrorCodes: Record<DomainErrorCode, TRPC_ERROR_CODE_KEY> = {
  not_found: "NOT_FOUND",
  conflict: "CONFLICT",
  invalid: "BAD_REQUEST",
  forbidden: "FORBIDDEN",
  // The resource exists but is read-only in its current state.
  archived: "PRECONDITION_FAILED",
};

/** Turns a DomainError thrown by a service into the matching tRPC error (instead of a 500). */
const mapDomainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof DomainError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: domainErrorCodes[cause.code], message: cause.message, cause });
  }
  return result;
});

/* ------------------------------------------------------------------------------------------
 * 3. BUILDERS
 * ---------------------------------------------------------------------------------------- */

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/** No session required (health checks, public lookups). */
export const publicProcedure = t.procedure.use(refuseUnstorableText).use(mapDomainErrors);

/**
 * The one place sessions and roles are checked. Without `allowed`, any signed-in user passes;
 * with it, the user's role must be listed. Narrows `ctx.session` to non-null downstream.
 */
function authorize(allowed?: readonly Role[]) {
  return t.middleware(({ ctx, next }) => {
    if (!ctx.session) {
      throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue." });
    }
    if (allowed && !allowed.includes(ctx.session.user.role)) {
      throw new TRPCError({
        code: "FORBIDDEN",
        message: `This action needs one of the roles: ${allowed.join(", ")}.`,
      });
    }
    return next({ ctx: { ...ctx, session: ctx.session } });
  });
}

/** Any signed-in user. */
export const protectedProcedure = publicProcedure.use(authorize());

/**
 * Signed-in users with one of the given roles, e.g.
 *   roleProcedure("admin", "marketer").input(…).mutation(…)
 */
export function roleProcedure(...allowed: [Role, ...Role[]]) {
  return publicProcedure.use(authorize(allowed));
}

/**
 * Signed-in users whose role holds the named permission (server/auth/roles.ts), e.g.
 *   permissionProcedure("editFlows").input(…).mutation(…)
 */
export function permissionProcedure(permission: Permission) {
  const allowed = permissions[permission] as readonly Role[];
  return publicProcedure.use(authorize(allowed));
}
