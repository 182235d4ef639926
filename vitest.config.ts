import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["**/*.test.ts", "**/*.test.tsx"],
    exclude: ["node_modules/**", ".next/**", ".data/**", "e2e/**"],
    globalSetup: ["./server/testing/global-setup.ts"],
    setupFiles: ["./server/testing/setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Two cores: files run in parallel, each on its own database cloned from a template.
    pool: "forks",
    maxWorkers: 2,
  },
});
