import { methodNotAllowed, serve } from "@/server/storefront/endpoint";
import { upsertMember } from "@/server/storefront/members";

export const PUT = serve(upsertMember);
export const GET = methodNotAllowed("PUT");
export const POST = methodNotAllowed("PUT");
export const PATCH = methodNotAllowed("PUT");
export const DELETE = methodNotAllowed("PUT");
