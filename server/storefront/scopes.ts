// What a storefront API key may do. Pure: Settings shows and picks them in the browser.
export const storefrontScopes = ["wallet:read", "coupons:redeem", "events:write", "members:write"] as const;
export type StorefrontScope = (typeof storefrontScopes)[number];
export const DEFAULT_RATE_LIMIT = 100;
