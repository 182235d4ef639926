// The live state of running flows, as the canvas, the flows list and the member page show it:
// members per node and branch (the engine's counters in flow_node_counts), who stands at a node
// now (journeys), the flow's totals and last run, and one member's journeys with what each gave
// them. Read-only; every query is bounded by an index (see the notes on each).
//
// SERVER-ONLY — it takes the Prisma client. (No `import "server-only"`: vitest and tsx scripts
// import it directly; the lint allow-list keeps components/ away from it.)
import { Prisma, type PrismaClient } from "@prisma/client";
import { renderTemplate, type TemplateVariables } from "@/server/engine/messaging/render";
import { DomainError } from "@/server/errors";
import type { EffectTable } from "@/server/engine/effects";

type Db = PrismaClient | Prisma.TransactionClient;

/** One node's figures, summed over every version of the flow (members keep node ids across versions). */
export type NodeLive = {
  /** Arrivals at the node (a member looping through it counts each visit). */
  entered: number;
  /** Journeys standing at the node now, in a wait. */
  waiting: number;
  /** Journeys standing at the node now, about to run it. */
  active: number;
  /** Members who left by each branch id ("out", a split group id, "else", "timeout"…). */
  byBranch: Record<string, number>;
  /** Journeys that ended at the node, by end reason ("end_of_path", "exit_node", "goal"…). */
  ended: Record<string, number>;
};

/**
 * A flow's journeys by outcome. Read from the engine's counters and the journeys standing in the
 * flow, never by counting every journey: a million-member broadcast stays a few index reads.
 */
export type FlowTotals = {
  /** Journeys ever started (arrivals at the flow's triggers). */
  entered: number;
  /** Active or waiting now. */
  inFlight: number;
  /** Reached the end of a path or an exit node. */
  completed: number;
  /** Left early: the goal, a visit limit, a migration, the flow archived. */
  exited: number;
  /** Reached the flow's goal (the journeys with converted_at). */
  converted: number;
};

export type LastRun = {
  nodeId: string;
  dueAt: Date;
  status: string;
  entered: number;
  startedAt: Date | null;
  finishedAt: Date | null;
};

export type FlowLive = {
  flowId: string;
  /** The published version the canvas figures are keyed to; null while the flow was never published. */
  version: { id: string; version: number } | null;
  /** By node id of the current version. */
  nodes: Record<string, NodeLive>;
  /** Members standing at each node id now, on any version (a node only an older version has included). */
  standing: Record<string, { members: number; name: string; kind: string }>;
  totals: FlowTotals;
  lastRun: LastRun | null;
  /** When an armed trigger of the current version fires next. */
  nextRunAt: Date | null;
  /** Armed triggers of the current version that fire on something other than a clock. */
  listensFor: Listener[];
  /** The engine's last failure on this flow (cleared by a later run that goes through). */
  lastError: string | null;
  /** When these figures were read. */
  readAt: Date;
};

/** A trigger waiting for members rather than a time: an event, a member's date, an audience, a hand. */
export type Listener = { kind: string; eventName: string | null };

export type FlowSummary = Pick<FlowLive, "totals" | "lastRun" | "nextRunAt" | "listensFor" | "lastError">;

const emptyNode = (): NodeLive => ({ entered: 0, waiting: 0, active: 0, byBranch: {}, ended: {} });

// Which counters make the totals. Every journey enters at a trigger (counted "entered" there), and
// the engine counts each end at its node ("ended:<reason>") in the transaction that ends it; a
// goal sets converted_at in the same transaction as its "ended:goal". Journeys ended outside the
// engine's moves (archiving, a migration's exits) are not counted at a node: `exited` is what is
// left of the entered, so it includes them.
const COMPLETED_METRICS = ["ended:end_of_path", "ended:exit_node"];
const CONVERTED_METRIC = "ended:goal";
const isTriggerKind = (kind: string) => kind.endsWith("_trigger");

function totalsFrom({ entered, completed, converted }: { entered: number; completed: number; converted: number }, inFlight: number): FlowTotals {
  return { entered, inFlight, completed, exited: Math.max(0, entered - inFlight - completed), converted };
}

