"""Fictitious people for demo data: names, resident ID numbers, phones and addresses.

Every ID number is valid (GB 11643-1999: a real division code, a real date of birth, the sex
digit matching the name's sex, the MOD 11-2 check character); the people do not exist. Division
codes are GB/T 2260 county-level codes of large cities, plus the zone's own districts.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from cbec.registry.identifiers import ric

__all__ = ["BUYER_DISTRICTS", "Person", "make_person", "make_phone"]

BUYER_DISTRICTS: tuple[tuple[str, str], ...] = (
    ("110101", "北京市东城区"),
    ("110105", "北京市朝阳区"),
    ("110108", "北京市海淀区"),
    ("120101", "天津市和平区"),
    ("310104", "上海市徐汇区"),
    ("310115", "上海市浦东新区"),
    ("320102", "江苏省南京市玄武区"),
    ("330106", "浙江省杭州市西湖区"),
    ("350203", "福建省厦门市思明区"),
    ("370102", "山东省济南市历下区"),
    ("370202", "山东省青岛市市南区"),
    ("410105", "河南省郑州市金水区"),
    ("420106", "湖北省武汉市武昌区"),
    ("430104", "湖南省长沙市岳麓区"),
    ("440106", "广东省广州市天河区"),
    ("440305", "广东省深圳市南山区"),
    ("500103", "重庆市渝中区"),
    ("510107", "四川省成都市武侯区"),
    ("610113", "陕西省西安市雁塔区"),
    ("210102", "辽宁省沈阳市和平区"),
)
"""(GB/T 2260 code, address prefix) of the divisions demo buyers live in, besides the zone's own."""

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_MALE = "伟强磊军洋勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林欣博文志建国东晨阳峰海"
_FEMALE = "芳娜敏静丽艳娟霞秀英慧莹雪琳晶燕红梅玲婷颖佳倩萍瑶怡雯琪璐丹蕾洁薇悦欣妍彤诗涵晴"
_STREETS = (
    "人民路",
    "解放路",
    "建设路",
    "中山路",
    "和平路",
    "新华路",
    "文化路",
    "长江路",
    "学府路",
    "东风路",
    "青年路",
    "花园路",
    "滨江路",
    "光明路",
    "朝阳路",
    "幸福路",
)
_COMPOUNDS = ("花园", "小区", "公寓", "家园", "苑", "雅居")
_COMPOUND_NAMES = ("锦绣", "翠湖", "金色", "阳光", "碧水", "书香", "紫荆", "星河", "御景", "馨园")
_MOBILE_PREFIXES = ("138", "139", "150", "151", "152", "158", "159", "186", "187", "188", "135", "136", "137")


@dataclass(frozen=True)
class Person:
    """A fictitious person.

    Attributes:
        name: full name.
        id_number: 18-character resident ID number (valid).
        phone: mobile number.
        address: full delivery address.
        district_code: 6-digit GB/T 2260 code of the address (CEB ``consigneeDistrict``).
        male: sex, as encoded in the ID number.
    """

    name: str
    id_number: str
    phone: str
    address: str
    district_code: str
    male: bool


def make_phone(rng: random.Random) -> str:
    """A mobile number of the usual 11-digit shape."""
    return rng.choice(_MOBILE_PREFIXES) + f"{rng.randrange(100_000_000):08d}"


def _name(rng: random.Random, male: bool) -> str:
    chars = _MALE if male else _FEMALE
    given = rng.choice(chars) if rng.random() < 0.35 else rng.choice(chars) + rng.choice(chars)
    return rng.choice(_SURNAMES) + given


def _id_number(rng: random.Random, district: str, male: bool) -> str:
    year = rng.randrange(1965, 2004)
    month = rng.randrange(1, 13)
    day = rng.randrange(1, 29)
    sequence = rng.randrange(0, 500) * 2 + (1 if male else 0)  # odd: male, even: female
    body = f"{district}{year:04d}{month:02d}{day:02d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")


def _address(rng: random.Random, prefix: str) -> str:
    street = rng.choice(_STREETS)
    compound = rng.choice(_COMPOUND_NAMES) + rng.choice(_COMPOUNDS)
    return (
        f"{prefix}{street}{rng.randrange(1, 400)}号{compound}"
        f"{rng.randrange(1, 20)}栋{rng.randrange(1, 33)}{rng.randrange(1, 5):02d}室"
    )


def make_person(rng: random.Random, districts: Sequence[tuple[str, str]]) -> Person:
    """A new fictitious person living in one of ``districts`` ((code, address prefix) pairs)."""
    male = rng.random() < 0.45
    code, prefix = rng.choice(districts)
    return Person(
        name=_name(rng, male),
        id_number=_id_number(rng, code, male),
        phone=make_phone(rng),
        address=_address(rng, prefix),
        district_code=code,
        male=male,
    )
