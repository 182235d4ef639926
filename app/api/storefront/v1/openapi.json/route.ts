import { storefrontDocument } from "@/server/storefront/openapi";

// The contract, public: clients are written from it.
export function GET() {
  return Response.json(storefrontDocument(), { headers: { "access-control-allow-origin": "*", "cache-control": "public, max-age=300" } });
}
