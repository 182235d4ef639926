// better-auth's endpoints: sign in with email and password (throttled per client address), sign
// out, the current session. Public by nature; everything else checks the session it sets.
import { toNextJsHandler } from "better-auth/next-js";
import { auth } from "@/server/auth/session";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  return toNextJsHandler(auth()).GET(request);
}

export async function POST(request: Request) {
  return toNextJsHandler(auth()).POST(request);
}
