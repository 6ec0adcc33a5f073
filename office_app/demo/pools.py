"""Names, places, streets and meter types the demo office draws from: an electricity supplier's
customer office in Bar, Montenegro, and the settlements around it. Invented people and firms;
real place and street names, so the data reads like an office's own."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

SURNAMES = (
    "Abramović", "Bajramović", "Bećirović", "Bojanić", "Bošković", "Bulatović", "Čelebić",
    "Ćetković", "Dabović", "Đoković", "Dragović", "Đukanović", "Đurović", "Đurašković",
    "Jokić", "Janković", "Jovanović", "Ivanović", "Kaluđerović", "Kažić", "Kolić",
    "Knežević", "Kovačević", "Lazović", "Lekić", "Lukić", "Maraš", "Marković", "Martinović",
    "Mijušković", "Milić", "Milošević", "Mitrović", "Nikčević", "Nikolić", "Pajović",
    "Pavićević", "Pejović", "Perović", "Petrović", "Petrićević", "Popović", "Radonjić",
    "Radović", "Radulović", "Raičević", "Raspopović", "Šaranović", "Šćepanović", "Šoć",
    "Stanišić", "Tomašević", "Vučinić", "Vujović", "Vuković", "Vujošević", "Zečević",
    "Zenović", "Živković", "Žižić", "Ljumović", "Mugoša", "Vuksanović", "Savić", "Grgurović",
    "Pavlović", "Stojanović", "Petković", "Krivokapić", "Lalević", "Medojević", "Rakočević",
    "Brajović", "Đurišić", "Šljivančanin", "Kustudić", "Milačić", "Vukčević", "Orlandić", "Tešić",
)
#: Surnames of Bar's Albanian-speaking villages (Ostros, Dobra Voda, Šestani).
SURNAMES_SQ = (
    "Gjokaj", "Dedvukaj", "Nikprelaj", "Ljuljđuraj", "Ljucović", "Kurpejović", "Kalač",
    "Hot", "Gjonbalaj", "Ljekić", "Mehmedović", "Karađuzović", "Spahić", "Ćeman", "Šabović",
)
GIVEN_NAMES = (
    "Milica", "Jelena", "Ana", "Marija", "Ivana", "Dragana", "Snežana", "Vesna", "Milena",
    "Tijana", "Jovana", "Sanja", "Nataša", "Biljana", "Danijela", "Ljiljana", "Zorica",
    "Radmila", "Mirjana", "Gordana", "Olivera", "Slađana", "Božena", "Tamara", "Nevena",
    "Marko", "Nikola", "Milan", "Dragan", "Zoran", "Goran", "Vladimir", "Milorad", "Božidar",
    "Đorđe", "Željko", "Dušan", "Vuk", "Luka", "Petar", "Stefan", "Filip", "Nemanja", "Miloš",
    "Radovan", "Veselin", "Predrag", "Branko", "Slobodan", "Ratko", "Čedomir", "Đuro",
    "Savo", "Vojislav", "Blažo", "Sreten", "Bogdan", "Miodrag", "Ljubomir", "Andrija",
)
GIVEN_NAMES_SQ = (
    "Gjergj", "Leka", "Artan", "Besnik", "Ilir", "Edin", "Almir", "Adnan", "Šerif", "Ćazim",
    "Mirsada", "Lejla", "Emina", "Sabina", "Drita", "Vjollca", "Mimoza", "Alma", "Fatima",
)
#: Foreign owners of flats on the coast: documents in English, no JMBG.
FOREIGNERS = (
    ("Smith", "John"), ("Müller", "Hans"), ("Ivanov", "Sergej"), ("Jones", "Emily"),
    ("Novák", "Tomáš"), ("Kowalski", "Piotr"), ("Petrov", "Aleksej"), ("Schneider", "Anna"),
)

#: (place, postal code, JMBG region of people born there, streets)
PLACES = (
    ("Bar", "85000", "22", (
        "Jovana Tomaševića", "Bulevar revolucije", "Vladimira Rolovića", "Maršala Tita",
        "Njegoševa", "Vuka Karadžića", "Branka Ćopića", "Rista Lekića", "Ive Lole Ribara",
        "Meše Selimovića", "Kralja Nikole", "Obala 13. jula", "Partizanski put",
        "Crnogorskih serdara", "Šušanjska", "Mila Boškovića", "Save Kovačevića",
        "Petra Zrinskog", "Ulica Ćira Peroševića", "Đorđa Lazareva", "Žarka Zrenjanina",
        "Topolica bb", "Bjeliši", "Polje", "Popovići", "Ilino", "Rena", "Tomba", "Zaljevo",
        "Pečurice", "Burtaiši", "Mišići",
    )),
    ("Sutomore", "85355", "22", (
        "Obala Iva Novakovića", "Ulica Mrkojevića", "Zlatni rat", "Maršala Tita",
        "Ulica 7. jula", "Šušanj", "Čanj bb", "Zagrađe", "Brca", "Mala Gorana",
    )),
    ("Stari Bar", "85000", "22", (
        "Stari Bar bb", "Ulica Đorđa Lazareva", "Tuđemili", "Gretva", "Podgrad", "Turčini",
        "Belveder", "Mirovica",
    )),
    ("Virpazar", "81305", "21", (
        "Virpazar bb", "Godinje", "Limljani", "Boljevići", "Orahovo", "Seoca", "Krnjice",
    )),
    ("Ostros", "85347", "22", (
        "Ostros bb", "Šestani", "Dobra Voda", "Mali Ostros", "Pelinkovići", "Veliki Pijesak",
    )),
)
#: How many of every hundred customers live in each place.
PLACE_WEIGHTS = (62, 17, 8, 5, 8)
#: Where owners of flats on the coast live (their billing address).
BILLING_ELSEWHERE = (
    ("Bulevar Svetog Petra Cetinjskog 12", "Podgorica"), ("Njegoševa 40", "Nikšić"),
    ("Knez Mihailova 7", "Beograd"), ("Trg Republike 3", "Podgorica"),
    ("Bulevar Džordža Vašingtona 55", "Podgorica"), ("Hercegovačka 21", "Podgorica"),
)

#: Business customers: (activity, category); the name is "<activity> <surname> <form>".
BUSINESS_ACTIVITIES = (
    ("Pekara", "commercial"), ("Market", "commercial"), ("Apoteka", "commercial"),
    ("Auto servis", "commercial"), ("Kafe bar", "commercial"), ("Restoran", "commercial"),
    ("Konoba", "commercial"), ("Picerija", "commercial"), ("Frizerski salon", "commercial"),
    ("Mesara", "commercial"), ("Butik", "commercial"), ("Stolarija", "commercial"),
    ("Vulkanizer", "commercial"), ("Štamparija", "commercial"), ("Turistička agencija",
                                                                 "commercial"),
    ("Apartmani", "commercial"), ("Hotel", "commercial"), ("Građevinska firma", "commercial"),
    ("Stomatološka ordinacija", "commercial"), ("Advokatska kancelarija", "commercial"),
)
LEGAL_FORMS = ("d.o.o.", "d.o.o.", "d.o.o.", "preduzetnik", "a.d.")
INSTITUTIONS = (
    "JU Osnovna škola „Jugoslavija“", "JU Osnovna škola „Blažo Jokov Orlandić“",
    "JU Osnovna škola „Anto Đedović“", "JU Osnovna škola „Kekec“", "JU Gimnazija „Niko Rolović“",
    "JU Srednja stručna škola", "JU Dom zdravlja Bar", "JU Predškolska ustanova „Ljubica "
    "Jovanović Maše“", "Opština Bar", "Mjesna zajednica Šušanj", "Mjesna zajednica Sutomore",
    "Sportski centar Topolica", "JU Centar za kulturu", "Policijska ispostava",
    "JU Narodna biblioteka", "Vatrogasna služba", "JU Centar za socijalni rad",
)

#: Montenegrin banks' three-digit codes for account numbers.
BANK_CODES = ("510", "520", "530", "535", "540", "550", "555", "560", "565", "570", "575")
MOBILE_PREFIXES = ("67", "68", "69", "63", "66")
EMAIL_DOMAINS = ("example.com", "example.net", "example.org")

#: Meter readers (inkasanti) and the office's staff.
READER_SURNAMES = ("Radović", "Lekić", "Vujović", "Đurović", "Marković", "Perović", "Kalač",
                   "Bošković", "Pajović", "Šoć", "Milić", "Kažić")
READER_GIVEN_NAMES = ("Veselin", "Dragan", "Miodrag", "Sreten", "Ratko", "Zoran", "Edin",
                      "Branko", "Goran", "Željko", "Vuk", "Predrag")


@dataclass(frozen=True)
class MeterType:
    name: str
    two_rate: bool
    nominal_current: str
    nominal_voltage: str
    digits: int
    #: Electromechanical two-rate meters switch tariffs with a separate time switch.
    time_switch_type: str = ""


SINGLE_RATE = (
    MeterType("Iskra ME162", False, "5(60)A", "230V", 6),
    MeterType("Landis+Gyr E350", False, "5(60)A", "230V", 6),
    MeterType("Iskra E88", False, "10(40)A", "230V", 5),
)
TWO_RATE = (
    MeterType("Iskra MT174", True, "5(85)A", "3×230/400V", 6),
    MeterType("Landis+Gyr E450", True, "5(80)A", "3×230/400V", 6),
    MeterType("Iskra E37T", True, "10(40)A", "3×230/400V", 5, "Iskra MTC-3"),
)
#: Water meters (one register in m³; nominal current and voltage are electricity's only).
WATER_DOMESTIC = (
    MeterType("Sensus 620", False, "", "", 5),
    MeterType("Itron Flodis", False, "", "", 5),
    MeterType("Zenner MNK", False, "", "", 5),
)
WATER_OLD = (MeterType("Insa Tip M", False, "", "", 5),)
WATER_BULK = (
    MeterType("Sensus WP-Dynamic", False, "", "", 6),
    MeterType("Zenner WPHD", False, "", "", 6),
)
#: Business meters behind current transformers: the constant is the transformers' ratio.
BUSINESS_TYPES = (
    MeterType("Iskra MT831", True, "5(6)A", "3×230/400V", 6),
    MeterType("Landis+Gyr ZMD405", True, "5(6)A", "3×230/400V", 6),
    MeterType("Elster A1500", True, "5(10)A", "3×58/100V", 7),
)
#: Constants of business meters with how often they occur (1 = direct connection).
BUSINESS_CONSTANTS = ((Decimal(1), 40), (Decimal(20), 20), (Decimal(40), 20), (Decimal(80), 12),
                      (Decimal(160), 5), (Decimal(200), 3))
