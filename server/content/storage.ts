// Where uploaded bytes live: one small interface, the local disk by default. An S3-compatible
// store implements the same four methods (put = PutObject, get = GetObject, …) and is returned
// by blobStore() instead; nothing else in the app knows where the bytes are.
import { randomUUID } from "node:crypto";
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";

export interface BlobStore {
  /** Stores `bytes` under `key`, replacing what was there. */
  put(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  /** The bytes under `key`, or null when there are none. */
  get(key: string): Promise<Uint8Array | null>;
  exists(key: string): Promise<boolean>;
  /** Removes `key`; no error when it is already gone. */
  delete(key: string): Promise<void>;
}

// Keys are made by the app (images/ab/img_….png), never by a client; the check is a second line.
const KEY = /^[a-z0-9][a-z0-9_-]*(\/[a-z0-9][a-z0-9_.-]*)*$/;

/** Refuses keys that could leave the store's root: "..", absolute paths, backslashes, odd characters. */
export function assertSafeKey(key: string): void {
  if (key.length > 300 || !KEY.test(key) || key.split("/").some((part) => part === "." || part === ".." || part.startsWith("..")))
    throw new Error(`Unsafe blob key: ${JSON.stringify(key)}`);
}

export class LocalDiskStore implements BlobStore {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  private pathOf(key: string): string {
    assertSafeKey(key);
    const full = path.resolve(this.root, key);
    if (!full.startsWith(this.root + path.sep)) throw new Error(`Unsafe blob key: ${JSON.stringify(key)}`);
    return full;
  }

  // The disk keeps no type: content_images records it.
  async put(key: string, bytes: Uint8Array, _contentType?: string): Promise<void> {
    const full = this.pathOf(key);
    await mkdir(path.dirname(full), { recursive: true });
    // Written aside, then renamed: a reader never sees half a file.
    const temp = `${full}.${randomUUID()}.tmp`;
    await writeFile(temp, bytes);
    await rename(temp, full);
  }

  async get(key: string): Promise<Uint8Array | null> {
    try {
      return new Uint8Array(await readFile(this.pathOf(key)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw error;
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(key))).isFile();
    } catch {
      return false;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }
}

let store: BlobStore | null = null;

/** The app's store: the local disk under MEMBERFLOW_UPLOAD_DIR (default .data/uploads). */
export function blobStore(): BlobStore {
  store ??= new LocalDiskStore(process.env.MEMBERFLOW_UPLOAD_DIR || path.join(process.cwd(), ".data", "uploads"));
  return store;
}
