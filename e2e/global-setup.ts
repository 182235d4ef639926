// Signs the browser tests in as an admin of the app under test (`npm start`, production): on a
// fresh database it creates the first admin on the first-run page, as a person would; otherwise it
// signs in with the same account. The session is kept in e2e/.auth/admin.json (git-ignored) and
// every test starts from it (playwright.config.ts `storageState`).
import { mkdirSync } from "node:fs";
import path from "node:path";
import { chromium, type FullConfig } from "@playwright/test";

export const E2E_ADMIN = {
  name: "E2E Admin",
  email: process.env.E2E_ADMIN_EMAIL ?? "e2e-admin@memberflow.test",
  password: process.env.E2E_ADMIN_PASSWORD ?? "e2e-admin-password",
};
export const STORAGE_STATE = path.join(import.meta.dirname, ".auth", "admin.json");

export default async function globalSetup(config: FullConfig) {
  const { baseURL, launchOptions } = config.projects[0]!.use;
  mkdirSync(path.dirname(STORAGE_STATE), { recursive: true });
  const browser = await chromium.launch(launchOptions);
  try {
    const page = await browser.newPage({ baseURL });
    await page.goto("/sign-in");
    if (new URL(page.url()).pathname === "/setup") {
      await page.getByLabel(/your name/i).fill(E2E_ADMIN.name);
      await page.getByLabel(/email/i).fill(E2E_ADMIN.email);
      await page.getByLabel(/password/i).fill(E2E_ADMIN.password);
      await page.getByRole("button", { name: /create admin/i }).click();
    } else {
      await page.getByLabel(/email/i).fill(E2E_ADMIN.email);
      await page.getByLabel(/password/i).fill(E2E_ADMIN.password);
      await page.getByRole("button", { name: /^sign in$/i }).click();
    }
    await page.waitForURL(/\/flows/, { timeout: 60_000 }).catch(async () => {
      const alert = await page.getByRole("alert").textContent().catch(() => null);
      throw new Error(
        `e2e: could not sign in as ${E2E_ADMIN.email}${alert ? ` (${alert})` : ""}. The database already has users: set E2E_ADMIN_EMAIL and E2E_ADMIN_PASSWORD to an admin's, or start from an empty database.`,
      );
    });
    await page.context().storageState({ path: STORAGE_STATE });
  } finally {
    await browser.close();
  }
}
