"""Name, address and phone pools for a south-east London population.

Faker's en_GB lists give the bulk; the extra lists add the South Asian, African, Eastern European
and Irish names (apostrophes, hyphens, diacritics) that a London lab's index really holds and that
break naive matching. Sampling uses the caller's ``random.Random``, so output depends on the seed.
"""

from __future__ import annotations

import itertools
import random
import unicodedata
from dataclasses import dataclass

from faker.providers.person.en_GB import Provider as _EnGB

_EXTRA_MALE = (
    "Mohammed", "Muhammad", "Aarav", "Arjun", "Rohan", "Imran", "Faisal", "Sanjay", "Rajesh",
    "Vikram", "Hamza", "Bilal", "Zain", "Oluwaseun", "Chinedu", "Kwame", "Kofi", "Tunde", "Emeka",
    "Babajide", "Yaw", "Abdi", "Tendai", "Łukasz", "Piotr", "Tomasz", "Krzysztof", "Andrei",
    "Mihai", "Jānis", "Dmitri", "Marek", "Ondřej", "Seán", "Ciarán", "Padraig", "Declan", "Eoin",
    "Niall", "Cormac", "José", "Noël", "Björn", "Jean-Luc", "Mehmet", "Kemal", "Nikolaos",
)  # fmt: skip
_EXTRA_FEMALE = (
    "Priya", "Aisha", "Fatima", "Ananya", "Sana", "Nadia", "Zainab", "Deepa", "Kavita", "Ayesha",
    "Noor", "Adaeze", "Chioma", "Ngozi", "Folake", "Abena", "Amara", "Yetunde", "Nkechi", "Efua",
    "Hodan", "Agnieszka", "Katarzyna", "Małgorzata", "Ioana", "Elena", "Zuzana", "Natalia",
    "Oksana", "Dorota", "Siobhán", "Aoife", "Niamh", "Saoirse", "Róisín", "Caoimhe", "Orla",
    "Zoë", "Renée", "Chloé", "Anaïs", "Mary-Jane", "Ana-Maria", "Leyla", "Elif",
)  # fmt: skip
_EXTRA_FAMILY = (
    "Khan", "Patel", "Shah", "Begum", "Hussain", "Ahmed", "Ali", "Singh", "Kaur", "Chowdhury",
    "Rahman", "Iqbal", "Sharma", "Gupta", "Mistry", "Nair", "Uddin", "Okafor", "Adeyemi", "Mensah",
    "Okoro", "Boateng", "Oduya", "Asante", "Nwosu", "Adebayo", "Owusu", "Abiodun", "Mohamed",
    "Osei", "Danso", "Kowalski", "Nowak", "Wiśniewski", "Wójcik", "Popescu", "Ionescu", "Kovács",
    "Novák", "Horváth", "Dąbrowski", "Petrov", "Shevchenko", "Lewandowska", "O'Brien",
    "O'Connor", "O'Neill", "McCarthy", "Murphy", "O'Sullivan", "Kennedy", "D'Arcy", "O'Donnell",
    "MacNamara", "Müller", "Brontë", "Yılmaz", "Demir", "Papadopoulos", "Nguyen", "Tran", "Chen",
    "Wong", "Da Silva", "De Souza", "Van der Berg",
)  # fmt: skip

MALE: tuple[str, ...] = tuple(_EnGB.first_names_male)
FEMALE: tuple[str, ...] = tuple(_EnGB.first_names_female)
FAMILY: tuple[str, ...] = tuple(_EnGB.last_names)
_FAMILY_CUM: list[float] = list(itertools.accumulate(_EnGB.last_names.values()))

_STREET_STEMS = (
    "Lordship", "Peckham", "Rye", "Camberwell", "Denmark", "Coldharbour", "Brixton", "Lewisham",
    "Catford", "Sydenham", "Honor Oak", "Forest Hill", "Dulwich", "Herne", "Nunhead", "Evelina",
    "Bellenden", "Choumert", "Grove", "Church", "Station", "Victoria", "Albert", "Queens",
    "Kings", "Manor", "Park", "Mill", "High", "Old Kent", "Walworth", "Deptford", "Greenwich",
    "Eltham", "Woolwich", "Plumstead", "Bromley", "Beckenham", "Croydon", "Thornton", "Norwood",
    "Tulse", "Stockwell", "Kennington", "Bermondsey", "Rotherhithe", "Southwark", "Jamaica",
)  # fmt: skip
_STREET_SUFFIX = (
    "Road", "Street", "Lane", "Avenue", "Grove", "Close", "Way", "Gardens", "Crescent",
    "Terrace", "Place", "Hill", "Rise", "Park", "Court", "Drive", "Walk", "Square",
)  # fmt: skip
_FLAT = ("Flat 2", "Flat 5", "Flat 12", "Flat 3B", "Apartment 7")

