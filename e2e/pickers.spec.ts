import { expect, test, type APIRequestContext, type Page } from "@playwright/test";

// The condition editor's option pickers on the demo base: a picker with more than 50 options says
// how many there are and finds, by a server-side search, one beyond the first page (which then
// stays listed as selected); the business-district picker lists every district with its count,
// and only the chosen city's districts once the same AND group requires that city.

type OptionsPage = { options: { value: string | number; label: string; hint?: string }[]; total: number; exact: boolean };

async function options(request: APIRequestContext, input: Record<string, unknown>): Promise<OptionsPage> {
  const response = await request.get(`/api/trpc/audiences.options?input=${encodeURIComponent(JSON.stringify({ json: input }))}`);
  expect(response.ok(), await response.text()).toBe(true);
  return ((await response.json()) as { result: { data: { json: OptionsPage } } }).result.data.json;
}

async function addRule(page: Page, search: string, field: string) {
  await page.getByTestId("add-rule").last().click();
  await page.getByTestId("field-picker-menu").getByRole("combobox").fill(search);
  await page.getByTestId(`field-option-${field}`).click();
  await expect(page.getByTestId("field-picker-menu")).toBeHidden();
}

const n = (x: number) => x.toLocaleString("en-US");

test("pickers say how many more match, search the rest, and districts narrow to the chosen city", async ({ page, request }) => {
  test.setTimeout(180_000);
  const products = await options(request, { source: "products", limit: 200 });
  const firstPage = await options(request, { source: "products" });
  expect(products.total).toBeGreaterThan(50);
  expect(firstPage.options).toHaveLength(50);
  // the last product in the picker's order: not on its first page
  const beyond = products.total <= 200 ? products.options.at(-1)! : (await options(request, { source: "products", search: products.options.at(-1)!.hint! })).options[0]!;
  expect(firstPage.options.map((o) => o.value)).not.toContain(beyond.value);

  await page.goto("/audiences/new");
  await expect(page.getByRole("heading", { name: "New audience" })).toBeVisible({ timeout: 60_000 });

  // Purchased products: 50 shown, the footnote says of how many; typing finds the rest.
  await addRule(page, "Purchased products", "purchased_products");
  const productRule = page.getByTestId("condition-rule").nth(0);
  await productRule.getByTestId("value-multi-select").click();
  const dialog = page.getByRole("dialog");
  const footnote = dialog.locator('[data-slot="combobox-footnote"]');
  await expect(footnote).toHaveText(`Showing 50 of ${n(products.total)} — type to search`);
  await expect(dialog.getByRole("option")).toHaveCount(50);
  await expect(dialog.getByRole("option").filter({ hasText: beyond.hint! })).toHaveCount(0);
  await dialog.getByRole("combobox").fill(beyond.label);
  const found = dialog.getByRole("option").filter({ hasText: beyond.hint! });
  await expect(found).toHaveCount(1);
  await found.click();
  await expect(productRule.getByTestId("value-multi-select")).toContainText(beyond.label);
  // Back to the first page: the chosen product is beyond it, and stays listed, checked.
  await dialog.getByRole("combobox").fill("");
  await expect(footnote).toHaveText(`Showing 50 of ${n(products.total)} — type to search`);
  await expect(dialog.getByRole("option").first()).toContainText(beyond.label);
  await expect(dialog.getByRole("option").first()).toHaveAttribute("data-checked", "true");
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();

  // Business district with no city chosen: every district, with the count.
  const districts = await options(request, { source: "districts" });
  const shanghai = await options(request, { source: "districts", cities: ["上海市"], limit: 200 });
  expect(shanghai.total).toBeGreaterThan(0);
  expect(shanghai.total).toBeLessThan(districts.total);
  await addRule(page, "Business district", "business_district");
  const districtRule = page.getByTestId("condition-rule").nth(1);
  await districtRule.getByTestId("value-multi-select").click();
  await expect(dialog.getByRole("option")).toHaveCount(Math.min(50, districts.total));
  if (districts.total > 50) await expect(footnote).toHaveText(`Showing 50 of ${n(districts.total)} — type to search`);
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();

  // City is any of 上海市 in the same AND group: the district picker narrows to 上海市's districts.
  await addRule(page, "City", "city");
  const cityRule = page.getByTestId("condition-rule").nth(2);
  await cityRule.getByTestId("value-multi-select").click();
  await dialog.getByRole("combobox").fill("上海");
  await dialog.getByRole("option", { name: /^上海市/ }).first().click();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(cityRule.getByTestId("value-multi-select")).toContainText("上海市");

  await districtRule.getByTestId("value-multi-select").click();
  const only = "Only districts in 上海市 (from the city condition)";
  await expect(footnote).toHaveText(shanghai.total > 50 ? `${only} · Showing 50 of ${n(shanghai.total)} — type to search` : only);
  const narrowed = dialog.getByRole("option");
  await expect(narrowed).toHaveCount(Math.min(50, shanghai.total));
  for (const option of await narrowed.all()) await expect(option).toContainText("上海市");
  const expected = shanghai.options.slice(0, 50).map((o) => o.label);
  expect(await narrowed.evaluateAll((items) => items.map((i) => i.querySelector("span")?.textContent ?? ""))).toEqual(expected);
  // Picking one: the rule is valid.
  await narrowed.first().click();
  await page.keyboard.press("Escape");
  await expect(districtRule.getByTestId("value-multi-select")).toContainText(expected[0]!);
  await expect(districtRule).toHaveAttribute("data-valid", "true");
});
