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
import { SIGNATURE_HEADER } from "@/server/signing";
import { webhookDeliverySchema } from "./webhooks/schemas";
import { ATTEMPT_HEADER, DELIVERY_HEADER, MAX_EVENTS_PER_DELIVERY } from "./webhooks/topics";

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
      { name: "Webhooks", description: "What memberflow sends to a storefront's own endpoint" },
    ],
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "A storefront API key (mf_live_…)" } } },
    paths,
    webhooks: {
      storefrontDelivery: {
        post: {
          operationId: "receiveWebhookDelivery",
          summary: "What memberflow POSTs to a storefront's webhook",
          description:
            "An admin subscribes a URL to topics (`coupon.issued`, `banner.issued`, `price.issued`) in Settings → Webhooks and is shown its signing secret " +
            `once. Each delivery is a POST of up to ${MAX_EVENTS_PER_DELIVERY} events, oldest first. Verify \`${SIGNATURE_HEADER}\` (` +
            "`t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<raw body>\" with the secret>`) and refuse old timestamps. Answer 2xx within 10 s; " +
            "anything else (or a redirect, or no answer) is retried after 30 s, 2 min, 8 min, 32 min, about 2 h, 8.5 h and 12 h, then given up " +
            `(Settings shows every attempt and can send it again). A 410 Gone turns the subscription off. Retries send the same body and event ids: ` +
            `de-duplicate on \`events[].id\`. \`${DELIVERY_HEADER}\` names the delivery and \`${ATTEMPT_HEADER}\` the attempt.`,
          requestParams: {
            header: z.object({
              [SIGNATURE_HEADER]: z.string().meta({ example: "t=1764748800,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd" }),
              [DELIVERY_HEADER]: z.string().meta({ example: "512" }),
              [ATTEMPT_HEADER]: z.string().meta({ example: "1" }),
            }),
          },
          requestBody: { required: true, content: { "application/json": { schema: webhookDeliverySchema } } },
          responses: { 200: { description: "Any 2xx: received" }, 410: { description: "Gone: turn this subscription off" } },
        },
      },
    },
  });
  return cached;
}
