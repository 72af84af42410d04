import { expect, test, type Page } from "@playwright/test";
import { accessToken, account, checkPage, pickDay, signIn } from "./support";

// The county union and its chair (a demo account): the county organizes activities for every school below.
const COUNTY = process.env.UNIONFED_DEMO_COUNTY ?? "county-edu";
const SCHOOL = process.env.UNIONFED_DEMO_SCHOOL ?? "no1-primary";
const OFFICER = process.env.UNIONFED_DEMO_COUNTY_OFFICER ?? "county-officer";

interface Member {
  id: string;
  display_name: string;
  gender: "female" | "male";
}

const shanghaiDay = (offsetDays: number) =>
  new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date(Date.now() + offsetDays * 86_400_000));

async function get<T>(page: Page, path: string): Promise<T> {
  const response = await page.request.get(path, { headers: { Authorization: `Bearer ${await accessToken(page)}` } });
  expect(response.status(), path).toBe(200);
  return (await response.json()) as T;
}

/** Working members of the school whose names no other member of the county shares (so a name picks one person). */
async function namedMembers(page: Page): Promise<Member[]> {
  const county: Member[] = [];
  let cursor: string | null = null;
  do {
    const answer: { items: Member[]; next_cursor: string | null } = await get(
      page,
      `/api/membership/v1/organizations/${COUNTY}/members?status=active&limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
    );
    county.push(...answer.items);
    cursor = answer.next_cursor;
  } while (cursor);
  const school = new Set(
    (await get<{ items: Member[] }>(page, `/api/membership/v1/organizations/${SCHOOL}/members?status=active&limit=500`)).items.map((m) => m.id),
  );
  return county.filter((m) => school.has(m.id) && county.filter((o) => o.display_name.includes(m.display_name)).length === 1);
}

async function pickMember(page: Page, member: Member) {
  await page.getByTestId("register-member").getByTestId("member-picker").click();
  await page.keyboard.type(member.display_name);
  await page.locator(`.ant-select-dropdown:visible .ant-select-item-option[title^="${member.display_name}（"]`).first().click();
}

async function register(page: Page, member: Member) {
  await pickMember(page, member);
  await page.getByTestId("register-submit").click();
}

const row = (page: Page, member: Member) => page.getByTestId("registrations").locator("tbody tr", { hasText: member.display_name });

test("an officer publishes an activity of one place: the second registrant waits, moves up when the first withdraws; a man is refused a women's activity with the reason", async ({
  page,
}) => {
  test.setTimeout(300_000);
  await signIn(page, account(OFFICER), `/o/${COUNTY}/activities`);
  await expect(page.getByTestId("activities-desk")).toBeVisible();
  await checkPage(page, "activities-list");
  const members = await namedMembers(page);
  const [first, second] = members.filter((m) => m.gender === "female");
  const man = members.find((m) => m.gender === "male")!;
  expect(first && second && man, "two women and a man with names of their own").toBeTruthy();
  const title = `三八健步走 e2e ${Date.now().toString(36)}`;

  // Created as a draft: one place, women only, registration open until the day before.
  await page.getByTestId("new-activity").click();
  const form = page.getByTestId("create-activity");
  await form.getByLabel("活动名称", { exact: true }).fill(title);
  await form.getByTestId("activity-kind").click();
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option[title="体育"]').click();
  await pickDay(page.locator('input[data-testid="activity-day"]'), shanghaiDay(20));
  // The first calendar closes before the second opens: both show the same month.
  await expect(page.locator(".ant-picker-dropdown:not(.ant-picker-dropdown-hidden)")).toHaveCount(0);
  await pickDay(page.locator('input[data-testid="activity-deadline"]'), shanghaiDay(18));
  await form.getByLabel("名额", { exact: true }).fill("1");
  await form.getByTestId("activity-gender").click();
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option[title="仅女职工"]').click();
  await checkPage(page, "activities-create");
  await page.getByTestId("create-activity-submit").click();

  await expect(page).toHaveURL(/\/activities\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { name: title })).toBeVisible();
  await expect(page.getByTestId("activity-status")).toHaveAttribute("data-status", "draft");
  await page.getByTestId("publish-activity").click();
  await expect(page.getByTestId("activity-status")).toHaveAttribute("data-status", "published");

  // The first woman takes the place, the second waits.
  await register(page, first);
  await expect(row(page, first).getByTestId("registration-status")).toHaveAttribute("data-status", "confirmed");
  await register(page, second);
  await expect(row(page, second).getByTestId("registration-status")).toHaveAttribute("data-status", "waitlisted");
  await expect(row(page, second).getByTestId("registration-status")).toHaveText("候补第 1 位");
  await expect(page.getByTestId("places")).toHaveText("1/1");
  await expect(page.getByTestId("waitlisted-count")).toHaveText("1");

  // A man is refused, with the reason in Chinese; nothing is registered.
  await register(page, man);
  await expect(page.getByTestId("problem-code")).toHaveText("registration_gender_restricted");
  await expect(page.getByTestId("problem-detail")).toHaveText("本活动只面向女职工");
  await expect(row(page, man)).toHaveCount(0);
  await checkPage(page, "activity-refused");

  // The first withdraws: the second moves up, and the page says so.
  await row(page, first).getByTestId("withdraw").click();
  await page.locator(".ant-popconfirm:visible").getByRole("button", { name: /确\s*定|OK/ }).click();
  await expect(page.getByTestId("moved-up")).toContainText(`${second.display_name} 已由候补递补`);
  await expect(row(page, first)).toHaveCount(0);
  await expect(row(page, second).getByTestId("registration-status")).toHaveAttribute("data-status", "confirmed");
  await expect(row(page, second).getByTestId("promoted")).toBeVisible();
  await expect(page.getByTestId("places")).toHaveText("1/1");
  await expect(page.getByTestId("waitlisted-count")).toHaveText("0");
  await checkPage(page, "activity-moved-up");

  // The service agrees: one confirmed registration, hers.
  const activityId = page.url().split("/").pop()!;
  const registrations = await get<{ member_id: string; status: string }[]>(page, `/api/events/v1/activities/${activityId}/registrations`);
  expect(registrations.map((r) => [r.member_id, r.status])).toEqual([[second.id, "confirmed"]]);

  // Found again in the list by a part of its title.
  await page.getByRole("link", { name: "返回活动列表" }).click();
  await page.getByTestId("activity-search").fill(title.slice(-8));
  await page.getByRole("button", { name: /查\s*询/ }).click();
  await expect(page.getByTestId("activities").locator("tbody tr")).toHaveCount(1);
  await expect(page.getByTestId("activities").locator("tbody tr")).toContainText(title);
});

test("an officer pays a cost line through finance for less than budgeted, then cancels the activity with its reason", async ({ page }) => {
  test.setTimeout(300_000);
  await signIn(page, account(OFFICER), `/o/${COUNTY}/activities`);
  await expect(page.getByTestId("activities-desk")).toBeVisible();
  const title = `教职工读书会 e2e ${Date.now().toString(36)}`;

  // A draft with a cost line of 300 yuan, published: finance reserves the line in the county's books.
  await page.getByTestId("new-activity").click();
  const form = page.getByTestId("create-activity");
  await form.getByLabel("活动名称", { exact: true }).fill(title);
  await form.getByTestId("activity-kind").click();
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option[title="文艺"]').click();
  await pickDay(page.locator('input[data-testid="activity-day"]'), shanghaiDay(20));
  await expect(page.locator(".ant-picker-dropdown:not(.ant-picker-dropdown-hidden)")).toHaveCount(0);
  await pickDay(page.locator('input[data-testid="activity-deadline"]'), shanghaiDay(18));
  await form.getByLabel("费用预算（元）", { exact: true }).fill("300");
  await page.getByTestId("create-activity-submit").click();
  await expect(page).toHaveURL(/\/activities\/[0-9a-f-]{36}$/);
  const activityId = page.url().split("/").pop()!;
  await page.getByTestId("publish-activity").click();
  await expect(page.getByTestId("activity-status")).toHaveAttribute("data-status", "published");
  const line = page.getByTestId("budget").locator("tbody tr", { hasText: "活动经费" });
  await expect(line.getByTestId("hold-status")).toHaveAttribute("data-status", "reserved", { timeout: 60_000 });

  // Paying more than budgeted is stopped in the form; 250 yuan is paid, and finance captures it.
  await line.getByTestId("pay-cost").click();
  const pay = page.getByTestId("pay-cost-form");
  await expect(pay.getByLabel("支付金额（元）")).toHaveValue("300.00");
  await pay.getByLabel("支付金额（元）").fill("300.01");
  await pay.getByLabel("用途说明").fill("场地租金");
  await page.getByTestId("pay-cost-submit").click();
  await expect(pay).toContainText("不能超过预算 300.00 元");
  await pay.getByLabel("支付金额（元）").fill("250");
  await checkPage(page, "activity-pay-cost");
  await page.getByTestId("pay-cost-submit").click();
  await expect(pay).toHaveCount(0);
  await expect(line.getByTestId("hold-status")).toHaveAttribute("data-status", "captured", { timeout: 60_000 });
  await expect(line).toContainText("250.00");
  const budget = await get<{ items: { kind: string; hold_status: string; paid_fen: number | null; paid_on: string | null }[] }>(
    page,
    `/api/events/v1/activities/${activityId}/budget`,
  );
  expect(budget.items.map((i) => [i.kind, i.hold_status, i.paid_fen])).toEqual([["cost", "captured", 250_00]]);
  expect(budget.items[0].paid_on).toBeTruthy();
  await expect(line.getByTestId("pay-cost")).toHaveCount(0); // paid once: no second payment offered

  // Cancelling asks for the reason first: without one nothing is sent.
  await page.getByTestId("cancel-activity").click();
  const cancel = page.getByTestId("cancel-activity-form");
  await page.getByTestId("cancel-activity-form-submit").click();
  await expect(cancel.locator(".ant-form-item-explain-error")).toHaveText("必填");
  await cancel.getByLabel("取消原因").fill("场馆检修，改期另行通知");
  await checkPage(page, "activity-cancel");
  await page.getByTestId("cancel-activity-form-submit").click();
  await expect(page.getByTestId("activity-status")).toHaveAttribute("data-status", "cancelled");
  await expect(page.getByTestId("cancel-reason")).toHaveText("场馆检修，改期另行通知");
  await expect(page.getByTestId("cancel-activity")).toHaveCount(0);
  const activity = await get<{ status: string; cancel_reason: string | null }>(page, `/api/events/v1/activities/${activityId}`);
  expect([activity.status, activity.cancel_reason]).toEqual(["cancelled", "场馆检修，改期另行通知"]);
});
