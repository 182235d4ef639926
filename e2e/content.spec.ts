import { expect, test } from "@playwright/test";
import { runHook } from "./engine-hook";
import { flowFile, importFlow } from "./flow-file";

// The coupon template library as a marketer uses it: a template made in the form (its mistakes
// shown on their fields), issued by a flow, its figures on the list, and an edit of its terms
// that makes a new revision while the coupon already issued keeps its own.

test("a coupon template made in the library is issued by a flow, counted, and edited into a new revision", async ({ page, request }) => {
  test.setTimeout(150_000);
  const name = `E2E ¥25 off ¥199 ${Date.now()}`;
  await page.goto("/content");
  await expect(page.getByTestId("coupon-templates-table").or(page.getByText("No coupon templates yet"))).toBeVisible();
  await expect(async () => {
    await page.getByTestId("new-coupon-template").click();
    await expect(page.getByTestId("coupon-template-form")).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });

  const form = page.getByTestId("coupon-template-form");
  await form.getByTestId("ct-name").fill(name);
  await form.getByTestId("ct-value").fill("250");
  await form.getByTestId("ct-min").fill("199");
  await form.getByTestId("ct-prefix").fill("e2e-");
  await form.getByTestId("ct-save").click();
  // More off than the minimum spend: said on the value field, nothing saved.
  await expect(form.getByTestId("error-value")).toHaveText("The amount off cannot exceed the minimum spend");
  await form.getByTestId("ct-value").fill("25");
  await form.getByTestId("ct-save").click();
  await expect(form).toBeHidden();
  const row = page.getByTestId(`coupon-template-${name}`);
  await expect(row).toContainText("¥25 off over ¥199");
  await expect(row).toContainText("Revision 1");
  const templateId = (await row.getAttribute("data-id"))!;

  // A flow issues it to one member.
  const nodes = [
    { id: "start", kind: "manual_trigger", name: "Run by hand", config: {} },
    { id: "coupon", kind: "issue_coupon", name: "Library coupon", config: { template: { mode: "existing", id: templateId } } },
    { id: "done", kind: "exit", name: "Done", config: {} },
  ];
  const edges = [
    { id: "e0", source: "start", branch: "out", target: "coupon" },
    { id: "e1", source: "coupon", branch: "out", target: "done" },
  ];
  const flowName = `E2E library ${Date.now()}`;
  const flowId = await importFlow(page, flowFile(flowName, nodes, edges));
  await page.getByTestId("publish-button").click();
  await page.getByTestId("publish-confirm").click();
  await expect(page.getByTestId("version-label")).toHaveText("Live: v1");
  const [memberId] = await runHook<number[]>("pick", flowId, "1");
  await runHook("run", flowId, String(memberId));
  const code = (await runHook<string>("coupon", flowId, String(memberId)))!;
  expect(code).toMatch(/^E2E-/);

  await page.goto("/content");
  await expect(row.getByTestId("figure-issued")).toHaveText("1");
  await expect(row.getByTestId("figure-redeemed")).toHaveText("0");
  await expect(row).toContainText("¥25.00");
  await expect(row.getByTestId("template-flows")).toHaveText(flowName);

  // Raise the value: revision 2; the coupon the member holds keeps ¥25.
  await row.click();
  await expect(form.getByTestId("ct-value")).toHaveValue("25");
  await expect(form).toContainText("1 coupon was issued from this template");
  await form.getByTestId("ct-value").fill("40");
  await form.getByTestId("ct-save").click();
  await expect(form).toBeHidden();
  await expect(row).toContainText("Revision 2");
  await expect(row).toContainText("¥40 off over ¥199");

  const { key } = await runHook<{ key: string }>("key", "wallet:read", "100");
  const member = (await runHook<string>("member", String(memberId)))!;
  const wallet = (await (await request.get(`/api/storefront/v1/members/${member}/wallet`, { headers: { authorization: `Bearer ${key}` } })).json()) as { coupons: { code: string; value: number }[] };
  expect(wallet.coupons.find((c) => c.code === code)?.value).toBe(25);

  await row.click();
  await expect(form.getByTestId("ct-revisions").locator("li")).toHaveCount(2);
});
