// A trivial JSON answer with no database: the throughput ceiling bench:storefront compares against.
export const dynamic = "force-dynamic";
export function GET() {
  return Response.json({ ok: true });
}
