"""The Chinese words for the membership vocabulary, for refusals said in Chinese."""

KIND_ZH = {"federation": "工会联合会", "grassroots_union": "基层工会", "union_group": "工会小组"}
STATUS_ZH = {"active": "在册", "retired": "退休", "left": "已退会", "deceased": "已故"}
ACTION_ZH = {
    "enrol_member": "发展会员",
    "record_dues": "登记会费",
    "change_member": "变更会员状态",
    "read_personal_data": "查阅个人信息",
    "elect_committee": "登记委员会换届",
}


def kind_zh(kind: str) -> str:
    return KIND_ZH.get(kind, kind)


def status_zh(status: str) -> str:
    return STATUS_ZH.get(status, status)


def action_zh(action: str) -> str:
    return ACTION_ZH.get(action, action)
