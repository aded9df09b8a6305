"""Words for the check-up's codes, in the reader's language (Chinese msgids, English in the catalogue)."""
from flask_babel import lazy_gettext as _l

LABELS = {
    # groups
    "all": _l("全体居民"), "elderly": _l("老年人（60岁及以上）"), "aged_80": _l("80岁及以上"),
    "child": _l("儿童（14岁以下）"), "child_0_3": _l("0–3岁"), "child_3_6": _l("3–6岁"), "child_6_14": _l("6–14岁"),
    "special": _l("特殊关爱人群"), "disability": _l("残疾人"), "lives_alone": _l("独居"),
    # service types
    "elderly_care": _l("养老服务"), "meal": _l("助餐"), "health": _l("卫生服务"), "nursery": _l("托育（0–3岁）"),
    "kindergarten": _l("幼儿园"), "primary_school": _l("小学"), "supermarket": _l("超市"), "pharmacy": _l("药店"),
    "park": _l("公园"), "community_service": _l("社区服务"), "bus_stop": _l("公交站"),
    # space kinds
    "rehab": _l("康复"), "picture_book_library": _l("绘本阅读"), "early_education": _l("早期教育"),
    "shared_kitchen": _l("共享厨房"), "play_area": _l("亲子游乐"), "counselling": _l("心理咨询"),
    # activity kinds (the demo programme's; a centre's own kinds show as entered)
    "storytime": _l("绘本故事会"), "rehab_class": _l("康复课程"), "baking": _l("烘焙"), "health_lecture": _l("健康讲座"),
    # refusal codes
    "capacity": _l("名额已满"), "conflict": _l("时段冲突"), "closed": _l("闭馆"), "outside_hours": _l("非开放时间"),
    "not_eligible": _l("不符合开放对象"), "quota": _l("超过每周上限"), "too_soon": _l("提前不足"),
    "too_far": _l("超出可预约范围"),
    # problem statuses, sources and contact methods
    "proposed": _l("待受理"), "open": _l("待整改"), "in_progress": _l("整改中"), "done": _l("已整改"),
    "verified": _l("已复核销号"), "merged": _l("已合并"), "answered": _l("已答复"),
    "generated": _l("体检发现"), "staff": _l("工作人员录入"), "resident": _l("居民提出"),
    "phone": _l("电话"), "visit": _l("上门"), "at_centre": _l("来中心"), "other": _l("其他"),
    "space": _l("空间"), "service_point": _l("服务点"),
    # responsible units: stored in Chinese (the ledger is the centre's record), shown in the reader's language
    "物业": _l("物业"), "社区": _l("社区"), "街道": _l("街道"), "区级部门": _l("区级部门"), "市级部门": _l("市级部门"),
}
WEEKDAYS = (_l("周一"), _l("周二"), _l("周三"), _l("周四"), _l("周五"), _l("周六"), _l("周日"))


def checkup_label(code) -> str:
    """Translated at render time: the value is passed in, never folded into a compiled template."""
    return str(LABELS.get(code, code if code is not None else ""))


def weekday_names() -> list[str]:
    return [str(w) for w in WEEKDAYS]


ENGLISH_PUNCTUATION = {"：": ": ", "（": " (", "）": ")", "，": ", ", "。": ".", "、": ", "}


def punct(mark: str) -> str:
    """Chinese punctuation on a Chinese page, its English counterpart on an English one."""
    from views.core.i18n import current_lang

    return ENGLISH_PUNCTUATION.get(mark, mark) if current_lang() == "en" else mark


def init_app(app) -> None:
    app.jinja_env.globals.update(checkup_label=checkup_label, punct=punct)
