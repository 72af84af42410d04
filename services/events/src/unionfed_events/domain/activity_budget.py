"""An activity's budget: one hold in finance per line (its states and finance's answers are
``unionfed_shared.finance_holds``), the prize money's description and its total's limit."""

from unionfed_shared.amount_words import yuan
from unionfed_shared.errors import Invalid

# What finance writes into the books for an activity's prizes, in the federation's language.
_PRIZE_MONEY = {"zh-CN": "{title}：奖金", "en": "{title}: prize money"}


def prize_description(title: str, language: str) -> str:
    return _PRIZE_MONEY.get(language, _PRIZE_MONEY["zh-CN"]).format(title=title)[:200]


def check_prize_total(total_fen: int, prize_budget_fen: int | None) -> None:
    if total_fen and prize_budget_fen is None:
        raise Invalid("prize_budget_missing", zh="该活动预算中没有奖金", en="the activity's budget has no prize money")
    if prize_budget_fen is not None and total_fen > prize_budget_fen:
        raise Invalid(
            "prizes_over_budget",
            zh=f"奖金合计 {yuan(total_fen)} 超过奖金预算 {yuan(prize_budget_fen)}",
            en=f"prizes of {total_fen} fen exceed the prize budget of {prize_budget_fen} fen",
        )
