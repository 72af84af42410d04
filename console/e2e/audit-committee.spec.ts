import { expect, test } from "@playwright/test";
import { account, checkPage, signIn } from "./support";

// The demo's county, its 第一小学 and their accounts (deploy/local/demo/accounts.py).
const COUNTY = process.env.UNIONFED_DEMO_COUNTY ?? "county-edu";
const SCHOOL = process.env.UNIONFED_DEMO_SCHOOL ?? "no1-primary";
const AUDITOR = process.env.UNIONFED_DEMO_AUDITOR ?? "county-auditor";
const TREASURER = process.env.UNIONFED_DEMO_SCHOOL_TREASURER ?? "school1-treasurer";
// The demo data stays from run to run: this run's finding carries its own mark.
const run = Date.now().toString(36);
const FINDING = `会费收缴分录所附签收单缺少经办人签字（${run}）`;
const ANSWER = `已由经办人补签（${run}）`;

test("经审: the county auditor records a finding on an entry, the school's treasurer answers, the auditor closes and signs off", async ({
  browser,
}) => {
  test.setTimeout(240_000);
  const auditorContext = await browser.newContext();
  const auditor = await auditorContext.newPage();
  await signIn(auditor, account(AUDITOR), `/o/${SCHOOL}/finance/entries`);
  const entries = auditor.getByTestId("entries").locator("tbody tr.ant-table-row");
  await expect(entries.first()).toBeVisible();
  await entries.first().getByRole("link").click();
  await expect(auditor.getByTestId("entry-page")).toBeVisible();
  // The auditor reads the entry and corrects nothing: no reversal, only its own finding.
  await expect(auditor.getByRole("button", { name: /冲销此凭证|Reverse this entry/ })).toHaveCount(0);
  await auditor.getByTestId("record-finding").click();
  await auditor.getByTestId("finding-text").fill(FINDING);
  await auditor.getByTestId("record-finding-submit").click();
  await expect(auditor.getByTestId("entry-findings")).toContainText(FINDING);
  await expect(auditor.getByTestId("entry-findings")).toContainText("待答复");
  await checkPage(auditor, "audit-entry-finding");

  // Nowhere else a write button for the auditor: the members desk, the finance desk, the welfare desk.
  await auditor.goto(`/o/${SCHOOL}/members`);
  await expect(auditor.getByTestId("members-desk")).toBeVisible();
  for (const id of ["join", "roster-open"]) await expect(auditor.getByTestId(id)).toHaveCount(0);
  await auditor.goto(`/o/${SCHOOL}/finance/budgets`);
  await expect(auditor.getByTestId("finance-desk")).toBeVisible();
  await expect(auditor.getByRole("button", { name: /保存|设定|Save|Set/ })).toHaveCount(0);

  // The school's treasurer sees the open finding on the desk and answers it.
  const treasurerContext = await browser.newContext();
  const treasurer = await treasurerContext.newPage();
  await signIn(treasurer, account(TREASURER), `/o/${SCHOOL}/audit/findings`);
  const open = treasurer.getByTestId("findings").locator("tbody tr.ant-table-row", { hasText: FINDING });
  await expect(open).toBeVisible();
  await expect(open.getByTestId("close-finding")).toHaveCount(0); // closing is the auditor's
  await checkPage(treasurer, "audit-findings-treasurer");
  await open.getByTestId("answer-finding").click();
  await treasurer.getByTestId("act-on-finding-text").fill(ANSWER);
  await treasurer.getByTestId("act-on-finding-submit").click();
  await expect(open).toHaveCount(0); // no longer among the open ones
  await treasurerContext.close();

  // The auditor, on the county's desk, sees it answered and closes it.
  await auditor.goto(`/o/${COUNTY}/audit/findings`);
  const row = auditor.getByTestId("findings").locator("tbody tr.ant-table-row", { hasText: FINDING });
  await expect(row.getByTestId("finding-state")).toHaveText("已答复");
  await expect(row).toContainText(ANSWER);
  await expect(row.getByTestId("answer-finding")).toHaveCount(0); // answering is the treasurer's
  await row.getByTestId("close-finding").click();
  await auditor.getByTestId("act-on-finding-submit").click();
  await expect(row.getByTestId("finding-state")).toHaveText("已关闭");
  // The demo's answered finding (deploy/local/demo/audit_committee.py) is there too.
  await expect(auditor.getByTestId("findings")).toContainText("已由收缴经办人补签");
  await checkPage(auditor, "audit-findings");

  // The sign-off of the term records the ledger's head, and it still holds.
  await auditor.goto(`/o/${SCHOOL}/audit/sign-off`);
  await auditor.getByTestId("sign-off-opinion").fill(`收支真实，票据基本齐全（${run}）`);
  await auditor.getByTestId("sign-off-submit").click();
  const signed = auditor.getByTestId("sign-offs").locator("tbody tr.ant-table-row", { hasText: run });
  await expect(signed.getByTestId("sign-off-head")).toContainText(/#\d+ [0-9a-f]{16}…/);
  await expect(signed.getByTestId("sign-off-verified")).toHaveText("链头未变");
  await checkPage(auditor, "audit-sign-off");
  await auditorContext.close();
});
