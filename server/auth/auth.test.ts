// Sign-in end to end on a real database: the first admin, better-auth's own HTTP endpoints
// (sign-in, session, sign-out, throttling), invitations, roles, and the audit they leave.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import type { Session } from "@/server/auth/roles";

vi.mock("server-only", () => ({}));

const { createAuth, SESSION_DAYS, SIGN_IN_ATTEMPTS_PER_MINUTE } = await import("./auth");
const { acceptInvitation, createFirstAdmin, invitationForToken, inviteUser, listUsers, realUserCount, setUserRole, revokeInvitation } = await import("./users");
const { listAudit } = await import("@/server/audit/service");
const { consumeSignInAttempt, SIGN_IN_ATTEMPTS_PER_ACCOUNT, ACCOUNT_WINDOW_MINUTES } = await import("./account-throttle");

let t: TestDatabase;
let auth: ReturnType<typeof createAuth>;
const ORIGIN = "http://localhost:3000";
let clientIp = 1;

beforeAll(async () => {
  t = await createTestDatabase();
  auth = createAuth(t.db, {
    onSignIn: async (userId) => {
      await t.db.auditLog.create({ data: { actor: userId, userId, action: "user.sign_in", entityType: "user", entityId: userId } });
    },
  });
});
afterAll(() => t.drop());

