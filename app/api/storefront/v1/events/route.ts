import { serve } from "@/server/storefront/endpoint";
import { postEventsEndpoint } from "@/server/storefront/events";

export const POST = serve(postEventsEndpoint);
