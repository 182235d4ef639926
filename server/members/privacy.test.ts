// A member's privacy on the demo data: consent changes audited with who made them, the data
// export, and erasure — after which no row anywhere names the person, in one transaction with its
// audit entry (a failure leaves everything as it was).
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import type { Session } from "@/server/auth/roles";

vi.mock("server-only", () => ({}));

const { seedDemoData } = await import("@/prisma/seed/index");
const { eraseMember, exportMemberData, setMemberConsent } = await import("./privacy");

let t: TestDatabase;
const admin: Session = { user: { id: "u-admin", role: "admin", name: "Ada", email: "ada@example.com" } };
let subject: { id: number; external_id: string; name: string; phone: string | null; email: string | null };

beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemoData(t.url, { members: 200, now: new Date("2026-11-23T00:00:00Z") });
  // The member with the most messages and events: the most to erase.
  subject = (
    await t.pool.query(`
      SELECT m.id, m.external_id, m.name, m.phone, m.email FROM members m
      ORDER BY (SELECT count(*) FROM notifications n WHERE n.member_id = m.id) + (SELECT count(*) FROM member_events e WHERE e.member_id = m.id) DESC, m.id
      LIMIT 1`)
  ).rows[0];
}, 120_000);
afterAll(() => t.drop());

describe("consent", () => {
  it("changes consent per channel, and the audit log says who changed what", async () => {
    const before = (await t.pool.query(`SELECT consent_sms, consent_email FROM members WHERE id = $1`, [subject.id])).rows[0];
    const result = await setMemberConsent(t.db, admin, { id: subject.id, consent: { sms: !before.consent_sms, email: before.consent_email } });
    expect(result.changed).toEqual(["sms"]);
    const after = (await t.pool.query(`SELECT consent_sms, consent_email FROM members WHERE id = $1`, [subject.id])).rows[0];
    expect(after).toEqual({ consent_sms: !before.consent_sms, consent_email: before.consent_email });
    const entry = (await t.pool.query(`SELECT actor, details FROM audit_logs WHERE action = 'member.consent_change' AND entity_id = $1`, [String(subject.id)])).rows;
    expect(entry).toEqual([{ actor: "ada@example.com", details: { changes: { sms: { from: before.consent_sms, to: !before.consent_sms } } } }]);
    // Nothing changed: no entry.
    await setMemberConsent(t.db, admin, { id: subject.id, consent: { email: before.consent_email } });
    expect((await t.pool.query(`SELECT count(*)::int AS n FROM audit_logs WHERE action = 'member.consent_change'`)).rows[0].n).toBe(1);
  });
});

describe("export", () => {
  it("holds the profile and everything linked to the member, as plain JSON, and is audited", async () => {
    const data = await exportMemberData(t.db, admin, subject.id);
    expect((data.member as { externalId: string }).externalId).toBe(subject.external_id);
    const counts = (await t.pool.query(`SELECT (SELECT count(*)::int FROM orders WHERE member_id = $1) AS orders, (SELECT count(*)::int FROM notifications WHERE member_id = $1) AS messages, (SELECT count(*)::int FROM member_events WHERE member_id = $1) AS events`, [subject.id])).rows[0];
    expect((data.orders as unknown[]).length).toBe(counts.orders);
    expect((data.messages as unknown[]).length).toBe(counts.messages);
    expect((data.events as unknown[]).length).toBe(counts.events);
    expect(counts.messages + counts.events).toBeGreaterThan(0);
    expect(() => JSON.stringify(data)).not.toThrow();
    expect((await t.pool.query(`SELECT count(*)::int AS n FROM audit_logs WHERE action = 'member.export' AND entity_id = $1`, [String(subject.id)])).rows[0].n).toBe(1);
  });
});