/** A call to better-auth's HTTP handler, as the browser makes it (each test from its own address). */
async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return auth.handler(
    new Request(`${ORIGIN}/api/auth${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: ORIGIN, "x-forwarded-for": `10.0.0.${clientIp}`, ...headers },
      body: JSON.stringify(body),
    }),
  );
}
const cookieOf = (response: Response) => response.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");

describe("first run", () => {
  it("creates the first admin once, with a hashed password; then it is closed", async () => {
    expect(await realUserCount(t.db)).toBe(0);
    const admin = await createFirstAdmin(t.db, { name: "Ada Admin", email: "Ada@Example.com", password: "correct horse battery" });
    expect(admin.email).toBe("ada@example.com");
    const account = await t.db.authAccount.findFirstOrThrow({ where: { userId: admin.id } });
    expect(account.providerId).toBe("credential");
    expect(account.password).not.toContain("correct horse");
    expect(account.password).toMatch(/^[0-9a-f]+:[0-9a-f]+$/); // salt:scrypt key
    expect((await t.db.user.findUniqueOrThrow({ where: { id: admin.id } })).role).toBe("admin");
    await expect(createFirstAdmin(t.db, { name: "Eve", email: "eve@example.com", password: "another password" })).rejects.toThrow(/already has users/);
    expect(await realUserCount(t.db)).toBe(1);
  });

  it("does not count the development demo admin as a user", async () => {
    const other = await createTestDatabase();
    try {
      await other.pool.query(`INSERT INTO users (id, email, name, role) VALUES ('demo-admin', 'admin@memberflow.local', 'Demo Admin', 'admin')`);
      expect(await realUserCount(other.db)).toBe(0);
    } finally {
      await other.drop();
    }
  });
});

describe("sign-in", () => {
  it("signs in with the right password only, gives a session that expires, and signs out", async () => {
    clientIp = 2;
    expect((await post("/sign-in/email", { email: "ada@example.com", password: "wrong password!" })).status).toBe(401);
    expect((await post("/sign-in/email", { email: "nobody@example.com", password: "correct horse battery" })).status).toBe(401);
    const ok = await post("/sign-in/email", { email: "ada@example.com", password: "correct horse battery" });
    expect(ok.status).toBe(200);
    const cookie = cookieOf(ok);
    expect(cookie).toMatch(/session_token=/);

    const session = await auth.api.getSession({ headers: new Headers({ cookie }) });
    expect(session?.user.email).toBe("ada@example.com");
    expect((session?.user as { role?: string }).role).toBe("admin");
    const stored = await t.db.authSession.findFirstOrThrow({ where: { userId: session!.user.id } });
    const days = (stored.expiresAt.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(SESSION_DAYS - 0.01);
    expect(days).toBeLessThanOrEqual(SESSION_DAYS);
    expect(JSON.stringify(stored)).not.toContain("correct horse");

    // The sign-in is in the audit log.
    expect(await t.db.auditLog.count({ where: { action: "user.sign_in", userId: session!.user.id } })).toBe(1);

    expect((await post("/sign-out", {}, { cookie })).status).toBe(200);
    expect(await auth.api.getSession({ headers: new Headers({ cookie }) })).toBeNull();
  });

  it("throttles sign-in attempts per client address, in the database", async () => {
    clientIp = 3;
    const statuses: number[] = [];
    for (let i = 0; i < SIGN_IN_ATTEMPTS_PER_MINUTE + 2; i++) {
      statuses.push((await post("/sign-in/email", { email: "ada@example.com", password: `guess number ${i}` })).status);
    }
    expect(statuses.slice(0, SIGN_IN_ATTEMPTS_PER_MINUTE).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(SIGN_IN_ATTEMPTS_PER_MINUTE)).toEqual([429, 429]);
    // Even the right password waits; another address is not affected.
    expect((await post("/sign-in/email", { email: "ada@example.com", password: "correct horse battery" })).status).toBe(429);
    clientIp = 4;
    expect((await post("/sign-in/email", { email: "ada@example.com", password: "correct horse battery" })).status).toBe(200);
    expect(await t.db.authRateLimit.count()).toBeGreaterThan(0);
  });

  it("throttles sign-in attempts per account too, whatever address they come from", async () => {
    const invitation = await inviteUser(t.db, { user: { id: (await t.db.user.findUniqueOrThrow({ where: { email: "ada@example.com" } })).id, role: "admin", name: "Ada", email: "ada@example.com" } }, { email: "tess@example.com", role: "viewer" });
    await acceptInvitation(t.db, { token: invitation.token, name: "Tess", password: "tess password 1" });
    const statuses: number[] = [];
    // Each guess from a new address: the per-address limit never trips, the per-account one does.
    for (let i = 0; i < SIGN_IN_ATTEMPTS_PER_ACCOUNT + 1; i++) {
      clientIp = 100 + i;
      statuses.push((await post("/sign-in/email", { email: i % 2 ? "Tess@Example.com" : "tess@example.com", password: `guess ${i}` })).status);
    }
    expect(statuses.slice(0, SIGN_IN_ATTEMPTS_PER_ACCOUNT).every((s) => s === 401)).toBe(true);
    const refused = await post("/sign-in/email", { email: "tess@example.com", password: "tess password 1" });
    expect([statuses.at(-1), refused.status]).toEqual([429, 429]);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan((ACCOUNT_WINDOW_MINUTES - 1) * 60);
    // Another account from the same address signs in.
    expect((await post("/sign-in/email", { email: "ada@example.com", password: "correct horse battery" })).status).toBe(200);
    const { rows } = await t.pool.query(`SELECT count FROM auth_rate_limits WHERE key = 'sign-in-account:tess@example.com'`);
    expect(rows).toEqual([{ count: SIGN_IN_ATTEMPTS_PER_ACCOUNT + 2 }]);
  });

  it("opens an account's window again once it ends (the clock passed explicitly)", async () => {
    const start = Date.parse("2026-12-07T10:00:00Z");
    const results = [];
    for (let i = 0; i < SIGN_IN_ATTEMPTS_PER_ACCOUNT + 1; i++) results.push((await consumeSignInAttempt(t.db, "clock@example.com", start + i * 1000)).allowed);
    expect(results.filter(Boolean)).toHaveLength(SIGN_IN_ATTEMPTS_PER_ACCOUNT);
    expect(results.at(-1)).toBe(false);
    const justBefore = start + ACCOUNT_WINDOW_MINUTES * 60_000 - 1;
    expect(await consumeSignInAttempt(t.db, "clock@example.com", justBefore)).toEqual({ allowed: false, retryAfter: 1 });
    expect((await consumeSignInAttempt(t.db, "clock@example.com", start + ACCOUNT_WINDOW_MINUTES * 60_000)).allowed).toBe(true);
  });

  it("has no sign-up: accounts come from the first run and invitations only", async () => {
    clientIp = 5;
    const response = await post("/sign-up/email", { email: "mallory@example.com", password: "mallory password", name: "Mallory" });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(await t.db.user.count({ where: { email: "mallory@example.com" } })).toBe(0);
  });
});

describe("invitations and roles", () => {
  let admin: Session;
  beforeAll(async () => {
    const user = await t.db.user.findUniqueOrThrow({ where: { email: "ada@example.com" } });
    admin = { user: { id: user.id, role: "admin", name: user.name, email: user.email } };
  });

  it("invites by email with a role; the one-time link sets the password, then is spent", async () => {
    const invitation = await inviteUser(t.db, admin, { email: "mark@example.com", role: "marketer" });
    expect(invitation.token.length).toBeGreaterThanOrEqual(32);
    const stored = await t.db.userInvitation.findUniqueOrThrow({ where: { id: invitation.id } });
    expect(stored.tokenHash).not.toBe(invitation.token);
    expect(await invitationForToken(t.db, invitation.token)).toMatchObject({ email: "mark@example.com", role: "marketer" });

    const user = await acceptInvitation(t.db, { token: invitation.token, name: "Mark Marketer", password: "marketing rocks 1" });
    expect((await t.db.user.findUniqueOrThrow({ where: { id: user.id } })).role).toBe("marketer");
    expect(await invitationForToken(t.db, invitation.token)).toBeNull();
    await expect(acceptInvitation(t.db, { token: invitation.token, name: "Again", password: "marketing rocks 2" })).rejects.toThrow(/not valid any more/);

    clientIp = 6;
    expect((await post("/sign-in/email", { email: "mark@example.com", password: "marketing rocks 1" })).status).toBe(200);
    await expect(inviteUser(t.db, admin, { email: "mark@example.com", role: "viewer" })).rejects.toThrow(/already a user/);
  });

  it("refuses expired and revoked invitations", async () => {
    const expired = await inviteUser(t.db, admin, { email: "late@example.com", role: "viewer" });
    await t.db.userInvitation.update({ where: { id: expired.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await expect(acceptInvitation(t.db, { token: expired.token, name: "Late", password: "too late for this" })).rejects.toThrow(/not valid/);
    const revoked = await inviteUser(t.db, admin, { email: "gone@example.com", role: "viewer" });
    await revokeInvitation(t.db, admin, revoked.id);
    await expect(acceptInvitation(t.db, { token: revoked.token, name: "Gone", password: "revoked already" })).rejects.toThrow(/not valid/);
    expect((await listUsers(t.db)).invitations.map((i) => i.email)).not.toContain("gone@example.com");
  });

  it("changes roles (never one's own), and the audit log says who did it", async () => {
    const mark = await t.db.user.findUniqueOrThrow({ where: { email: "mark@example.com" } });
    await setUserRole(t.db, admin, { userId: mark.id, role: "analyst" });
    expect((await t.db.user.findUniqueOrThrow({ where: { id: mark.id } })).role).toBe("analyst");
    await expect(setUserRole(t.db, admin, { userId: admin.user.id, role: "viewer" })).rejects.toThrow(/own role/);

    const log = await listAudit(t.db, { actor: "ada@example.com" });
    expect(log.entries.map((e) => e.action)).toEqual(
      expect.arrayContaining(["user.role_change", "user.invite", "user.invitation_revoke"]),
    );
    const change = (await listAudit(t.db, { action: "user.role_change" })).entries[0]!;
    expect(change).toMatchObject({ actor: "ada@example.com", actorName: "Ada Admin", entityId: mark.id, details: { from: "marketer", to: "analyst" } });
    expect((await listAudit(t.db, { q: "late@example.com" })).entries.map((e) => e.action)).toEqual(["user.invite"]);
    const today = new Date().toISOString().slice(0, 10);
    expect((await listAudit(t.db, { from: today, to: today })).entries.length).toBeGreaterThan(3);
    expect((await listAudit(t.db, { to: "2000-01-01" })).entries).toEqual([]);
  });
});

describe("the audit log", () => {
  it("is append-only: the database refuses updates, deletes and truncation", async () => {
    const [entry] = (await t.pool.query<{ id: string }>(`SELECT id FROM audit_logs LIMIT 1`)).rows;
    await expect(t.pool.query(`UPDATE audit_logs SET actor = 'someone else' WHERE id = $1`, [entry!.id])).rejects.toThrow(/append-only/);
    await expect(t.pool.query(`DELETE FROM audit_logs WHERE id = $1`, [entry!.id])).rejects.toThrow(/append-only/);
    await expect(t.pool.query(`TRUNCATE audit_logs`)).rejects.toThrow(/append-only/);
  });

  it("pages newest first", async () => {
    const first = await listAudit(t.db, { limit: 2 });
    expect(first.entries).toHaveLength(2);
    const second = await listAudit(t.db, { limit: 2, cursor: first.next! });
    expect(BigInt(second.entries[0]!.id)).toBeLessThan(BigInt(first.entries[1]!.id));
  });
});
