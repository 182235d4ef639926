// The storefront contract: every endpoint, and the OpenAPI 3.1 document generated from the same
// zod schemas the handlers validate with (zod-openapi), served at /api/storefront/v1/openapi.json.
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject, type ZodOpenApiResponseObject } from "zod-openapi";
import { z } from "zod";
import { redeemCoupon, rollbackRedemption, validateCoupon } from "./coupons";
import { idempotencyKeySchema, MAX_BODY_BYTES, type Endpoint } from "./endpoint";
import { postEventsEndpoint } from "./events";
import { upsertMember } from "./members";
import { problemCodes, problemSchema, type ProblemCode } from "./problem";
import { getWallet } from "./wallet";

export const STOREFRONT_BASE_PATH = "/api/storefront/v1";

export const storefrontEndpoints: Endpoint[] = [upsertMember, getWallet, validateCoupon, redeemCoupon, rollbackRedemption, postEventsEndpoint] as never[];

/** Every endpoint can answer these. */
const commonProblems: ProblemCode[] = ["unauthorized", "insufficient_scope", "rate_limited"];
const bodyProblems: ProblemCode[] = ["validation_failed", "malformed_json", "unsupported_media_type", "payload_too_large"];

const problemExamples: Partial<Record<ProblemCode, object>> = {
  validation_failed: { errors: [{ path: "body.cart.total", message: "Expected an amount", code: "invalid_type" }] },
  rate_limited: {},
  conflict: { reason: "already_redeemed" },
  unprocessable: { reason: "below_min_spend", eligibleAmount: 150, minSpend: 199 },
  not_found: { reason: "member_not_found" },
};

function operation(e: Endpoint): ZodOpenApiOperationObject {
  const statuses = new Map<number, ProblemCode[]>();
  const codes = [...new Set([...commonProblems, ...(e.body ? bodyProblems : []), ...(e.params || e.query ? (["validation_failed"] as ProblemCode[]) : []), ...e.problems])];
  for (const code of codes) statuses.set(problemCodes[code].status, [...(statuses.get(problemCodes[code].status) ?? []), code]);
  const responses: Record<`${number}`, ZodOpenApiResponseObject> = {};
  for (const [status, description] of Object.entries(e.success.statuses)) {
    responses[status as `${number}`] = { description, content: { "application/json": { schema: e.success.schema } } };
  }
  for (const [status, list] of [...statuses].sort(([a], [b]) => a - b)) {
    const first = list[0]!;
    responses[`${status}`] = {
      description: list.map((c) => `\`${c}\`: ${problemCodes[c].title}`).join("; "),
      ...(status === 429 ? { headers: { "Retry-After": { description: "Seconds to wait before trying again", schema: { type: "integer" } } } } : {}),
      ...(status === 401 ? { headers: { "WWW-Authenticate": { description: "The Bearer challenge", schema: { type: "string" } } } } : {}),
      content: {
        "application/problem+json": {
          schema: problemSchema,
          example: { type: `urn:memberflow:problem:${first}`, title: problemCodes[first].title, status, code: first, detail: "…", ...(problemExamples[first] ?? {}) },
        },
      },
    };
  }
  const body = e.documentedBody ?? e.body;
  return {
    operationId: e.operationId,
    tags: [e.tag],
    summary: e.summary,
    description: `${e.description ?? ""}\n\nScope: \`${e.scope}\`.`.trim(),
    security: [{ bearer: [e.scope] }],
    requestParams: {
      ...(e.params ? { path: e.params as z.ZodObject } : {}),
      ...(e.query ? { query: e.query as z.ZodObject } : {}),
      ...(e.idempotent ? { header: z.object({ "Idempotency-Key": idempotencyKeySchema }) } : {}),
    },
    ...(body ? { requestBody: { required: true, content: { "application/json": { schema: body } } } } : {}),
    responses,
  };
}

let cached: ReturnType<typeof createDocument> | undefined;

export function storefrontDocument() {
  if (cached) return cached;
  const paths: ZodOpenApiPathsObject = {};
  for (const e of storefrontEndpoints) {
    const item = (paths[e.path] ??= {});
    (item as Record<string, ZodOpenApiOperationObject>)[e.method.toLowerCase()] = operation(e);
  }
  cached = createDocument({
    openapi: "3.1.0",
    info: {
      title: "memberflow storefront API",
      version: "1.0.0",
      description:
        "What a web shop, app or mini-program needs from memberflow: a member's wallet (the coupons, banners and prices flows issued), coupon validation, " +
        "redemption and rollback, member profiles, and the events (orders, visits, responses) that flows react to.\n\n" +
        "Authenticate with `Authorization: Bearer <key>`; an admin creates keys in Settings → API keys (or `npm run keys -- create`), each with scopes and a " +
        "rate limit (429 with `Retry-After` above it). Members are addressed by your own external id. Every error is `application/problem+json` with a stable " +
        `\`code\` and, for invalid input, one entry per field in \`errors\`. Bodies are JSON, at most ${MAX_BODY_BYTES / 1024} KiB.`,
    },
    servers: [{ url: STOREFRONT_BASE_PATH }],
    tags: [
      { name: "Wallet", description: "What a member holds now" },
      { name: "Coupons", description: "Validate, redeem, roll back" },
      { name: "Events", description: "Orders, visits and responses, into the flows" },
      { name: "Members", description: "Profiles" },
    ],
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "A storefront API key (mf_live_…)" } } },
    paths,
  });
  return cached;
}