type LastRunRow = { flow_id: string; node_id: string; due_at: Date; status: string; entered: number; started_at: Date | null; finished_at: Date | null };

/** Each flow's latest trigger occurrence (index on (flow_id, created_at)) and its next armed firing. */
type Runs = { last: Map<string, LastRun>; next: Map<string, Date>; listeners: Map<string, Listener[]>; errors: Map<string, string> };

async function runsOf(db: Db, flowIds: string[]): Promise<Runs> {
  if (flowIds.length === 0) return { last: new Map(), next: new Map(), listeners: new Map(), errors: new Map() };
  const [last, next, listening, errors] = await Promise.all([
    db.$queryRaw<LastRunRow[]>(Prisma.sql`
      SELECT f.id AS flow_id, o.node_id, o.due_at, o.status, o.entered, o.started_at, o.finished_at
      FROM unnest(${flowIds}::text[]) AS f(id)
      CROSS JOIN LATERAL (
        SELECT node_id, due_at, status, entered, started_at, finished_at FROM trigger_occurrences
        WHERE flow_id = f.id ORDER BY created_at DESC, id DESC LIMIT 1
      ) o`),
    db.$queryRaw<{ flow_id: string; next_run_at: Date }[]>(Prisma.sql`
      SELECT t.flow_id, min(t.next_run_at) AS next_run_at
      FROM flow_triggers t JOIN flows f ON f.id = t.flow_id AND f.current_version_id = t.flow_version_id
      WHERE t.flow_id = ANY(${flowIds}::text[]) AND t.armed AND t.next_run_at IS NOT NULL GROUP BY t.flow_id`),
    db.$queryRaw<{ flow_id: string; kind: string; event_name: string | null }[]>(Prisma.sql`
      SELECT DISTINCT t.flow_id, t.kind, t.event_name
      FROM flow_triggers t JOIN flows f ON f.id = t.flow_id AND f.current_version_id = t.flow_version_id
      WHERE t.flow_id = ANY(${flowIds}::text[]) AND t.armed AND t.kind <> 'schedule_trigger'
      ORDER BY t.kind, t.event_name`),
    db.$queryRaw<{ id: string; last_error: string }[]>(Prisma.sql`SELECT id, last_error FROM flows WHERE id = ANY(${flowIds}::text[]) AND last_error IS NOT NULL`),
  ]);
  const listeners = new Map<string, Listener[]>();
  for (const r of listening) listeners.set(r.flow_id, [...(listeners.get(r.flow_id) ?? []), { kind: r.kind, eventName: r.event_name }]);
  return {
    last: new Map(
      last.map((r) => [
        r.flow_id,
        { nodeId: r.node_id, dueAt: r.due_at, status: r.status, entered: r.entered, startedAt: r.started_at, finishedAt: r.finished_at },
      ]),
    ),
    next: new Map(next.map((r) => [r.flow_id, r.next_run_at])),
    listeners,
    errors: new Map(errors.map((r) => [r.id, r.last_error])),
  };
}

