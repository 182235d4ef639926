import { serve } from "@/server/storefront/endpoint";
import { getWallet } from "@/server/storefront/wallet";

export const dynamic = "force-dynamic";
export const GET = serve(getWallet);
