import { expect, test, type Page } from "@playwright/test";
import { accessToken, account, checkPage, signIn } from "./support";

// A teacher of 第一小学 (the demo's member account) on a phone. Their school's officer first opens
// an activity and sends a survey of their own (unique titles: the spec reruns on the same platform).
const SCHOOL = process.env.UNIONFED_DEMO_SCHOOL ?? "no1-primary";
const OFFICER = process.env.UNIONFED_DEMO_SCHOOL_OFFICER ?? "school1-officer";
const MEMBER = process.env.UNIONFED_DEMO_MEMBER ?? "school1-member";

test.use({ viewport: { width: 390, height: 844 }, isMobile: true });

/** The API as the signed-in user: JSON, or the status and problem of a refusal. */
async function api(page: Page, method: string, path: string, body?: unknown) {
  const token = await accessToken(page);
  const response = await page.request.fetch(path, {
    method,
    headers: { Authorization: `Bearer ${token}`, "Accept-Language": "zh-CN", ...(body ? { "Content-Type": "application/json" } : {}) },
    data: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status(), json: await response.json().catch(() => null) };
}

function shanghai(daysAhead: number, hour: number): string {
  const day = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date(Date.now() + daysAhead * 86_400_000));
  return `${day}T${String(hour).padStart(2, "0")}:00:00+08:00`;
}

test("a member signs in on a phone, sees their dues, registers for an activity and answers a survey", async ({ page, browser }) => {
  const stamp = Date.now().toString(36);
  const activityTitle = `趣味接力赛 ${stamp}`;
  const surveyTitle = `教职工之家满意度 ${stamp}`;

  // The school's officer (another browser context) opens the activity and sends the survey.
  const officerContext = await browser.newContext();
  const officer = await officerContext.newPage();
  await signIn(officer, account(OFFICER));
  const created = await api(officer, "POST", `/api/events/v1/organizations/${SCHOOL}/activities`, {
    title: activityTitle,
    kind: "sport",
    starts_at: shanghai(20, 14),
    ends_at: shanghai(20, 17),
    registration_deadline: shanghai(10, 18),
    capacity: 30,
  });
  expect(created.status, JSON.stringify(created.json)).toBe(201);
  expect((await api(officer, "POST", `/api/events/v1/activities/${created.json.id}/publication`)).status).toBe(200);
  const survey = await api(officer, "POST", `/api/events/v1/organizations/${SCHOOL}/surveys`, {
    title: surveyTitle,
    questions: [
      { kind: "rating", text: "对教职工之家的总体满意度" },
      { kind: "single_choice", text: "最常使用的设施", options: ["健身房", "阅览室", "母婴室"] },
      { kind: "free_text", text: "意见和建议", required: false },
    ],
  });
  expect(survey.status, JSON.stringify(survey.json)).toBe(201);
  expect((await api(officer, "POST", `/api/events/v1/surveys/${survey.json.id}/send`)).status).toBe(200);
  await officerContext.close();

  // The member lands on their own page, not an organization's desk.
  await signIn(page, account(MEMBER));
  await expect(page).toHaveURL(/\/me/);
  const me = await api(page, "GET", "/api/membership/v1/me");
  expect(me.status).toBe(200);
  await expect(page.getByTestId("whoami")).toContainText(me.json.display_name);
  await expect(page.getByTestId("whoami")).toContainText(me.json.union_name);

  // 我的会费: the months paid (the demo collected October) as the API has them.
  const dues = (await api(page, "GET", "/api/membership/v1/me/dues")).json;
  expect(dues.payments.length).toBeGreaterThan(0);
  const paid = page.getByTestId("dues-paid");
  for (const p of dues.payments) await expect(paid).toContainText(p.period);
  await checkPage(page, "member-phone-dues");
  // Nothing is wider than the phone: no sideways scrolling.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

  // 活动报名: the new activity, registered for with one tap.
  await page.getByRole("tab", { name: "活动报名" }).click();
  const activity = page.locator(`[data-testid="activity"][data-title="${activityTitle}"]`);
  await expect(activity).toBeVisible();
  await activity.getByRole("button", { name: /^报\s*名$/ }).click();
  await expect(activity.getByTestId("my-registration")).toHaveText("已报名");
  const mine = (await api(page, "GET", "/api/events/v1/me/activities")).json.find((a: { title: string }) => a.title === activityTitle);
  expect(mine.my_registration.status).toBe("confirmed");
  await checkPage(page, "member-phone-activities");

  // 问卷: answered once, anonymously; then it is no longer asked.
  await page.getByRole("tab", { name: "问卷" }).click();
  const form = page.locator(`[data-testid="survey"][data-title="${surveyTitle}"]`);
  await form.getByRole("button", { name: "填写问卷" }).click();
  await expect(form).toContainText("匿名填答");
  await checkPage(page, "member-phone-survey");
  await form.locator("label.ant-radio-button-wrapper", { hasText: "4" }).click();
  await form.getByText("阅览室").click();
  await form.getByRole("textbox").fill("希望延长开放时间");
  await form.getByRole("button", { name: /提\s*交/ }).click();
  await expect(page.getByTestId("survey-answered")).toBeVisible();
  await expect(form).toHaveCount(0);
  const asked = (await api(page, "GET", "/api/events/v1/me/surveys")).json as { id: string }[];
  expect(asked.map((s) => s.id)).not.toContain(survey.json.id);

  // 提案附议 and 公示 read for the member too.
  await page.getByRole("tab", { name: "提案附议" }).click();
  await expect(page.getByTestId("my-proposals")).toBeVisible();
  await page.getByRole("tab", { name: "公示" }).click();
  await expect(page.locator(".ant-tabs-tabpane-active").locator("[data-testid=my-notices], .ant-empty").first()).toBeVisible();
  await checkPage(page, "member-phone-notices");

  // An officer's route refuses the member's token.
  const refused = await api(page, "GET", `/api/membership/v1/organizations/${SCHOOL}/dues-arrears`);
  expect(refused.status).toBe(403);
});

test("an officer opens a member's self-service account from the member card; the member signs in to their own page", async ({ page, browser }) => {
  const officerContext = await browser.newContext({ viewport: { width: 1366, height: 900 }, isMobile: false });
  const officer = await officerContext.newPage();
  await signIn(officer, account(OFFICER));
  const listed = await api(officer, "GET", `/api/membership/v1/organizations/${SCHOOL}/members?status=active&limit=20`);
  expect(listed.status).toBe(200);
  const member = listed.json.items[1] as { id: string; display_name: string };
  await officer.goto(`/o/${SCHOOL}/members/${member.id}`);
  await officer.getByTestId("open-member-account").click();
  const dialog = officer.getByRole("dialog");
  const username = `m-${Date.now().toString(36)}`;
  await dialog.getByLabel(/用户名|Username/).fill(username);
  await dialog.getByRole("button", { name: /开\s*通|Create/ }).click();
  const temporary = dialog.getByTestId("temporary-password");
  await expect(temporary).toBeVisible();
  const password = (await temporary.innerText()).trim();
  await checkPage(officer, "member-account-created");
  await officerContext.close();

  // The member's first sign-in sets their password and lands on their own page, as that member.
  expect(await signIn(page, { username, password }), "first sign-in requires a new password").toBe(true);
  await expect(page).toHaveURL(/\/me/);
  await expect(page.getByTestId("whoami")).toContainText(member.display_name);
  expect((await api(page, "GET", "/api/membership/v1/me")).json.member_id).toBe(member.id);
  await checkPage(page, "member-phone-first-sign-in");
});
