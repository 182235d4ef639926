// A flow's results, for the CRM manager: who entered and how they left, goal conversions, orders
// and revenue within an attribution window after entry, uplift of the treated members over the
// holdout (control) group with a 95% confidence interval, and what the flow's coupons, messages
// and banners did. Defined in docs/flow-results.md. SERVER-ONLY (takes the Prisma client).
import { Prisma, type PrismaClient } from "@prisma/client";
import { z } from "zod";
import { DomainError } from "@/server/errors";
import { readStoredDefinition } from "@/server/flows/upgrade";

type Db = PrismaClient | Prisma.TransactionClient;

export const flowResultsInput = z.object({
  id: z.string().min(1).max(100),
  /** Days after entry in which a member's orders count for the flow; default: the flow's conversion window. */
  attributionDays: z.number().int().min(1).max(365).optional(),
});
export type FlowResultsInput = z.input<typeof flowResultsInput>;

/** One arm (treated or holdout) of the flow's journeys. */
export type Arm = {
  journeys: number;
  members: number;
  inFlight: number;
  /** Journeys that reached the flow's goal. */
  converted: number;
  /** Journeys whose member placed at least one counted order in the window. */
  ordered: number;
  orders: number;
  /** Paid amount of those orders, less what was refunded, in CNY. */
  revenue: number;
};

/** The treated arm's rate over the control arm's, as a difference of proportions. */
export type Uplift = {
  metric: "ordered" | "converted";
  treatmentRate: number;
  controlRate: number;
  /** treatmentRate − controlRate, and its 95% confidence interval (normal approximation). */
  difference: number;
  low: number;
  high: number;
  /** difference / controlRate; null when the control rate is 0. */
  relative: number | null;
  /** The interval excludes 0. */
  significant: boolean;
  /** Extra orders and revenue of the treated arm over what it would have done at the control's rate. */
  incrementalOrders: number;
  incrementalRevenue: number;
};

export type FlowResults = {
  flowId: string;
  attributionDays: number;
  goal: { event: string; windowDays: number } | null;
  treatment: Arm;
  control: Arm | null;
  uplift: Uplift[];
  /** Ended journeys by reason (end_of_path, exit_node, goal, visit_limit, migrated, archived). */
  endReasons: Record<string, number>;
  coupons: { issued: number; redeemed: number; expired: number; revoked: number; active: number; discount: number; redeemedOrderValue: number };
  messages: { channel: string; total: number; queued: number; deferred: number; sent: number; failed: number; suppressed: number; opened: number; clicked: number }[];
  banners: { issued: number; shown: number; clicked: number };
  /** What the holdout would have received (recorded, never issued), by kind. */
  withheld: Record<string, number>;
  computedAt: Date;
};

const num = (v: unknown) => Number(v ?? 0);

