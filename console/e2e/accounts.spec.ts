import { expect, test } from "@playwright/test";
import { account, checkPage, signIn } from "./support";

const COUNTY = process.env.UNIONFED_DEMO_COUNTY ?? "county-edu";
const OFFICER = process.env.UNIONFED_DEMO_COUNTY_OFFICER ?? "county-officer";
// A school of the demo county without accounts of its own.
const SCHOOL = process.env.UNIONFED_DEMO_NEW_SCHOOL ?? "xiaoxue-02";

test("an officer creates a chair's account; the chair must change the password and sees only their union", async ({ browser }) => {
  const officerContext = await browser.newContext();
  const officer = await officerContext.newPage();
  await signIn(officer, account(OFFICER));
  await officer.goto(`/o/${SCHOOL}/accounts`);
  await expect(officer.getByTestId("accounts")).toBeVisible();
  await checkPage(officer, "accounts");

  const username = `chair-${Date.now().toString(36)}`;
  await officer.getByTestId("create-account").click();
  const dialog = officer.getByRole("dialog");
  await dialog.getByLabel(/用户名|Username/).fill(username);
  await dialog.getByLabel(/姓名|Name/).fill("王主席");
  await dialog.getByRole("button", { name: /创\s*建|Create/ }).click();
  const temporary = officer.getByTestId("temporary-password");
  await expect(temporary).toBeVisible();
  const password = (await temporary.innerText()).trim();
  expect(password.length).toBeGreaterThanOrEqual(8);
  await checkPage(officer, "accounts-temporary-password");
  await officer.getByRole("button", { name: /^(关\s*闭|Close)$/ }).last().click();
  await expect(officer.getByTestId("accounts").getByText(username)).toBeVisible();

  // The chair, in a browser of their own.
  const chairContext = await browser.newContext();
  const chair = await chairContext.newPage();
  const mustChange = await signIn(chair, { username, password });
  expect(mustChange, "first sign-in requires a new password").toBe(true);
  await expect(chair).toHaveURL(new RegExp(`/o/${SCHOOL}$`));
  await checkPage(chair, "dashboard-chair");

  // The scope picker offers their union and what is under it, nothing above or beside.
  await chair.getByTestId("scope-picker").click();
  const options = chair.locator(".ant-select-tree-title");
  await expect(options.first()).toBeVisible();
  const titles = await options.allInnerTexts();
  // 东关小学工会 and its union groups (教研组): never the county, never another school.
  expect(titles.length).toBeGreaterThan(0);
  expect(titles.length).toBeLessThanOrEqual(5);
  expect(titles.join("|")).not.toMatch(/县/);
  expect(titles.filter((title) => !title.endsWith("组"))).toHaveLength(1);
  await chair.keyboard.press("Escape");
  await chair.goto(`/o/${COUNTY}/finance/balances`);
  await expect(chair.getByTestId("problem")).toBeVisible();

  // The officer disables the account.
  const row = officer.getByTestId("accounts").locator("tr", { hasText: username });
  await row.getByRole("button", { name: /停\s*用|Disable/ }).click();
  await officer.locator(".ant-popconfirm").getByRole("button", { name: /确\s*定|OK/ }).click();
  await expect(row.getByText(/已停用|Disabled/)).toBeVisible();

  await chairContext.close();
  await officerContext.close();
});
