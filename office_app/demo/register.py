"""The register step: the office header, a user for every role, zones (trafo reoni), meter
readers, and customers with their metering points, meters, installations and holdings.

With ``ctx.utility == "water"`` the same customers get water connections instead (20 mm for
households, 25-50 mm for businesses, 50 mm for a building's common meter) with single-register
water meters (m³, constant 1, no peak load); everything else below is the same.

The office is an electricity supplier, "Elektrosnabdijevanje Bar": the reading and billing
rules in the seeds are mostly electricity with two-rate (VT/MT) meters. Households have one
point with a single- or two-rate meter (constant 1); businesses have two-rate meters, most
behind current transformers (constants 20-200) with a peak-load constant, some two points.
Every few hundred customers a housing community holds a building's common meter whose
consumption is split among the flats under it. Some points had their meter replaced; some
customers are disconnected (I), sued (T) or left (N: the flat passed to a new holder).
Customer codes continue the numbering service's "customer" series.
"""
from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import Table, func, select, update
from sqlalchemy.orm import Session

from office_app.demo import people, pools
from office_app.demo.bulk import Loader, loading, table_of, vacuum_analyze
from office_app.demo.context import DemoContext
from office_app.models import (
    Counter,
    Customer,
    CustomerStatusChange,
    Meter,
    MeteringPoint,
    MeterInstallation,
    MeterReader,
    PointHolding,
    User,
    Zone,
)
from office_app.services import users
from office_app.services.customers import CODE_SERIES, CODE_WIDTH
from office_app.services.office import OfficeInfo, save_office
from office_app.services.permissions import Role

DEMO_OFFICE = OfficeInfo(
    code="BAR", name="Elektrosnabdijevanje Bar", utility="electricity",
    address="Jovana Tomaševića 11, 85000 Bar", phone="+382 30 312 400",
    email="kupci.bar@example.com", tax_number="02683415", bank_account="510-0000000087412-92",
    country="ME", epc_qr=True)
#: The header of the water demo (``office-app demo --utility water``): a water and sewage
#: office of the same town, whose points carry water meters (m³) and whose warnings are the
#: first and the red second reminder of 004 §32.
WATER_OFFICE = OfficeInfo(
    code="BAR", name="Vodovod i kanalizacija Bar", utility="water",
    address="Bulevar revolucije 2, 85000 Bar", phone="+382 30 311 400",
    email="kupci.vik@example.com", tax_number="02017555", bank_account="510-0000000012470-72",
    country="ME", epc_qr=True)
#: (login, password, role, full name, operator code). The passwords are for the demo only.
DEMO_USERS = (
    ("admin", "admin123", Role.ADMIN, "Administrator sistema", "ADM01"),
    ("supervisor", "super123", Role.SUPERVISOR, "Dragana Vujović", "SUP01"),
    ("cashier", "cash123", Role.CASHIER, "Milena Kovačević", "CSH01"),
    ("clerk", "clerk123", Role.CLERK, "Ivana Lekić", "CLK01"),
    ("legal", "legal123", Role.LEGAL, "Marko Bošković", "LEG01"),
    ("auditor", "audit123", Role.AUDITOR, "Zoran Pejović", "AUD01"),
)

CUSTOMER_COLUMNS = (
    "id", "code", "kind", "category", "surname", "given_name", "name", "personal_number",
    "billing_number", "tax_number", "bank_account", "address", "place", "postal_code",
    "billing_address", "billing_place", "phone", "email", "language", "socially_vulnerable",
    "household_members", "payment_arrangement", "contract_signed", "contract_effective",
    "registered_on", "status", "status_date", "search_key", "created_at", "created_by")
POINT_COLUMNS = ("id", "number", "kind", "address", "place", "zone_id", "reader_id",
                 "reading_code", "connection_diameter", "common_point_id", "created_at",
                 "created_by")
