// Image upload for the banner library: multipart/form-data with one `file`. Signed-in admins and
// marketers only. A client's mistake answers 400/413/415 with `{ error: { field: "file", code,
// message } }` (codes in server/content/banner-schema.ts), never a 500.
import { db } from "@/server/db";
import { getSession } from "@/server/auth/session";
import { actorOf, can } from "@/server/auth/roles";
import { maxImageBytes, type UploadErrorCode } from "@/server/content/banner-schema";
import { saveImage, type UploadRefusal } from "@/server/content/images";
import { DomainError } from "@/server/errors";

export const dynamic = "force-dynamic";

// The multipart envelope around the file (boundaries, headers, a name) is small.
const MAX_BODY = maxImageBytes + 64 * 1024;
const statusOf: Record<UploadErrorCode, number> = { missing: 400, unreadable: 400, too_many_pixels: 400, too_large: 413, unsupported_type: 415 };

const refuse = (code: UploadErrorCode | "bad_request", message: string, status = code === "bad_request" ? 400 : statusOf[code]) =>
  Response.json({ error: { field: "file", code, message } }, { status });

class TooLarge extends Error {}

/** The body, read up to `limit` bytes: a client that sends more (or lies in Content-Length) is stopped early. */
async function readLimited(request: Request, limit: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > limit) throw new TooLarge();
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      throw new TooLarge();
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.length;
  }
  return body;
}

/** A browser form posted from another site must not upload with the user's session. */
function crossSite(request: Request): boolean {
  const origin = request.headers.get("origin");
  if (!origin || origin === "null") return origin === "null";
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  try {
    return new URL(origin).host !== host;
  } catch {
    return true;
  }
}

export async function POST(request: Request) {
  const session = await getSession(request.headers);
  if (!session) return Response.json({ error: { code: "unauthorized", message: "Sign in to continue." } }, { status: 401 });
  if (!can(session.user, "editContent") || crossSite(request))
    return Response.json({ error: { code: "forbidden", message: "Uploading images needs the admin or marketer role." } }, { status: 403 });
  if (!(request.headers.get("content-type") ?? "").toLowerCase().startsWith("multipart/form-data"))
    return refuse("bad_request", "Send the image as multipart/form-data with a field named file");

  let form: FormData;
  try {
    const body = await readLimited(request, MAX_BODY);
    form = await new Response(body as BodyInit, { headers: { "content-type": request.headers.get("content-type")! } }).formData();
  } catch (error) {
    if (error instanceof TooLarge) return refuse("too_large", `The image is larger than ${maxImageBytes / 1024 / 1024} MB`);
    return refuse("bad_request", "The upload could not be read as multipart/form-data");
  }
  const file = form.get("file");
  if (!(file instanceof Blob)) return refuse("missing", "Choose an image file");
  if (file.size > maxImageBytes) return refuse("too_large", `The image is larger than ${maxImageBytes / 1024 / 1024} MB`);

  try {
    const image = await saveImage(db, new Uint8Array(await file.arrayBuffer()), { originalName: file instanceof File ? file.name : "", actor: actorOf(session) });
    return Response.json(image, { status: 201 });
  } catch (error) {
    if (error instanceof DomainError && (error.details as UploadRefusal | undefined)?.field === "file") return refuse((error.details as UploadRefusal).reason, error.message);
    console.error("[content/images] upload failed:", error);
    return Response.json({ error: { code: "internal", message: "The image could not be saved. Try again." } }, { status: 500 });
  }
}
