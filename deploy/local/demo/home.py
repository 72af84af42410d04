"""职工之家 certification in the county (through the public API): the county publishes its scoring
checklist (the default one: 组织健全, 民主管理, 维权, 服务职工, 职工书屋, 经费管理, 100 points,
合格 ≥ 60, 先进 ≥ 80, 模范 ≥ 90, valid three years); 第一小学 assesses itself for this year with
evidence for every item that needs it, submits, and the county awards it 先进职工之家 (85 points);
实验中学 has submitted its self-assessment and awaits the county's review."""

from demo.api import Api, ok
from demo.roster import COUNTY
from demo.street import today

AWARDED = "no1-primary"  # 第一小学工会
AWAITING = "experimental-middle"  # 实验中学工会
# Reviewed points short of full, item by item: 100 - 15 = 85, 先进.
REVIEW_SHORT = {"1.2": 2, "2.1": 3, "2.2": 2, "3.1": 3, "4.2": 2, "5.1": 3}
SELF_SHORT = {"2.1": 2, "3.1": 2, "5.1": 1}
EVIDENCE = {
    "1.1": ("第六届工会委员会换届选举报告", "2025 年 6 月换届，委员 7 人，分工文件一份"),
    "1.2": ("会员名册及入会申请书", "在册会员 60 人，入会率 100%"),
    "2.1": ("教代会会议记录与提案答复汇编", "第十四届教代会第三次会议，提案 8 件全部答复"),
    "2.2": ("校务公开栏照片与公开记录", "每学期公开收支两次"),
    "3.1": ("工资专项集体合同文本", "与学校签订，职代会审议通过"),
    "4.1": ("五必访记录与困难职工档案", "困难教职工 10 人，建档 10 份"),
    "5.1": ("职工书屋照片及图书台账", "藏书 1,200 册，每周二、四开放"),
    "6.1": ("工会经费收支公开表与经审报告", "独立建账，民主理财小组每学期审查"),
}


async def assess(api: Api, union: str, year: int) -> dict:
    officer = api.officer(union)
    started = ok(
        await api.membership.post(f"/v1/organizations/{union}/home-assessments", json={"year": year}, headers=officer)
    )
    items = started["items"]
    ok(
        await api.membership.put(
            f"/v1/home-assessments/{started['id']}/scores",
            json={
                "items": [
                    {"code": i["code"], "self_score": i["max_points"] - SELF_SHORT.get(i["code"], 0), "note": "已落实"}
                    for i in items
                ]
            },
            headers=officer,
        )
    )
    for item in items:
        if item["evidence_required"]:
            title, description = EVIDENCE.get(item["code"], (f"{item['section']}工作材料", ""))
            ok(
                await api.membership.post(
                    f"/v1/home-assessments/{started['id']}/evidence",
                    json={"item_code": item["code"], "title": title, "description": description},
                    headers=officer,
                )
            )
    return ok(await api.membership.post(f"/v1/home-assessments/{started['id']}/submission", headers=officer))


async def load_home(api: Api) -> None:
    """Once: skipped when the county has published its checklist already."""
    checklist = ok(await api.membership.get(f"/v1/federations/{COUNTY}/home-checklist", headers=api.admin))
    if checklist["published"]:
        return
    ok(
        await api.membership.put(
            f"/v1/federations/{COUNTY}/home-checklist",
            json={
                "items": [
                    {k: i[k] for k in ("code", "section", "text", "max_points", "evidence_required")}
                    for i in checklist["items"]
                ],
                "thresholds": checklist["thresholds"],
                "valid_years": checklist["valid_years"],
            },
            headers=api.admin,
        )
    )
    day = today()
    awarded = await assess(api, AWARDED, day.year)
    ok(
        await api.membership.post(
            f"/v1/home-assessments/{awarded['id']}/review",
            json={
                "items": [
                    {"code": i["code"], "score": i["max_points"] - REVIEW_SHORT.get(i["code"], 0)}
                    for i in awarded["items"]
                ],
                "comment": "组织健全，民主管理规范，职工书屋建设突出",
                "awarded_on": day.isoformat(),
            },
            headers=api.admin,
        )
    )
    await assess(api, AWAITING, day.year)


async def show_home(api: Api) -> None:
    rate = ok(await api.membership.get(f"/v1/organizations/{COUNTY}/home-certification-rate", headers=api.admin))
    total = rate["total"]
    percent = "—" if total["percent"] is None else f"{total['percent']:.1f}%"
    print(
        f"\n职工之家 in {COUNTY}: {total['certified']} of {total['unions']} unions certified ({percent}): "
        f"模范 {total['model']}, 先进 {total['advanced']}, 合格 {total['qualified']}"
    )
    waiting = ok(
        await api.membership.get(
            f"/v1/organizations/{COUNTY}/home-assessments", params={"status": "submitted"}, headers=api.admin
        )
    )
    for line in waiting:
        print(
            f"  awaiting the county's review: {line['organization_name']} ({line['year']}, self {line['self_total']})"
        )
