// An uploaded image's bytes, public: storefronts load banner images from here. The id never
// changes its bytes (a new upload is a new id), so browsers and CDNs may keep it for good.
import { db } from "@/server/db";
import { readImage } from "@/server/content/images";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const image = await readImage(db, id);
  if (!image) return Response.json({ error: { code: "not_found", message: "No such image" } }, { status: 404, headers: { "Cache-Control": "no-store" } });
  const etag = `"${image.sha256}"`;
  const headers = {
    "Content-Type": image.contentType,
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "public, max-age=31536000, immutable",
    ETag: etag,
    // Storefronts on other origins embed it.
    "Cross-Origin-Resource-Policy": "cross-origin",
    "Content-Security-Policy": "default-src 'none'; sandbox",
  };
  if (request.headers.get("if-none-match") === etag) return new Response(null, { status: 304, headers });
  return new Response(image.bytes as BodyInit, { headers: { ...headers, "Content-Length": String(image.bytes.length) } });
}
