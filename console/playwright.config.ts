import { defineConfig } from "@playwright/test";

// Against a running platform (make up): the gateway's address, Keycloak's real sign-in page.
// The browser is Debian's Chromium; Playwright never downloads one of its own.
export default defineConfig({
  testDir: "e2e",
  timeout: 120_000,
  expect: { timeout: 20_000 },
  workers: 1,
  // In CI one retry, as Playwright's own CI template has: two scenarios once failed there and passed
  // in every run since (their traces were lost with the clone). A retried pass is still printed as
  // "flaky" in the summary, and tests/console keeps each failure's page snapshot and the API's refusals.
  retries: process.env.CI ? 1 : 0,
  reporter: [["list"]],
  outputDir: "test-results",
  use: {
    baseURL: process.env.UNIONFED_CONSOLE_URL ?? "http://localhost:8080",
    locale: "zh-CN",
    viewport: { width: 1366, height: 900 },
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium" },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
});