/** Totals, last run and next run of several flows (the flows list). */
export async function flowSummaries(db: Db, flowIds: string[]): Promise<Map<string, FlowSummary>> {
  if (flowIds.length === 0) return new Map();
  const [counted, live, runs] = await Promise.all([
    db.$queryRaw<{ flow_id: string; entered: number; completed: number; converted: number }[]>(Prisma.sql`
      WITH triggers AS (
        SELECT v.id AS version_id, n->>'id' AS node_id
        FROM flow_versions v CROSS JOIN LATERAL jsonb_array_elements(v.definition->'nodes') n
        WHERE v.flow_id = ANY(${flowIds}::text[]) AND right(n->>'kind', 8) = '_trigger'
      )
      SELECT v.flow_id,
             coalesce(sum(c.members) FILTER (WHERE c.metric = 'entered' AND EXISTS (
               SELECT 1 FROM triggers t WHERE t.version_id = c.flow_version_id AND t.node_id = c.node_id)), 0)::float8 AS entered,
             coalesce(sum(c.members) FILTER (WHERE c.metric = ANY(${COMPLETED_METRICS}::text[])), 0)::float8 AS completed,
             coalesce(sum(c.members) FILTER (WHERE c.metric = ${CONVERTED_METRIC}), 0)::float8 AS converted
      FROM flow_versions v JOIN flow_node_counts c ON c.flow_version_id = v.id
      WHERE v.flow_id = ANY(${flowIds}::text[]) GROUP BY v.flow_id`),
    // The live journeys' partial unique index (flow_id, member_id) WHERE status IN ('active', 'waiting').
    db.$queryRaw<{ flow_id: string; members: number }[]>(Prisma.sql`
      SELECT flow_id, count(*)::int AS members FROM journeys
      WHERE flow_id = ANY(${flowIds}::text[]) AND status IN ('active', 'waiting') GROUP BY flow_id`),
    runsOf(db, flowIds),
  ]);
  const counts = new Map(counted.map((r) => [r.flow_id, r]));
  const inFlight = new Map(live.map((r) => [r.flow_id, r.members]));
  return new Map(
    flowIds.map((id) => [
      id,
      {
        totals: totalsFrom(counts.get(id) ?? { entered: 0, completed: 0, converted: 0 }, inFlight.get(id) ?? 0),
        lastRun: runs.last.get(id) ?? null,
        nextRunAt: runs.next.get(id) ?? null,
        listensFor: runs.listeners.get(id) ?? [],
        lastError: runs.errors.get(id) ?? null,
      },
    ]),
  );
}

/**
 * The canvas's live figures: per node of the current version, the counters summed over all the
 * flow's versions, and who stands there now; the flow's totals and last run.
 */
export async function flowLiveCounts(db: Db, flowId: string): Promise<FlowLive> {
  const readAt = new Date();
  const [[flow], versionNodes] = await Promise.all([
    db.$queryRaw<{ id: string; version_id: string | null; version: number | null }[]>(Prisma.sql`
      SELECT f.id, v.id AS version_id, v.version FROM flows f LEFT JOIN flow_versions v ON v.id = f.current_version_id WHERE f.id = ${flowId}`),
    // Every version's nodes (ids and kinds only): members of older versions stand at their nodes.
    db.$queryRaw<{ version_id: string; node_id: string; kind: string; name: string | null; version: number }[]>(Prisma.sql`
      SELECT v.id AS version_id, v.version, n->>'id' AS node_id, n->>'kind' AS kind, n->>'name' AS name
      FROM flow_versions v CROSS JOIN LATERAL jsonb_array_elements(v.definition->'nodes') n WHERE v.flow_id = ${flowId}`),
  ]);
  if (!flow) throw new DomainError("not_found", `Flow ${flowId} does not exist`);

  const nodes: Record<string, NodeLive> = Object.fromEntries(
    versionNodes.filter((n) => n.version_id === flow.version_id).map((n) => [n.node_id, emptyNode()]),
  );
  const triggers = new Set(versionNodes.filter((n) => isTriggerKind(n.kind)).map((n) => `${n.version_id}\u0000${n.node_id}`));
  const [counters, standing, runs] = await Promise.all([
    // flow_node_counts' primary key leads with the version: a few rows per node and version.
    db.$queryRaw<{ version_id: string; node_id: string; metric: string; members: number }[]>(Prisma.sql`
      SELECT c.flow_version_id AS version_id, c.node_id, c.metric, c.members::float8 AS members
      FROM flow_versions v JOIN flow_node_counts c ON c.flow_version_id = v.id WHERE v.flow_id = ${flowId}`),
    // One index range of journeys (flow_version_id, current_node_id, status) per version, node and
    // live status: only the journeys standing there are read, however many have passed through.
    db.$queryRaw<{ node_id: string; status: "active" | "waiting"; members: number }[]>(Prisma.sql`
      SELECT n.node_id, s.status::text AS status, sum(x.members)::int AS members
      FROM unnest(${versionNodes.map((n) => n.version_id)}::text[], ${versionNodes.map((n) => n.node_id)}::text[]) AS n(version_id, node_id)
      CROSS JOIN unnest(ARRAY['active', 'waiting']::"JourneyStatus"[]) AS s(status)
      CROSS JOIN LATERAL (
        SELECT count(*) AS members FROM journeys j
        WHERE j.flow_version_id = n.version_id AND j.current_node_id = n.node_id AND j.status = s.status
      ) x
      GROUP BY n.node_id, s.status`),
    runsOf(db, [flowId]),
  ]);

  const counted = { entered: 0, completed: 0, converted: 0 };
  for (const c of counters) {
    const n = Number(c.members);
    if (c.metric === "entered" && triggers.has(`${c.version_id}\u0000${c.node_id}`)) counted.entered += n;
    else if (COMPLETED_METRICS.includes(c.metric)) counted.completed += n;
    else if (c.metric === CONVERTED_METRIC) counted.converted += n;
    const node = nodes[c.node_id];
    if (!node) continue;
    if (c.metric === "entered") node.entered += n;
    else if (c.metric.startsWith("branch:")) {
      const branch = c.metric.slice("branch:".length);
      node.byBranch[branch] = (node.byBranch[branch] ?? 0) + n;
    } else if (c.metric.startsWith("ended:")) {
      const reason = c.metric.slice("ended:".length);
      node.ended[reason] = (node.ended[reason] ?? 0) + n;
    }
  }
  let inFlight = 0;
  const standingByNode: FlowLive["standing"] = {};
  for (const s of standing) {
    inFlight += s.members;
    if (s.members > 0) {
      // Named as the latest version that has the node names it.
      const known = versionNodes.filter((n) => n.node_id === s.node_id).sort((a, b) => b.version - a.version)[0];
      const entry = (standingByNode[s.node_id] ??= { members: 0, name: known?.name ?? "", kind: known?.kind ?? "" });
      entry.members += s.members;
    }
    const node = nodes[s.node_id];
    if (node) node[s.status] += s.members;
  }
  return {
    flowId,
    version: flow.version_id ? { id: flow.version_id, version: flow.version! } : null,
    nodes,
    standing: standingByNode,
    totals: totalsFrom(counted, inFlight),
    lastRun: runs.last.get(flowId) ?? null,
    nextRunAt: runs.next.get(flowId) ?? null,
    listensFor: runs.listeners.get(flowId) ?? [],
    lastError: runs.errors.get(flowId) ?? null,
    readAt,
  };
}

