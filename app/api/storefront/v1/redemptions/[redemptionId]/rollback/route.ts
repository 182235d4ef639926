import { rollbackRedemption } from "@/server/storefront/coupons";
import { serve } from "@/server/storefront/endpoint";

export const POST = serve(rollbackRedemption);
