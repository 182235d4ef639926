// The engine side of e2e/engine-hook.ts, run by tsx: one command, its answer as JSON on stdout.
//   npx tsx e2e/engine-hook-cli.ts pick <flowId> <n> | run <flowId> <id,id,…> | tick (start and run what is due) | coupon <flowId> <memberId> | coupons <flowId>
//   | key <scopes> <rate> | revoke <keyId> | member <memberId> | journey <flowId> <memberId> | stats <externalId>
//   | deliver-webhooks (one storefront webhook sender pass, now) | table-counts (rows of the tables app mutations write)
import { createPool, sql, withTransaction } from "@/server/db/sql";
import { runOccurrence, startManualRun, tick } from "@/server/engine/triggers";
import { createPrismaClient } from "@/server/prisma-client";
import { createStorefrontKey, revokeStorefrontKey } from "@/server/storefront/keys";
import { deliverStorefrontWebhooks } from "@/server/storefront/webhooks/deliver";

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
    if (command === "tick") {
      // What the scheduler does each minute: start what is due, then run it.
      let entered = 0;
      for (const occurrence of await tick(pool)) entered += await runOccurrence(pool, occurrence);
      return entered;
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
    if (command === "key" || command === "revoke") {
      const db = createPrismaClient(url, 1);
      try {
        if (command === "revoke") return (await revokeStorefrontKey(db, flowId, { actor: "e2e" })).id;
        return await createStorefrontKey(db, { name: `e2e ${Date.now()}`, scopes: flowId.split(",") as never, rateLimit: Number(arg) }, { actor: "e2e" });
      } finally {
        await db.$disconnect();
      }
    }
    if (command === "table-counts") {
      // Tables only app procedures write (the engine running in the background does not).
      const tables = ["flows", "flow_versions", "audiences", "audience_members", "storefront_keys", "storefront_webhooks", "coupon_template_revisions", "audit_logs", "members"];
      const [row] = await pool.query(`SELECT ${tables.map((t) => `(SELECT count(*) FROM ${t})::int AS ${t}`).join(", ")}`).then((r) => r.rows);
      return row;
    }
    if (command === "deliver-webhooks") return await deliverStorefrontWebhooks(pool);
    if (command === "member") {
      const [row] = await pool.query<{ external_id: string }>(`SELECT external_id FROM members WHERE id = $1`, [Number(flowId)]).then((r) => r.rows);
      return row?.external_id ?? null;
    }
    if (command === "journey") {
      const [row] = await pool
        .query<{ current_node_id: string | null; status: string; path: string[]; ended_at: Date | null }>(`SELECT current_node_id, status, path, ended_at FROM journeys WHERE flow_id = $1 AND member_id = $2 ORDER BY id DESC LIMIT 1`, [flowId, Number(arg)])
        .then((r) => r.rows);
      return row ?? null;
    }
    if (command === "stats") {
      const [row] = await pool
        .query(`SELECT s.order_count, s.total_spend, s.orders_30d, s.spend_30d, s.visit_count FROM member_stats s JOIN members m ON m.id = s.member_id WHERE m.external_id = $1`, [flowId])
        .then((r) => r.rows);
      return row ?? null;
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
