import { db } from "@/server/db";

export const dynamic = "force-dynamic";

// Liveness and database reachability, for load balancers and the browser tests' start-up wait.
export async function GET() {
  try {
    await db.$queryRaw`SELECT 1`;
    return Response.json({ ok: true });
  } catch {
    return Response.json({ ok: false, error: "database unreachable" }, { status: 503 });
  }
}