METER_COLUMNS = ("id", "number", "type", "two_rate", "production_date", "constant", "digits",
                 "nominal_current", "nominal_voltage", "calibration_date", "time_switch_number",
                 "time_switch_type", "peak_load_constant", "size", "seal_numbers", "created_at",
                 "created_by")
INSTALLATION_COLUMNS = ("id", "meter_id", "point_id", "installed_on", "removed_on",
                        "created_at", "created_by")
HOLDING_COLUMNS = ("id", "point_id", "customer_id", "valid_from", "valid_to", "created_at",
                   "created_by")
STATUS_COLUMNS = ("id", "customer_id", "status", "status_date", "at", "operator_code", "reason",
                  "origin_kind")

#: Customers generated and written per batch (bounded memory at 500,000 customers).
CHUNK = 10_000
#: From this many customers on, PostgreSQL's plain indexes are built after the load.
DEFER_INDEXES_FROM = 20_000
#: The first customers show every case, so even a tiny demo has them.
_KIND_TRAITS = ("building", "business", "institution", "foreigner")
SHOWCASE = {0: "replaced", 1: "business", 2: "I", 3: "building", 5: "cyrl", 7: "vulnerable",
            8: "T", 30: "foreigner", 31: "sq", 32: "business", 33: "N", 34: "institution",
            35: "replaced"}
STATUS_REASONS = {"I": "Isključenje zbog neplaćenog duga", "T": "Podnijet predlog za izvršenje",
                  "N": "Raskid ugovora, prodaja stana"}
REGISTER_START = date(1972, 1, 1)
METER_CAMPAIGN = date(2010, 1, 1)
#: Electromechanical meters (with a separate tariff time switch) were not installed after this.
ELECTRONIC_ONLY = date(2016, 1, 1)
_TABLES: tuple[Table, ...] = tuple(table_of(m) for m in (
    Customer, MeteringPoint, Meter, MeterInstallation, PointHolding))


def build_register(ctx: DemoContext) -> None:
    """The register step (first in office_app.demo.STEPS)."""
    add_demo_users(ctx)
    with loading(ctx.db) as loader:
        if ctx.fresh:
            with Session(bind=loader.conn) as session:
                save_office(session, WATER_OFFICE if ctx.utility == "water" else DEMO_OFFICE)
                session.commit()
        _RegisterBuilder(ctx, loader).build()
    if ctx.customers >= DEFER_INDEXES_FROM:
        vacuum_analyze(ctx.db, _TABLES)


def add_demo_users(ctx: DemoContext) -> None:
    """A user for every role with the documented demo password; existing logins are kept."""
    with ctx.db.unit_of_work() as s:
        taken = set(s.scalars(select(User.login)))
    for login, password, role, full_name, code in DEMO_USERS:
        if login not in taken:
            users.add_user(ctx.db, ctx.operator, login, role, password, full_name, code)


@dataclass(slots=True)
class _Zone:
    id: int
    number: int
    place: int
    reader_id: int
    streets: list[str]
    street: int = 0
    house: int = 0
    left_on_street: int = 0
    next_code: int = 0


@dataclass(slots=True)
class _Draft:
    """A customer being generated; folded pieces make the search key without re-folding."""

    id: int
    code: str
    kind: str
    category: str
    registered: date
    zone: _Zone
    address: str
    address_key: str
    surname: str = ""
    given_name: str = ""
    name: str = ""
    name_key: str = ""
    personal_number: str | None = None
    billing_number: str | None = None
    tax_number: str | None = None
    bank_account: str | None = None
    billing_address: str | None = None
    billing_place: str | None = None
    phone: str = ""
    email: str = ""
    language: str = "sr_Latn"
    vulnerable: bool = False
    members: int | None = None
    status: str | None = None
    status_date: date | None = None
    #: The point this household took over from a customer who left (status N).
    takes_over: tuple[int, date] | None = None
    #: (index of the successor, date) when this customer leaves their point (status N).
    leaves: tuple[int, date] | None = None
    #: For a flat: the building's common point.
    common_point: int | None = None
    traits: set[str] = field(default_factory=set)


