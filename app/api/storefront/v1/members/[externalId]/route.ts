import { serve } from "@/server/storefront/endpoint";
import { upsertMember } from "@/server/storefront/members";

export const PUT = serve(upsertMember);
