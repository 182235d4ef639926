// Generates members in id order, chunk by chunk, with everything that hangs off them.
import { SortedUniforms } from "../random";
import { generateActivity } from "./activity";
import { rowBuffers, type ChunkRows } from "./rows";
import type { SeedContext } from "./context";
import { generateProfile } from "./profile";

export type Chunk = Record<keyof ChunkRows, { data: Buffer; rows: number }>;

/** Yields the encoded COPY rows of `chunkSize` members at a time; ids run 1…total. */
export function* generateChunks(ctx: SeedContext, total: number, chunkSize: number): Generator<Chunk> {
  // Registration times ascend with the id, as they would in a real member table.
  const registrations = new SortedUniforms(ctx.random, total);
  const buffers = rowBuffers();
  for (let first = 1; first <= total; first += chunkSize) {
    const last = Math.min(total, first + chunkSize - 1);
    for (let id = first; id <= last; id++) generateActivity(ctx, generateProfile(ctx, id, registrations.next()), buffers);
    const chunk = {} as Chunk;
    for (const key of Object.keys(buffers) as (keyof ChunkRows)[]) {
      const rowsBefore = buffers[key].rows;
      chunk[key] = { data: buffers[key].take(), rows: rowsBefore };
      buffers[key].rows = 0;
    }
    yield chunk;
  }
}
