import { readFileSync, writeFileSync, existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import AxeBuilder from "@axe-core/playwright";
import { expect, type Locator, type Page } from "@playwright/test";

const here = dirname(fileURLToPath(import.meta.url));
export const SCREENSHOTS = join(here, "..", "screenshots", "run");

export interface DemoAccount {
  username: string;
  password: string;
  role: string;
}

const accountsFile = process.env.UNIONFED_DEMO_ACCOUNTS ?? join(here, "..", "..", ".run", "dev", "demo-accounts.txt");

/**
 * The demo accounts `make up` wrote (UNIONFED_DEMO_ACCOUNTS, default .run/dev/demo-accounts.txt):
 * after a heading, one account an indented line — username, first password, role, name.
 */
export function demoAccounts(): DemoAccount[] {
  return readFileSync(accountsFile, "utf8")
    .split("\n")
    .filter((line) => line.startsWith("  "))
    .map((line) => line.trim().split(/\s+/))
    .map(([username, password, role]) => ({ username, password, role }));
}

export function account(username: string): DemoAccount {
  const found = demoAccounts().find((a) => a.username === username);
  if (!found) throw new Error(`no demo account ${username} in ${accountsFile}`);
  return found;
}

// Passwords set at first sign-in are kept (not in test-results/, which each run empties), so a
// rerun against the same platform (the same demo accounts file) signs in with them.
const changedFile = join(here, "..", ".e2e-state", "changed-passwords.json");
function changed(): Record<string, string> {
  return existsSync(changedFile) ? JSON.parse(readFileSync(changedFile, "utf8")) : {};
}
function remember(username: string, password: string) {
  mkdirSync(dirname(changedFile), { recursive: true });
  writeFileSync(changedFile, JSON.stringify({ ...changed(), [`${accountsFile}:${username}`]: password }));
}
export const newPasswordFor = (username: string) => `Cs!${username.length}-${Date.now().toString(36)}-Aa9`;

/**
 * Signs in on Keycloak's own page. A first sign-in must set a new password: the page asks for it,
 * and the new one is kept. Returns whether a new password was required.
 */
export async function signIn(page: Page, who: { username: string; password: string }, path = "/"): Promise<boolean> {
  await page.goto(path);
  await page.waitForURL(/\/auth\/realms\/unionfed\//);
  const remembered = changed()[`${accountsFile}:${who.username}`];
  const updating = page.locator("#password-new");
  const console_ = page.getByTestId("whoami");
  const refused = page.locator("#input-error, #input-error-username, #input-error-password");
  for (const password of remembered ? [remembered, who.password] : [who.password]) {
    await page.locator("#username").fill(who.username);
    await page.locator("#password").fill(password);
    await page.locator("#kc-login").click();
    await expect(updating.or(console_).or(refused).first()).toBeVisible();
    if (!(await refused.isVisible())) break;
  }
  if (await updating.isVisible()) {
    const fresh = newPasswordFor(who.username);
    await updating.fill(fresh);
    await page.locator("#password-confirm").fill(fresh);
    await page.locator("[type=submit]").first().click();
    await expect(console_).toBeVisible();
    remember(who.username, fresh);
    return true;
  }
  await expect(console_).toBeVisible();
  return false;
}

/** axe-core on the page as it is: no serious or critical violation. Then a screenshot. */
export async function checkPage(page: Page, name: string) {
  await page.waitForLoadState("networkidle");
  await expect(page.locator(".ant-spin-spinning")).toHaveCount(0);
  // A link's colour after a click and a drawer's mask change through CSS transitions; axe reading
  // a colour halfway found a contrast the settled page does not have (the home spec, once in CI).
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((animation) => animation.effect?.getComputedTiming().iterations !== Infinity)
        .map((animation) => animation.finished.catch(() => undefined)),
    ),
  );
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(
    serious.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`),
    `accessibility of ${name}`,
  ).toEqual([]);
}

/** The signed-in user's access token, for a check that asks the API directly. */
export async function accessToken(page: Page): Promise<string> {
  return page.evaluate(() => {
    for (let i = 0; i < sessionStorage.length; i++) {
      const key = sessionStorage.key(i)!;
      if (key.startsWith("oidc.user:")) return JSON.parse(sessionStorage.getItem(key)!).access_token as string;
    }
    throw new Error("not signed in");
  });
}

/** "¥1,234.56" or "-¥1,234.56" as integer fen. */
export function fen(text: string): number {
  const negative = text.includes("-");
  const [whole, cents = "0"] = text.replace(/[^0-9.]/g, "").split(".");
  return (negative ? -1 : 1) * (Number(whole) * 100 + Number(cents.padEnd(2, "0").slice(0, 2)));
}

/** Types `day` (YYYY-MM-DD) into an antd DatePicker's input and chooses it in the calendar: Enter
 * would also submit the form around it. The calendar is turned forward until the day shows. */
export async function pickDay(input: Locator, day: string) {
  await input.click();
  await input.fill(day);
  const calendar = input.page().locator(".ant-picker-dropdown:not(.ant-picker-dropdown-hidden)");
  const cell = calendar.locator(`td[title="${day}"]`);
  // The typed day moves the panel to its month; on a busy machine that takes a moment, so wait for it
  // before paging on (paging at once flipped past the month). Paging is for a day the panel did not show.
  for (let turns = 0; turns < 3; turns++) {
    const shown = await cell
      .waitFor({ state: "visible", timeout: 5_000 })
      .then(() => true)
      .catch(() => false);
    if (shown) break;
    await calendar.locator(".ant-picker-header-next-btn").click();
  }
  await cell.click();
  await expect(input).toHaveValue(day);
}

/** Chooses an option of an antd Select by its label's input. The select's box is clicked: a plain
 * select's input has no size, and a value already shown lies over it. Chosen again until the box
 * shows it: on a page just opened, a click while the list was still opening closed it with nothing
 * chosen. */
export async function pickOption(page: Page, select: Locator, title: string) {
  const box = select.locator("xpath=ancestor::div[contains(@class, 'ant-select-selector')]");
  await expect(async () => {
    await box.click();
    await page.locator(`.ant-select-dropdown:visible .ant-select-item-option[title="${title}"]`).click({ timeout: 5_000 });
    await expect(box).toContainText(title, { timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
}
