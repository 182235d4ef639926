// Test run and forecast: the real executors on a flow (published or a draft), in a transaction
// that is always rolled back, with writers that record instead of issuing. Nothing is issued,
// nothing is sent: the sender only ever sees committed outbox rows.
import type { FlowDefinition } from "@/server/flows/definition";
import { sql, type Pool, type Tx } from "@/server/db/sql";
import type { RunningFlow } from "./executor";
import { recordingWriter, tallyingWriter } from "./effects";
import { advanceJourneys, NodeCounts, type JourneyState } from "./journeys";
import { enterMembers, entryCandidates } from "./triggers";
import { journeyEffect, type JourneyEffect } from "./live";
import { inlineTemplateId } from "@/server/content/coupon-template-schema";
import type { IssueCouponConfig } from "@/server/flows/kinds/issue_coupon/spec";

class Rollback extends Error {}

/** Runs `work` in a transaction that is rolled back whatever happens, returning its result. */
async function rolledBack<T>(pool: Pool, work: (tx: Tx) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let result: T | undefined;
  try {
    await client.query("BEGIN");
    const tx: Tx = {
      query: async (s) => (await client.query(s.text, s.values as unknown[])).rows,
      execute: async (s) => (await client.query(s.text, s.values as unknown[])).rowCount ?? 0,
    };
    result = await work(tx);
    throw new Rollback();
  } catch (error) {
    if (!(error instanceof Rollback)) throw error;
    return result as T;
  } finally {
    await client.query("ROLLBACK").catch(() => undefined);
    client.release();
  }
}

/** A draft gets a throw-away version row inside the rolled-back transaction, so journeys can point at it. */
async function runningFlow(tx: Tx, flowId: string, definition: FlowDefinition): Promise<RunningFlow> {
  const versionId = `preview_${flowId}`;
  await tx.execute(sql`INSERT INTO flow_versions (id, flow_id, version, definition) VALUES (${versionId}, ${flowId}, -1, ${JSON.stringify(definition)}::jsonb)`);
  return { flowId, versionId, definition };
}

async function couponTemplate(tx: Tx, id: string) {
  const [row] = await tx.query<{ template_name: string; type: string; value: number }>(
    sql`SELECT name AS template_name, type::text AS type, value::float8 AS value FROM coupon_templates WHERE id = ${id}`,
  );
  return row ?? {};
}

export type TestRunStep = {
  nodeId: string;
  /** The instant the member reaches the node (waits are skipped: the clock jumps to their end). */
  at: string;
  /** As the member page shows them; a recorded message is rendered with the values it would be sent with. */
  effects: JourneyEffect[];
  waited?: { until: string; answered: "responded" | "timeout" | "out" };
};
export type TestRunResult = { steps: TestRunStep[]; ended: { status: string; reason: string | null } };

/**
 * The path one member would take and what it would receive, when. Waits are skipped (the clock
 * moves to their deadline); a response wait is answered as `responses[nodeId]` says (default: no response).
 */
export async function testRun(
  pool: Pool,
  input: { flowId: string; definition: FlowDefinition; memberId: number; triggerNodeId: string; responses?: Record<string, "responded" | "timeout">; now?: Date },
): Promise<TestRunResult> {
  return rolledBack(pool, async (tx) => {
    const flow = await runningFlow(tx, input.flowId, input.definition);
    // Re-entry rules and live journeys do not apply to a test: the member's real journeys are set aside.
    await tx.execute(sql`DELETE FROM journeys WHERE flow_id = ${input.flowId} AND member_id = ${input.memberId}`);
    const writer = recordingWriter(tx);
    const counts = new NodeCounts();
    let now = input.now ?? new Date();
    const steps: TestRunStep[] = [];
    const [row] = await tx.query<{ id: number }>(sql`
      INSERT INTO journeys (flow_id, flow_version_id, member_id, entry_key, current_node_id, visits, path)
      VALUES (${flow.flowId}, ${flow.versionId}, ${input.memberId}, 'test-run', ${input.triggerNodeId}, ${JSON.stringify({ [input.triggerNodeId]: 1 })}::jsonb, ARRAY[${input.triggerNodeId}])
      RETURNING id`);
    const state: JourneyState = {
      journeyId: row!.id,
      memberId: input.memberId,
      isControl: false,
      nodeId: input.triggerNodeId,
      visit: 1,
      visits: { [input.triggerNodeId]: 1 },
      added: [],
      from: { nodeId: input.triggerNodeId, visit: 1, status: "active" },
      status: "active",
    };
    steps.push({ nodeId: input.triggerNodeId, at: now.toISOString(), effects: [] });
    let leaving: Map<number, string> | undefined;
    for (let round = 0; round < 200; round++) {
      const seen = new Map([...writer.recorded].map(([table, rows]) => [table, rows.length]));
      await advanceJourneys(tx, flow, [state], { now, counts, effects: writer, leaving });
      // Each effect belongs to the node that wrote it; the path is the nodes entered.
      for (const nodeId of state.added) steps.push({ nodeId, at: now.toISOString(), effects: [] });
      for (const [table, rows] of writer.recorded) {
        for (const r of rows.slice(seen.get(table) ?? 0)) {
          const step = steps.findLast((s) => s.nodeId === r.node_id);
          const template = table === "coupons" ? await couponTemplate(tx, String(r.template_id)) : {};
          const effect = journeyEffect(table, { ...r, ...template });
          if (step && effect) step.effects.push(effect);
        }
      }
      state.added = [];
      if (state.status !== "waiting" || !state.wait) break;
      const answered = state.wait.event ? (input.responses?.[state.nodeId] ?? "timeout") : "out";
      steps[steps.length - 1]!.waited = { until: state.wait.until.toISOString(), answered: answered as "responded" | "timeout" | "out" };
      if (answered !== "responded") now = state.wait.until;
      leaving = new Map([[state.journeyId, answered]]);
    }
    return { steps, ended: { status: state.status, reason: state.endReason ?? null } };
  });
}

