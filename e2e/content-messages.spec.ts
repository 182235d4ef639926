import { expect, test, type APIRequestContext } from "@playwright/test";

// Message templates and the outbox as a marketer uses them: an SMS in Chinese with a variable, its
// segment counter, a preview for a real member found by search, an unknown variable refused before
// save; then the outbox filtered by status and member, one message opened as the member saw it.

async function trpcQuery<T>(request: APIRequestContext, path: string, input: unknown): Promise<T> {
  const response = await request.get(`/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`);
  expect(response.ok()).toBe(true);
  return ((await response.json()) as { result: { data: { json: T } } }).result.data.json;
}

test("an SMS template in Chinese: counted, previewed for a real member, unknown variables refused", async ({ page, request }) => {
  test.setTimeout(120_000);
  const { members } = await trpcQuery<{ members: { id: number; name: string; externalId: string }[] }>(request, "members.list", { page: 1, pageSize: 5 });
  const member = members[0]!;
  const name = `E2E 积分提醒 ${Date.now()}`;

  await page.goto("/content?tab=messages");
  await expect(page.getByTestId("message-templates")).toBeVisible();
  await expect(async () => {
    await page.getByTestId("new-message-template").click();
    await expect(page.getByTestId("message-template-form")).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  const form = page.getByTestId("message-template-form");
  await form.getByTestId("mt-name").fill(name);

  // 70 Chinese characters fit one SMS; one more makes two parts of at most 67.
  await form.getByTestId("mt-body").fill("您".repeat(70));
  await expect(form.getByTestId("mt-segments")).toContainText("1 SMS · 70 characters · UCS-2");
  await form.getByTestId("mt-body").fill("您".repeat(71));
  await expect(form.getByTestId("mt-segments")).toContainText("2 SMS parts · 71 characters · UCS-2");

  // A variable from the list, and one the engine does not know: flagged as typed, refused on save.
  await form.getByTestId("mt-body").fill("【会员中心】");
  await form.getByTestId("mt-var-member.name").click();
  await form.getByTestId("mt-body").press("End");
  await form.getByTestId("mt-body").pressSequentially("，您的积分 {{member.points}}，昵称 {{member.nick}}");
  await expect(form.getByTestId("mt-body")).toHaveValue("【会员中心】{{member.name}}，您的积分 {{member.points}}，昵称 {{member.nick}}");
  await expect(form.getByTestId("mt-unknown-body")).toContainText("{{member.nick}}");
  await form.getByTestId("mt-save").click();
  await expect(form.getByTestId("mt-error-body")).toHaveText("Unknown variable: use ones from the list, e.g. {{member.name}} or {{coupon.code}}");
  await expect(form).toBeVisible();

  // The preview for a member found by search: their own values, filled by the engine.
  const preview = page.getByTestId("mt-preview");
  await preview.getByTestId("mt-preview-member").locator("[data-slot=combobox-trigger]").click();
  await page.getByPlaceholder("Search by name, phone or member id").fill(member.externalId);
  await page.getByRole("option", { name: new RegExp(member.externalId) }).click();
  const detail = await trpcQuery<{ pointsBalance: number }>(request, "members.get", { id: member.id });
  await expect(preview.getByTestId("mt-preview-card-body")).toHaveText(`【会员中心】${member.name}，您的积分 ${detail.pointsBalance}，昵称 `);
  await expect(form.getByTestId("mt-segments")).toContainText("with this member's values");

  // Fixed, it saves and is listed.
  await form.getByTestId("mt-body").fill("【会员中心】{{member.name}}，您的积分 {{member.points}}");
  await expect(form.getByTestId("mt-unknown-body")).toBeHidden();
  await form.getByTestId("mt-save").click();
  await expect(form).toBeHidden();
  const row = page.getByTestId(`message-template-${name}`);
  await expect(row).toContainText("SMS");
  await expect(row.getByTestId("figure-sent")).toHaveText("0");
});

test("the outbox filters by status and member and shows a message as the member saw it", async ({ page, request }) => {
  test.setTimeout(120_000);
  const sent = await trpcQuery<{ rows: { id: number; status: string; member: { id: number; name: string; externalId: string } }[] }>(request, "content.messages.outbox", {
    status: "sent",
    pageSize: 5,
  });
  test.skip(sent.rows.length === 0, "no sent messages in this database yet");
  const target = sent.rows[0]!;

  await page.goto("/content?tab=outbox");
  await expect(page.getByTestId("outbox-table")).toBeVisible();
  await page.getByTestId("outbox-status-sent").click();
  await expect(page.getByTestId("outbox-status-sent")).toHaveClass(/bg-primary/);
  await expect(async () => {
    const statuses = await page.getByTestId("outbox-row").locator("td:nth-child(5) [data-slot=badge]").allTextContents();
    expect(statuses.length).toBeGreaterThan(0);
    expect(new Set(statuses)).toEqual(new Set(["Sent"]));
  }).toPass({ timeout: 15_000 });

  await page.getByTestId("outbox-member").locator("[data-slot=combobox-trigger]").click();
  await page.getByPlaceholder("Search by name, phone or member id").fill(target.member.externalId);
  await page.getByRole("option", { name: new RegExp(target.member.externalId) }).click();
  await expect(async () => {
    const ids = await page.getByTestId("outbox-row").locator("td:nth-child(2)").allTextContents();
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.every((text) => text.includes(target.member.externalId))).toBe(true);
  }).toPass({ timeout: 15_000 });

  await page.locator(`[data-testid=outbox-row][data-id="${target.id}"]`).click();
  const detail = page.getByTestId("outbox-detail");
  await expect(detail).toContainText("The text exactly as it was sent.");
  await expect(detail.getByTestId("outbox-detail-member")).toHaveAttribute("href", `/members/${target.member.id}`);
  await expect(detail.getByTestId("outbox-detail-card-body")).not.toContainText("{{");
});
