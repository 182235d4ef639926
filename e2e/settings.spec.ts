import http from "node:http";
import type { AddressInfo } from "node:net";
import { createHmac } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { runHook } from "./engine-hook";
import { flowFile, importFlow } from "./flow-file";

// Settings as an admin uses it: an API key made in the form works against the storefront API at
// once and stops working when revoked; a webhook made in the form receives a signed test
// delivery, whose attempts Settings then shows; the demo storefront runs the loop with a real key.

const V1 = "/api/storefront/v1";

/** The settings page, hydrated (the keys table is filled in by the client). */
async function openSettings(page: Page) {
  await page.goto("/settings?tab=storefront");
  await expect(page.getByTestId("keys-table").or(page.getByText("No API keys yet"))).toBeVisible();
}

test("an API key made in Settings is shown once, works at once, and stops working when revoked", async ({ page, request }) => {
  await openSettings(page);
  const name = `E2E till ${Date.now()}`;
  // Nothing filled in: the form says what is missing, field by field.
  await expect(async () => {
    await page.getByTestId("create-key").click();
    await expect(page.getByText("Give the key a name")).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });

  await page.getByTestId("key-name").fill(name);
  await page.getByTestId("create-key").click();
  const secret = (await page.getByTestId("new-key-value").textContent())!.trim();
  expect(secret).toMatch(/^mf_live_[0-9a-f]{8}_/);
  const prefix = secret.split("_").slice(0, 3).join("_");
  await expect(page.getByTestId(`key-row-${prefix}`)).toContainText(name);

  const member = (await runHook<string>("member", "1"))!;
  const wallet = await request.get(`${V1}/members/${member}/wallet`, { headers: { authorization: `Bearer ${secret}` } });
  expect(wallet.status()).toBe(200);
  expect(((await wallet.json()) as { member: { externalId: string } }).member.externalId).toBe(member);
  // The default scopes leave out members:write.
  const upsert = await request.put(`${V1}/members/${member}`, { headers: { authorization: `Bearer ${secret}` }, data: { name: "x" } });
  expect(upsert.status()).toBe(403);

  // Last use shows once the list is fetched again (it is written off the request's path).
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId(`key-row-${prefix}`)).not.toContainText("Never", { timeout: 2_000 });
  }).toPass({ timeout: 30_000 });

  page.once("dialog", (dialog) => void dialog.accept());
  await page.getByTestId(`revoke-${prefix}`).click();
  await expect(page.getByTestId(`key-row-${prefix}`)).toContainText("Revoked");
  const after = await request.get(`${V1}/members/${member}/wallet`, { headers: { authorization: `Bearer ${secret}` } });
  expect(after.status()).toBe(401);
});

test("a webhook made in Settings receives a signed test delivery, and Settings shows its attempt", async ({ page }) => {
  const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  const receiver = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      res.writeHead(200).end("thanks");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  try {
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/memberflow`;
    const name = `E2E shop ${Date.now()}`;
    await openSettings(page);
    await expect(async () => {
      await page.getByTestId("webhook-url").fill("ftp://nowhere");
      await page.getByTestId("create-webhook").click();
      await expect(page.getByTestId("webhook-url-error")).toHaveText("Use an http:// or https:// address", { timeout: 2_000 });
    }).toPass({ timeout: 30_000 });

    await page.getByTestId("webhook-name").fill(name);
    await page.getByTestId("webhook-url").fill(url);
    await page.getByTestId("create-webhook").click();
    const secret = (await page.getByTestId("new-webhook-secret-value").textContent())!.trim();
    expect(secret).toMatch(/^whsec_/);

    await page.getByTestId(`webhook-test-${name}`).click();
    // The sender runs every minute; run one pass now (any worker pass already running makes this one find nothing).
    await expect(async () => {
      await runHook("deliver-webhooks");
      expect(received.length).toBeGreaterThan(0);
    }).toPass({ timeout: 90_000 });

    const [post] = received;
    const signature = String(post!.headers["x-memberflow-signature"]);
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(signature)!;
    expect(createHmac("sha256", secret).update(`${t}.${post!.body}`).digest("hex")).toBe(v1);
    const body = JSON.parse(post!.body) as { events: { id: string; type: string }[] };
    expect(body.events).toEqual([expect.objectContaining({ type: "webhook.ping", id: expect.stringMatching(/^evt_\d+$/) })]);

    await page.getByTestId(`webhook-open-${name}`).click();
    const delivery = page.getByTestId("webhook-deliveries").locator(`[data-testid="delivery-${post!.headers["x-memberflow-delivery"]}"]`);
    await expect(delivery).toContainText("Delivered", { timeout: 15_000 });
    await delivery.locator("summary").click();
    await expect(delivery).toContainText("200");
    await expect(delivery).toContainText("thanks");
  } finally {
    await new Promise((resolve) => receiver.close(resolve));
  }
});

const couponNodes = [
  { id: "start", kind: "manual_trigger", name: "Run by hand", config: {} },
  { id: "coupon", kind: "issue_coupon", name: "Demo coupon", config: { template: { mode: "inline", name: "E2E demo ¥10 off", type: "amount", value: 10, minSpend: 0, validDays: 7 } } },
  { id: "done", kind: "exit", name: "Done", config: {} },
];
const couponEdges = [
  { id: "e0", source: "start", branch: "out", target: "coupon" },
  { id: "e1", source: "coupon", branch: "out", target: "done" },
];

test("the demo storefront shows a member's new coupon, redeems it and places an order through the real API", async ({ page }) => {
  test.setTimeout(120_000);
  const flowId = await importFlow(page, flowFile(`E2E demo ${Date.now()}`, couponNodes, couponEdges));
  await page.getByTestId("publish-button").click();
  await page.getByTestId("publish-confirm").click();
  await expect(page.getByTestId("version-label")).toHaveText("Live: v1");
  const [memberId] = await runHook<number[]>("pick", flowId, "1");
  const member = (await runHook<string>("member", String(memberId)))!;
  const { key } = await runHook<{ key: string }>("key", "wallet:read,coupons:redeem,events:write", "100");

  await page.goto("/settings/storefront-demo");
  await expect(page.getByText("Paste a key to open the member's wallet.")).toBeVisible();
  await expect(async () => {
    await page.getByTestId("demo-member").fill(member);
    await page.getByTestId("demo-key").fill(key);
    await expect(page.getByTestId("demo-member-line")).toContainText(member, { timeout: 5_000 });
  }).toPass({ timeout: 30_000 });

  // The flow issues the coupon; the wallet shows it within its 2-second refresh.
  await runHook("run", flowId, String(memberId));
  const code = (await runHook<string>("coupon", flowId, String(memberId)))!;
  await expect(page.getByTestId(`demo-coupon-${code}`)).toBeVisible({ timeout: 10_000 });
  await page.getByTestId(`demo-redeem-${code}`).click();
  await expect(page.getByTestId("demo-log")).toContainText(`Redeemed ${code}: ¥10 off`);
  await expect(page.getByTestId(`demo-coupon-${code}`)).toHaveCount(0, { timeout: 10_000 });

  await page.getByTestId("demo-place-order").click();
  await expect(page.getByTestId("demo-log")).toContainText("Order of ¥199: accepted");
  const stats = await runHook<{ order_count: number }>("stats", member);
  expect(Number(stats.order_count)).toBeGreaterThanOrEqual(1);
});
