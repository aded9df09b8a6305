"""The gap list grouped building by building or service by service, keeping the circle's ranking."""
import pytest

from services.circle import gap_groups


def _gap(building: int, service: str, everyone: int) -> dict:
    return {"building_id": building, "building_name": f"{building}幢", "service_type": service, "minutes": 9.4,
            "target_minutes": 5, "shortfall_minutes": 4.4, "residents": {"elderly": everyone, "child": 0,
                                                                           "special": 0, "all": everyone}}


RANKED = [_gap(3, "meal", 7), _gap(1, "elderly_care", 5), _gap(3, "elderly_care", 4), _gap(1, "meal", 2)]


def test_grouped_by_building_the_building_with_the_most_urgent_gap_comes_first():
    groups = gap_groups.grouped(RANKED, "building")
    assert [(g.building_name, [r["service_type"] for r in g.rows]) for g in groups] == [
        ("3幢", ["meal", "elderly_care"]), ("1幢", ["elderly_care", "meal"])]
    assert [g.residents for g in groups] == [7, 5]  # a person missing two services is one person


def test_grouped_by_service_each_type_lists_its_buildings_and_adds_up_their_residents():
    groups = gap_groups.grouped(RANKED, "type")
    assert [(g.service_type, [r["building_id"] for r in g.rows]) for g in groups] == [
        ("meal", [3, 1]), ("elderly_care", [1, 3])]
    assert [g.residents for g in groups] == [9, 9]


def test_an_unknown_grouping_is_refused():
    with pytest.raises(ValueError):
        gap_groups.grouped(RANKED, "colour")