export type MemberAtNode = {
  journeyId: number;
  memberId: number;
  externalId: string;
  name: string;
  status: "active" | "waiting";
  /** When the member reached the node. */
  since: Date;
  /** For a wait: when it ends at the latest. */
  waitUntil: Date | null;
  version: number;
};

/**
 * The members whose journey in this flow stands at a node now (any version: node ids are kept),
 * in member id order, `limit` at a time; `cursor` is the last member id of the previous page. A
 * member has at most one live journey per flow, so the live journeys' unique index (flow_id,
 * member_id) serves the order: a page reads about as many live journeys as it needs.
 */
export async function membersAtNode(
  db: Db,
  input: { flowId: string; nodeId: string; limit?: number; cursor?: number | null },
): Promise<{ members: MemberAtNode[]; nextCursor: number | null }> {
  const limit = Math.min(Math.max(input.limit ?? 50, 1), 200);
  const rows = await db.$queryRaw<
    { journey_id: number; member_id: number; external_id: string; name: string; status: "active" | "waiting"; node_entered_at: Date; wait_until: Date | null; version: number }[]
  >(Prisma.sql`
    SELECT j.id::float8 AS journey_id, m.id AS member_id, m.external_id, m.name, j.status::text AS status, j.node_entered_at, j.wait_until, v.version
    FROM (
      SELECT j.* FROM journeys j
      WHERE j.flow_id = ${input.flowId} AND j.status IN ('active', 'waiting') AND j.current_node_id = ${input.nodeId}
        AND j.member_id > ${input.cursor ?? 0}::int
      ORDER BY j.member_id
      LIMIT ${limit + 1}::int
    ) j
    JOIN flow_versions v ON v.id = j.flow_version_id
    JOIN members m ON m.id = j.member_id
    ORDER BY j.member_id`);
  const page = rows.slice(0, limit);
  return {
    members: page.map((r) => ({
      journeyId: Number(r.journey_id),
      memberId: r.member_id,
      externalId: r.external_id,
      name: r.name,
      status: r.status,
      since: r.node_entered_at,
      waitUntil: r.wait_until,
      version: r.version,
    })),
    nextCursor: rows.length > limit ? page[page.length - 1]!.member_id : null,
  };
}

