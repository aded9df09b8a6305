"""The Hongmei neighbourhood centre as demo data: spaces, buildings, service points, logins."""
from datetime import date, time

CENTRE = ("红梅社区邻里中心", "Hongmei Community Neighbourhood Centre")
CENTRE_LAT, CENTRE_LON = 30.29050, 120.19520  # 三里亭苑三区20幢, WGS-84 (approximate)

ALL_WEEK = range(7)
WEEKDAYS = range(5)
MON_SAT = range(6)

# name, name_en, kind, floor, capacity, exclusive, groups, sensitive, operator, slot, buffer, quota, hours
SPACES = [
    ("养老驿站·休闲活动区", "Elderly care station – leisure area", "elderly_care", 2, 30, False,
     ["elderly", "special"], False, "颐康养老服务中心", 60, 0, None, (ALL_WEEK, [(time(8), time(17))])),
    ("康复理疗室", "Rehab physiotherapy room", "rehab", 2, 1, True, ["elderly", "special"], True,
     "颐康养老服务中心", 30, 10, 3, (MON_SAT, [(time(8, 30), time(11, 30)), (time(13, 30), time(17))])),
    ("康复训练区", "Rehab training area", "rehab", 4, 6, False, ["special", "elderly"], True,
     "颐康养老服务中心", 60, 0, 3, (WEEKDAYS, [(time(9), time(12)), (time(14), time(17))])),
    ("绘本馆", "Picture-book library", "picture_book_library", 3, 20, False, [], False,
     None, 60, 0, None, (ALL_WEEK, [(time(9), time(17))])),
    ("儿童早教中心", "Early-education room", "early_education", 3, 12, False, ["child"], False,
     "小橡树早教", 60, 0, 4, (ALL_WEEK, [(time(9), time(11, 30)), (time(14, 30), time(17, 30))])),
    ("邻里共享厨房", "Shared neighbourhood kitchen", "shared_kitchen", 1, 12, True, [], False,
     None, 120, 30, 2, (ALL_WEEK, [(time(9), time(20))])),
    ("亲子游乐区", "Parent-child play area", "play_area", 3, 25, False, ["child"], False,
     None, 60, 0, None, (ALL_WEEK, [(time(9), time(18))])),
    ("心理咨询室", "Counselling room", "counselling", 4, 1, True, [], True,
     "心晴心理咨询工作室", 60, 10, 2, (WEEKDAYS, [(time(9), time(12)), (time(14), time(17))])),
]

# Floor areas (m²) of the spaces, for the check-up. The elderly-care spaces add up to 150 m², under the
# 15 m² per 100 households an old estate of 1,060 households needs (159 m²): the finding the renewal answers.
SPACE_AREAS = {"elderly_care": 95, "康复理疗室": 25, "康复训练区": 30, "picture_book_library": 160,
               "early_education": 120, "shared_kitchen": 80, "play_area": 180, "counselling": 20}

# (name, metres east, metres north, households) around the centre; 一区 and 二区 nearby, 新村 further out.
BUILDINGS = [
    *[(f"三里亭苑三区{n}幢", dx, dy, hh) for n, dx, dy, hh in [
        (18, -60, 40, 48), (19, -20, 70, 48), (20, 0, 0, 0), (21, 50, 60, 60), (22, 90, -30, 60),
        (23, 40, -80, 72), (24, -80, -70, 54), (17, -120, 110, 24)]],
    *[(f"三里亭苑二区{n}幢", dx, dy, hh) for n, dx, dy, hh in [
        (3, 260, 150, 64), (5, 320, 40, 64), (7, 380, -60, 80), (9, 300, -180, 56)]],
    *[(f"三里亭苑一区{n}幢", dx, dy, hh) for n, dx, dy, hh in [
        (2, -330, 210, 40), (4, -420, 90, 48), (6, -380, -120, 48), (8, -250, -260, 42)]],
    *[(f"红梅新村{n}幢", dx, dy, hh) for n, dx, dy, hh in [
        (11, 760, 520, 90), (12, 880, 420, 90), (15, -900, -560, 72)]],
]

# (name, service types, metres east, metres north, opens_on). Chosen so the demo circle has real gaps:
# at the elderly 0.8 m/s a 5-minute target is ~185 m straight-line, so 二区, 一区 and 新村 miss
# the centre's elderly care; the nursery and the 一区 station open later, so the trend moves.
SERVICE_POINTS = [
    ("红梅社区邻里中心", ["community_service", "elderly_care", "meal"], 0, 0, None),
    ("红梅社区卫生服务站", ["health"], 150, 120, None),
    ("闸弄口街道社区卫生服务中心", ["health", "pharmacy"], 1100, -300, None),
    ("三里亭幼儿园", ["kindergarten"], -300, 260, None),
    ("红梅托育园（建设中）", ["nursery"], 120, -160, date(2027, 3, 1)),
    ("笕桥小学三里亭校区", ["primary_school"], 650, 420, None),
    ("联华超市三里亭店", ["supermarket"], 240, -120, None),
    ("老百姓大药房", ["pharmacy"], 260, -140, None),
    ("红梅社区中心公园", ["park"], 60, 90, None),
    ("幢间口袋公园", ["park"], -300, -90, None),
    ("三里亭公交站", ["bus_stop"], 180, 260, None),
    ("红梅新村助餐点", ["meal"], 820, 470, None),
    # Planned: closes the elderly-care and meal gap of 一区 (visible in the trend once it opens).
    # Its 120 m² also bring the elderly-care space up to the standard.
    ("三里亭苑一区居家养老服务站（筹建）", ["elderly_care", "meal"], -370, -20, date(2027, 1, 15)),
]

# Floor areas (m²) of the service points that have one on record; the centre's own rooms are counted as spaces.
POINT_AREAS = {"红梅社区中心公园": 2400, "幢间口袋公园": 220, "红梅社区卫生服务站": 160, "红梅新村助餐点": 90,
               "三里亭苑一区居家养老服务站（筹建）": 120, "红梅托育园（建设中）": 260}

LOGINS = [
    # username, password, role, organisation
    ("admin", "hongmei-admin", "admin", None),
    ("desk", "hongmei-desk", "staff", None),
    ("eldercare", "hongmei-operator", "operator", "颐康养老服务中心"),
    ("counsellor", "hongmei-operator", "operator", "心晴心理咨询工作室"),
]
RESIDENT_LOGIN = ("13800000001", "hongmei-resident")

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严莫孔向常汤"
GIVEN = "秀英桂兰玉珍凤华建国志强文杰丽娟海燕明辉红梅晓东子涵欣怡浩然一诺梓轩雨桐思远俊杰佳怡天宇家豪静怡"
