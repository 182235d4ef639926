// A token bucket per API key, in this process's memory: `rate` requests a second on average,
// bursts up to twice that. Several app instances each allow the rate (documented in the README).

export type RateDecision = { allowed: true; remaining: number } | { allowed: false; retryAfterSeconds: number };

export class RateLimiter {
  private buckets = new Map<string, { tokens: number; at: number }>();

  take(keyId: string, rate: number, now = Date.now()): RateDecision {
    const capacity = rate * 2;
    const bucket = this.buckets.get(keyId) ?? { tokens: capacity, at: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) / 1000) * rate);
    bucket.at = now;
    this.buckets.set(keyId, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, remaining: Math.floor(bucket.tokens) };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / rate)) };
  }
}
