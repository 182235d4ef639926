import { defineConfig } from "@playwright/test";

// Browser tests drive Debian's Chromium; no test tool downloads a browser.
const port = Number(process.env.E2E_PORT ?? 3100);
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export default defineConfig({
  testDir: "e2e",
  // Signs in as an admin once (creating the first admin on a fresh database); every test starts
  // signed in from the saved session.
  globalSetup: "./e2e/global-setup.ts",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [["list"]],
  use: {
    baseURL: `http://localhost:${port}`,
    browserName: "chromium",
    locale: "en-US",
    storageState: "e2e/.auth/admin.json",
    viewport: { width: 1440, height: 900 },
    launchOptions: {
      executablePath: chromium,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
    },
    trace: "off",
    screenshot: "only-on-failure",
  },
  webServer: {
    // The production server on the embedded database (seeded on first start), as a user runs it.
    command: process.env.E2E_COMMAND ?? `PORT=${port} npm start`,
    url: `http://localhost:${port}/api/health`,
    timeout: 300_000,
    reuseExistingServer: !process.env.CI,
    stdout: "pipe",
  },
});