/** A node on a journey's path, as its version (or, for a node since removed, an older one) names it. */
export type PathStep = { nodeId: string; kind: string | null; name: string | null };

export type JourneyEffect =
  | { type: "coupon"; nodeId: string | null; at: Date; code: string; templateName: string; couponType: "amount" | "percent"; value: number; status: string; validTo: Date }
  | { type: "notification"; nodeId: string | null; at: Date; channel: string; status: string; suppressedReason: string | null; title: string; body: string; scheduledFor: Date; sentAt: Date | null }
  | { type: "banner"; nodeId: string | null; at: Date; title: string; placement: string; link: string | null; validFrom: Date; validTo: Date }
  | { type: "member_price"; nodeId: string | null; at: Date; price: number | null; percentOff: number | null; productIds: number[]; categoryIds: number[]; validTo: Date }
  | { type: "points"; nodeId: string | null; at: Date; pointsType: string; amount: number; reason: string; expiresAt: Date | null }
  /** A holdout (control) member's withheld effect: recorded, never issued. */
  | { type: "withheld"; nodeId: string | null; at: Date; kind: string; reason: string };

export type MemberJourney = {
  journeyId: number;
  flowId: string;
  flowName: string;
  flowStatus: string;
  version: number;
  status: "active" | "waiting" | "completed" | "exited" | "failed";
  endReason: string | null;
  isControl: boolean;
  enteredAt: Date;
  endedAt: Date | null;
  convertedAt: Date | null;
  currentNodeId: string | null;
  waitUntil: Date | null;
  path: PathStep[];
  effects: JourneyEffect[];
};

const JOURNEY_LIMIT = 50;

/** An effect row as its table stores it (snake_case); a coupon's joined with its template's name, type and value. */
export type EffectRow = Record<string, unknown> & { journey_id?: unknown; node_id?: unknown; visit?: unknown };

const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const date = (v: unknown) => (v instanceof Date ? v : new Date(String(v)));
const dateOrNull = (v: unknown) => (v === null || v === undefined ? null : date(v));

/**
 * What an effect row means to the marketer, one place for the member page and the test run.
 * Tag changes and webhook calls are not shown (null).
 */
export function journeyEffect(table: EffectTable, r: EffectRow): JourneyEffect | null {
  const nodeId = text(r.node_id);
  switch (table) {
    case "coupons":
      return { type: "coupon", nodeId, at: date(r.issued_at), code: String(r.code), templateName: String(r.template_name ?? ""), couponType: r.type === "percent" ? "percent" : "amount", value: Number(r.value ?? 0), status: String(r.status), validTo: date(r.valid_to) };
    case "notifications": {
      // Title and body are stored as written, with the values they are sent with beside them.
      const variables = (r.variables && typeof r.variables === "object" ? r.variables : {}) as TemplateVariables;
      return {
        type: "notification",
        nodeId,
        at: date(r.created_at),
        channel: String(r.channel),
        status: String(r.status),
        suppressedReason: text(r.suppressed_reason),
        title: renderTemplate(String(r.title ?? ""), variables),
        body: renderTemplate(String(r.body ?? ""), variables),
        scheduledFor: date(r.scheduled_for),
        sentAt: dateOrNull(r.sent_at),
      };
    }
    case "banners":
      return { type: "banner", nodeId, at: date(r.created_at), title: String(r.title), placement: String(r.placement), link: text(r.link), validFrom: date(r.valid_from), validTo: date(r.valid_to) };
    case "member_prices":
      return {
        type: "member_price",
        nodeId,
        at: date(r.created_at),
        price: num(r.price),
        percentOff: num(r.percent_off),
        productIds: ((r.product_ids as unknown[]) ?? []).map(Number),
        categoryIds: ((r.category_ids as unknown[]) ?? []).map(Number),
        validTo: date(r.valid_to),
      };
    case "points_entries":
      return { type: "points", nodeId, at: date(r.created_at), pointsType: String(r.type), amount: Number(r.amount), reason: String(r.reason), expiresAt: dateOrNull(r.expires_at) };
    case "suppressed_effects":
      return { type: "withheld", nodeId, at: date(r.created_at), kind: String(r.kind), reason: String(r.reason) };
    case "tag_changes":
    case "webhook_deliveries":
      return null;
  }
}

