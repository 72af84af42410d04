import { expect, test, type Page } from "@playwright/test";
import { accessToken, account, checkPage, signIn } from "./support";

// The demo's 实验中学 第十四届教代会第三次会议: eight proposals, seven answered, the last (parking) never
// answered and its deadline (2026-11-15) past; and 第一小学's smaller session, one of three unanswered.
const COUNTY = process.env.UNIONFED_DEMO_COUNTY ?? "county-edu";
const SCHOOL = "experimental-middle";
const OFFICER = process.env.UNIONFED_DEMO_COUNTY_OFFICER ?? "county-officer";
const FIGURES = ["sessions", "proposals", "answered", "overdue"] as const;

interface Rollup {
  year: number;
  unions: ({ organization_id: string; name: string } & Record<(typeof FIGURES)[number], number>)[];
  total: Record<(typeof FIGURES)[number], number>;
}

async function get<T>(page: Page, path: string): Promise<T> {
  const response = await page.request.get(path, { headers: { Authorization: `Bearer ${await accessToken(page)}` } });
  expect(response.status(), path).toBe(200);
  return (await response.json()) as T;
}

test("a session's proposals show their seconders and answer states, the overdue one highlighted", async ({ page }) => {
  test.setTimeout(180_000);
  await signIn(page, account(OFFICER), `/o/${SCHOOL}/congress`);
  await expect(page.getByTestId("congress-desk")).toBeVisible();
  await page.getByTestId("congress-sessions").getByRole("link", { name: /第14届第3次/ }).click();
  await expect(page).toHaveURL(/\/congress\/sessions\/[0-9a-f-]{36}$/);
  const sessionId = page.url().split("/").pop()!;

  const proposals = page.getByTestId("proposals").locator("tbody tr[data-row-key]");
  await expect(proposals).toHaveCount(8);
  const numbered = (title: string) => page.getByTestId("proposals").locator("tbody tr[data-row-key]", { hasText: title });

  // Answered ones say how: accepted (立案) with the department, merged (并案), referred, rejected.
  await expect(numbered("关于改善教职工午餐条件的提案").getByTestId("proposal-status")).toHaveAttribute("data-status", "answered");
  await expect(numbered("关于改善教职工午餐条件的提案").getByTestId("answer-kind")).toHaveText("立案 · 总务处");
  await expect(numbered("关于提高教职工午餐补贴的提案").getByTestId("answer-kind")).toContainText("并案");
  await expect(numbered("关于修缮教师周转房的提案").getByTestId("answer-kind")).toContainText("转交办理");
  await expect(numbered("关于为每位教师配备笔记本电脑的提案").getByTestId("answer-kind")).toHaveText("不予立案");
  // Each stands with at least the session's two seconders, named.
  for (const seconders of await page.getByTestId("seconders").allInnerTexts()) {
    const [count, names] = seconders.split("：");
    expect(Number(count)).toBeGreaterThanOrEqual(2);
    expect(names.split("、")).toHaveLength(Number(count));
  }

  // The one left unanswered past the deadline: highlighted, tagged, counted — and only that one.
  const overdue = page.getByTestId("proposals").locator('tbody tr[data-overdue="true"]');
  await expect(overdue).toHaveCount(1);
  await expect(overdue).toContainText("关于规范校园停车管理的提案");
  await expect(overdue.getByTestId("proposal-status")).toHaveAttribute("data-status", "submitted");
  await expect(overdue.getByTestId("overdue")).toHaveText("逾期未答复");
  await expect(overdue.locator("td").nth(1)).toHaveCSS("background-color", "rgb(255, 241, 240)");
  await expect(overdue.getByTestId("answer")).toBeVisible(); // the officer may still answer it
  await expect(page.getByTestId("overdue-note")).toContainText("1 件提案已过答复期限");
  const service = await get<{ proposals: { title: string }[] }>(page, `/api/events/v1/congress-sessions/${sessionId}/overdue-proposals`);
  expect(service.proposals.map((p) => p.title)).toEqual(["关于规范校园停车管理的提案"]);

  // The vote: present of all, quorum, and the result.
  const motion = page.getByTestId("motions").locator("tbody tr[data-row-key]").first();
  await expect(motion).toContainText("26/30");
  await expect(motion.getByTestId("motion-result")).toHaveAttribute("data-result", "passed");
  await checkPage(page, "congress-session");

  // Answering opens the form with the four ways; closed again without answering (the demo keeps its overdue proposal).
  await overdue.getByTestId("answer").click();
  await page.getByTestId("answer-kind-select").click();
  for (const kind of ["立案", "并案", "转交办理", "不予立案"]) {
    await expect(page.locator(`.ant-select-dropdown:visible .ant-select-item-option[title="${kind}"]`)).toBeVisible();
  }
  await page.keyboard.press("Escape");
  await checkPage(page, "congress-answer");
});