export async function flowResults(db: Db, given: FlowResultsInput): Promise<FlowResults> {
  const input = flowResultsInput.parse(given);
  const [flow] = await db.$queryRaw<{ id: string; definition: unknown; definition_schema: number | null }[]>(Prisma.sql`
    SELECT f.id, v.definition, v.definition_schema FROM flows f LEFT JOIN flow_versions v ON v.id = f.current_version_id WHERE f.id = ${input.id}`);
  if (!flow) throw new DomainError("not_found", `Flow ${input.id} does not exist`, { field: "id" });
  const settings = flow.definition ? readStoredDefinition(flow.definition, flow.definition_schema ?? 1).settings : null;
  const goal = settings?.goal ? { event: settings.goal.event, windowDays: settings.goal.windowDays } : null;
  const attributionDays = input.attributionDays ?? settings?.conversionWindowDays ?? 7;

  const [arms, ends, coupons, messages, banners, withheld] = await Promise.all([
    // Orders count per journey: placed by its member from entry to entry + window, not refunded in full.
    db.$queryRaw<{ is_control: boolean; journeys: bigint; members: bigint; in_flight: bigint; converted: bigint; ordered: bigint; orders: bigint; revenue: string }[]>(Prisma.sql`
      WITH j AS (SELECT id, member_id, is_control, entered_at, status, converted_at FROM journeys WHERE flow_id = ${input.id}),
      o AS (
        SELECT j.id AS journey_id, count(*) AS orders, sum(o.total_amount - o.refunded_amount) AS revenue
        FROM j JOIN orders o ON o.member_id = j.member_id
          AND o.placed_at >= j.entered_at AND o.placed_at < j.entered_at + make_interval(days => ${attributionDays}::int)
          AND NOT (o.refunded_at IS NOT NULL AND o.refunded_amount >= o.total_amount)
        GROUP BY j.id
      )
      SELECT j.is_control, count(*) AS journeys, count(DISTINCT j.member_id) AS members,
             count(*) FILTER (WHERE j.status IN ('active', 'waiting')) AS in_flight,
             count(*) FILTER (WHERE j.converted_at IS NOT NULL) AS converted,
             count(o.journey_id) AS ordered, coalesce(sum(o.orders), 0) AS orders, coalesce(sum(o.revenue), 0)::text AS revenue
      FROM j LEFT JOIN o ON o.journey_id = j.id GROUP BY j.is_control`),
    db.$queryRaw<{ reason: string; n: bigint }[]>(Prisma.sql`
      SELECT end_reason AS reason, count(*) AS n FROM journeys WHERE flow_id = ${input.id} AND end_reason IS NOT NULL GROUP BY end_reason`),
    db.$queryRaw<{ status: string; n: bigint; active: bigint; discount: string; order_value: string }[]>(Prisma.sql`
      SELECT c.status::text AS status, count(*) AS n,
             count(*) FILTER (WHERE c.status = 'issued' AND c.valid_to > now()) AS active,
             coalesce(sum(r.discount), 0)::text AS discount, coalesce(sum(r.cart), 0)::text AS order_value
      FROM coupons c
      LEFT JOIN LATERAL (SELECT sum(discount_amount) AS discount, sum(cart_total) AS cart FROM coupon_redemptions
                         WHERE coupon_id = c.id AND rolled_back_at IS NULL) r ON c.status = 'redeemed'
      WHERE c.flow_id = ${input.id} GROUP BY c.status`),
    db.$queryRaw<{ channel: string; status: string; n: bigint; opened: bigint; clicked: bigint }[]>(Prisma.sql`
      SELECT channel::text AS channel, status::text AS status, count(*) AS n,
             count(opened_at) AS opened, count(clicked_at) AS clicked
      FROM notifications WHERE flow_id = ${input.id} GROUP BY channel, status`),
    db.$queryRaw<{ issued: bigint; shown: bigint; clicked: bigint }[]>(Prisma.sql`
      SELECT count(*) AS issued, count(shown_at) AS shown, count(clicked_at) AS clicked FROM banners WHERE flow_id = ${input.id}`),
    db.$queryRaw<{ kind: string; n: bigint }[]>(Prisma.sql`
      SELECT kind, count(*) AS n FROM suppressed_effects WHERE flow_id = ${input.id} GROUP BY kind`),
  ]);

  const arm = (control: boolean): Arm | null => {
    const r = arms.find((a) => a.is_control === control);
    if (!r) return null;
    return {
      journeys: num(r.journeys),
      members: num(r.members),
      inFlight: num(r.in_flight),
      converted: num(r.converted),
      ordered: num(r.ordered),
      orders: num(r.orders),
      revenue: num(r.revenue),
    };
  };
  const empty: Arm = { journeys: 0, members: 0, inFlight: 0, converted: 0, ordered: 0, orders: 0, revenue: 0 };
  const treatment = arm(false) ?? empty;
  const control = arm(true);

  const uplift: Uplift[] = [];
  if (control && control.journeys > 0 && treatment.journeys > 0) {
    uplift.push(upliftOf("ordered", treatment, control));
    if (goal) uplift.push(upliftOf("converted", treatment, control));
  }

  const couponCount = (status: string) => num(coupons.find((c) => c.status === status)?.n);
  const channels = [...new Set(messages.map((m) => m.channel))].sort();
  return {
    flowId: flow.id,
    attributionDays,
    goal,
    treatment,
    control,
    uplift,
    endReasons: Object.fromEntries(ends.map((e) => [e.reason, num(e.n)])),
    coupons: {
      issued: coupons.reduce((s, c) => s + num(c.n), 0),
      redeemed: couponCount("redeemed"),
      expired: couponCount("expired"),
      revoked: couponCount("revoked"),
      active: coupons.reduce((s, c) => s + num(c.active), 0),
      discount: coupons.reduce((s, c) => s + num(c.discount), 0),
      redeemedOrderValue: coupons.reduce((s, c) => s + num(c.order_value), 0),
    },
    messages: channels.map((channel) => {
      const rows = messages.filter((m) => m.channel === channel);
      const of = (status: string) => num(rows.find((m) => m.status === status)?.n);
      return {
        channel,
        total: rows.reduce((s, m) => s + num(m.n), 0),
        queued: of("queued"),
        deferred: of("deferred"),
        sent: of("sent"),
        failed: of("failed"),
        suppressed: of("suppressed"),
        opened: rows.reduce((s, m) => s + num(m.opened), 0),
        clicked: rows.reduce((s, m) => s + num(m.clicked), 0),
      };
    }),
    banners: { issued: num(banners[0]?.issued), shown: num(banners[0]?.shown), clicked: num(banners[0]?.clicked) },
    withheld: Object.fromEntries(withheld.map((w) => [w.kind, num(w.n)])),
    computedAt: new Date(),
  };
}

/** Difference of two proportions with a 95% interval (Wald); incremental figures at the treated arm's size. */
export function upliftOf(metric: Uplift["metric"], treatment: Arm, control: Arm): Uplift {
  const pT = treatment[metric] / treatment.journeys;
  const pC = control[metric] / control.journeys;
  const difference = pT - pC;
  const se = Math.sqrt((pT * (1 - pT)) / treatment.journeys + (pC * (1 - pC)) / control.journeys);
  const low = difference - 1.96 * se;
  const high = difference + 1.96 * se;
  const ordersPerJourney = (a: Arm) => a.orders / a.journeys;
  const revenuePerJourney = (a: Arm) => a.revenue / a.journeys;
  return {
    metric,
    treatmentRate: pT,
    controlRate: pC,
    difference,
    low,
    high,
    relative: pC > 0 ? difference / pC : null,
    significant: low > 0 || high < 0,
    incrementalOrders: (ordersPerJourney(treatment) - ordersPerJourney(control)) * treatment.journeys,
    incrementalRevenue: Math.round((revenuePerJourney(treatment) - revenuePerJourney(control)) * treatment.journeys * 100) / 100,
  };
}