/** A member's journeys, newest first, with the path each took and the effects it wrote. */
export async function memberJourneys(db: Db, memberId: number): Promise<MemberJourney[]> {
  // journeys (member_id, status) index; effects by their (journey_id, node_id, visit) unique indexes.
  const journeys = await db.$queryRaw<
    {
      id: number;
      flow_id: string;
      flow_name: string;
      flow_status: string;
      flow_version_id: string;
      version: number;
      status: MemberJourney["status"];
      end_reason: string | null;
      is_control: boolean;
      entered_at: Date;
      ended_at: Date | null;
      converted_at: Date | null;
      current_node_id: string | null;
      wait_until: Date | null;
      path: string[];
    }[]
  >(Prisma.sql`
    SELECT j.id::float8 AS id, j.flow_id, f.name AS flow_name, f.status::text AS flow_status, j.flow_version_id, v.version,
           j.status::text AS status, j.end_reason, j.is_control, j.entered_at, j.ended_at, j.converted_at,
           j.current_node_id, j.wait_until, j.path
    FROM journeys j JOIN flows f ON f.id = j.flow_id JOIN flow_versions v ON v.id = j.flow_version_id
    WHERE j.member_id = ${memberId}
    ORDER BY j.entered_at DESC, j.id DESC
    LIMIT ${JOURNEY_LIMIT}::int`);
  if (journeys.length === 0) return [];

  const ids = journeys.map((j) => j.id);
  const flowIds = [...new Set(journeys.map((j) => j.flow_id))];
  const [nodeRows, coupons, notifications, banners, prices, points, withheld] = await Promise.all([
    // Names and kinds only (not configs) of the nodes of every version of these flows.
    db.$queryRaw<{ flow_id: string; version_id: string; version: number; node_id: string; kind: string; name: string | null }[]>(Prisma.sql`
      SELECT v.flow_id, v.id AS version_id, v.version, n->>'id' AS node_id, n->>'kind' AS kind, nullif(n->>'name', '') AS name
      FROM flow_versions v CROSS JOIN LATERAL jsonb_array_elements(v.definition->'nodes') n
      WHERE v.flow_id = ANY(${flowIds}::text[])`),
    db.$queryRaw<EffectRow[]>(Prisma.sql`
      SELECT c.journey_id::float8 AS journey_id, c.node_id, c.visit, c.issued_at, c.code, t.name AS template_name, t.type::text AS type, t.value::float8 AS value,
             c.status::text AS status, c.valid_to
      FROM coupons c JOIN coupon_template_revisions t ON t.template_id = c.template_id AND t.revision = c.template_revision
      WHERE c.journey_id = ANY(${ids}::bigint[]) AND c.member_id = ${memberId}`),
    db.$queryRaw<EffectRow[]>(Prisma.sql`
      SELECT n.journey_id::float8 AS journey_id, n.node_id, n.visit, n.created_at, n.channel::text AS channel, n.status::text AS status, n.suppressed_reason,
             n.title, n.body, n.variables, n.scheduled_for, n.sent_at
      FROM notifications n WHERE n.journey_id = ANY(${ids}::bigint[]) AND n.member_id = ${memberId}`),
    db.$queryRaw<EffectRow[]>(Prisma.sql`
      SELECT b.journey_id::float8 AS journey_id, b.node_id, b.visit, b.created_at, b.title, b.placement, b.link, b.valid_from, b.valid_to
      FROM banners b WHERE b.journey_id = ANY(${ids}::bigint[]) AND b.member_id = ${memberId}`),
    db.$queryRaw<EffectRow[]>(Prisma.sql`
      SELECT p.journey_id::float8 AS journey_id, p.node_id, p.visit, p.created_at, p.price::float8 AS price, p.percent_off::float8 AS percent_off,
             p.product_ids, p.category_ids, p.valid_to
      FROM member_prices p WHERE p.journey_id = ANY(${ids}::bigint[]) AND p.member_id = ${memberId}`),
    db.$queryRaw<EffectRow[]>(Prisma.sql`
      SELECT p.journey_id::float8 AS journey_id, p.node_id, p.visit, p.created_at, p.type::text AS type, p.amount, p.reason, p.expires_at
      FROM points_entries p WHERE p.journey_id = ANY(${ids}::bigint[]) AND p.member_id = ${memberId}`),
    db.$queryRaw<EffectRow[]>(Prisma.sql`
      SELECT s.journey_id::float8 AS journey_id, s.node_id, s.visit, s.created_at, s.kind, s.reason
      FROM suppressed_effects s WHERE s.journey_id = ANY(${ids}::bigint[]) AND s.member_id = ${memberId}`),
  ]);

  // A node as the journey's own version has it, else as the newest version that had it.
  const byVersion = new Map<string, PathStep>();
  const newest = new Map<string, { version: number; step: PathStep }>();
  for (const r of nodeRows) {
    const step = { nodeId: r.node_id, kind: r.kind, name: r.name };
    byVersion.set(`${r.version_id}\u0000${r.node_id}`, step);
    const key = `${r.flow_id}\u0000${r.node_id}`;
    const seen = newest.get(key);
    if (!seen || seen.version < r.version) newest.set(key, { version: r.version, step });
  }
  const stepOf = (j: (typeof journeys)[number], nodeId: string): PathStep =>
    byVersion.get(`${j.flow_version_id}\u0000${nodeId}`) ?? newest.get(`${j.flow_id}\u0000${nodeId}`)?.step ?? { nodeId, kind: null, name: null };

  // Effects in the order the journey met their nodes: the nth visit of a node is its nth place on
  // the path (timestamps cannot tell apart effects written in one transaction).
  const position = new Map<number, Map<string, number>>();
  for (const j of journeys) {
    const seen = new Map<string, number>();
    const at = new Map<string, number>();
    j.path.forEach((nodeId, i) => {
      const visit = (seen.get(nodeId) ?? 0) + 1;
      seen.set(nodeId, visit);
      at.set(`${nodeId}#${visit}`, i);
    });
    position.set(j.id, at);
  }
  const effects = new Map<number, { order: number; effect: JourneyEffect }[]>(ids.map((id) => [id, []]));
  const add = (row: EffectRow, effect: JourneyEffect) => {
    const order = position.get(Number(row.journey_id))?.get(`${row.node_id}#${row.visit}`) ?? Number.MAX_SAFE_INTEGER;
    effects.get(Number(row.journey_id))?.push({ order, effect });
  };
  for (const [table, rows] of [["coupons", coupons], ["notifications", notifications], ["banners", banners], ["member_prices", prices], ["points_entries", points], ["suppressed_effects", withheld]] as const) {
    for (const row of rows) {
      const effect = journeyEffect(table, row);
      if (effect) add(row, effect);
    }
  }

  return journeys.map((j) => ({
    journeyId: j.id,
    flowId: j.flow_id,
    flowName: j.flow_name,
    flowStatus: j.flow_status,
    version: j.version,
    status: j.status,
    endReason: j.end_reason,
    isControl: j.is_control,
    enteredAt: j.entered_at,
    endedAt: j.ended_at,
    convertedAt: j.converted_at,
    currentNodeId: j.current_node_id,
    waitUntil: j.wait_until,
    path: j.path.map((nodeId) => stepOf(j, nodeId)),
    effects: (effects.get(j.id) ?? []).sort((a, b) => a.order - b.order || a.effect.at.getTime() - b.effect.at.getTime()).map((e) => e.effect),
  }));
}
