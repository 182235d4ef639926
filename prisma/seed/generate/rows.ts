// The row buffers one generated chunk fills: one per bulk table (kept apart so every generator
// can write to them without importing another).
import { RowBuffer } from "../copy";

/** One row buffer per generated table. */
export type ChunkRows = {
  members: RowBuffer;
  orders: RowBuffer;
  items: RowBuffer;
  visits: RowBuffer;
  points: RowBuffer;
  tierChanges: RowBuffer;
  tags: RowBuffer;
  badges: RowBuffer;
  events: RowBuffer;
  coupons: RowBuffer;
  redemptions: RowBuffer;
  notifications: RowBuffer;
};

export const rowBuffers = (): ChunkRows => ({
  members: new RowBuffer(), orders: new RowBuffer(), items: new RowBuffer(), visits: new RowBuffer(),
  points: new RowBuffer(), tierChanges: new RowBuffer(), tags: new RowBuffer(), badges: new RowBuffer(),
  events: new RowBuffer(), coupons: new RowBuffer(), redemptions: new RowBuffer(), notifications: new RowBuffer(),
});