test("the county's roll-up lists the schools below, and its totals are the sum of their figures", async ({ page }) => {
  test.setTimeout(180_000);
  await signIn(page, account(OFFICER), `/o/${COUNTY}/congress/rollup`);
  const table = page.getByTestId("congress-rollup");
  const rows = table.locator("tbody tr[data-org]");
  const service = await get<Rollup>(page, `/api/events/v1/organizations/${COUNTY}/congress-rollup`);
  await expect(rows).toHaveCount(service.unions.length);
  expect(service.unions.length).toBeGreaterThan(30);

  const shown = await rows.evaluateAll((trs) =>
    trs.map((tr) => ({
      org: tr.getAttribute("data-org"),
      figures: ["sessions", "proposals", "answered", "overdue"].map((k) => Number(tr.querySelector(`[data-testid="rollup-${k}"]`)?.textContent)),
    })),
  );
  const totals = await Promise.all(FIGURES.map(async (k) => Number(await page.getByTestId(`total-${k}`).innerText())));
  FIGURES.forEach((_, i) => expect(totals[i], FIGURES[i]).toBe(shown.reduce((sum, r) => sum + r.figures[i], 0)));
  expect(totals).toEqual(FIGURES.map((k) => service.total[k]));

  // More than one school held a session, so the sum is a sum: 实验中学 8 proposals (7 answered,
  // 1 overdue) and 第一小学 3 (2 answered, 1 overdue).
  const of = (org: string) => shown.find((r) => r.org === org)?.figures;
  expect(of(SCHOOL)).toEqual([1, 8, 7, 1]);
  expect(of("no1-primary")).toEqual([1, 3, 2, 1]);
  expect(totals[0]).toBeGreaterThanOrEqual(2);
  await expect(table.locator(`tbody tr[data-org="${SCHOOL}"]`).getByTestId("rollup-overdue")).toHaveCSS("color", "rgb(168, 7, 26)");
  await checkPage(page, "congress-rollup");
});

test("surveys with their return rate; a nomination through its stages to the public notice", async ({ page }) => {
  test.setTimeout(120_000);
  // 中学03's satisfaction survey: sent to 50, answered by 41.
  await signIn(page, account(OFFICER), `/o/${process.env.UNIONFED_DEMO_SURVEY_SCHOOL ?? "zhongxue-03"}/congress/surveys`);
  const survey = page.getByTestId("surveys").locator("tbody tr", { hasText: "教职工满意度调查" });
  await expect(survey).toContainText("50");
  await expect(survey).toContainText("41");
  await expect(survey.getByRole("progressbar")).toContainText("82.0%");
  await checkPage(page, "congress-surveys");

  // 第一小学's 先进个人 nomination: reviewed and approved by the county, in public notice from the day the demo loaded.
  await page.goto(`/o/no1-primary/congress/nominations`);
  const nomination = page.getByTestId("nominations").locator("tbody tr", { hasText: "先进个人" }).first();
  await expect(nomination.locator(".ant-steps-item-finish")).toHaveCount(3);
  await expect(page.getByTestId("public-notices").locator("tbody tr", { hasText: "先进个人" })).toHaveCount(1);
  await checkPage(page, "congress-nominations");
});
