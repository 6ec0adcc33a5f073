"""Reading book, implausible readings report and energy card: the text a reader looks for, in
each of the four document languages, and a business book where nothing prints over anything
else."""
from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pdfplumber
import pypdf
import pytest
from reading_setup import OFFICE, PERIOD, Book, build_book

from office_app.db import Database
from office_app.i18n import Translator, translator
from office_app.models import Reading
from office_app.printing.energy_card import energy_card_pdf, tick_step
from office_app.printing.implausible_report import COLUMNS as IMPLAUSIBLE_COLUMNS
from office_app.printing.implausible_report import implausible_report_pdf
from office_app.printing.reading_book import (
    BUSINESS_COLUMNS,
    HOUSEHOLD_COLUMNS,
    reading_books_pdf,
)
from office_app.printing.registers import quantity, register
from office_app.services import books, metering
from office_app.services.customers import CustomerInput, create_customer
from office_app.services.energy_card import energy_card
from office_app.services.field_records import implausible_report
from office_app.services.metering import MeterInput, PointInput
from office_app.services.office import save_office
from office_app.services.permissions import Operator
from office_app.services.readings import REMARKS, ReadingEntry, key_reading
from tests.billing_setup import new_meter_registers

LANGUAGES = ["sr_Latn", "sr_Cyrl", "sq", "en"]
#: What a reader of each language sees for the test book's names (office, zone, reader,
#: customers): Cyrillic documents transliterate them.
NAMES = {
    "latin": ["Elektrodistribucija Bar", "Topolica", "Marko Vujović", "Radulović Jovan",
              "Đurović Šćepan", "Žabljak Trade d.o.o.", "Bulevar revolucije 1, Bar"],
    "sr_Cyrl": ["Електродистрибуција Бар", "Тополица", "Марко Вујовић", "Радуловић Јован",
                "Ђуровић Шћепан", "Жабљак Траде д.о.о.", "Булевар револуције 1, Бар"],
}


@pytest.fixture
def office(sqlite_db: Database, supervisor: Operator) -> tuple[Database, Book]:
    with sqlite_db.unit_of_work() as s:
        save_office(s, OFFICE)
    return sqlite_db, build_book(sqlite_db, supervisor)


def _text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def _flat(text: str) -> str:
    return " ".join(text.split())


def _names(language: str) -> list[str]:
    return NAMES["sr_Cyrl" if language == "sr_Cyrl" else "latin"]


def _headers(t: Translator, columns: list[tuple[str, int]]) -> list[str]:
    return [_flat(t(name)) for name, _w in columns]


def _words(pdf: bytes) -> list[list[dict]]:
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return [page.extract_words(keep_blank_chars=False) for page in doc.pages]


@pytest.mark.parametrize("language", LANGUAGES)
def test_reading_book_in_every_language(office: tuple[Database, Book], clerk: Operator,
                                        language: str) -> None:
    db, _book = office
    t = translator(language)
    text = _flat(_text(reading_books_pdf(books.books_for_print(db, clerk, PERIOD), language)))
    # Every header of 001 Član 2 translated, whole: a header broken inside a word
    # ("Datum oč / itavanja") would not read back as the word.
    for header in _headers(t, HOUSEHOLD_COLUMNS) + _headers(t, BUSINESS_COLUMNS):
        assert header in text, header
    for name in _names(language):
        assert name in text, name
    if language != "en":
        assert "Reading date" not in text and "Meter number" not in text
    # The legend of the reader's remark codes.
    assert _flat(t("Remark codes")).upper() in text
    for code, meaning in REMARKS.items():
        assert f"{code} {_flat(t(meaning))}" in text, code
    assert text.index("P-100") < text.index("P-200")
    assert "E-300" in text and "E-100" not in text     # households carry no meter number


def test_reading_book_in_cyrillic_keeps_codes_latin(office: tuple[Database, Book],
                                                    clerk: Operator) -> None:
    db, _book = office
    text = _flat(_text(reading_books_pdf(books.books_for_print(db, clerk, PERIOD), "sr_Cyrl")))
    assert "Датум очитавања" in text and "Радуловић Јован" in text
    assert "Radulović" not in text
    for code in ("P-100", "E-300", "R07", "Z1"):
        assert code in text, code
    assert "ВТ" in text and "МТ" in text and "VT" not in text   # tariff names in Cyrillic


LONG_BUSINESSES = [
    ("Advokatska kancelarija Kaluđerović, Šćekić i partneri d.o.o.",
     "Ulica Maršala Tita bb, poslovni prostor 14, ulaz iz dvorišta"),
    ("Društvo za trgovinu i usluge Montenegro Šped export-import d.o.o.",
     "Jovana Tomaševića 11, lokal 3, naspram autobuske stanice"),
    ("Stambena zajednica Rena 16", "Rena 16"),
    ("Konoba Tomašević preduzetnik", "Petra Zrinskog 48"),
]


TAX_NUMBERS = ["02000008", "02000016", "02000024", "02000032"]


