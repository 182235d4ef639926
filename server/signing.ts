// How memberflow signs what it sends to other systems (message gateways, flow webhooks,
// storefront webhooks), so a receiver can tell the request came from us and is recent.
import { createHmac, timingSafeEqual } from "node:crypto";

/** The header a receiver checks: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export const SIGNATURE_HEADER = "X-Memberflow-Signature";

/**
 * The value of the signature header for `body` sent at `timestamp` (unix seconds). The time is
 * signed with the body so a receiver can refuse replays of an old request.
 */
export function signPayload(secret: string, body: string, timestamp: number): string {
  const mac = createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
  return `t=${timestamp},v1=${mac}`;
}

export const unixSeconds = (at: Date = new Date()): number => Math.floor(at.getTime() / 1000);

/**
 * What a receiver does (and the README shows): true when `header` signs `body` with `secret` and
 * was made at most `toleranceSeconds` before `now`.
 */
export function verifySignature(secret: string, body: string, header: string, now: Date = new Date(), toleranceSeconds = 300): boolean {
  const parts = Object.fromEntries(header.split(",").map((part) => part.split("=", 2) as [string, string]));
  const timestamp = Number(parts.t);
  if (!Number.isInteger(timestamp) || !parts.v1 || Math.abs(unixSeconds(now) - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(signPayload(secret, body, timestamp).split("v1=")[1]!, "hex");
  const given = Buffer.from(parts.v1, "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
