import { problem, problemResponse } from "@/server/storefront/problem";

// Anything else under /api/storefront/v1 answers a problem, like every other storefront error.
const notFound = () => problemResponse(problem("not_found", "No such storefront endpoint; see /api/storefront/v1/openapi.json", { reason: "no_such_endpoint" }));
export const GET = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