def _add_businesses(db: Database, op: Operator, book: Book) -> None:
    for i, (name, address) in enumerate(LONG_BUSINESSES, start=1):
        holder = create_customer(db, op, CustomerInput(
            kind="business", category="commercial", name=name, address=address,
            place="Sutomore", tax_number=TAX_NUMBERS[i - 1]))
        point = metering.create_point(db, op, holder.id, PointInput(
            number=f"P-9{i:02d}", address=address, place="Sutomore", zone_id=book.zone_id,
            reader_id=book.reader_id, reading_code=300 + i), date(2020, 1, 1))
        meter = MeterInput(number=f"E-9{i:02d}77881", type="ISKRA MT174", two_rate=True,
                           digits=6)
        metering.install_new_meter(db, op, point.id, meter, date(2020, 1, 1),
                                   new_meter_registers(meter))


def _overlaps(a: dict, b: dict, slack: float = 0.3) -> bool:
    return (a["x0"] < b["x1"] - slack and b["x0"] < a["x1"] - slack
            and a["top"] < b["bottom"] - slack and b["top"] < a["bottom"] - slack)


def _overprinted(pdf: bytes) -> list[tuple[int, str, str]]:
    found = []
    for number, words in enumerate(_words(pdf), start=1):
        for i, a in enumerate(words):
            found += [(number, a["text"], b["text"]) for b in words[i + 1:]
                      if _overlaps(a, b)]
    return found


def _crossing_rules(pdf: bytes) -> list[tuple[int, str]]:
    """Words that a table's horizontal rule runs through (text spilling out of its row)."""
    found = []
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for number, page in enumerate(doc.pages, start=1):
            rules = [e for e in page.edges if e["orientation"] == "h"]
            for w in page.extract_words():
                top, bottom = w["top"] + 1, w["bottom"] - 1
                if any(top < r["top"] < bottom and r["x0"] < w["x1"] and w["x0"] < r["x1"]
                       for r in rules):
                    found.append((number, w["text"]))
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_business_book_prints_nothing_over_anything_else(
        office: tuple[Database, Book], supervisor: Operator, clerk: Operator,
        language: str) -> None:
    db, book = office
    _add_businesses(db, supervisor, book)
    pdf = reading_books_pdf(books.books_for_print(db, clerk, PERIOD), language)
    assert _overprinted(pdf) == []
    assert _crossing_rules(pdf) == []
    text = _flat(_text(pdf))
    if language == "en":     # long names and addresses wrap within their row, never cut
        for name, address in LONG_BUSINESSES:
            assert f"{name} {address}" in text, name


