// SERVER-ONLY. Member ids read in bulk: a million ids as rows, or as bytea, cost the driver
// adapter far more than one packed value in base64 text.
import type { PrismaClient } from "@prisma/client";
import { withParallelPlan } from "@/server/audiences/compile";
import { sql, type Sql } from "@/server/db/sql";

/** The ids a query selects (`SELECT … id`), sorted: read as int4send bytes (big-endian) in base64. */
export async function packedIds(db: PrismaClient, ids: Sql): Promise<Int32Array> {
  const [row] = await withParallelPlan<{ ids: string | null }>(db, sql`SELECT encode(string_agg(int4send(x.id), ''::bytea), 'base64') AS ids FROM (${ids}) x`);
  const bytes = Buffer.from(row?.ids ?? "", "base64");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Int32Array(bytes.byteLength >> 2);
  for (let i = 0; i < out.length; i++) out[i] = view.getInt32(i * 4);
  return out.sort();
}
