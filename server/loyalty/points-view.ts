// A member's points as the member page shows them: the ledger a page at a time with the running
// balance after each entry, what the member holds by the date it expires (in the program's zone),
// and what points buy (the program's coupon template and its price).
// Server-only: the lint allow-list keeps components/ away (no `import "server-only"`: vitest and tsx scripts import it).
import { sql, type Tx } from "@/server/db/sql";
import { loadProgram } from "./program";
import { memberPointsInput, type MemberPointsPage, type PointsEntryType } from "./schemas";

export async function memberPoints(tx: Tx, rawInput: unknown): Promise<MemberPointsPage | null> {
  const { id, page, pageSize } = memberPointsInput.parse(rawInput);
  const [member] = await tx.query<{ points_balance: number; points_debt: number; total: number }>(sql`
    SELECT points_balance, points_debt, (SELECT count(*)::int FROM points_entries WHERE member_id = ${id}) AS total FROM members WHERE id = ${id}`);
  if (!member) return null;
  const entries = await tx.query<{ id: bigint | number; type: PointsEntryType; amount: number; reason: string; created_at: Date; expires_at: Date | null; remaining: number; debt_delta: number; running: bigint | number }>(sql`
    SELECT id, type::text AS type, amount, reason, created_at, expires_at, remaining, debt_delta, running
    FROM (SELECT e.*, sum(e.amount) OVER (ORDER BY e.created_at, e.id) AS running FROM points_entries e WHERE e.member_id = ${id}) x
    ORDER BY created_at DESC, id DESC
    LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`);
  const expiring = await tx.query<{ expires_at: Date | null; points: number }>(sql`
    SELECT expires_at, sum(remaining)::int AS points FROM points_entries
    WHERE member_id = ${id} AND remaining > 0
    GROUP BY expires_at ORDER BY expires_at NULLS LAST`);
  const program = await loadProgram(tx);
  const templateId = program.redemption.couponTemplateId;
  const [template] = templateId ? await tx.query<{ name: string }>(sql`SELECT name FROM coupon_templates WHERE id = ${templateId} AND archived_at IS NULL`) : [];
  return {
    balance: member.points_balance,
    debt: member.points_debt,
    total: member.total,
    page,
    pageSize,
    entries: entries.map((e) => ({
      id: Number(e.id),
      type: e.type,
      amount: e.amount,
      reason: e.reason,
      at: e.created_at,
      expiresAt: e.expires_at,
      remaining: e.remaining,
      debtDelta: e.debt_delta,
      balance: Number(e.running),
    })),
    expiring: expiring.map((x) => ({ expiresAt: x.expires_at, points: x.points })),
    timezone: program.timezone,
    redemption: { templateName: template?.name ?? null, pointsPerCoupon: program.redemption.pointsPerCoupon },
  };
}
