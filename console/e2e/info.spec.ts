import { readFile } from "node:fs/promises";
import { expect, test, type Page } from "@playwright/test";
import { accessToken, account, checkPage, pickDay, signIn } from "./support";

// The demo county (deploy/local/demo/information.py): its points table (县级 1, 市级 3, 省级 5) and
// the items of four schools, some adopted. 第一小学's officer writes and submits; the county adopts.
const COUNTY = process.env.UNIONFED_DEMO_COUNTY ?? "county-edu";
const SCHOOL = "no1-primary";

const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date()); // YYYY-MM-DD
const year = today.slice(0, 4);
// The demo data stays from run to run: everything this run makes carries its own mark.
const run = Date.now().toString(36);
const TITLE = `e2e信息-${run} 第一小学工会开展读书分享会`;

interface Ranking {
  unions: { organization_id: string; rank: number; submitted: number; points: number }[];
  total: { submitted: number; points: number };
}

async function get<T>(page: Page, path: string): Promise<T> {
  const response = await page.request.get(path, { headers: { Authorization: `Bearer ${await accessToken(page)}` } });
  expect(response.status(), path).toBe(200);
  return (await response.json()) as T;
}

test.describe.serial("信息报送", () => {
  test("第一小学 writes a draft, refuses markup, edits it and submits it to the county", async ({ page }) => {
    test.setTimeout(180_000);
    await signIn(page, account("school1-officer"), `/o/${SCHOOL}/info`);
    await expect(page.getByRole("menuitem", { name: /信息报送/ })).toBeVisible();
    await expect(page.getByTestId("info-desk")).toBeVisible();
    const rows = page.getByTestId("info-table").locator("tbody tr.ant-table-row");
    // The demo's items of the school: one adopted by county and city (4 points), and a draft.
    const chalk = rows.filter({ hasText: "青年教师粉笔字比赛" }).first();
    await expect(chalk.getByTestId("info-points")).toHaveText("4");
    await expect(chalk.locator('[data-testid="info-adoption"][data-level="city"]')).toBeVisible();
    await expect(rows.filter({ hasText: "秋季健康体检" }).first().getByTestId("info-status")).toHaveText("草稿");

    await page.getByTestId("write-info").click();
    const form = page.getByTestId("info-form");
    await form.getByLabel("标题").fill(TITLE);
    await pickDay(form.locator('input[data-testid="info-event-on"]'), today);
    await form.getByLabel("撰稿人").fill("王芳");
    await form.getByLabel("正文").fill('<a href="http://x">点击</a>');
    await page.getByTestId("info-save").click();
    await expect(form).toContainText("正文须为纯文本，不能含网页标记");
    await form.getByLabel("正文").fill("11月28日，第一小学工会举办教职工读书分享会，30 名教师分享了各自的读书心得。");
    await checkPage(page, "info-write");
    await page.getByTestId("info-save").click();
    await expect(form).toBeHidden();

    const mine = rows.filter({ hasText: TITLE });
    await expect(mine.getByTestId("info-status")).toHaveText("草稿");
    await mine.getByTestId("edit-info").click();
    await page.getByTestId("info-form").getByLabel("撰稿人").fill("王芳、李娜");
    await page.getByTestId("info-save").click();
    await expect(page.getByTestId("info-form")).toBeHidden();
    await expect(mine).toContainText("王芳、李娜");
    await mine.getByTestId("submit-info").click();
    await page.locator(".ant-popconfirm:visible").getByRole("button", { name: /报\s*送/ }).click();
    await expect(mine.getByTestId("info-status")).toHaveText("待采用");
    await expect(mine.getByTestId("edit-info")).toHaveCount(0);
    await checkPage(page, "info-school");
  });

  test("the county adopts it at county level and then city level, and the ranking and its Excel count it", async ({ page }) => {
    test.setTimeout(180_000);
    await signIn(page, account("county-admin"), `/o/${COUNTY}/info`);
    await expect(page.getByTestId("info-desk")).toBeVisible();
    const rankingPath = `/api/events/v1/organizations/${COUNTY}/info-ranking?year=${year}`;
    const before = await get<Ranking>(page, rankingPath);
    const school = before.unions.find((u) => u.organization_id === SCHOOL)!;
    expect(school.points).toBeGreaterThanOrEqual(5); // the demo: 1 + 3 and 1

    // The inbox: the demo's waiting item and ours.
    const inbox = page.getByTestId("info-inbox-table").locator("tbody tr.ant-table-row");
    await expect(inbox.filter({ hasText: "随迁子女学校工会慰问困难教职工" }).first()).toBeVisible();
    const ours = inbox.filter({ hasText: TITLE });
    await ours.getByTestId("adopt-info").click();
    const review = page.getByTestId("info-review");
    await review.getByLabel("县级").check();
    await checkPage(page, "info-adopt");
    await page.getByTestId("info-review-submit").click();
    await expect(review).toBeHidden();
    await expect(ours).toHaveCount(0); // adopted: out of the inbox

    await page.getByRole("tab", { name: "信息列表" }).click();
    const listed = page.getByTestId("info-table").locator("tbody tr.ant-table-row").filter({ hasText: TITLE });
    await expect(listed.getByTestId("info-points")).toHaveText("1");
    await listed.getByTestId("adopt-info").click();
    // Only higher levels are offered once adopted at county level.
    await expect(page.getByTestId("info-review").getByLabel("县级")).toHaveCount(0);
    await page.getByTestId("info-review").getByLabel("市级").check();
    await page.getByTestId("info-review-submit").click();
    await expect(listed.getByTestId("info-points")).toHaveText("4");
    await expect(listed.getByTestId("info-status")).toHaveText("已采用");

    // The points table of the county, published by the demo.
    await page.getByRole("tab", { name: "积分表" }).click();
    const first = page.getByTestId("info-points-table").locator("tbody tr.ant-table-row").last();
    await expect(first.getByTestId("points-county")).toHaveText("1");
    await expect(first.getByTestId("points-province")).toHaveText("5");

    await page.getByRole("tab", { name: "积分排名" }).click();
    const row = page.getByTestId("info-ranking-table").locator(`tr[data-union="${SCHOOL}"]`);
    await expect(row.getByTestId("rank-points")).toHaveText(String(school.points + 4));
    await expect(row.getByTestId("rank-submitted")).toHaveText(String(school.submitted)); // submitted before, adopted now
    await expect(page.getByTestId("total-points")).toHaveText(String(before.total.points + 4));
    const after = await get<Ranking>(page, rankingPath);
    const top = Math.max(...after.unions.map((u) => u.points));
    expect(after.unions.filter((u) => u.points === top).every((u) => u.rank === 1)).toBe(true);
    await checkPage(page, "info-ranking");

    const saving = page.waitForEvent("download");
    await page.getByTestId("info-ranking-xlsx").click();
    const file = await saving;
    expect(file.suggestedFilename()).toMatch(new RegExp(`^信息报送积分排名-.+-${year}\\.xlsx$`));
    expect((await readFile(await file.path())).subarray(0, 2).toString()).toBe("PK");
  });

  test("a school's officer sees no other school's items and cannot adopt its own", async ({ page }) => {
    await signIn(page, account("school1-officer"), `/o/${SCHOOL}/info`);
    const denied = await page.request.get(`/api/events/v1/organizations/experimental-middle/info-items`, {
      headers: { Authorization: `Bearer ${await accessToken(page)}` },
    });
    expect(denied.status()).toBe(404);
    await expect(page.getByTestId("info-table")).toBeVisible();
    await expect(page.getByTestId("adopt-info")).toHaveCount(0);
    await expect(page.getByRole("tab", { name: "待采用" })).toHaveCount(0);
  });
});
