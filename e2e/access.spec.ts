import { expect, test } from "@playwright/test";

// Sign-in as people use it, against the production server: an admin invites a viewer, the viewer
// sets a password through the one-time link, sees no Settings and no Publish, is refused a change
// by the server, signs out, and a wrong password is refused. The audit log shows what happened.
test("an invited viewer signs in, can read but not change, and signs out", async ({ page, browser, baseURL }) => {
  const email = `viewer-${Date.now()}@example.com`;
  await page.goto("/settings/users");
  await page.getByTestId("invite-email").fill(email);
  await page.getByTestId("invite-role").selectOption("viewer");
  await page.getByTestId("invite-submit").click();
  const link = (await page.getByTestId("invitation-link-value").textContent())!.trim();
  expect(link).toMatch(/\/invite\/[\w-]{16,}$/);

  const viewer = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const v = await viewer.newPage();
  await v.goto(link);
  await v.getByLabel(/your name/i).fill("Vera Viewer");
  await v.getByLabel(/password/i).fill("viewer password 1");
  await v.getByRole("button", { name: /set password/i }).click();
  await v.waitForURL(/\/flows/);
  await expect(v.getByRole("link", { name: "Flows" })).toBeVisible();
  await expect(v.getByRole("link", { name: "Settings" })).toHaveCount(0);
  await expect(v.getByTestId("new-flow")).toHaveCount(0);

  // The server refuses what the UI hides.
  const refused = await v.request.post("/api/trpc/flows.create", { data: { json: { name: "Not allowed" } }, failOnStatusCode: false });
  expect(refused.status()).toBe(403);
  await v.goto("/settings/users");
  await expect(v.getByText("Not for your role")).toBeVisible();
  // Audiences and the content library list what there is, without the actions the role lacks.
  await v.goto("/audiences");
  await expect(v.getByTestId("audiences-total")).toBeVisible();
  await expect(v.getByTestId("new-audience")).toHaveCount(0);
  await v.goto("/content");
  await expect(v.getByTestId("show-archived").first()).toBeVisible();
  await expect(v.getByTestId("new-coupon-template")).toBeHidden();

  // The link is spent.
  await v.goto(link);
  await expect(v.getByText(/not valid any more/)).toBeVisible();

  // Sign out, then a wrong password is refused.
  await v.goto("/flows");
  await v.getByRole("button", { name: "Account" }).click();
  await v.getByTestId("sign-out").click();
  await v.waitForURL(/\/sign-in/);
  await v.getByLabel(/email/i).fill(email);
  await v.getByLabel(/password/i).fill("not the password");
  await v.getByRole("button", { name: /^sign in$/i }).click();
  await expect(v.getByText(/do not match an account/)).toBeVisible();
  await viewer.close();

  // The admin sees the invitation, the acceptance and the viewer's sign-in in the audit log.
  await page.goto("/settings/audit");
  await page.getByTestId("audit-search").fill(email);
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page.getByTestId("audit-row").filter({ hasText: "user.invite" })).toBeVisible();
  await page.getByTestId("audit-search").fill("");
  await page.getByTestId("audit-actor").fill(email);
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page.getByTestId("audit-row").filter({ hasText: "user.invitation_accept" })).toBeVisible();
  await expect(page.getByTestId("audit-row").filter({ hasText: "user.sign_in" })).toBeVisible();
});