@dataclass(slots=True)
class _Building:
    """A building whose common meter is split among the flats generated after it."""

    zone: _Zone
    address: str
    address_key: str
    flats: int
    point_id: int = 0
    next_flat: int = 1


class _RegisterBuilder:
    def __init__(self, ctx: DemoContext, loader: Loader) -> None:
        self.ctx, self.loader, self.rng = ctx, loader, ctx.rng("register")
        #: The diameter of the water connection being written (water demo only).
        self.diameter = 20
        self.total = ctx.customers
        self.now = datetime.combine(ctx.today, time(7, 0), tzinfo=UTC)
        self.by = ctx.operator.code
        self.first_id = {t.name: loader.next_id(t) for t in _TABLES}
        self.next_id = dict(self.first_id)
        self.status_id = loader.next_id(table_of(CustomerStatusChange))
        self.code_base = int(loader.conn.scalar(select(Counter.last_number).where(
            Counter.series == CODE_SERIES)) or 0)
        self.used_jmbg: set[int] = set()
        self.used_pib: set[int] = set()
        self.rows: dict[str, list[tuple]] = {t.name: [] for t in _TABLES}
        self.status_rows: list[tuple] = []
        self.building: _Building | None = None
        #: (due index, point id, zone, address, address key, date): flats passing to a new
        #: holder after a customer left (status N), in the order of the index that takes them.
        self.successors: list[tuple[int, int, _Zone, str, str, date]] = []
        self.zones: list[_Zone] = []
        self.place_zones: list[list[_Zone]] = []

    # --- the whole step ---------------------------------------------------------------------

    def build(self) -> None:
        self._remember_used_numbers()
        self._network()
        if self.total >= DEFER_INDEXES_FROM:
            with self.loader.checks_deferred(_TABLES):
                self._customers()
        else:
            self._customers()
        self._finish()

    def _remember_used_numbers(self) -> None:
        """Numbers already in the register (--force), so the demo's never repeat them."""
        conn = self.loader.conn
        if self.ctx.fresh:
            return
        for number in conn.scalars(select(Customer.personal_number)):
            if number and number.isdigit():
                self.used_jmbg.add(int(number[:12]))
        for number in conn.scalars(select(Customer.tax_number)):
            if number and len(number) == 8 and number.isdigit():
                self.used_pib.add(int(number[:7]))

    def _customers(self) -> None:
        self.ctx.progress("Customers", 0, self.total)
        for index in range(self.total):
            self._customer(index)
            if (index + 1) % CHUNK == 0:
                self._flush()
                self.ctx.progress("Customers", index + 1, self.total)
        self._flush()
        self.ctx.progress("Customers", self.total, self.total)

    def _flush(self) -> None:
        columns = {"customer": CUSTOMER_COLUMNS, "metering_point": POINT_COLUMNS,
                   "meter": METER_COLUMNS, "meter_installation": INSTALLATION_COLUMNS,
                   "point_holding": HOLDING_COLUMNS}
        for table in _TABLES:
            self.loader.insert(table, columns[table.name], self.rows[table.name])
            self.rows[table.name].clear()

    def _finish(self) -> None:
        conn = self.loader.conn
        status_table = table_of(CustomerStatusChange)
        self.loader.insert(status_table, STATUS_COLUMNS, self.status_rows)
        last = self.code_base + self.total
        if conn.scalar(select(Counter.series).where(Counter.series == CODE_SERIES)) is None:
            conn.execute(table_of(Counter).insert().values(series=CODE_SERIES, last_number=last))
        else:
            conn.execute(update(Counter).where(Counter.series == CODE_SERIES)
                         .values(last_number=last))
        self.loader.finish([*_TABLES, status_table, table_of(Zone), table_of(MeterReader)])
        for table in _TABLES:
            first, after = self.first_id[table.name], self.next_id[table.name]
            if after > first:
                self.ctx.created[table.name] = (first, after - 1)

    # --- zones and readers ------------------------------------------------------------------

    def _network(self) -> None:
        wanted = min(990, max(4, self.total // 250))
        counts = [max(1, round(wanted * w / 100)) for w in pools.PLACE_WEIGHTS]
        zone_count = sum(counts)
        reader_ids = self._readers(max(3, math.ceil(zone_count / 3)))
        conn = self.loader.conn
        existing = {code: id_ for code, id_ in conn.execute(select(Zone.code, Zone.id))}
        last_codes = {zone: code for zone, code in conn.execute(
            select(MeteringPoint.zone_id, func.max(MeteringPoint.reading_code))
            .group_by(MeteringPoint.zone_id))}
        new_rows, number, names = [], 0, dict[str, int]()
        first_new = next_id = self.loader.next_id(table_of(Zone))
        for place, count in enumerate(counts):
            streets = pools.PLACES[place][3]
            zones = []
            for _k in range(count):
                number += 1
                code = f"{number:03d}"
                zone_streets = self.rng.sample(streets, min(len(streets), 4))
                zone_id = existing.get(code)
                if zone_id is None:
                    zone_id, next_id = next_id, next_id + 1
                    new_rows.append((zone_id, code, self._zone_name(zone_streets[0], names),
                                     self.now, self.by))
                reader = reader_ids[(number - 1) * len(reader_ids) // zone_count]
                last = last_codes.get(zone_id, 0)
                zones.append(_Zone(zone_id, number, place, reader, zone_streets,
                                   street=-1, next_code=last - last % 10))
            self.place_zones.append(zones)
            self.zones.extend(zones)
        self.loader.insert(table_of(Zone), ("id", "code", "name", "created_at", "created_by"),
                           new_rows)
        if new_rows:
            self.ctx.created["zone"] = (first_new, next_id - 1)

    @staticmethod
    def _zone_name(street: str, names: dict[str, int]) -> str:
        """A transformer area is named after the street or locality its route starts in."""
        label = street.removesuffix(" bb").removeprefix("Ulica ")
        names[label] = names.get(label, 0) + 1
        return f"TS {label} {names[label]}"

    def _readers(self, count: int) -> list[int]:
        table = table_of(MeterReader)
        existing = {code: id_ for code, id_ in self.loader.conn.execute(
            select(MeterReader.code, MeterReader.id))}
        first_new = next_id = self.loader.next_id(table)
        ids, rows = [], []
        for k in range(1, count + 1):
            code = f"I{k:02d}"
            if code in existing:
                ids.append(existing[code])
                continue
            name = (f"{self.rng.choice(pools.READER_GIVEN_NAMES)} "
                    f"{self.rng.choice(pools.READER_SURNAMES)}")
            rows.append((next_id, code, name, people.mobile(self.rng), True, self.now, self.by))
            ids.append(next_id)
            next_id += 1
        self.loader.insert(table, ("id", "code", "name", "phone", "active", "created_at",
                                   "created_by"), rows)
        if rows:
            self.ctx.created["meter_reader"] = (first_new, next_id - 1)
        return ids

    def _random_zone(self, coast_only: bool = False) -> _Zone:
        weights = pools.PLACE_WEIGHTS[:2] if coast_only else pools.PLACE_WEIGHTS
        place = self.rng.choices(range(len(weights)), weights)[0]
        return self.rng.choice(self.place_zones[place])

    def _next_address(self, zone: _Zone) -> tuple[str, str]:
        """The next house along the zone's route: reading codes follow the addresses."""
        rng = self.rng
        if zone.left_on_street <= 0:
            zone.street += 1
            if zone.street >= len(zone.streets):
                zone.streets.append(rng.choice(pools.PLACES[zone.place][3]))
            zone.house, zone.left_on_street = 0, rng.randint(15, 120)
        zone.left_on_street -= 1
        street = zone.streets[zone.street]
        if street.endswith(" bb"):
            return street, people.folded(street)
        if zone.house == 0 or rng.random() < 0.6:
            zone.house += rng.randint(1, 2)
        return f"{street} {zone.house}", f"{people.folded(street)} {zone.house}"

    # --- customers --------------------------------------------------------------------------

    def _registered(self, index: int) -> date:
        """Registration dates grow with the code, denser in recent years."""
        end = self.ctx.today - timedelta(days=30)
        span = (end - REGISTER_START).days
        return REGISTER_START + timedelta(days=int(span * ((index + 0.5) / self.total) ** 0.75))

    def _customer(self, index: int) -> None:
        trait = SHOWCASE.get(index, "")
        cid = self.next_id["customer"]
        code = str(self.code_base + index + 1).zfill(CODE_WIDTH)
        draft = self._draft(index, trait, cid, code, self._registered(index))
        if trait == "cyrl":
            draft.language = "sr_Cyrl"
        elif trait == "sq":
            draft.language = "sq"
        elif trait == "vulnerable" and draft.kind == "household":
            draft.vulnerable = True
        draft.traits.add(trait)
        self._status(draft, index)
        self._emit(draft)
        self._points(draft)

    def _draft(self, index: int, trait: str, cid: int, code: str, registered: date) -> _Draft:
        """The showcase's kinds come first; then a successor or a flat that is due."""
        if trait in _KIND_TRAITS:
            kind = trait
        elif self.successors and self.successors[0][0] <= index:
            return self._successor(cid, code)
        elif self.building is not None:
            return self._flat(cid, code, registered, self.building)
        else:
            kind = "household" if trait else self._random_kind(index)
        if kind == "building":
            return self._community(cid, code, registered, index)
        if kind in ("business", "institution"):
            return self._business(cid, code, registered, kind == "institution")
        if kind == "foreigner":
            return self._foreigner(cid, code, registered)
        return self._household(cid, code, registered, self._random_zone(), force_sq=trait == "sq")

    def _random_kind(self, index: int) -> str:
        roll = self.rng.random()
        if roll < 0.004 and self.total - index > 30:
            return "building"
        return "business" if roll < 0.094 else "foreigner" if roll < 0.104 else "household"

    def _household(self, cid: int, code: str, registered: date, zone: _Zone,
                   address: tuple[str, str] | None = None, force_sq: bool = False) -> _Draft:
        rng = self.rng
        place, _postal, region, _streets = pools.PLACES[zone.place]
        sq_share = 0.7 if place == "Ostros" else 0.08 if place == "Bar" else 0.03
        sq = force_sq or rng.random() < sq_share
        surname = rng.choice(pools.SURNAMES_SQ if sq else pools.SURNAMES)
        given = rng.choice(pools.GIVEN_NAMES_SQ if sq and rng.random() < 0.7
                           else pools.GIVEN_NAMES)
        addr, addr_key = address or self._next_address(zone)
        born = people.birth_date(rng, registered)
        draft = _Draft(cid, code, "household", "household", registered, zone, addr, addr_key,
                       surname=surname, given_name=given, name=f"{surname} {given}",
                       name_key=f"{people.folded(surname)} {people.folded(given)}",
                       personal_number=people.jmbg(rng, self.used_jmbg, born,
                                                   region if rng.random() < 0.7 else "21"),
                       members=rng.choices((1, 2, 3, 4, 5, 6), (14, 26, 22, 24, 10, 4))[0])
        draft.phone = (people.mobile(rng) if rng.random() < 0.85
                       else people.landline(rng) if rng.random() < 0.6 else "")
        if rng.random() < 0.25:
            draft.email = people.email(rng, given, surname)
        if sq and rng.random() < 0.5:
            draft.language = "sq"
        elif rng.random() < 0.025:
            draft.language = "sr_Cyrl"
        draft.vulnerable = rng.random() < 0.04
        if rng.random() < 0.03:
            draft.billing_address, draft.billing_place = rng.choice(pools.BILLING_ELSEWHERE)
        return draft

    def _foreigner(self, cid: int, code: str, registered: date) -> _Draft:
        rng = self.rng
        zone = self._random_zone(coast_only=True)
        surname, given = rng.choice(pools.FOREIGNERS)
        addr, addr_key = self._next_address(zone)
        draft = _Draft(cid, code, "household", "household", registered, zone, addr, addr_key,
                       surname=surname, given_name=given, name=f"{surname} {given}",
                       name_key=f"{people.folded(surname)} {people.folded(given)}",
                       language="en", members=rng.randint(1, 4))
        draft.email = people.email(rng, given, surname)
        draft.phone = people.mobile(rng) if rng.random() < 0.5 else ""
        return draft

    def _business(self, cid: int, code: str, registered: date, institution: bool) -> _Draft:
        rng = self.rng
        name, category, key = people.business_name(rng)
        if institution and category != "institutional":
            name = rng.choice(pools.INSTITUTIONS)
            category, key = "institutional", people.folded(name)
        zone = self._random_zone()
        addr, addr_key = self._next_address(zone)
        draft = _Draft(cid, code, "business", category, registered, zone, addr, addr_key,
                       name=name, name_key=key, tax_number=people.pib(rng, self.used_pib),
                       bank_account=people.bank_account(rng), billing_number=f"4{cid:07d}",
                       phone=people.landline(rng) if rng.random() < 0.7 else people.mobile(rng))
        if rng.random() < 0.6:
            words = name.split()
            draft.email = people.email(rng, "info", words[1] if len(words) > 1 else words[0])
        return draft


    def _community(self, cid: int, code: str, registered: date, index: int) -> _Draft:
        """A housing community: it holds the building's common meter; its flats follow."""
        zone = self._random_zone(coast_only=True)
        street = self.rng.choice([s for s in pools.PLACES[zone.place][3]
                                  if not s.endswith(" bb")])
        house = self.rng.randint(1, 80)
        addr, key = f"{street} {house}", f"{people.folded(street)} {house}"
        draft = _Draft(cid, code, "business", "household", registered, zone, addr, key,
                       name=f"Stambena zajednica {addr}", name_key=f"stambena zajednica {key}",
                       tax_number=people.pib(self.rng, self.used_pib),
                       bank_account=people.bank_account(self.rng),
                       billing_number=f"4{cid:07d}", phone=people.mobile(self.rng))
        flats = min(self.rng.randint(6, 18), self.total - index - 1)
        if flats > 0:
            self.building = _Building(zone, addr, key, flats)
            draft.traits.add("common")
        return draft

    def _flat(self, cid: int, code: str, registered: date, building: _Building) -> _Draft:
        flat = f", stan {building.next_flat}"
        building.next_flat += 1
        if building.next_flat > building.flats:
            self.building = None
        draft = self._household(cid, code, registered, building.zone,
                                (building.address + flat, building.address_key + flat))
        draft.common_point = building.point_id
        return draft

    def _successor(self, cid: int, code: str) -> _Draft:
        _due, point_id, zone, addr, addr_key, on = heapq.heappop(self.successors)
        draft = self._household(cid, code, on, zone, (addr, addr_key))
        draft.takes_over = (point_id, on)
        return draft

    def _status(self, draft: _Draft, index: int) -> None:
        rng, today = self.rng, self.ctx.today
        roll = rng.random()
        business = draft.kind == "business"
        status = next((t for t in ("I", "T", "N") if t in draft.traits), None)
        if status is None and "common" not in draft.traits:
            status = ("I" if roll < 0.02 else "T" if roll < (0.03 if business else 0.024)
                      else "N" if not business and roll < 0.032 else None)
        if status == "N":
            successor = min(index + rng.randint(3, 60), self.total - 1)
            if business or successor <= index:
                return
            on = max(self._registered(successor), draft.registered + timedelta(days=1))
            draft.leaves, draft.status_date = (successor, on), on
        elif status == "I":
            draft.status_date = max(draft.registered + timedelta(days=30),
                                    today - timedelta(days=rng.randrange(730)))
        elif status == "T":
            draft.status_date = min(today, max(draft.registered + timedelta(days=60),
                                               today - timedelta(days=rng.randrange(1095))))
        else:
            return
        draft.status = status
        self.status_rows.append((
            self.status_id, draft.id, status, draft.status_date,
            datetime.combine(draft.status_date, time(9, 0), tzinfo=UTC), self.by,
            STATUS_REASONS[status], "import"))
        self.status_id += 1

    def _emit(self, d: _Draft) -> None:
        zone_place, postal, _region, _streets = pools.PLACES[d.zone.place]
        parts = [d.name_key, d.code, d.address_key, people.folded(zone_place)]
        if d.billing_address:
            parts.append(people.folded(d.billing_address))
        effective = d.registered + timedelta(days=self.rng.randrange(0, 15))
        self.rows["customer"].append((
            d.id, d.code, d.kind, d.category, d.surname, d.given_name, d.name,
            d.personal_number, d.billing_number, d.tax_number, d.bank_account, d.address,
            zone_place, postal, d.billing_address, d.billing_place, d.phone, d.email,
            d.language, d.vulnerable, d.members, "", d.registered, effective, d.registered,
            d.status, d.status_date, " ".join(parts)[:400], self.now, self.by))
        self.next_id["customer"] += 1

    # --- metering points, meters, installations, holdings -----------------------------------

    def _points(self, d: _Draft) -> None:
        if d.takes_over is not None:
            point_id, on = d.takes_over
            self._hold(point_id, d.id, on, None)
            return
        until = d.leaves[1] if d.leaves else None
        replaced = "replaced" in d.traits or self.rng.random() < 0.04
        if "common" in d.traits and self.building is not None:
            self.building.point_id = self._point(d, d.zone, d.address, "common", until,
                                                 replaced, kind="common")
        elif d.common_point is not None:
            self._queue_successor(d, self._point(d, d.zone, d.address, "household", until,
                                                 replaced, common_id=d.common_point))
        elif d.kind == "business":
            self._point(d, d.zone, d.address, "business", until, replaced)
            if self.rng.random() < 0.15:
                zone = self._random_zone()
                addr, _key = self._next_address(zone)
                self._point(d, zone, addr, "business", until, self.rng.random() < 0.04)
        else:
            self._queue_successor(d, self._point(d, d.zone, d.address, "household", until,
                                                 replaced))

    def _queue_successor(self, d: _Draft, point_id: int) -> None:
        if d.leaves is not None:
            due, on = d.leaves
            heapq.heappush(self.successors, (due, point_id, d.zone, d.address, d.address_key,
                                             on))

    def _point(self, d: _Draft, zone: _Zone, address: str, meter_kind: str, until: date | None,
               replaced: bool, kind: str = "regular", common_id: int | None = None) -> int:
        point_id = self.next_id["metering_point"]
        self.next_id["metering_point"] += 1
        zone.next_code += 10
        diameter = self._connection(meter_kind) if self.ctx.utility == "water" else None
        self.rows["metering_point"].append((
            point_id, f"{zone.number:03d}{point_id:06d}", kind, address,
            pools.PLACES[zone.place][0], zone.id, zone.reader_id, zone.next_code, diameter,
            common_id, self.now, self.by))
        self._install(point_id, meter_kind, d.registered, replaced)
        self._hold(point_id, d.id, d.registered, until)
        return point_id

    def _connection(self, meter_kind: str) -> int:
        """A water connection's diameter in mm (its meter has the same nominal size)."""
        if meter_kind == "business":
            self.diameter = self.rng.choice((25, 25, 32, 40, 50))
        else:
            self.diameter = 50 if meter_kind == "common" else 20
        return self.diameter

    def _hold(self, point_id: int, customer_id: int, since: date, until: date | None) -> None:
        self.rows["point_holding"].append((self.next_id["point_holding"], point_id, customer_id,
                                           since, until, self.now, self.by))
        self.next_id["point_holding"] += 1

    def _install(self, point_id: int, meter_kind: str, since: date, replaced: bool) -> None:
        """The point's meter since ``since``, or since the replacement campaign for points
        older than the system's meter records; ``replaced`` adds an earlier, removed meter."""
        rng, today = self.rng, self.ctx.today
        installed = since
        if since < METER_CAMPAIGN:
            # A replaced meter leaves room for its successor's years on the point.
            latest = today - timedelta(days=800 if replaced else 60)
            days = max(1, (latest - METER_CAMPAIGN).days)
            installed = METER_CAMPAIGN + timedelta(days=rng.randrange(days))
        age = (today - installed).days
        if replaced and age > 400:
            removed = installed + timedelta(days=rng.randrange(365, age - 30))
            self._installation(self._meter(meter_kind, installed, old=True), point_id,
                               installed, removed)
            installed = removed
        self._installation(self._meter(meter_kind, installed), point_id, installed, None)

    def _installation(self, meter_id: int, point_id: int, on: date, removed: date | None) -> None:
        self.rows["meter_installation"].append((
            self.next_id["meter_installation"], meter_id, point_id, on, removed, self.now,
            self.by))
        self.next_id["meter_installation"] += 1

    def _meter(self, kind: str, installed: date, old: bool = False) -> int:
        rng = self.rng
        size = ""
        if self.ctx.utility == "water":
            meter_type, constant, peak = self._water_meter_type(kind, old), Decimal(1), None
            size = f"DN{self.diameter}"
        else:
            meter_type, constant, peak = self._meter_type(kind, old, installed)
        meter_id = self.next_id["meter"]
        self.next_id["meter"] += 1
        produced = installed - timedelta(days=rng.randrange(20, 500))
        seal = rng.randrange(10**6, 10**7 - 1)
        self.rows["meter"].append((
            meter_id, meter_number(meter_id), meter_type.name, meter_type.two_rate, produced,
            constant, meter_type.digits, meter_type.nominal_current, meter_type.nominal_voltage,
            produced + timedelta(days=rng.randrange(60)),
            str(rng.randrange(10**7, 10**8)) if meter_type.time_switch_type else "",
            meter_type.time_switch_type, peak, size, f"{seal}, {seal + 1}", self.now, self.by))
        return meter_id

    def _water_meter_type(self, kind: str, old: bool) -> pools.MeterType:
        if kind == "business" or kind == "common":
            return self.rng.choice(pools.WATER_BULK)
        return self.rng.choice(pools.WATER_OLD if old else pools.WATER_DOMESTIC)

    def _meter_type(self, kind: str, old: bool,
                    installed: date) -> tuple[pools.MeterType, Decimal, Decimal | None]:
        rng = self.rng
        if kind == "business":
            constant = rng.choices(*zip(*pools.BUSINESS_CONSTANTS, strict=True))[0]
            types = pools.TWO_RATE[:2] if constant == 1 else pools.BUSINESS_TYPES
            return rng.choice(types), constant, constant
        if kind == "common":
            return pools.TWO_RATE[0], Decimal(1), None
        if old:
            return rng.choice((pools.SINGLE_RATE[2], pools.TWO_RATE[2])), Decimal(1), None
        types = pools.SINGLE_RATE if rng.random() < 0.55 else pools.TWO_RATE
        if installed >= ELECTRONIC_ONLY:
            types = types[:2]
        return rng.choice(types), Decimal(1), None


def meter_number(meter_id: int) -> str:
    """A manufacturer-like 8-digit serial, unique per meter id below 10^8: a small Feistel
    network permutes 0..10^8-1, so neighbouring meters do not look alike."""
    left, right = divmod(meter_id % 10**8, 10**4)
    for key in (7919, 104729, 1299709):
        left, right = right, (left + (right * right + key) * 2654435761 % 10**4) % 10**4
    return f"{left:04d}{right:04d}"
