import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "@playwright/test";
import { account, checkPage, signIn } from "./support";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const ADMIN = process.env.UNIONFED_DEMO_PLATFORM_ADMIN ?? "platform-admin";

test("the platform admin sees an unreadable message as a dead letter, replays it, and is told it failed again", async ({ page }) => {
  // A message without CloudEvents headers on the membership topic: its consumers dead-letter it.
  execFileSync(join(repo, ".venv", "bin", "python"), ["-m", "tests.console.poison_message"], { cwd: repo });

  await signIn(page, account(ADMIN));
  // The platform's own organization keeps no books: its dashboard shows the platform's tile only, and no error.
  await expect(page.getByTestId("dead-letters-tile")).toBeVisible();
  await checkPage(page, "dashboard-platform-admin");
  await expect(page.getByTestId("problem")).toHaveCount(0);
  await page.getByTestId("dead-letters-tile").click();
  const letters = page.getByTestId("dead-letters");
  // The unreadable one has no event type; the consumers take a few seconds to give up on it.
  const poisoned = letters.locator("tbody tr", { hasText: "unionfed.membership/" }).filter({ hasText: "—" });
  await expect(async () => {
    await page.reload();
    await expect(poisoned.first()).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 90_000 });
  await checkPage(page, "dead-letters");

  await poisoned.first().getByRole("checkbox").check();
  await page.getByTestId("replay-dead-letters").click();
  await expect(page.getByTestId("replay-result")).toContainText(/仍失败 1 条|1 failed again/);
  // Still pending: it is still unreadable.
  await expect(poisoned.first()).toBeVisible();
});
