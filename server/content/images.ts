// Uploaded images: checked on the bytes (never the name or the browser's claimed type), measured,
// stored in the blob store and recorded in content_images. The same bytes uploaded twice are one
// image.
import { createHash, randomBytes } from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import { imageSize } from "image-size";
import { DomainError } from "@/server/errors";
import { hasControlCharacters } from "@/server/text";
import { contentImagePath, maxImageBytes, maxImageSide, type ImageType, type UploadErrorCode } from "./banner-schema";
import { blobStore, type BlobStore } from "./storage";

/** Why an upload was refused, for the `file` field; the upload route turns `reason` into 400/413/415. */
export type UploadRefusal = { field: "file"; reason: UploadErrorCode };
const refuse = (reason: UploadErrorCode, message: string) => new DomainError<UploadRefusal>("invalid", message, { field: "file", reason });

const extensions: Record<ImageType, string> = { "image/png": "png", "image/jpeg": "jpg", "image/webp": "webp", "image/gif": "gif" };
// image-size's name for each type, so its reading must agree with the signature.
const sizeTypes: Record<ImageType, string> = { "image/png": "png", "image/jpeg": "jpg", "image/webp": "webp", "image/gif": "gif" };

const startsWith = (bytes: Uint8Array, signature: number[], at = 0) => signature.every((b, i) => bytes[at + i] === b);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

/** The image type the bytes' signature says, or null for anything else (text, SVG, PDF …). */
export function detectImageType(bytes: Uint8Array): ImageType | null {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "image/jpeg";
  if (startsWith(bytes, ascii("GIF87a")) || startsWith(bytes, ascii("GIF89a"))) return "image/gif";
  if (startsWith(bytes, ascii("RIFF")) && startsWith(bytes, ascii("WEBP"), 8)) return "image/webp";
  return null;
}

export type CheckedImage = { contentType: ImageType; width: number; height: number; bytes: number; sha256: string };

/** Checks an upload: size, type from the signature, readable dimensions within bounds. Throws the refusal. */
export function checkImage(bytes: Uint8Array): CheckedImage {
  if (bytes.length === 0) throw refuse("missing", "The file is empty");
  if (bytes.length > maxImageBytes) throw refuse("too_large", `The image is larger than ${maxImageBytes / 1024 / 1024} MB`);
  const contentType = detectImageType(bytes);
  if (!contentType) throw refuse("unsupported_type", "Upload a PNG, JPEG, WebP or GIF image");
  let size: ReturnType<typeof imageSize>;
  try {
    size = imageSize(bytes);
  } catch {
    throw refuse("unreadable", "The image could not be read: it may be damaged");
  }
  if (size.type !== sizeTypes[contentType] || !(size.width > 0) || !(size.height > 0)) throw refuse("unreadable", "The image could not be read: it may be damaged");
  // A JPEG rotated by its EXIF orientation (5–8) is shown with its sides swapped.
  const turned = (size.orientation ?? 1) >= 5;
  const [width, height] = turned ? [size.height, size.width] : [size.width, size.height];
  if (width > maxImageSide || height > maxImageSide) throw refuse("too_many_pixels", `Each side may be at most ${maxImageSide} px`);
  return { contentType, width, height, bytes: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex") };
}

/** A file name as the library shows it: no control characters, at most 200 characters. */
const cleanName = (name: string) => [...name].filter((c) => !hasControlCharacters(c)).join("").trim().slice(0, 200);

export type SavedImage = { id: string; url: string; contentType: ImageType; width: number; height: number; bytes: number; originalName: string };

/** Checks, stores and records an upload; the same bytes again answer the image already stored. */
export async function saveImage(
  db: PrismaClient,
  bytes: Uint8Array,
  { originalName = "", actor = "cli", store = blobStore() }: { originalName?: string; actor?: string; store?: BlobStore } = {},
): Promise<SavedImage> {
  const checked = checkImage(bytes);
  const name = cleanName(originalName);
  const existing = await db.contentImage.findFirst({ where: { sha256: checked.sha256, bytes: checked.bytes }, orderBy: { createdAt: "asc" } });
  if (existing && (await store.exists(existing.storageKey))) return shape(existing);

  const id = `img_${randomBytes(12).toString("hex")}`;
  const storageKey = `images/${checked.sha256.slice(0, 2)}/${id}.${extensions[checked.contentType]}`;
  await store.put(storageKey, bytes, checked.contentType);
  try {
    return await db.$transaction(async (tx) => {
      const row = await tx.contentImage.create({
        data: { id, storageKey, contentType: checked.contentType, bytes: checked.bytes, width: checked.width, height: checked.height, sha256: checked.sha256, originalName: name, createdBy: actor },
      });
      await tx.auditLog.create({
        data: { actor, action: "content_image.upload", entityType: "content_image", entityId: id, details: { name, contentType: checked.contentType, bytes: checked.bytes, width: checked.width, height: checked.height } },
      });
      return shape(row);
    });
  } catch (error) {
    // No row, no bytes: a failed insert leaves nothing behind in the store.
    await store.delete(storageKey).catch(() => undefined);
    throw error;
  }
}

type ImageRow = { id: string; contentType: string; width: number; height: number; bytes: number; originalName: string };
function shape(row: ImageRow): SavedImage {
  return { id: row.id, url: contentImagePath(row.id), contentType: row.contentType as ImageType, width: row.width, height: row.height, bytes: row.bytes, originalName: row.originalName };
}

/** An image's bytes and what to serve them as, or null for an unknown id (or bytes gone from the store). */
export async function readImage(db: PrismaClient, id: string, store: BlobStore = blobStore()) {
  if (!/^img_[a-f0-9]{24}$/.test(id)) return null;
  const row = await db.contentImage.findUnique({ where: { id } });
  if (!row) return null;
  const bytes = await store.get(row.storageKey);
  return bytes ? { bytes, contentType: row.contentType, sha256: row.sha256 } : null;
}