export type Forecast = {
  entering: number;
  /** Members reaching each node before the first wait. */
  nodes: Record<string, { entered: number; branches: Record<string, number>; waiting: number }>;
  coupons: { count: number; faceValue: number; byTemplate: { templateId: string; count: number }[] };
  messages: { channel: string; status: string; reason: string | null; count: number }[];
  /** When the audience is larger than FORECAST_SAMPLE: the figures are scaled from a random sample of this many members. */
  sample: number | null;
  /** The entry audience, counted exactly. */
  audience: number;
  ms: number;
};

/**
 * Above this many members the forecast runs the executors on a random sample (stable: the members
 * with the lowest hash of their id) and scales its figures to the audience, counted exactly — so it
 * answers in seconds on a million members, within a fraction of a percent.
 */
export const FORECAST_SAMPLE = 10_000;

/** What publishing would do to the whole entry audience of a schedule trigger, up to the first wait. */
export async function forecast(
  pool: Pool,
  input: { flowId: string; definition: FlowDefinition; triggerNodeId: string; now?: Date; sample?: number },
): Promise<Forecast> {
  const sampleSize = input.sample ?? FORECAST_SAMPLE;
  const started = Date.now();
  return rolledBack(pool, async (tx) => {
    const now = input.now ?? new Date();
    const flow = await runningFlow(tx, input.flowId, input.definition);
    const node = input.definition.nodes.find((n) => n.id === input.triggerNodeId);
    if (!node) throw new Error(`no node ${input.triggerNodeId}`);
    const writer = tallyingWriter(tx);
    const counts = new NodeCounts();
    const candidates = await entryCandidates(tx, flow, node, { occurrence_key: now.toISOString().slice(0, 10), member_ids: [] }, 0, 2_147_483_647, now);
    const [audience] = await tx.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM (${candidates}) c`);
    const sampled = audience!.n > sampleSize;
    const picked = sampled ? sql`SELECT id FROM (${candidates}) c ORDER BY hashint4(id), id LIMIT ${sampleSize}::int` : candidates;
    const scale = sampled ? audience!.n / sampleSize : 1;
    const est = (n: number) => Math.round(n * scale);
    const entered = await enterMembers(tx, flow, node.id, "forecast", picked, { now, counts, effects: writer });
    const byNode: Forecast["nodes"] = {};
    for (const [key, n] of counts.entries()) {
      const [, nodeId, metric] = key;
      const entry = (byNode[nodeId] ??= { entered: 0, branches: {}, waiting: 0 });
      if (metric === "entered") entry.entered += est(n);
      else if (metric.startsWith("branch:")) entry.branches[metric.slice(7)] = (entry.branches[metric.slice(7)] ?? 0) + est(n);
    }
    const waiting = await tx.query<{ node: string; n: number }>(sql`
      SELECT current_node_id AS node, count(*)::int AS n FROM journeys WHERE flow_version_id = ${flow.versionId} AND status = 'waiting' GROUP BY 1`);
    for (const w of waiting) (byNode[w.node] ??= { entered: 0, branches: {}, waiting: 0 }).waiting = est(w.n);
    const couponGroups = (writer.tally.get("coupons") ?? []).map((g) => ({ templateId: String(g.key.template_id), count: est(g.rows) }));
    const values = couponGroups.length
      ? await tx.query<{ id: string; value: number; type: string }>(sql`SELECT id, value, type::text AS type FROM coupon_templates WHERE id = ANY(${couponGroups.map((g) => g.templateId)}::text[])`)
      : [];
    // Face value counts amount-off coupons; percent-off coupons have no face value before a cart.
    // An inline coupon counts at the terms forecast, not those its library row kept from the last publish.
    const inline = new Map(
      input.definition.nodes.flatMap((n) => {
        const template = n.kind === "issue_coupon" ? (n.config as IssueCouponConfig).template : null;
        return template?.mode === "inline" ? [[inlineTemplateId(input.flowId, n.id), { type: template.type as string, value: template.value }] as const] : [];
      }),
    );
    const faceValue = couponGroups.reduce((sum, g) => {
      const t = inline.get(g.templateId) ?? values.find((v) => v.id === g.templateId);
      return sum + (t?.type === "amount" ? t.value * g.count : 0);
    }, 0);
    return {
      entering: est(entered.entered),
      nodes: byNode,
      coupons: { count: couponGroups.reduce((s, g) => s + g.count, 0), faceValue, byTemplate: couponGroups },
      messages: (writer.tally.get("notifications") ?? []).map((g) => ({
        channel: String(g.key.channel),
        status: String(g.key.status),
        reason: (g.key.suppressed_reason as string | null) ?? null,
        count: est(g.rows),
      })),
      sample: sampled ? sampleSize : null,
      audience: audience!.n,
      ms: Date.now() - started,
    };
  });
}
