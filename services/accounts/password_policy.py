"""Which new passwords we refuse: too short or long, among the 10,000 most common, the user's own
phone number, or one character (or a short run) repeated. The list ships with the app: nothing is fetched."""
import re
from functools import cache
from pathlib import Path

from services.core import errors
from services.core.errors import N_

MIN_PASSWORD, MAX_PASSWORD = 8, 128
LIST_FILE = Path(__file__).with_name("common_passwords.txt")
# What people in China pick first and an English list misses (ASVS 2.1.7).
LOCAL_FAVOURITES = frozenset({"88888888", "66666666", "woaini1314", "woaini520", "5201314520", "1qaz2wsx",
                              "qwertyui", "a1234567", "abc12345"})
REPEATED = re.compile(r"(.{1,3})\1+")  # aaaaaaaa, abababab, 123123123


@cache
def common_passwords() -> frozenset[str]:
    lines = LIST_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("# ")) | LOCAL_FAVOURITES


def check_new_password(password: str, confirm: str, phone: str | None = None) -> None:
    """Raise Invalid naming `confirm` or `password` with the reason."""
    if password != confirm:
        raise errors.Invalid("confirm", N_("两次输入的密码不一样"))
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise errors.Invalid("password", N_("密码需要 %(low)d 到 %(high)d 位"), low=MIN_PASSWORD, high=MAX_PASSWORD)
    if password.lower() in common_passwords():
        raise errors.Invalid("password", N_("这个密码太常见，请换一个"))
    if REPEATED.fullmatch(password) or len(set(password)) < 3:
        raise errors.Invalid("password", N_("密码不能是重复的字符，请换一个"))
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) >= 7 and digits[-11:] in password:
        raise errors.Invalid("password", N_("密码不能包含自己的手机号"))
