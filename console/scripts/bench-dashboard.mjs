// Times the dashboard in Debian's Chromium through the Performance API: signs in once on
// Keycloak's page, then loads the dashboard RUNS times (cache warm, as an office worker's second
// visit; the first, cold load is reported apart) and prints JSON with, per load, the navigation's
// domInteractive and the moment every tile had its data (all figures on screen, main thread idle).
//   node scripts/bench-dashboard.mjs USERNAME PASSWORD [ORG]
import { chromium } from "@playwright/test";

const [username, password, orgArg] = process.argv.slice(2);
const base = process.env.UNIONFED_CONSOLE_URL ?? "http://localhost:8080";
const runs = Number(process.env.RUNS ?? 5);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium" });
const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });

await page.goto(base + "/");
await page.waitForURL(/\/auth\/realms\//);
await page.fill("#username", username);
await page.fill("#password", password);
await page.click("#kc-login");
await page.waitForSelector('[data-testid="whoami"], #password-new');
if (await page.isVisible("#password-new")) {
  throw new Error("this account still has its first password: sign in once and set one, then run the bench");
}
const org = orgArg ?? new URL(page.url()).pathname.split("/")[2];

async function load(url) {
  await page.goto(url);
  await page.waitForSelector('[data-testid="dashboard"]');
  await page.waitForFunction(() => document.querySelectorAll(".ant-card-loading, .ant-spin-spinning").length === 0);
  // Idle: two animation frames with nothing queued.
  return page.evaluate(
    () =>
      new Promise((resolve) =>
        requestAnimationFrame(() =>
          requestAnimationFrame(() => {
            const nav = performance.getEntriesByType("navigation")[0];
            resolve({
              dom_interactive_ms: Math.round(nav.domInteractive),
              figures_shown_ms: Math.round(performance.now()),
              requests: performance.getEntriesByType("resource").length,
            });
          }),
        ),
      ),
  );
}

const context = page.context();
await context.clearCookies(); // keeps sessionStorage (the token): only the HTTP cache is warm
const cold = await (async () => {
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.clearBrowserCache");
  return load(`${base}/o/${org}`);
})();
const warm = [];
for (let i = 0; i < runs; i++) warm.push(await load(`${base}/o/${org}`));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(
  JSON.stringify(
    {
      org,
      cold,
      warm,
      warm_median_figures_shown_ms: median(warm.map((w) => w.figures_shown_ms)),
      warm_median_dom_interactive_ms: median(warm.map((w) => w.dom_interactive_ms)),
    },
    null,
    2,
  ),
);
await browser.close();
