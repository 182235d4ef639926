// Storefront errors as RFC 9457 problem details (application/problem+json). Every answer that is
// not a success is one of these, with a stable machine-readable `code`; validation problems list
// each offending field. The catalogue below is what the OpenAPI document publishes.
import { z } from "zod";
import type { ZodError } from "zod";
import type { DomainError, DomainErrorCode } from "@/server/errors";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

export const problemCodes = {
  validation_failed: { status: 400, title: "The request is not valid" },
  malformed_json: { status: 400, title: "The body is not valid JSON" },
  missing_idempotency_key: { status: 400, title: "An Idempotency-Key header is required" },
  unauthorized: { status: 401, title: "A valid API key is required" },
  insufficient_scope: { status: 403, title: "The API key lacks the scope this call needs" },
  not_found: { status: 404, title: "Not found" },
  method_not_allowed: { status: 405, title: "Method not allowed" },
  conflict: { status: 409, title: "Conflict with the current state" },
  payload_too_large: { status: 413, title: "The body is too large" },
  unsupported_media_type: { status: 415, title: "Send the body as application/json" },
  idempotency_key_reused: { status: 422, title: "The Idempotency-Key was used with another request" },
  unprocessable: { status: 422, title: "The request cannot be carried out" },
  rate_limited: { status: 429, title: "Too many requests" },
  internal: { status: 500, title: "Internal error" },
} as const;
export type ProblemCode = keyof typeof problemCodes;

/** How a service's DomainError reaches a storefront (the one place this is decided). */
const domainProblems: Record<DomainErrorCode, ProblemCode> = {
  not_found: "not_found",
  conflict: "conflict",
  invalid: "unprocessable",
  forbidden: "insufficient_scope",
  archived: "conflict",
};
/** A service's DomainError as the problem a storefront sees (its details become extension members). */
export const domainProblem = (error: DomainError): Problem =>
  problem(domainProblems[error.code], error.message, (error.details ?? {}) as Record<string, unknown>);

export const fieldErrorSchema = z
  .object({
    path: z.string().meta({ description: "Where in the request, e.g. `body.events.3.order.total` or `header.idempotency-key`", example: "body.cart.total" }),
    message: z.string().meta({ example: "Expected a number" }),
    code: z.string().meta({ description: "The validator's issue code", example: "invalid_type" }),
  })
  .meta({ id: "FieldError" });
export type FieldError = z.infer<typeof fieldErrorSchema>;

export const problemSchema = z
  .object({
    type: z.string().meta({ description: "A URN naming the problem", example: "urn:memberflow:problem:validation_failed" }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    code: z.enum(Object.keys(problemCodes) as [ProblemCode, ...ProblemCode[]]),
    reason: z.string().optional().meta({ description: "A finer machine-readable cause, e.g. `already_redeemed`, `member_not_found`" }),
    errors: z.array(fieldErrorSchema).optional().meta({ description: "Each offending field (validation_failed)" }),
    reference: z.string().optional().meta({ description: "Quote it to support: the server log holds the details (internal)" }),
  })
  .catchall(z.unknown())
  .meta({ id: "Problem", description: "RFC 9457 problem details" });
export type Problem = z.infer<typeof problemSchema>;

export function problem(code: ProblemCode, detail?: string, extra: Record<string, unknown> = {}): Problem {
  const { status, title } = problemCodes[code];
  return { type: `urn:memberflow:problem:${code}`, title, status, code, ...(detail ? { detail } : {}), ...extra };
}

/** zod issues as field errors, each path prefixed with where it came from (body, query, path, header). */
export function fieldErrors(error: ZodError, where: string): FieldError[] {
  return error.issues.map((issue) => ({
    path: [where, ...issue.path.map(String)].join("."),
    message: issue.message,
    code: issue.code,
  }));
}

export function problemResponse(body: Problem, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status: body.status, headers: { "content-type": PROBLEM_CONTENT_TYPE, ...headers } });
}