def test_overprint_checks_catch_rows_too_short_for_their_text(
        office: tuple[Database, Book], supervisor: Operator, clerk: Operator,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The checks above would see the old fault: fixed row heights under wrapped names."""
    from office_app.printing import reading_book

    db, book = office
    _add_businesses(db, supervisor, book)
    monkeypatch.setattr(reading_book, "_row_height", lambda cells, widths: 8.5 * 2.83)
    pdf = reading_books_pdf(books.books_for_print(db, clerk, PERIOD), "en")
    assert _overprinted(pdf) or _crossing_rules(pdf)


@pytest.mark.parametrize("language", LANGUAGES)
def test_implausible_report_in_every_language(office: tuple[Database, Book], clerk: Operator,
                                              language: str) -> None:
    db, book = office
    key_reading(db, clerk, ReadingEntry(book.points["P-100"], PERIOD, date(2025, 3, 31),
                                        "19000", "6300"), confirm=True)
    t = translator(language)
    pdf = implausible_report_pdf(implausible_report(db, clerk, PERIOD), language)
    text = _flat(_text(pdf))
    for header in _headers(t, IMPLAUSIBLE_COLUMNS):
        assert header in text, header
    assert _flat(t("Implausible readings")) in text
    assert _flat(t("far above average")) in text
    assert "P-100" in text and "19000" in text and "R07" in text
    names = _names(language)
    assert names[3] in text and names[1] in text      # customer and zone
    # 19000 - 13500 = 5500 kWh: English groups with a comma, the local languages with a point.
    use = {"en": "5,500", "sq": "5 500"}.get(language, "5.500")
    assert use in text
    if language == "en":
        assert "5.500" not in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_energy_card_in_every_language(office: tuple[Database, Book], clerk: Operator,
                                       language: str) -> None:
    db, book = office
    key_reading(db, clerk, ReadingEntry(book.points["P-300"], PERIOD, date(2025, 3, 31),
                                        "1650", "1025", "31,5"))
    t = translator(language)
    pdf = energy_card_pdf(energy_card(db, clerk, book.customers["P-300"]), language)
    text = _flat(_text(pdf))
    for label in ("Energy card", "Meter number", "Old VT", "New VT", "Constant",
                  "Metering point", "Peak-load constant", "VT (higher tariff)"):
        assert _flat(t(label)) in text, label
    assert _names(language)[5] in text
    # (1650 - 1600) x 40 = 2,000 kWh VT; (1025 - 1000) x 40 = 1,000 kWh MT; 31.5 x 2 = 63 kW.
    thousands = {"en": ("2,000", "1,000"), "sq": ("2 000", "1 000")}
    for value in thousands.get(language, ("2.000", "1.000")):
        assert value in text, value
    assert "63" in text
    # Readings, meter numbers, dates and the metering point never wrap: each is one word.
    for page in _words(pdf):
        words = [w["text"] for w in page]
        if "1650" in words:
            break
    else:
        pytest.fail("the reading 1650 is not a whole word on any page")
    for whole in ("E-300", "P-300", "1600", "1025", "31.03.2025"):
        assert whole in words, whole


def test_english_documents_use_english_number_formats(office: tuple[Database, Book],
                                                     clerk: Operator) -> None:
    db, book = office
    key_reading(db, clerk, ReadingEntry(book.points["P-300"], PERIOD, date(2025, 3, 31),
                                        "1650", "1025", "31,25"))
    card = energy_card(db, clerk, book.customers["P-300"])
    english = _flat(_text(energy_card_pdf(card, "en")))
    assert "62.5" in english and "62,5" not in english      # 31.25 kW x 2
    local = _flat(_text(energy_card_pdf(card, "sr_Latn")))
    assert "62,5" in local
    assert register(Decimal("99.5"), translator("en")) == "99.5"
    assert register(Decimal("99.5"), translator("sr_Cyrl")) == "99,5"
    t = translator("en")
    assert t.number(Decimal("29335"), 3) == "29,335.000"
    assert t.money(Decimal("1234.56")) == "1,234.56 €"


def test_long_addresses_wrap_whole_and_nothing_overprints(office: tuple[Database, Book],
                                                          clerk: Operator) -> None:
    db, book = office
    card = energy_card(db, clerk, book.customers["P-300"])
    long_office = ("Bulevar Svetog Petra Cetinjskog 130, poslovni centar Kruševac, "
                   "treći sprat, 81000 Podgorica, Crna Gora")
    long_customer = ("Ulica Maršala Tita bb, poslovni prostor 14, ulaz iz dvorišta, "
                     "naspram autobuske stanice, 85355 Sutomore")
    card = replace(card, address=long_customer, office=replace(card.office,
                                                               address=long_office))
    pdf = energy_card_pdf(card, "en")
    text = _flat(_text(pdf))
    assert long_office in text and long_customer in text and "…" not in text
    assert _overprinted(pdf) == []
    cyrillic = _flat(_text(energy_card_pdf(card, "sr_Cyrl")))
    assert "Булевар Светог Петра Цетињског 130" in cyrillic
    assert "Улица Маршала Тита бб" in cyrillic


def test_household_card_names_the_point_only_when_it_has_several(
        office: tuple[Database, Book], supervisor: Operator, clerk: Operator) -> None:
    db, book = office
    holder = book.customers["P-100"]
    single = _flat(_text(energy_card_pdf(energy_card(db, clerk, holder), "en")))
    assert "Metering point" not in single
    point = metering.create_point(db, supervisor, holder, PointInput(
        number="P-150", address="Rolovića 5", place="Bar", zone_id=book.zone_id,
        reader_id=book.reader_id, reading_code=15), date(2024, 1, 1))
    meter = MeterInput(number="E-150", type="Landis", digits=5)
    placed = metering.install_new_meter(db, supervisor, point.id, meter, date(2024, 1, 1),
                                        new_meter_registers(meter))
    assert placed.meter is not None
    with db.unit_of_work() as s:
        for day, vt in ((date(2025, 1, 31), 100), (date(2025, 2, 28), 180)):
            s.add(Reading(point_id=point.id, meter_id=placed.meter.id, period=f"{day:%Y-%m}",
                          read_on=day, vt=Decimal(vt), created_by="T"))
    both = _flat(_text(energy_card_pdf(energy_card(db, clerk, holder), "en")))
    assert "Metering point" in both and "P-150 28.02.2025" in both
    assert "P-100 28.02.2025" in both


def test_the_printed_chart_reads_without_a_ruler(office: tuple[Database, Book],
                                                 clerk: Operator) -> None:
    """Issue 13: the printed energy chart has a value axis that ends on a labelled tick above
    the highest bar, and each period's total printed above its bar."""
    db, book = office
    key_reading(db, clerk, ReadingEntry(book.points["P-300"], PERIOD, date(2025, 3, 31),
                                        "1650", "1025", "31,25"))
    card = energy_card(db, clerk, book.customers["P-300"])
    en = translator("en")
    totals = [p.vt + p.mt for p in card.periods[-12:]]       # the chart shows 12 periods
    assert totals and any(p.mt for p in card.periods)          # stacked: VT and MT
    words = _flat(_text(energy_card_pdf(card, "en"))).split()
    for total in totals:                                        # the sums appear nowhere else
        assert quantity(en, total) in words, total
    top = max(float(total) for total in totals)
    step = tick_step(top)
    assert quantity(en, Decimal(step * (int(top // step) + 1)).normalize()) in words
    assert (tick_step(396), tick_step(5551), tick_step(40), tick_step(0)) == (100, 2000, 10, 1)