describe("erasure", () => {
  /** Every row linked to the member (and the audit log), as text. */
  async function everythingAbout(id: number): Promise<string> {
    const tables = ["members", "notifications", "member_events", "coupons", "journeys", "orders", "visits", "banners", "member_prices", "webhook_deliveries", "member_tags"];
    const parts: string[] = [];
    for (const table of tables) {
      const column = table === "members" ? "id" : "member_id";
      const rows = await t.pool.query(`SELECT row_to_json(x)::text AS j FROM ${table} x WHERE ${column} = $1`, [id]);
      parts.push(...rows.rows.map((r) => r.j as string));
    }
    parts.push(...(await t.pool.query(`SELECT row_to_json(a)::text AS j FROM audit_logs a`)).rows.map((r) => r.j as string));
    return parts.join("\n");
  }

  it("refuses without the member's external id typed to confirm, and changes nothing", async () => {
    await expect(eraseMember(t.db, admin, { id: subject.id, confirmExternalId: "someone else" })).rejects.toThrow(/confirm/);
    expect((await t.pool.query(`SELECT name FROM members WHERE id = $1`, [subject.id])).rows[0].name).toBe(subject.name);
  });

  it("leaves nothing that names the person, ends what was running, and is audited with it", async () => {
    const before = await everythingAbout(subject.id);
    expect(before).toContain(subject.name);
    const result = await eraseMember(t.db, admin, { id: subject.id, confirmExternalId: subject.external_id });
    const after = await everythingAbout(subject.id);
    for (const identifying of [subject.name, subject.external_id, subject.phone, subject.email].filter((v): v is string => !!v)) {
      expect(after, `still names ${identifying}`).not.toContain(identifying);
    }
    const member = (await t.pool.query(`SELECT name, phone, email, province, birthday, consent_sms, consent_in_app FROM members WHERE id = $1`, [subject.id])).rows[0];
    expect(member).toEqual({ name: "Erased member", phone: null, email: null, province: null, birthday: null, consent_sms: false, consent_in_app: false });
    const open = (await t.pool.query(`SELECT
        (SELECT count(*)::int FROM coupons WHERE member_id = $1 AND status = 'issued') AS coupons,
        (SELECT count(*)::int FROM journeys WHERE member_id = $1 AND status IN ('active', 'waiting')) AS journeys,
        (SELECT count(*)::int FROM notifications WHERE member_id = $1 AND (status IN ('queued', 'deferred') OR body <> '')) AS messages,
        (SELECT count(*)::int FROM member_events WHERE member_id = $1 AND properties <> '{}'::jsonb) AS events`, [subject.id])).rows[0];
    expect(open).toEqual({ coupons: 0, journeys: 0, messages: 0, events: 0 });
    // Orders stay (revenue still adds up), now on an anonymous member.
    expect((await t.pool.query(`SELECT count(*)::int AS n FROM orders WHERE member_id = $1`, [subject.id])).rows[0].n).toBeGreaterThanOrEqual(0);
    const entry = (await t.pool.query(`SELECT actor, entity_id, details FROM audit_logs WHERE action = 'member.erase'`)).rows;
    expect(entry).toHaveLength(1);
    expect(entry[0]).toMatchObject({ actor: "ada@example.com", entity_id: String(subject.id) });
    expect(entry[0].details.events).toBe(result.events);
    await expect(eraseMember(t.db, admin, { id: subject.id, confirmExternalId: `erased-${subject.id}` })).rejects.toThrow(/already erased/);
    await expect(setMemberConsent(t.db, admin, { id: subject.id, consent: { sms: true } })).rejects.toThrow(/erased/);
  });

  it("is one transaction with its audit entry: if the entry cannot be written, nothing is erased", async () => {
    const other = (await t.pool.query(`SELECT id, external_id, name FROM members WHERE id <> $1 ORDER BY id LIMIT 1`, [subject.id])).rows[0];
    await t.pool.query(`CREATE FUNCTION fail_erase_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.action = 'member.erase' THEN RAISE EXCEPTION 'audit down'; END IF; RETURN NEW; END $$`);
    await t.pool.query(`CREATE TRIGGER fail_erase_audit BEFORE INSERT ON audit_logs FOR EACH ROW EXECUTE FUNCTION fail_erase_audit()`);
    try {
      await expect(eraseMember(t.db, admin, { id: other.id, confirmExternalId: other.external_id })).rejects.toThrow(/audit down/);
    } finally {
      await t.pool.query(`DROP TRIGGER fail_erase_audit ON audit_logs; DROP FUNCTION fail_erase_audit()`);
    }
    expect((await t.pool.query(`SELECT name FROM members WHERE id = $1`, [other.id])).rows[0].name).toBe(other.name);
    expect((await t.pool.query(`SELECT count(*)::int AS n FROM member_erasures WHERE member_id = $1`, [other.id])).rows[0].n).toBe(0);
  });
});
