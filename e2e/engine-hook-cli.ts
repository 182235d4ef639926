// The engine side of e2e/engine-hook.ts, run by tsx: one command, its answer as JSON on stdout.
//   npx tsx e2e/engine-hook-cli.ts pick <flowId> <n> | run <flowId> <id,id,…> | coupon <flowId> <memberId> | coupons <flowId>
import { createPool, sql, withTransaction } from "@/server/db/sql";
import { runOccurrence, startManualRun } from "@/server/engine/triggers";

async function main(command: string, flowId: string, arg: string) {
  const url = process.env.DATABASE_URL ?? `postgresql://postgres:memberflow@127.0.0.1:${process.env.MEMBERFLOW_PG_PORT ?? 54329}/memberflow`;
  const pool = createPool(url, 2);
  try {
    if (command === "pick") {
      const rows = await withTransaction(pool, (tx) =>
        tx.query<{ id: number }>(sql`
          SELECT m.id FROM members m WHERE NOT EXISTS (SELECT 1 FROM journeys j WHERE j.flow_id = ${flowId} AND j.member_id = m.id)
          ORDER BY m.id LIMIT ${Number(arg)}::int`),
      );
      return rows.map((r) => r.id);
    }
    if (command === "run") {
      const ids = arg.split(",").map(Number);
      const occurrence = await withTransaction(pool, (tx) => startManualRun(tx, flowId, ids, `e2e-${Date.now()}`));
      return await runOccurrence(pool, occurrence);
    }
    if (command === "coupon") {
      const [row] = await withTransaction(pool, (tx) =>
        tx.query<{ code: string }>(sql`SELECT code FROM coupons WHERE flow_id = ${flowId} AND member_id = ${Number(arg)}::int ORDER BY issued_at DESC LIMIT 1`),
      );
      return row?.code ?? null;
    }
    if (command === "coupons") {
      const [row] = await withTransaction(pool, (tx) => tx.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM coupons WHERE flow_id = ${flowId}`));
      return row!.n;
    }
    throw new Error(`unknown hook command: ${command}`);
  } finally {
    await pool.end();
  }
}

const [command = "", flowId = "", arg = ""] = process.argv.slice(2);
main(command, flowId, arg).then(
  (result) => console.log(JSON.stringify(result)),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
