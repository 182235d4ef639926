import { rollbackRedemption } from "@/server/storefront/coupons";
import { methodNotAllowed, serve } from "@/server/storefront/endpoint";

export const POST = serve(rollbackRedemption);
export const GET = methodNotAllowed("POST");
export const PUT = methodNotAllowed("POST");
export const PATCH = methodNotAllowed("POST");
export const DELETE = methodNotAllowed("POST");
