// The one storefront handler wrapper. An endpoint is declared once — method, path, scope, the zod
// schemas of its path, query, body and answer — and that declaration both serves the route (key,
// scope, rate limit, body size, validation in and out, problem+json) and writes the OpenAPI
// document (openapi.ts). Route files only say `export const GET = serve(endpoint)`.
import { createHash, randomUUID } from "node:crypto";
import { z, type ZodType } from "zod";
import { db } from "@/server/db";
import { DomainError } from "@/server/errors";
import { findActiveKey, touchKey, type ActiveKey, type StorefrontScope } from "./keys";
import { domainProblem, fieldErrors, problem, problemResponse, type ProblemCode } from "./problem";
import { RateLimiter } from "./rate-limit";

/** Bodies above this are refused with 413 before they are parsed (a 100-event batch of orders fits). */
export const MAX_BODY_BYTES = 512 * 1024;

export const idempotencyKeySchema = z
  .string()
  .regex(/^[\x21-\x7e]{1,255}$/, { error: "Use 1–255 visible ASCII characters" })
  .meta({ description: "A key you choose per logical request (a UUID is a good choice); replays with the same key and body get the first answer", example: "9b2f6c1e-5d7a-4c43-9a51-3f2d8e0b7c11" });

type Schema = ZodType | undefined;
type Out<S extends Schema> = S extends ZodType ? z.output<S> : undefined;

export type Answer<R extends ZodType> = { status: number; body: z.input<R>; headers?: Record<string, string> };

export type EndpointContext<P extends Schema, Q extends Schema, B extends Schema> = {
  key: ActiveKey;
  params: Out<P>;
  query: Out<Q>;
  body: Out<B>;
  /** Set when the endpoint takes an Idempotency-Key (required then), with a hash of what was asked. */
  idempotency?: { key: string; requestHash: string };
  now: Date;
};

export type Endpoint<P extends Schema = Schema, Q extends Schema = Schema, B extends Schema = Schema, R extends ZodType = ZodType> = {
  operationId: string;
  method: "GET" | "POST" | "PUT";
  /** OpenAPI style, under /api/storefront/v1: "/members/{externalId}/wallet". */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  scope: StorefrontScope;
  params?: P;
  query?: Q;
  body?: B;
  /** What the document shows for the body, when the body is checked item by item (events). */
  documentedBody?: ZodType;
  idempotent?: boolean;
  /** The success answers (statuses and their schema); R validates every one. */
  success: { statuses: Record<number, string>; schema: R };
  /** The client mistakes this endpoint can answer besides the ones every endpoint can. */
  problems: ProblemCode[];
  handle(context: EndpointContext<P, Q, B>): Promise<Answer<R>>;
};

export const defineEndpoint = <P extends Schema, Q extends Schema, B extends Schema, R extends ZodType>(endpoint: Endpoint<P, Q, B, R>) => endpoint;

const limiter = new RateLimiter();

class Refusal extends Error {
  constructor(readonly response: Response) {
    super("refused");
  }
}

const refuse = (code: ProblemCode, detail?: string, extra?: Record<string, unknown>, headers?: Record<string, string>) =>
  new Refusal(problemResponse(problem(code, detail, extra), headers));

async function authenticate(request: Request): Promise<ActiveKey> {
  const header = request.headers.get("authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  const challenge = { "www-authenticate": 'Bearer realm="memberflow storefront"' };
  if (!match) throw refuse("unauthorized", "Send the API key as `Authorization: Bearer <key>`", {}, challenge);
  const key = match[1]!.length <= 200 ? await findActiveKey(db, match[1]!) : null;
  if (!key) throw refuse("unauthorized", "The API key is unknown or was revoked", {}, challenge);
  return key;
}

/** Reads the body up to MAX_BODY_BYTES, as JSON. */
async function readJson(request: Request): Promise<unknown> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(type)) throw refuse("unsupported_media_type", `Got content-type "${type.slice(0, 100)}"`);
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw refuse("payload_too_large", `At most ${MAX_BODY_BYTES} bytes`);
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_BODY_BYTES) {
        await reader.cancel();
        throw refuse("payload_too_large", `At most ${MAX_BODY_BYTES} bytes`);
      }
      chunks.push(value);
    }
  }
  const text = Buffer.concat(chunks).toString("utf8");
  try {
    return JSON.parse(text);
  } catch {
    throw refuse("malformed_json", "The body could not be parsed as JSON");
  }
}

function parse<S extends ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw refuse("validation_failed", "Some fields are not valid", { errors: fieldErrors(result.error, where) });
  return result.data;
}

const canonical = (value: unknown): string => JSON.stringify(value, (_k, v: unknown) =>
  v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))) : v,
);

type RouteContext = { params: Promise<Record<string, string | string[]>> };

/** The Next.js route handler for an endpoint. */
export function serve<P extends Schema, Q extends Schema, B extends Schema, R extends ZodType>(endpoint: Endpoint<P, Q, B, R>) {
  return async (request: Request, context: RouteContext): Promise<Response> => {
    try {
      const key = await authenticate(request);
      if (!key.scopes.includes(endpoint.scope)) throw refuse("insufficient_scope", `This call needs the scope ${endpoint.scope}`, { requiredScope: endpoint.scope });
      const rate = limiter.take(key.id, key.rateLimit);
      if (!rate.allowed) {
        throw refuse("rate_limited", `This key allows ${key.rateLimit} requests a second`, {}, { "retry-after": String(rate.retryAfterSeconds) });
      }
      touchKey(db, key.id);

      const params = endpoint.params ? parse(endpoint.params, await context.params, "path") : undefined;
      const url = new URL(request.url);
      const query = endpoint.query ? parse(endpoint.query, Object.fromEntries(url.searchParams), "query") : undefined;
      const rawBody = endpoint.body ? await readJson(request) : undefined;
      const body = endpoint.body ? parse(endpoint.body, rawBody, "body") : undefined;
      let idempotency: EndpointContext<P, Q, B>["idempotency"];
      if (endpoint.idempotent) {
        const header = request.headers.get("idempotency-key");
        if (header === null) throw refuse("missing_idempotency_key", "Send an Idempotency-Key header so a retry cannot redeem twice");
        const value = parse(idempotencyKeySchema, header, "header.idempotency-key");
        const requestHash = createHash("sha256").update(`${endpoint.operationId}\n${canonical(params)}\n${canonical(rawBody)}`).digest("hex");
        idempotency = { key: value, requestHash };
      }

      const answer = await endpoint.handle({ key, params: params as Out<P>, query: query as Out<Q>, body: body as Out<B>, idempotency, now: new Date() });
      if (answer.status >= 400) return problemResponse(answer.body as never, answer.headers);
      const checked = endpoint.success.schema.safeParse(answer.body);
      if (!checked.success) throw new Error(`${endpoint.operationId} answered outside its schema: ${checked.error.message}`);
      return Response.json(checked.data, { status: answer.status, headers: answer.headers });
    } catch (error) {
      if (error instanceof Refusal) return error.response;
      if (error instanceof DomainError) {
        return problemResponse(domainProblem(error));
      }
      const reference = randomUUID();
      console.error(`[storefront] ${endpoint.operationId} failed, reference ${reference}:`, error);
      return problemResponse(problem("internal", "Something went wrong on our side; quote the reference to support", { reference }));
    }
  };
}

/** The other methods of a storefront route: a 405 problem naming the ones it takes (instead of an empty 405). */
export function methodNotAllowed(...allowed: Endpoint["method"][]) {
  return () => problemResponse(problem("method_not_allowed", `This path takes ${allowed.join(", ")}`), { allow: allowed.join(", ") });
}
