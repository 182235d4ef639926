import { methodNotAllowed, serve } from "@/server/storefront/endpoint";
import { getWallet } from "@/server/storefront/wallet";

export const dynamic = "force-dynamic";
export const GET = serve(getWallet);
export const POST = methodNotAllowed("GET");
export const PUT = methodNotAllowed("GET");
export const PATCH = methodNotAllowed("GET");
export const DELETE = methodNotAllowed("GET");
