import { createHmac, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import { deliverOutbox, deliverWebhooks } from "./deliver";
import { httpProvider, localProvider, smtpProvider, type MessageProvider, type OutgoingMessage, type Providers } from "./providers";

const NOW = new Date("2026-03-10T02:00:00Z");
const MINUTE = 60_000;
const SECRET = "whsec_test_secret";
const VARIABLES = { "member.name": "张三", "coupon.code": "AB12" };
const BODY = "Hi {{member.name}}, code {{ coupon.code }}";
const RENDERED = "Hi 张三, code AB12";

let t: TestDatabase;
let memberId: number;
let memberWithoutEmailId: number;

beforeAll(async () => {
  t = await createTestDatabase();
  await t.db.tier.create({ data: { id: "bronze", name: "青铜", nameEn: "Bronze", rank: 1, growthThreshold: 0 } });
  const member = { registeredAt: new Date("2024-01-01T00:00:00Z"), registrationChannel: "app", tierId: "bronze" };
  memberId = (
    await t.db.member.create({ data: { ...member, externalId: "M-1", name: "张三", email: "zhangsan@example.com", phone: "+8613800000001" } })
  ).id;
  memberWithoutEmailId = (await t.db.member.create({ data: { ...member, externalId: "M-2", name: "李四", phone: "+8613800000002" } })).id;
});
afterAll(() => t.drop());
beforeEach(async () => {
  await t.pool.query("DELETE FROM notifications");
  await t.pool.query("DELETE FROM webhook_deliveries");
});

type NotificationRow = {
  id: string;
  status: string;
  title: string;
  body: string;
  attempts: number;
  provider: string | null;
  error: string | null;
  scheduled_for: Date;
  sent_at: Date | null;
};

async function queueNotification(fields: { channel?: string; memberId?: number; title?: string; body?: string; scheduledFor?: Date; status?: string } = {}) {
  const { rows } = await t.pool.query<{ id: string }>(
    `INSERT INTO notifications (member_id, channel, title, body, variables, status, scheduled_for)
     VALUES ($1, $2::"Channel", $3, $4, $5, $6::"NotificationStatus", $7) RETURNING id`,
    [
      fields.memberId ?? memberId,
      fields.channel ?? "sms",
      fields.title ?? "",
      fields.body ?? BODY,
      JSON.stringify(VARIABLES),
      fields.status ?? "queued",
      fields.scheduledFor ?? new Date(NOW.getTime() - MINUTE),
    ],
  );
  return Number(rows[0]!.id);
}

async function notification(id: number): Promise<NotificationRow> {
  const { rows } = await t.pool.query<NotificationRow>("SELECT * FROM notifications WHERE id = $1", [id]);
  return rows[0]!;
}

/** A provider that keeps what it was given, and fails when told to. */
function recordingProvider(name = "recording", behaviour: { fail?: Error; delayMs?: number } = {}) {
  const received: OutgoingMessage[] = [];
  const provider: MessageProvider = {
    name,
    async send(message) {
      if (behaviour.delayMs) await new Promise((resolve) => setTimeout(resolve, behaviour.delayMs));
      if (behaviour.fail) throw behaviour.fail;
      received.push(message);
      return { providerMessageId: `msg-${message.notificationId}` };
    },
  };
  return { provider, received };
}

const allChannels = (provider: MessageProvider): Providers => ({ sms: provider, email: provider, push: provider, in_app: provider, webhook: provider });

/** Checks `t=<seconds>,v1=<hex>` the way a receiver would, with its own HMAC. */
function verifySignature(header: string | undefined, body: string): void {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? "");
  expect(match, `signature header: ${header}`).not.toBeNull();
  const [, timestamp, mac] = match!;
  expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(60);
  const expected = createHmac("sha256", SECRET).update(`${timestamp}.${body}`).digest();
  expect(timingSafeEqual(Buffer.from(mac!, "hex"), expected)).toBe(true);
}

type ReceivedRequest = { method: string; url: string; headers: http.IncomingHttpHeaders; body: string };

