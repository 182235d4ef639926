import { expect, test, type Page } from "@playwright/test";

// Builds an audience in the browser on the demo base: city is any of 上海市 (picked through the
// server-side search) AND at least 1 order in the last 90 days; the live count must follow the
// edits and stay below the member total; the saved audience reloads with the same rules and size.

const countOf = async (page: Page) => {
  const count = page.getByTestId("audience-count");
  await expect(count).toHaveAttribute("data-state", "ready");
  return Number(await count.getAttribute("data-count"));
};

test("build, count, save and reload an audience", async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto("/audiences/new");
  await expect(page.getByRole("heading", { name: "New audience" })).toBeVisible();

  // The empty tree matches everyone: the count equals the total.
  const count = page.getByTestId("audience-count");
  await expect(count).toHaveAttribute("data-total", /^\d+$/, { timeout: 60_000 });
  const total = Number(await count.getAttribute("data-total"));
  expect(total).toBeGreaterThan(0);
  expect(await countOf(page)).toBe(total);

  const name = `Shanghai buyers ${Date.now()}`;
  await page.getByTestId("audience-name").fill(name);

  // Rule 1: city is any of 上海市, found by searching.
  await page.getByTestId("add-rule").click();
  await page.getByTestId("field-picker-menu").getByRole("combobox").fill("City");
  await page.getByTestId("field-option-city").click();
  const cityRule = page.getByTestId("condition-rule").nth(0);
  await expect(cityRule).toHaveAttribute("data-field", "city");
  await expect(cityRule.getByTestId("rule-operator")).toHaveText(/is any of/);
  // Incomplete rule: no count is sent, the editor says so.
  await expect(count).toHaveAttribute("data-state", "invalid");
  // The field picker closes on choice; on a busy machine it may still be closing.
  await expect(page.getByTestId("field-picker-menu")).toBeHidden();
  await cityRule.getByTestId("value-multi-select").click();
  await page.getByRole("dialog").getByRole("combobox").fill("上海");
  await page.getByRole("option", { name: /^上海市/ }).first().click();
  await page.keyboard.press("Escape");
  await expect(cityRule.getByTestId("value-multi-select")).toContainText("上海市");
  await expect(cityRule).toHaveAttribute("data-valid", "true");

  await expect.poll(() => countOf(page), { timeout: 30_000 }).toBeLessThan(total);
  const shanghai = await countOf(page);
  expect(shanghai).toBeGreaterThan(0);

  // Rule 2: orders in the last 90 days at least 1.
  await page.getByTestId("add-rule").click();
  // Each field says how fresh it is: orders move live with hourly windows, RFM scores hourly.
  await expect(page.getByTestId("field-freshness-rfm_recency")).toHaveText("Hourly");
  await expect(page.getByTestId("field-freshness-tags")).toHaveText("Live");
  await page.getByTestId("field-picker-menu").getByRole("combobox").fill("Orders");
  await expect(page.getByTestId("field-freshness-order_count")).toHaveText("Live · windows hourly");
  await page.getByTestId("field-option-order_count").click();
  const orderRule = page.getByTestId("condition-rule").nth(1);
  await expect(orderRule).toHaveAttribute("data-field", "order_count");
  await expect(orderRule.getByTestId("rule-operator")).toHaveText(/at least/);
  await orderRule.getByTestId("value-number").fill("1");
  await orderRule.getByTestId("window-kind").click();
  await page.getByRole("option", { name: "the last 90 days" }).click();
  await expect(orderRule).toHaveAttribute("data-valid", "true");

  await expect.poll(() => countOf(page), { timeout: 30_000 }).not.toBe(shanghai);
  const final = await countOf(page);
  expect(final).toBeGreaterThan(0);
  expect(final).toBeLessThan(shanghai);
  await expect(page.getByTestId("audience-count-share")).toContainText(/% of [\d,]+ members/);

  // The sample lists matching members, linking to their pages.
  await page.getByTestId("audience-sample-toggle").click();
  const firstSample = page.getByTestId("sample-member").first();
  await expect(firstSample).toContainText("上海市");
  await expect(firstSample.getByRole("link")).toHaveAttribute("href", /^\/members\/\d+$/);

  // Save, then reload the saved audience.
  await page.getByTestId("audience-save").click();
  await expect(page).toHaveURL(/\/audiences\/(?!new)[^/]+$/, { timeout: 60_000 });
  await expect(page.getByTestId("audience-size")).toHaveAttribute("data-size", String(final));
  await page.reload();

  await expect(page.getByRole("heading", { name })).toBeVisible();
  const rules = page.getByTestId("condition-rule");
  await expect(rules).toHaveCount(2);
  await expect(rules.nth(0)).toHaveAttribute("data-field", "city");
  await expect(rules.nth(0)).toHaveAttribute("data-operator", "in");
  await expect(rules.nth(0).getByTestId("value-multi-select")).toContainText("上海市");
  await expect(rules.nth(1)).toHaveAttribute("data-field", "order_count");
  await expect(rules.nth(1)).toHaveAttribute("data-operator", "gte");
  await expect(rules.nth(1).getByTestId("value-number")).toHaveValue("1");
  await expect(rules.nth(1).getByTestId("window-kind")).toHaveText(/the last 90 days/);
  await expect(page.getByTestId("audience-size")).toHaveAttribute("data-size", String(final));
  expect(await countOf(page)).toBe(final);
  await expect(page.getByTestId("audience-dirty")).toHaveAttribute("data-dirty", "false");

  // It is listed with its size.
  await page.goto("/audiences");
  const row = page.getByTestId("audience-row").filter({ hasText: name });
  await expect(row).toBeVisible();
  await expect(row.getByTestId("audience-row-size")).toHaveText(final.toLocaleString("en-US"));
  await expect(row.getByTestId("audience-kind")).toHaveText(/Conditions/);
});

test("imports a static audience from a CSV of external ids", async ({ page }) => {
  await page.goto("/members");
  await expect(page.locator("tbody tr .font-mono").nth(2)).toBeVisible();
  const ids = (await page.locator("tbody tr .font-mono").allTextContents()).slice(0, 3).map((s) => s.trim());
  expect(ids.length).toBe(3);

  await page.goto("/audiences/new?kind=static");
  const name = `CSV list ${Date.now()}`;
  await page.getByTestId("csv-name").fill(name);
  await page.getByTestId("csv-file").setInputFiles({
    name: "members.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(["external_id", ...ids, "NOPE-404"].join("\n")),
  });
  await expect(page.getByTestId("csv-preview")).toContainText("5 lines");
  await page.getByTestId("csv-import").click();
  const result = page.getByTestId("csv-result");
  await expect(result).toContainText("3 members matched of 4 ids");
  await expect(result).toContainText("NOPE-404");
  await result.getByRole("link", { name: "Open the audience" }).click();
  await expect(page.getByRole("heading", { name })).toBeVisible();
  await expect(page.getByTestId("audience-size")).toHaveAttribute("data-size", "3");
  await expect(page.getByTestId("static-members").getByTestId("sample-member")).toHaveCount(3);
});
