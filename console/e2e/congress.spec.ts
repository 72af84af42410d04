import { expect, test, type Page } from "@playwright/test";
import { randomUUID } from "node:crypto";
import { accessToken, account, checkPage, signIn } from "./support";

// The demo's 实验中学 第十四届教代会第三次会议: eight proposals, seven answered, the last (parking) never
// answered and its deadline (2026-11-15) past; and 第一小学's smaller session, one of three unanswered.
const COUNTY = process.env.UNIONFED_DEMO_COUNTY ?? "county-edu";
const SCHOOL = "experimental-middle";
const OFFICER = process.env.UNIONFED_DEMO_COUNTY_OFFICER ?? "county-officer";
// Nominations are reviewed, approved or rejected by a federation admin.
const ADMIN = process.env.UNIONFED_DEMO_COUNTY_ADMIN ?? "county-admin";
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

async function post<T>(page: Page, path: string, body: unknown): Promise<{ status: number; body: T }> {
  const response = await page.request.post(path, {
    headers: { Authorization: `Bearer ${await accessToken(page)}`, "Idempotency-Key": randomUUID() },
    data: body,
  });
  return { status: response.status(), body: (await response.json()) as T };
}

test("an officer drafts a survey with a choice and a rating question, sends it and sees its return rate", async ({ page }) => {
  test.setTimeout(180_000);
  const school = "no1-primary";
  await signIn(page, account(OFFICER), `/o/${school}/congress/surveys`);
  const title = `食堂满意度调查 e2e ${Date.now().toString(36)}`;

  await page.getByTestId("new-survey").click();
  const form = page.getByTestId("draft-survey");
  await form.getByLabel("问卷标题").fill(title);
  const rows = form.getByTestId("question-row");
  await rows.nth(0).getByLabel("题目").fill("您对食堂饭菜是否满意？");
  // One option is not a choice: the form says so before anything is sent.
  await rows.nth(0).getByLabel("选项（每行一个）").fill("满意");
  await page.getByTestId("draft-survey-submit").click();
  await expect(rows.nth(0)).toContainText("选择题须有 2 到 20 个不重复的选项");
  await rows.nth(0).getByLabel("选项（每行一个）").fill("满意\n一般\n不满意");
  // Rows are added and removed: a rating question stays, a third one is taken out again.
  await page.getByTestId("add-question").click();
  await page.getByTestId("add-question").click();
  await expect(rows).toHaveCount(3);
  await rows.nth(1).getByLabel("题目").fill("请为食堂卫生打分");
  await rows.nth(2).getByRole("button", { name: "删除此题" }).click();
  await expect(rows).toHaveCount(2);
  await checkPage(page, "congress-survey-draft");
  await page.getByTestId("draft-survey-submit").click();
  await expect(form).toHaveCount(0);

  const row = page.getByTestId("surveys").locator("tbody tr", { hasText: title });
  await expect(row.getByTestId("survey-status")).toHaveAttribute("data-status", "draft");
  const drafted = (await get<{ id: string; title: string; questions: { kind: string; options: string[] }[] }[]>(
    page,
    `/api/events/v1/organizations/${school}/surveys`,
  )).find((s) => s.title === title)!;
  expect(drafted.questions.map((q) => [q.kind, q.options])).toEqual([
    ["single_choice", ["满意", "一般", "不满意"]],
    ["rating", []],
  ]);

  // Sent after a confirmation: the recipients are the school's active members, none answered yet.
  await row.getByTestId("send-survey").click();
  await page.locator(".ant-popconfirm:visible").getByRole("button", { name: /确\s*定|OK/ }).click();
  await expect(row.getByTestId("survey-status")).toHaveAttribute("data-status", "sent");
  const sent = await get<{ recipients: number; responses: number; return_rate: string; status: string }>(
    page,
    `/api/events/v1/surveys/${drafted.id}/results`,
  );
  const members = await get<{ items: unknown[] }>(page, `/api/membership/v1/organizations/${school}/members?status=active&limit=500`);
  expect([sent.status, sent.recipients, sent.responses, sent.return_rate]).toEqual(["sent", members.items.length, 0, "0.0%"]);
  await expect(row.getByTestId("recipients")).toHaveText(String(sent.recipients));
  await expect(row.getByRole("progressbar")).toContainText("0.0%");
  await expect(row.getByTestId("close-survey")).toBeVisible();
  await checkPage(page, "congress-survey-sent");
});

test("the county rejects a school's nomination at review, with its reason", async ({ page }) => {
  test.setTimeout(180_000);
  const school = "no1-primary";
  await signIn(page, account(ADMIN), `/o/${school}/congress/nominations`);
  await expect(page.getByTestId("nominations")).toBeVisible();

  // A fresh nomination of a school member (one with no live 优秀工会干部 nomination this year).
  const year = Number(new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric" }).format(new Date()));
  const members = await get<{ items: { id: string; display_name: string }[] }>(
    page,
    `/api/membership/v1/organizations/${school}/members?status=active&limit=50`,
  );
  let nomination: { id: string; member_name: string } | undefined;
  for (const member of members.items) {
    const answer = await post<{ id: string; member_name: string }>(page, `/api/events/v1/organizations/${school}/nominations`, {
      member_id: member.id,
      award: "outstanding_union_officer",
      year,
      citation: "长期负责学校工会工作，组织教职工活动认真细致。",
    });
    if (answer.status === 201) {
      nomination = answer.body;
      break;
    }
  }
  expect(nomination, "a member could be nominated").toBeTruthy();
  await page.reload();

  const row = page.getByTestId("nominations").locator(`tbody tr[data-row-key="${nomination!.id}"]`);
  await expect(row.getByTestId("nomination-status")).toHaveAttribute("data-status", "nominated");
  await row.getByTestId("reject-nomination").click();
  const dialog = page.getByTestId("reject-nomination-form");
  await page.getByTestId("reject-nomination-form-submit").click();
  await expect(dialog.locator(".ant-form-item-explain-error")).toHaveText("必填");
  await dialog.getByLabel("不予通过的理由").fill("事迹材料不完整，请补充后明年再报");
  await checkPage(page, "congress-nomination-reject");
  await page.getByTestId("reject-nomination-form-submit").click();
  await expect(dialog).toHaveCount(0);
  await expect(row.getByTestId("nomination-status")).toHaveAttribute("data-status", "rejected");
  await expect(row.getByTestId("rejection-reason")).toContainText("事迹材料不完整，请补充后明年再报");
  await expect(row.getByTestId("reject-nomination")).toHaveCount(0);

  const service = await get<{ status: string; rejected_at_stage: string; rejection_reason: string }>(
    page,
    `/api/events/v1/nominations/${nomination!.id}`,
  );
  expect([service.status, service.rejected_at_stage, service.rejection_reason]).toEqual([
    "rejected",
    "nominated",
    "事迹材料不完整，请补充后明年再报",
  ]);
});
