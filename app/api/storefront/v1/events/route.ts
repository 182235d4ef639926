import { methodNotAllowed, serve } from "@/server/storefront/endpoint";
import { postEventsEndpoint } from "@/server/storefront/events";

export const POST = serve(postEventsEndpoint);
export const GET = methodNotAllowed("POST");
export const PUT = methodNotAllowed("POST");
export const PATCH = methodNotAllowed("POST");
export const DELETE = methodNotAllowed("POST");
