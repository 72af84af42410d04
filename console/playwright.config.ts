import { defineConfig } from "@playwright/test";

// Against a running platform (make up): the gateway's address, Keycloak's real sign-in page.
// The browser is Debian's Chromium; Playwright never downloads one of its own.
export default defineConfig({
  testDir: "e2e",
  timeout: 120_000,
  expect: { timeout: 20_000 },
  workers: 1,
  retries: 0,
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
