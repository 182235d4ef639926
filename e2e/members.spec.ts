import { expect, test } from "@playwright/test";

// The demo base is deterministic, so its members can be looked up by external id.
test("search a member and open the member page with orders and timeline", async ({ page }) => {
  await page.goto("/members");
  await expect(page.getByRole("heading", { name: "Members" })).toBeVisible();
  const firstRow = page.locator("tbody tr").first();
  await expect(firstRow).toBeVisible();
  const externalId = (await firstRow.locator(".font-mono").first().textContent())?.trim();
  expect(externalId).toBeTruthy();

  await page.getByRole("searchbox").fill(externalId!);
  await expect(page).toHaveURL(new RegExp(`q=${externalId}`));
  await expect(page.getByTestId("members-total")).toHaveText(/^1 member$/);
  const row = page.locator("tbody tr").first();
  const name = (await row.getByRole("link").textContent())?.trim();
  await row.getByRole("link").click();

  await expect(page).toHaveURL(/\/members\/\d+$/);
  await expect(page.getByRole("heading", { name: name! })).toBeVisible();
  await expect(page.getByText(externalId!)).toBeVisible();
  await expect(page.getByTestId("member-orders")).toBeVisible();
  await expect(page.getByTestId("member-timeline").locator("li").first()).toBeVisible();
});

test("filters by tier narrow the list", async ({ page }) => {
  await page.goto("/members");
  const total = page.getByTestId("members-total");
  await expect(total).toBeVisible();
  const before = Number((await total.textContent())!.replace(/\D/g, ""));
  await page.getByRole("combobox", { name: "Tier" }).click();
  await page.getByRole("option").nth(1).click();
  await expect(page).toHaveURL(/tier=/);
  await expect.poll(async () => Number((await total.textContent())!.replace(/\D/g, ""))).toBeLessThan(before);
});

test("switches the interface language", async ({ page }) => {
  await page.goto("/members");
  await expect(page.getByRole("heading", { name: "Members" })).toBeVisible();
  await page.getByRole("button", { name: "Language" }).click();
  await page.getByRole("menuitem", { name: /中文/ }).click();
  await expect(page.getByRole("heading", { name: "会员" })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
  // The choice is kept (a cookie), whatever the browser's language says.
  await page.reload();
  await expect(page.getByRole("heading", { name: "会员" })).toBeVisible();
  await page.getByRole("button", { name: "语言" }).click();
  await page.getByRole("menuitem", { name: "English" }).click();
  await expect(page.getByRole("heading", { name: "Members" })).toBeVisible();
});
