import { chromium } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
const base = "http://127.0.0.1:4173";
const b64 = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
const role = process.argv[2] ?? "union_officer";
const token = `${b64({ alg: "none" })}.${b64({ sub: "officer-county", preferred_username: "county-officer", org: "county-edu", fed: "county-edu", role })}.x`;
const user = { access_token: token, token_type: "Bearer", scope: "openid", profile: { sub: "officer-county" }, expires_at: 4102444800 };
const orgs = [
  { id: "county-edu", name: "某县教育工会", kind: "federation", parent_id: null, path: ["county-edu"], language: "zh", sector: null, time_zone: "Asia/Shanghai" },
  { id: "no1-primary", name: "第一小学工会", kind: "grassroots_union", parent_id: "county-edu", path: ["county-edu", "no1-primary"], language: "zh", sector: null, time_zone: "Asia/Shanghai" },
];
const accounts = [{ code: "1001", name: "Bank and cash", name_zh: "银行存款及现金", type: "asset", balance_fen: 1234567, floor_fen: 0 }, { code: "5101", name: "Staff activities", name_zh: "职工活动支出", type: "expense", balance_fen: 340000, floor_fen: null }];
const posting = { id: "11111111-1111-1111-1111-111111111111", sequence: 7, effective_date: "2026-10-12", description: "征文比赛奖金", total_fen: 340000, actor: "officer-county", correlation_id: "c1", hash: "ab".repeat(32), previous_hash: "cd".repeat(32), recorded_at: "2026-10-12T02:00:00Z", source_event_id: "e1", source_event_type: "events.prize_paid", source_offset: 3, source_partition: 0, source_topic: "events", lines: [{ line_no: 1, account_code: "5101", debit_fen: 340000, credit_fen: 0 }, { line_no: 2, account_code: "1001", debit_fen: 0, credit_fen: 340000 }] };
const answers = {
  "/api/membership/v1/organizations/county-edu/subtree": orgs,
  "/api/membership/v1/organizations/county-edu/membership-report": { total: { members: 1190, staff_count: 1300, membership_rate_percent: 91.5 } },
  "/api/membership/v1/organizations/county-edu/dues": { members: [{ amount_fen: 2150, paid: true, outcome: "due" }, { amount_fen: 2000, paid: false, outcome: "due" }] },
  "/api/finance/v1/organizations/county-edu/ledger/balances": { organization_id: "county-edu", accounts, total_debit_balances_fen: 1574567, total_credit_balances_fen: 1574567 },
  "/api/welfare/v1/organizations/county-edu/grants": { items: [{}, {}], next_cursor: null },
  "/api/events/v1/organizations/county-edu/congress-sessions": [],
  "/api/finance/v1/organizations/county-edu/budgets": [{ fiscal_year: 2026, category_account: "5101", amount_fen: 350000, spent_fen: 340000, reserved_fen: 0, policy: "warn" }],
  "/api/finance/v1/organizations/county-edu/ledger/postings": { items: [posting], next_cursor: null },
  "/api/finance/v1/organizations/county-edu/ledger/consolidated": { organization_id: "county-edu", generated_at: "2026-12-05T00:00:00Z", accounts: accounts.map((a) => ({ ...a, combined_fen: a.balance_fen, eliminated_fen: 0, consolidated_fen: a.balance_fen })), eliminated_debit_fen: 0, eliminated_credit_fen: 0, total_debit_balances_fen: 1, total_credit_balances_fen: 1, ledgers: [{ organization_id: "county-edu", name: "某县教育工会", kind: "federation", last_sequence: 7, last_hash: "ab".repeat(32) }] },
  "/api/finance/v1/organizations/county-edu/audit-log": { items: [{ id: 1, occurred_at: "2026-12-01T01:00:00Z", subject: "officer-county", role: "union_officer", method: "POST", route: "/v1/organizations/{organization_id}/expenses", status_code: 202, outcome: "accepted", duration_ms: 12, path_params: {}, request_id: "r", correlation_id: null, federation_id: "county-edu", organization_id: "county-edu", trace_id: null }], next_cursor: null },
  "/api/membership/v1/organizations/county-edu/accounts": { items: [{ id: "a1", username: "county-officer", display_name: "李老师", organization_id: "county-edu", organization_name: "某县教育工会", role: "union_officer", enabled: true }], next_cursor: null },
  [`/api/finance/v1/postings/${posting.id}/trace`]: { actor: "officer-county", correlation_id: "c1", originating_command: "POST /v1/activities/x/budget/y/payment", trace_id: "0af7651916cd43dd8448eb211c80319c", posting: { ...posting, organization_id: "county-edu" }, causation_chain: [{ kind: "command", event_id: "cmd-1", actor: "officer-county" }, { kind: "source_event", event_id: "e1", type: "events.prize_paid" }], journal_entry: { event_id: "j1", offset: 1, partition: 0 }, money_outcome: null, reverses: null, reversed_by: null, source_event: { event_id: "e1", occurred_at: null, offset: 3, partition: 0, topic: "events", type: "events.prize_paid" } },
};
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium" });
const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: "zh-CN" });
const page = await ctx.newPage();
await page.addInitScript(([k, v]) => sessionStorage.setItem(k, v), [`oidc.user:${base}/auth/realms/unionfed:unionfed-console`, JSON.stringify(user)]);
await page.route("**/auth/**", (r) => r.fulfill({ status: 404, body: "{}" }));
await page.route("**/api/**", (r) => {
  const u = new URL(r.request().url());
  if (u.pathname.endsWith("/disclosure")) return r.fulfill({ contentType: "text/html", body: "<html><head><style>h1{color:#333}</style></head><body><h1>财务公开</h1><table><tr><td>收入</td><td>1,000.00</td></tr></table></body></html>" });
  const a = answers[u.pathname];
  if (!a) return r.fulfill({ status: 404, contentType: "application/problem+json", body: JSON.stringify({ detail: "组织不存在或不在您的权限范围内", code: "organization_not_found", status: 404 }) });
  return r.fulfill({ contentType: "application/json", body: JSON.stringify(a) });
});
page.on("pageerror", (e) => console.log("PAGEERROR", e.message));
page.on("console", (m) => m.type() === "error" && console.log("CONSOLE", m.text()));
for (const [name, path] of [["dashboard", "/o/county-edu"], ["entries", "/o/county-edu/finance/entries"], ["balances", "/o/county-edu/finance/balances"], ["consolidated", "/o/county-edu/finance/consolidated"], ["budgets", "/o/county-edu/finance/budgets"], ["disclosure", "/o/county-edu/finance/disclosure"], ["entry", `/o/county-edu/finance/entries/${posting.id}`], ["audit", "/o/county-edu/audit"], ["accounts", "/o/county-edu/accounts"], ["notfound", "/o/other/finance/balances"]]) {
  await page.goto(base + path);
  await page.waitForLoadState("networkidle");
  await page.waitForTimeout(500);
  await page.screenshot({ path: `/tmp/console-shots/${name}.png`, fullPage: true });
  const r = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const bad = r.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  console.log(name, bad.map((v) => `${v.id}(${v.impact}) ${v.nodes.length}: ${v.nodes.slice(0, 2).map((n) => n.target.join(" ")).join(" | ")}`));
}
await browser.close();
