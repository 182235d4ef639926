import { serve } from "inngest/next";
import { inngest } from "@/server/engine/inngest/client";
import { inngestFunctions } from "@/server/engine/inngest/functions";

// Inngest calls this endpoint to run the app's functions (see README "How flows run").
export const { GET, POST, PUT } = serve({ client: inngest, functions: inngestFunctions });
