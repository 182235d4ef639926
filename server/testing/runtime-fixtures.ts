// Test fixtures for the runtimes' tests (Inngest functions and the graphile-worker runtime):
// members, and flows published through the flows service.
import { randomUUID } from "node:crypto";
import type pg from "pg";
import type { Pool } from "@/server/db/sql";
import { createPrismaClient } from "@/server/prisma-client";
import { publishDraft } from "@/server/flows/build";
import { defaultFlowSettings, flowDefinitionSchema, type FlowDefinition, type FlowEdge, type FlowNode } from "@/server/flows/definition";

/** A tier and `count` members; returns their ids in order. */
export async function createMembers(pool: pg.Pool, count: number, prefix = "M"): Promise<number[]> {
  await pool.query(`INSERT INTO tiers (id, name, name_en, rank, growth_threshold) VALUES ('bronze', '青铜', 'Bronze', 1, 0) ON CONFLICT (id) DO NOTHING`);
  const { rows } = await pool.query<{ id: number }>(
    `INSERT INTO members (external_id, name, registered_at, registration_channel, tier_id, consent_in_app)
     SELECT $1 || '-' || n, 'Member ' || n, '2024-01-01T00:00:00Z', 'app', 'bronze', TRUE FROM generate_series(1, $2::int) AS n
     RETURNING id`,
    [`${prefix}-${randomUUID().slice(0, 8)}`, count],
  );
  return rows.map((r) => Number(r.id)).sort((a, b) => a - b);
}

/** A linear flow: the nodes in order, each joined to the next by its "out" branch. */
export function linearFlow(nodes: FlowNode[]): FlowDefinition {
  const edges: FlowEdge[] = nodes.slice(1).map((node, i) => ({ id: `e${i}`, source: nodes[i]!.id, branch: "out", target: node.id }));
  const definition = { nodes, edges, settings: { ...defaultFlowSettings(), quietHours: null, frequencyCaps: {} } };
  return flowDefinitionSchema.parse(definition) as FlowDefinition;
}

/** A schedule trigger that fired once, a minute ago, for every member. */
export const scheduledOnceForAll = (at = new Date(Date.now() - 60_000)): FlowNode => ({
  id: "start",
  kind: "schedule_trigger",
  config: { schedule: { mode: "once", at: at.toISOString() }, timezone: "Asia/Shanghai", entry: { mode: "all" } },
});

export const inlineCoupon = (id = "coupon"): FlowNode => ({
  id,
  kind: "issue_coupon",
  config: { template: { mode: "inline", name: "¥10 off", type: "amount", value: 10, minSpend: 0, validDays: 7 } },
});

export const exitNode = (id = "done"): FlowNode => ({ id, kind: "exit", config: {} });

/** Publishes `definition` through the flows service, as the app does (version row, triggers armed). */
export async function publishFlow(pool: Pool, definition: FlowDefinition): Promise<{ flowId: string; versionId: string }> {
  const db = createPrismaClient((pool as unknown as { options: { connectionString: string } }).options.connectionString, 1);
  try {
    return await publishDraft(db, `Test flow ${randomUUID().slice(0, 8)}`, definition);
  } finally {
    await db.$disconnect();
  }
}

/**
 * A `silver` level giving 2 coupons a month and a birthday gift, and one silver member whose
 * birthday is today in Shanghai (the program's default zone); returns the member's id.
 */
export async function silverMemberWithBirthdayToday(pool: pg.Pool): Promise<number> {
  await pool.query(`INSERT INTO coupon_templates (id, name, type, value, valid_days, per_member_max) VALUES ('tpl-monthly', 'Monthly', 'amount', 10, 30, 100), ('tpl-birthday', 'Birthday', 'amount', 50, 14, 100)`);
  const benefits = { discountPercent: 5, pointsMultiplier: 1.5, monthlyCoupons: { couponTemplateId: "tpl-monthly", count: 2 }, birthdayGift: { couponTemplateId: "tpl-birthday" }, notes: [] };
  await pool.query(`INSERT INTO tiers (id, name, name_en, rank, growth_threshold, benefits) VALUES ('silver', '白银', 'Silver', 1, 0, $1::jsonb)`, [JSON.stringify(benefits)]);
  // 28 years back keeps a 29 February on a 29 February.
  const { rows } = await pool.query<{ id: number }>(
    `INSERT INTO members (external_id, name, registered_at, registration_channel, tier_id, birthday)
     VALUES ('B-${randomUUID().slice(0, 8)}', 'Birthday', '2024-01-01Z', 'app', 'silver', ((now() AT TIME ZONE 'Asia/Shanghai')::date - interval '28 years')::date) RETURNING id`,
  );
  return Number(rows[0]!.id);
}
