"""search_residents: partial numbers, masked numbers, names, pinyin — on a scoped queryset."""

from fangkong.core.pii import mask_id_number
from fangkong.registry.models import Resident
from fangkong.registry.search import search_residents


def _one(users):
    return Resident.objects.restrict(users["grid"]).exclude(id_number=None).exclude(phone="").first()


def test_it_finds_by_whole_and_partial_numbers(users):
    scoped = Resident.objects.restrict(users["grid"])
    r = _one(users)
    for query in (r.id_number, r.id_number.lower(), r.id_number[-4:], r.id_number[-6:], r.id_number[:14],
                  mask_id_number(r.id_number), r.phone, r.phone[-4:], f" {r.phone[:3]} {r.phone[3:7]} {r.phone[7:]} "):
        assert r in search_residents(scoped, query), query


def test_it_finds_by_name_and_pinyin(users):
    scoped = Resident.objects.restrict(users["grid"])
    r = _one(users)
    for query in (r.name, r.name[0], r.name[1:], r.name_initials, r.name_initials.upper(), r.name_pinyin[:5],
                  f"{r.name[0]} {r.id_number[-4:]}"):
        assert r in search_residents(scoped, query), query


def test_words_narrow_each_other(users):
    scoped = Resident.objects.restrict(users["grid"])
    r = _one(users)
    both = search_residents(scoped, f"{r.name} {r.id_number[-4:]}")
    assert r in both
    assert both.count() <= search_residents(scoped, r.name).count()
    assert not search_residents(scoped, f"{r.name} 00000000000000000")


def test_it_never_widens_the_scope(users):
    other = Resident.objects.filter(grid=users["grid_other"].division).exclude(id_number=None).first()
    scoped = Resident.objects.restrict(users["grid"])
    for query in (other.id_number, other.id_number[-4:], other.name, other.name_initials, other.phone):
        assert other not in search_residents(scoped, query), query


def test_meaningless_queries_find_nothing(users):
    scoped = Resident.objects.restrict(users["commander"])
    for query in ("", "   ", "12", "***", "!!"):
        assert not search_residents(scoped, query).exists(), query


def test_last_digits_go_through_the_indexed_tails_the_database_keeps(users):
    r = _one(users)
    r.phone = "13900001234"
    r.save()
    r.refresh_from_db()
    assert (r.id_tail, r.phone_tail) == (r.id_number[-4:], "1234")
    scoped = Resident.objects.restrict(users["grid"])
    sql = str(search_residents(scoped, "1234").query)
    assert "id_tail" in sql and "phone_tail" in sql and '"id_number" LIKE' not in sql and '"phone" LIKE' not in sql
    assert r in search_residents(scoped, "001234") and r in search_residents(scoped, "1234")
    x_ending = Resident.objects.filter(id_number__endswith="X").first()
    if x_ending is not None:
        assert x_ending.id_tail.endswith("X")
        assert x_ending in search_residents(Resident.objects.all(), x_ending.id_number[-4:].lower())