# (outward district prefixes, district numbers, post town)
_AREAS: tuple[tuple[str, tuple[int, ...], str], ...] = (
    ("SE", tuple(range(1, 29)), "London"),
    ("BR", tuple(range(1, 9)), "Bromley"),
    ("CR", tuple(range(0, 10)), "Croydon"),
    ("DA", tuple(range(1, 19)), "Bexley"),
    ("SW", (2, 4, 8, 9, 11, 12, 16), "London"),
    ("E", (1, 2, 3, 6, 13, 14, 15, 16, 17), "London"),
)
_AREA_WEIGHTS = (55, 10, 10, 8, 10, 7)
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

_EMAIL_DOMAINS = ("example.com", "example.co.uk", "example.org", "mail.example.net")


@dataclass(frozen=True, slots=True)
class Address:
    street: str
    city: str
    postcode: str


def given_name(rng: random.Random, sex: str) -> str:
    if rng.random() < 0.22:
        return rng.choice(_EXTRA_MALE if sex == "M" else _EXTRA_FEMALE)
    return rng.choice(MALE if sex == "M" else FEMALE)


def family_name(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.25:
        return rng.choice(_EXTRA_FAMILY)
    if roll < 0.27:
        # Double-barrelled names arrive hyphenated in one system and spaced or halved in another.
        return f"{_one_family(rng)}-{_one_family(rng)}"
    return _one_family(rng)


def _one_family(rng: random.Random) -> str:
    return rng.choices(FAMILY, cum_weights=_FAMILY_CUM)[0]


def postcode(rng: random.Random) -> tuple[str, str]:
    """A postcode in the SE London pattern plus its post town."""
    prefix, districts, town = rng.choices(_AREAS, weights=_AREA_WEIGHTS)[0]
    letters = _INWARD_LETTERS
    code = f"{prefix}{rng.choice(districts)} {rng.randrange(10)}{rng.choice(letters)}"
    return code + rng.choice(letters), town


def address(rng: random.Random) -> Address:
    code, town = postcode(rng)
    street = f"{rng.randint(1, 240)} {rng.choice(_STREET_STEMS)} {rng.choice(_STREET_SUFFIX)}"
    if rng.random() < 0.12:
        street = f"{rng.choice(_FLAT)}, {street}"
    return Address(street, town, code)


def street_name(rng: random.Random) -> str:
    return f"{rng.choice(_STREET_STEMS)} {rng.choice(_STREET_SUFFIX)}"


def phone(rng: random.Random) -> str:
    """UK mobile or London landline: eleven digits, so never an NHS-number look-alike."""
    if rng.random() < 0.7:
        return f"07{rng.randint(100, 999)} {rng.randint(100000, 999999)}"
    return f"020 {rng.randint(7000, 8999)} {rng.randint(1000, 9999)}"


def email(rng: random.Random, given: str, family: str) -> str:
    local_given = ascii_fold(given).lower().replace(" ", "")
    local_family = ascii_fold(family).lower().replace(" ", "").replace("'", "")
    style = rng.randrange(3)
    if style == 0:
        local = f"{local_given}.{local_family}"
    elif style == 1:
        local = f"{local_given[:1]}{local_family}{rng.randint(1, 99)}"
    else:
        local = f"{local_family}{local_given[:3]}"
    return f"{local}@{rng.choice(_EMAIL_DOMAINS)}"


_FOLD = str.maketrans(
    {
        "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "đ": "d", "Đ": "D", "ı": "i",
        "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE",
    }
)  # fmt: skip


def ascii_fold(text: str) -> str:
    """Drop diacritics the way older lab systems and e-mail addresses do."""
    folded = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(ch for ch in folded if not unicodedata.combining(ch))


def latin1_safe(text: str) -> str:
    """Keep Latin-1 characters (PDF core fonts, cp1252 files) and fold only the rest."""
    try:
        text.encode("latin-1")
        return text
    except UnicodeEncodeError:
        return "".join(ch if ord(ch) < 256 else ascii_fold(ch) for ch in text)