/** A local HTTP endpoint that records requests and answers with `status()`. */
async function startEndpoint(status: () => number = () => 200, answer = "{}") {
  const requests: ReceivedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(status(), { "content-type": "application/json" }).end(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, requests, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe("deliverOutbox", () => {
  it("sends a due notification and stores the rendered message", async () => {
    const id = await queueNotification({ title: "{{member.name}}，您好" });
    const { provider, received } = recordingProvider();

    expect(await deliverOutbox(t.pool, { providers: allChannels(provider), now: NOW })).toEqual({ sent: 1, failed: 0 });

    expect(received).toEqual([
      {
        notificationId: id,
        channel: "sms",
        to: { memberId, externalId: "M-1", email: "zhangsan@example.com", phone: "+8613800000001" },
        title: "张三，您好",
        body: RENDERED,
      },
    ]);
    expect(await notification(id)).toMatchObject({
      status: "sent",
      title: "张三，您好",
      body: RENDERED,
      provider: "recording",
      attempts: 1,
      error: null,
      sent_at: NOW,
    });
  });

  it("sends deferred rows once their time has come", async () => {
    const id = await queueNotification({ status: "deferred" });
    const { provider, received } = recordingProvider();
    await deliverOutbox(t.pool, { providers: allChannels(provider), now: NOW });
    expect(received.map((m) => m.notificationId)).toEqual([id]);
    expect((await notification(id)).status).toBe("sent");
  });

  it("does not send a row scheduled in the future", async () => {
    const id = await queueNotification({ scheduledFor: new Date(NOW.getTime() + 60 * MINUTE) });
    const { provider, received } = recordingProvider();

    expect(await deliverOutbox(t.pool, { providers: allChannels(provider), now: NOW })).toEqual({ sent: 0, failed: 0 });

    expect(received).toEqual([]);
    expect(await notification(id)).toMatchObject({ status: "queued", attempts: 0, body: BODY });
  });

  it("keeps in-app messages in the app even when another provider is configured", async () => {
    const id = await queueNotification({ channel: "in_app", title: "新消息" });
    const { provider, received } = recordingProvider("elsewhere");
    await deliverOutbox(t.pool, { providers: allChannels(provider), now: NOW });
    expect(received).toEqual([]);
    expect(await notification(id)).toMatchObject({ status: "sent", provider: localProvider.name, body: RENDERED });
  });

  it("leaves a row whose provider failed queued, with a short error and a later time", async () => {
    const id = await queueNotification();
    const failure = new Error("gateway unavailable\n    at somewhere (gateway.ts:1:1)");
    const { provider } = recordingProvider("flaky", { fail: failure });

    expect(await deliverOutbox(t.pool, { providers: allChannels(provider), now: NOW })).toEqual({ sent: 0, failed: 1 });

    const row = await notification(id);
    expect(row).toMatchObject({ status: "queued", attempts: 1, body: BODY, provider: "flaky", sent_at: null });
    expect(row.error).toBe("gateway unavailable at somewhere (gateway.ts:1:1)");
    expect(row.scheduled_for).toEqual(new Date(NOW.getTime() + MINUTE));
  });

  it("backs off 1, 2, 4, 8 minutes and gives up after the 5th attempt", async () => {
    const id = await queueNotification({ scheduledFor: NOW });
    const { provider } = recordingProvider("down", { fail: new Error("down") });
    const providers = allChannels(provider);
    const delays: number[] = [];
    let dueAt = NOW;
    for (let attempt = 1; attempt <= 5; attempt++) {
      expect(await deliverOutbox(t.pool, { providers, now: new Date(dueAt.getTime() - 1) })).toEqual({ sent: 0, failed: 0 });
      expect(await deliverOutbox(t.pool, { providers, now: dueAt })).toEqual({ sent: 0, failed: 1 });
      const row = await notification(id);
      expect(row.attempts).toBe(attempt);
      expect(row.status).toBe(attempt < 5 ? "queued" : "failed");
      delays.push((row.scheduled_for.getTime() - dueAt.getTime()) / MINUTE);
      dueAt = row.scheduled_for;
    }
    expect(delays.slice(0, 4)).toEqual([1, 2, 4, 8]);
    // Given up: not taken again, however late.
    expect(await deliverOutbox(t.pool, { providers, now: new Date(dueAt.getTime() + 86_400_000) })).toEqual({ sent: 0, failed: 0 });
  });

  it("fails a member without an email address and sends real email over SMTP to the others", async () => {
    const mails: { envelopeTo: string[]; raw: string }[] = [];
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"], // plain SMTP on localhost; nodemailer would try the test certificate
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on("data", (chunk: Buffer) => chunks.push(chunk));
        stream.on("end", () => {
          mails.push({ envelopeTo: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString("utf8") });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
    try {
      const port = (smtp.server.address() as AddressInfo).port;
      const email = smtpProvider(`smtp://127.0.0.1:${port}`, "Memberflow <noreply@memberflow.test>");
      const withEmail = await queueNotification({ channel: "email", title: "{{member.name}}，您的优惠券", body: BODY });
      const withoutEmail = await queueNotification({ channel: "email", memberId: memberWithoutEmailId, title: "Your coupon", body: BODY });

      const counts = await deliverOutbox(t.pool, { providers: { ...allChannels(localProvider), email }, now: NOW });

      expect(counts).toEqual({ sent: 1, failed: 1 });
      expect(mails).toHaveLength(1);
      const mail = parseMail(mails[0]!.raw);
      expect(mails[0]!.envelopeTo).toEqual(["zhangsan@example.com"]);
      expect(mail.header("subject")).toBe("张三，您的优惠券");
      expect(mail.header("from")).toBe("Memberflow <noreply@memberflow.test>");
      expect(mail.body).toBe(RENDERED);
      expect(await notification(withEmail)).toMatchObject({ status: "sent", provider: "smtp", title: "张三，您的优惠券", body: RENDERED });
      expect(await notification(withoutEmail)).toMatchObject({ status: "queued", attempts: 1, error: "Member M-2 has no email address" });
    } finally {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    }
  });

  it("posts SMS to a gateway as signed JSON", async () => {
    const gateway = await startEndpoint(() => 200, '{"id":"sms-123"}');
    try {
      const id = await queueNotification({ channel: "sms" });
      const sms = httpProvider("sms-webhook", `${gateway.url}/sms`, SECRET);
      expect(await deliverOutbox(t.pool, { providers: { ...allChannels(localProvider), sms }, now: NOW })).toEqual({ sent: 1, failed: 0 });

      expect(gateway.requests).toHaveLength(1);
      const request = gateway.requests[0]!;
      expect(request).toMatchObject({ method: "POST", url: "/sms" });
      verifySignature(request.headers["x-memberflow-signature"] as string | undefined, request.body);
      expect(JSON.parse(request.body)).toMatchObject({ notificationId: id, channel: "sms", body: RENDERED, to: { phone: "+8613800000001" } });
      expect(await notification(id)).toMatchObject({ status: "sent", provider: "sms-webhook" });
    } finally {
      await gateway.close();
    }
  });

  it("sends each of 200 rows exactly once when two senders run at the same time", async () => {
    await t.pool.query(
      `INSERT INTO notifications (member_id, channel, body, variables, status, scheduled_for)
       SELECT $1, 'sms', $2, $3, (CASE WHEN i % 10 = 0 THEN 'deferred' ELSE 'queued' END)::"NotificationStatus", $4::timestamptz - i * interval '1 second'
       FROM generate_series(1, 200) AS i`,
      [memberId, BODY, JSON.stringify(VARIABLES), NOW],
    );
    const calls = new Map<number, number>();
    const provider: MessageProvider = {
      name: "counting",
      async send(message) {
        calls.set(message.notificationId, (calls.get(message.notificationId) ?? 0) + 1);
        await new Promise((resolve) => setTimeout(resolve, 2)); // overlap the two senders' batches
        return {};
      },
    };
    const options = { providers: allChannels(provider), now: NOW, limit: 25, untilEmpty: true };

    const [first, second] = await Promise.all([deliverOutbox(t.pool, options), deliverOutbox(t.pool, options)]);

    expect(first.sent + second.sent).toBe(200);
    expect(first.failed + second.failed).toBe(0);
    expect(calls.size).toBe(200);
    expect([...calls.values()].every((count) => count === 1)).toBe(true);
    const { rows } = await t.pool.query<{ status: string; count: string }>("SELECT status, count(*) FROM notifications GROUP BY status");
    expect(rows).toEqual([{ status: "sent", count: "200" }]);
  });
});

describe("deliverWebhooks", () => {
  let endpoint: Awaited<ReturnType<typeof startEndpoint>>;
  let answerStatus = 200;
  beforeAll(async () => {
    endpoint = await startEndpoint(() => answerStatus);
  });
  afterAll(() => endpoint.close());
  afterEach(() => {
    endpoint.requests.length = 0;
    answerStatus = 200;
  });

  async function queueWebhook(fields: { method?: string; bodyTemplate?: string; scheduledFor?: Date } = {}) {
    const { rows } = await t.pool.query<{ id: string }>(
      `INSERT INTO webhook_deliveries (member_id, url, method, headers, body_template, variables, scheduled_for)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [
        memberId,
        `${endpoint.url}/hooks/member`,
        fields.method ?? "POST",
        JSON.stringify([{ name: "X-Source", value: "memberflow-test" }]),
        fields.bodyTemplate ?? '{"memberId":"{{member.id}}","name":"{{member.name}}","code":"{{coupon.code}}"}',
        JSON.stringify({ "member.id": memberId, "member.name": '张三 "VIP"', "coupon.code": "AB12" }),
        fields.scheduledFor ?? new Date(NOW.getTime() - MINUTE),
      ],
    );
    return Number(rows[0]!.id);
  }

  async function delivery(id: number) {
    const { rows } = await t.pool.query<{ status: string; attempts: number; response_status: number | null; error: string | null; scheduled_for: Date; sent_at: Date | null }>(
      "SELECT * FROM webhook_deliveries WHERE id = $1",
      [id],
    );
    return rows[0]!;
  }

  it("posts the rendered body, signed, with the node's headers", async () => {
    const id = await queueWebhook();

    expect(await deliverWebhooks(t.pool, { secret: SECRET, now: NOW })).toEqual({ sent: 1, failed: 0 });

    expect(endpoint.requests).toHaveLength(1);
    const request = endpoint.requests[0]!;
    expect(request).toMatchObject({ method: "POST", url: "/hooks/member" });
    expect(request.headers["x-source"]).toBe("memberflow-test");
    expect(request.headers["content-type"]).toBe("application/json");
    verifySignature(request.headers["x-memberflow-signature"] as string | undefined, request.body);
    // The quotes in the name are escaped, so the body stays valid JSON.
    expect(JSON.parse(request.body)).toEqual({ memberId: String(memberId), name: '张三 "VIP"', code: "AB12" });
    expect(await delivery(id)).toMatchObject({ status: "sent", attempts: 1, response_status: 200, error: null, sent_at: NOW });
  });

  it("sends a GET without a body, signing the empty body", async () => {
    await queueWebhook({ method: "GET", bodyTemplate: "" });
    await deliverWebhooks(t.pool, { secret: SECRET, now: NOW });
    const request = endpoint.requests[0]!;
    expect(request).toMatchObject({ method: "GET", body: "" });
    verifySignature(request.headers["x-memberflow-signature"] as string | undefined, "");
  });

  it("retries a non-2xx answer later and does not call webhooks not yet due", async () => {
    answerStatus = 503;
    const id = await queueWebhook();
    const later = await queueWebhook({ scheduledFor: new Date(NOW.getTime() + MINUTE) });

    expect(await deliverWebhooks(t.pool, { secret: SECRET, now: NOW })).toEqual({ sent: 0, failed: 1 });

    expect(endpoint.requests).toHaveLength(1);
    expect(await delivery(id)).toMatchObject({
      status: "queued",
      attempts: 1,
      response_status: 503,
      error: "HTTP 503",
      scheduled_for: new Date(NOW.getTime() + MINUTE),
    });
    expect(await delivery(later)).toMatchObject({ status: "queued", attempts: 0 });
  });

  it("records an unreachable endpoint as a failed attempt", async () => {
    const { rows } = await t.pool.query<{ id: string }>(
      `INSERT INTO webhook_deliveries (member_id, url, method, body_template, scheduled_for) VALUES ($1, 'http://127.0.0.1:1/closed', 'POST', '{}', $2) RETURNING id`,
      [memberId, NOW],
    );
    expect(await deliverWebhooks(t.pool, { secret: SECRET, now: NOW })).toEqual({ sent: 0, failed: 1 });
    const row = await delivery(Number(rows[0]!.id));
    expect(row).toMatchObject({ status: "queued", attempts: 1, response_status: null });
    expect(row.error).toBeTruthy();
    expect(row.error!.length).toBeLessThanOrEqual(300);
  });
});

// ───────────────────────────── A small MIME reader for the received mail ─────────────────────────────

function parseMail(raw: string): { header: (name: string) => string | undefined; body: string } {
  const split = raw.indexOf("\r\n\r\n");
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, " "); // unfold continued header lines
  const headers = new Map<string, string>();
  for (const line of head.split("\r\n")) {
    const colon = line.indexOf(":");
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const header = (name: string) => {
    const value = headers.get(name);
    // RFC 2047 encoded words; the space between two of them is not part of the text.
    return value?.replace(/\?=\s+=\?/g, "?==?").replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_m, _charset, kind: string, text: string) =>
      kind.toUpperCase() === "B" ? Buffer.from(text, "base64").toString("utf8") : decodeQuotedPrintable(text.replaceAll("_", " ")),
    );
  };
  const encoded = raw.slice(split + 4);
  const encoding = headers.get("content-transfer-encoding")?.toLowerCase();
  const body =
    encoding === "base64"
      ? Buffer.from(encoded.replace(/\s+/g, ""), "base64").toString("utf8")
      : encoding === "quoted-printable"
        ? decodeQuotedPrintable(encoded.replace(/=\r\n/g, ""))
        : encoded;
  return { header, body: body.replace(/\r\n$/, "") };
}

function decodeQuotedPrintable(text: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "=" && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(text[i]!, "utf8"));
    }
  }
  return Buffer.from(bytes).toString("utf8");
}
