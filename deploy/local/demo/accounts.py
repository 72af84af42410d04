"""The demo's sign-in accounts in Keycloak, one per role for the county and for 第一小学, the
street's admin and auditor, the officer of one of its enterprises' unions, and a platform
administrator. Their first passwords are temporary (the first sign-in replaces them)
and are kept in <state dir>/demo-accounts.txt, which `make up` prints and tests read.
Accounts already listed there are left alone; a missing one is created (or given a new
temporary password when it exists without a recorded one)."""

import os
from pathlib import Path

from demo.roster import COUNTY
from demo.street import STREET
from unionfed_membership.adapters.keycloak_accounts import KeycloakAccounts
from unionfed_membership.domain.accounts import NewAccount
from unionfed_membership.service_layer.accounts import temporary_password
from unionfed_shared.auth import Role

SCHOOL = "no1-primary"
ENTERPRISE_UNION = "jh-machinery"
PLATFORM = "platform"

# username, display name, what they do (printed), organization, federation, role
DEMO_ACCOUNTS = [
    ("county-admin", "周建国", "县教育工会 联合会管理员", COUNTY, COUNTY, Role.FEDERATION_ADMIN),
    ("county-officer", "陈志明", "县教育工会 工会主席", COUNTY, COUNTY, Role.UNION_OFFICER),
    ("county-treasurer", "刘淑芬", "县教育工会 财务", COUNTY, COUNTY, Role.UNION_OFFICER),
    ("county-auditor", "郑海燕", "县教育工会 经费审查（审计）", COUNTY, COUNTY, Role.AUDITOR),
    ("school1-officer", "王芳", "第一小学工会 工会主席", SCHOOL, COUNTY, Role.UNION_OFFICER),
    ("school1-treasurer", "李娜", "第一小学工会 财务", SCHOOL, COUNTY, Role.UNION_OFFICER),
    ("school1-welfare", "赵敏", "第一小学工会 福利干事（帮扶）", SCHOOL, COUNTY, Role.WELFARE_OFFICER),
    ("school1-auditor", "张伟", "第一小学工会 经费审查（审计）", SCHOOL, COUNTY, Role.AUDITOR),
    ("street-admin", "周丽华", "某街道总工会 联合会管理员", STREET, STREET, Role.FEDERATION_ADMIN),
    ("street-auditor", "吴建平", "某街道总工会 经费审查（审计）", STREET, STREET, Role.AUDITOR),
    # An enterprise's own union (founded from the street's register): it reads its contracts only.
    ("jh-officer", "孙国强", "华东精密机械有限公司工会 工会主席", ENTERPRISE_UNION, STREET, Role.UNION_OFFICER),
    ("platform-admin", "平台管理员", "平台管理员", PLATFORM, PLATFORM, Role.PLATFORM_ADMIN),
]
# A teacher of 第一小学 signing in to their own data (/me), once the roster is loaded: the account
# names their member id; its organization is their school's union (members sit in its groups).
MEMBER_USERNAME = "school1-member"
MEMBER_WHAT = "第一小学 教师（会员自助）"


def _recorded(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    rows = (line.split() for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("  "))
    return {row[0]: row[1] for row in rows if len(row) >= 2}


async def ensure_demo_accounts(member: tuple[str, str] | None = None) -> Path:
    """The accounts above and, given ``member`` (member id, name), the demo member's."""
    wanted = [(*row, None) for row in DEMO_ACCOUNTS]
    if member is not None:
        member_id, name = member
        wanted.append((MEMBER_USERNAME, name, MEMBER_WHAT, SCHOOL, COUNTY, Role.MEMBER, member_id))
    state = Path(os.environ["UNIONFED_STATE_DIR"])
    path = state / "demo-accounts.txt"
    recorded = _recorded(path)
    directory = KeycloakAccounts(
        os.environ["MEMBERSHIP_KEYCLOAK_URL"],
        "unionfed",
        "unionfed-membership",
        os.environ["MEMBERSHIP_KEYCLOAK_CLIENT_SECRET"],
    )
    try:
        existing = {
            a.username: a
            for a in await directory.in_organizations({COUNTY, SCHOOL, STREET, ENTERPRISE_UNION, PLATFORM})
        }
        linked = existing.get(MEMBER_USERNAME)
        if member is None and linked is not None and linked.member_id:
            # Listed again before the roster is read: the account keeps its member.
            wanted.append((MEMBER_USERNAME, linked.display_name, MEMBER_WHAT, SCHOOL, COUNTY, Role.MEMBER, None))
        passwords = {}
        for username, name, _what, org, fed, role, member_id in wanted:
            if username in recorded and username in existing:
                passwords[username] = recorded[username]
                continue
            password = temporary_password()
            if username in existing:
                await directory.set_temporary_password(existing[username].id, password)
            else:
                await directory.create(NewAccount(username, name, org, fed, role, member_id), password)
            passwords[username] = password
    finally:
        await directory.aclose()
    lines = ["demo accounts (username, first password — the first sign-in sets a new one; role, name):"]
    lines += [
        f"  {u:<18} {passwords[u]}   {role.value:<16} {name}（{what}）"
        for u, name, what, _org, _fed, role, _member in wanted
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path.chmod(0o600)
    return path
