"""English entities with the real spaCy model, through the same path as
every other language, and the CoNLL scoring of the bench."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from reader.bench import ner as bench_ner
from reader.library import Library
from reader.text import en, extract
from reader.text.en import article, spans
from tests.conftest import TESTS

MIXED = TESTS / "data" / "mixed"
CONLL = TESTS / "data" / "tiny.conll"


def found(text: str) -> set[tuple[str, str]]:
    return {(e.kind, e.normal) for e in en.extract(text)}


def test_kinds_and_normal_forms() -> None:
    text = (
        "Joe Biden met Uzbekistan's president Shavkat Mirziyoyev in Washington on Friday. "
        "Biden praised the deal with the Asian Development Bank. Officials of the World Bank attended."
    )
    entities = en.extract(text)
    got = {(e.kind, e.normal) for e in entities}
    assert {("PER", "Joe Biden"), ("PER", "Shavkat Mirziyoyev"), ("LOC", "Washington"), ("LOC", "Uzbekistan")} <= got
    assert {("ORG", "Asian Development Bank"), ("ORG", "World Bank")} <= got
    biden = next(e for e in entities if e.normal == "Joe Biden")
    assert len(biden.mentions) == 2  # «Biden» joined «Joe Biden»
    assert ("PER", "Biden") not in got
    assert not any(e.normal.lower().startswith("the ") or e.normal.endswith("'s") for e in entities)
    for entity in entities:
        for start, end in entity.mentions:
            assert not text[start:end].startswith("the ") and not text[start:end].endswith("'s")


def test_possessive_article_and_lower_case_edges_are_cut() -> None:
    got = found("The talks were hosted by the United Nations. Microsoft's office in London was closed. Essex v Kent was abandoned.")
    assert ("ORG", "United Nations") in got
    assert ("ORG", "Microsoft") in got
    assert not any(normal.startswith("v ") for _, normal in got)
    assert ("PER", "Vincent van Gogh") in found("Vincent van Gogh painted in Arles.")


def test_organisation_heads_and_of_phrases() -> None:
    got = found("She studied at the University of Oxford before joining the Bank of England and Red Hot Records.")
    assert {("ORG", "University of Oxford"), ("ORG", "Bank of England"), ("ORG", "Red Hot Records")} <= got


def test_teams_in_result_lines() -> None:
    got = found(
        "SOCCER - ENGLISH PREMIER LEAGUE RESULTS\nLONDON 1996-08-31\nChelsea 2 Southampton 0\nLeeds 5 4 1 0 10 4 13\n"
        "Arsenal 2 ( Wright 45 , Bergkamp 60 ) Everton 1"
    )
    assert {("ORG", "Chelsea"), ("ORG", "Southampton"), ("ORG", "Leeds"), ("ORG", "Arsenal"), ("ORG", "Everton")} <= got
    assert {("PER", "Wright"), ("PER", "Bergkamp")} <= got  # scorers in brackets before the minute
    assert ("LOC", "London") in got


def test_headlines_in_capitals_and_states() -> None:
    text = (
        "SOCCER - JAPAN GET LUCKY WIN , LEICESTERSHIRE IN SURPRISE DEFEAT .\nLONDON 1996-08-30\n"
        "Phil Simmons took four for 38 on Friday as Leicestershire beat Somerset by an innings. Japan beat Syria 2-1. The U.S. agreed."
    )
    entities = en.extract(text)
    got = {(e.kind, e.normal) for e in entities}
    assert {("LOC", "Japan"), ("LOC", "Syria"), ("LOC", "U.S."), ("LOC", "London"), ("PER", "Phil Simmons")} <= got
    assert {("ORG", "Leicestershire"), ("ORG", "Somerset")} <= got  # counties that beat each other are teams
    leicestershire = next(e for e in entities if e.normal == "Leicestershire")
    assert len(leicestershire.mentions) == 2  # the headline's «LEICESTERSHIRE» too
    assert not any("DEFEAT" in e.text or "SOCCER" in e.text for e in entities)


def test_surnames_recur_and_places_named_after_people() -> None:
    text = "Senator Elizabeth Warren spoke in Lincoln Park on Sunday. Later that day Warren met voters near Hancock Pond."
    entities = en.extract(text)
    got = {(e.kind, e.normal) for e in entities}
    assert ("PER", "Elizabeth Warren") in got
    assert len(next(e for e in entities if e.normal == "Elizabeth Warren").mentions) == 2
    assert {("LOC", "Lincoln Park"), ("LOC", "Hancock Pond")} <= got


def test_datelines_and_initials() -> None:
    got = found(
        "SOCCER - JAPAN GET LUCKY WIN\nAL-AIN , United Arab Emirates 1996-12-06\nJapan began the defence of their title.\n"
        "Essex 532-8 declared ( N. Hussain 136 , R. Irani 123 )\nM. Atherton b Wasim Akram 20"
    )
    assert {("LOC", "Al-Ain"), ("LOC", "United Arab Emirates"), ("LOC", "Japan")} <= got
    assert {("PER", "N. Hussain"), ("PER", "R. Irani"), ("PER", "M. Atherton")} <= got
    assert not any(normal.upper() == "SOCCER" for _, normal in got)


def test_english_article_goes_through_the_shared_path(data_dir: Path) -> None:
    with Library([MIXED], data_dir) as library:
        library.refresh()
        article = library.find("1e2a3b4c5d6e7f80")
        assert article is not None and article.lang == "en"
        library.extract_pending()
        cached = library.cached_extraction(article)
        assert cached is not None
        people = {e.normal for e in cached.entities if e.kind == "PER"}
        assert {"Joe Biden", "Shavkat Mirziyoyev"} <= people
        money = [f for f in cached.figures if f.kind == "money"]
        assert [(f.value, f.unit) for f in money] == [(1_850_000_000, "USD")]
        assert ("quantity", 150, "km") in {(f.kind, f.value, f.unit) for f in cached.figures}
        assert ("date", "2025-12-29") in {(f.kind, f.value) for f in cached.figures}  # before the article's 2026-01-10


def test_models_load_lazily() -> None:
    code = (
        "import sys\n"
        "from reader.text import extract\n"
        "assert 'spacy' not in sys.modules\n"
        "extract.extract('Президент Узбекистана Шавкат Мирзиёев прибыл в Минск.', 'ru', '2025-09-29')\n"
        "assert 'spacy' not in sys.modules, 'a Russian article loaded the English model'\n"
        "found = extract.extract('Joe Biden arrived in Minsk.', 'en', '2025-09-29')\n"
        "assert 'spacy' in sys.modules and found.entities\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]


def test_languages_with_and_without_entities() -> None:
    assert extract.has_entities("ru") and extract.has_entities("en")
    assert not extract.has_entities("de")
    found = extract.extract("Die Regierung in Berlin meldet 5 Prozent mehr.", "de", "2026-01-01")
    assert found.entities == ()
    assert [(f.kind, f.value) for f in found.figures] == [("percent", 5)]


def test_conll_documents_rebuild_text_and_gold() -> None:
    documents = bench_ner.conll_documents(CONLL)
    assert len(documents) == 2
    text, gold = documents[0]
    assert text == "John Smith visited London on Monday.\nHe met the chairman of Acme Corporation's board."
    assert [(text[a:b], k) for a, b, k in gold] == [("John Smith", "PER"), ("London", "LOC"), ("Acme Corporation", "ORG")]
    text, gold = documents[1]
    assert [(text[a:b], k) for a, b, k in gold] == [("Paris", "LOC"), ("Berlin", "LOC")]  # B- splits, MISC dropped


@pytest.mark.parametrize("name", ["spaCy alone", "reader"])
def test_conll_scores(name: str) -> None:
    scores = bench_ner.english_scores(bench_ner.conll_documents(CONLL))[name]
    assert set(scores) == {"PER", "LOC", "ORG"}
    assert scores["PER"]["f1"] == 1.0
    assert scores["LOC"]["recall"] == 1.0


def test_bench_ner_conll_command() -> None:
    done = subprocess.run([sys.executable, "-m", "reader.bench", "ner", "--conll", str(CONLL)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "reader" in done.stdout and "ORG" in done.stdout and "F1" in done.stdout


def mentions(text: str) -> dict[str, str]:
    """Each mention's text and kind."""
    return {text[a:b]: e.kind for e in en.extract(text) for a, b in e.mentions}


def test_one_span_over_two_names_is_cut() -> None:
    text = "The fair moved from Grantham, Lincolnshire to Blackburn, Lancashire, England and from Chiang Mai - Bangkok."
    got = mentions(text)
    assert not any(", " in m or " - " in m for m in got)
    for place in ("Grantham", "Lincolnshire", "Blackburn", "Lancashire", "England", "Chiang Mai", "Bangkok"):
        assert got.get(place) == "LOC", place  # places in a row with a state among them are places
    assert spans._pieces("CBS, Inc.", 0, 9) == [(0, 9)]  # «, Inc.» belongs to the name


def test_two_full_names_joined_are_two_names() -> None:
    got = mentions("The show was hosted by Karl Langdon & Harvey Deegan, and Marks & Spencer paid; Jenny Seaton & co sang.")
    assert "Karl Langdon" in got and "Harvey Deegan" in got and not any("&" in m and "Langdon" in m for m in got)
    assert got.get("Marks & Spencer") == "ORG"  # one name, a single word on either side
    assert not any(m.endswith("&") for m in got)
    text = "She taught at Pierpont Community & Technical College."
    assert spans._pieces(text, 14, len(text) - 1) == [(14, len(text) - 1)]  # a head shared by both


def test_titles_are_not_part_of_a_name() -> None:
    got = mentions("Dr Toni Harthoorn and President Bill Clinton met Bishop Phillip Garrigan in Paris. Mr Harthoorn agreed.")
    assert {"Toni Harthoorn", "Bill Clinton", "Phillip Garrigan", "Harthoorn"} <= set(got)
    assert not any(m.split()[0] in {"Dr", "President", "Bishop", "Mr"} for m in got)
    assert spans._title("Mr Smith", 0, 8, "ORG") == (3, "PER")  # an honorific makes a person
    assert spans._title("General Motors", 0, 14, "ORG") == (0, "ORG")  # a title only before a person


def test_abbreviations_in_capitals_are_organisations() -> None:
    got = mentions("Officials of UEFA and the BCIT said the NATO meeting would go ahead; the CEO of ACME agreed on the DNA test.")
    assert {"UEFA": "ORG", "BCIT": "ORG", "NATO": "ORG", "ACME": "ORG"}.items() <= got.items()
    assert "CEO" not in got and "DNA" not in got
    states = mentions("Talks in the UAE and the USA went on.")
    assert states.get("UAE") != "ORG" and states.get("USA") != "ORG"  # a state is never made an organisation


def test_events_and_prizes_are_no_names() -> None:
    got = mentions("Chicago won the Stanley Cup after the Pan American Games, and Stanley Baldwin watched the Boston Marathon.")
    assert got.get("Chicago") == "LOC" and got.get("Stanley Baldwin") == "PER"
    assert not any(m in ("Stanley", "Stanley Cup", "Pan American Games", "Boston", "Boston Marathon") for m in got)


def test_a_lone_word_after_in_or_near_is_a_place() -> None:
    got = mentions("She was born in Harrison and moved to Bedhampton in 1990. Jack Harrison was not related to Fareham.")
    assert got.get("Bedhampton") == "LOC" and got.get("Fareham") == "LOC"
    assert got.get("Jack Harrison") == "PER"  # a surname the article explains stays a person
    assert mentions("She was born in Aisby and lived there.").get("Aisby") == "LOC"


def test_more_organisation_heads() -> None:
    got = mentions(
        "The band signed with Soleilmoon Recordings and played the Cameo Theatre before a night at the Peninsula Hotel. "
        "Engines came from Hinkley Locomotive Works; the Southwest Conference met at Cold Spring Harbor Laboratory."
    )
    for name in ("Soleilmoon Recordings", "Cameo Theatre", "Peninsula Hotel", "Hinkley Locomotive Works", "Southwest Conference"):
        assert got.get(name) == "ORG", name
    assert got.get("Cold Spring Harbor Laboratory") == "ORG"  # the model's «event» with an organisation's head


def test_no_name_runs_over_a_paragraph_or_a_list_mark_or_code() -> None:
    text = (
        "Privacy Pass Credential Checking\n\nPrivacy Pass Credential Checking\n\nThe team shipped it.\n\n"
        "• Microsoft support was added.\n• Google followed.\n\nThe value =KDF1(u was hashed."
    )
    found = en.extract(text)
    for entity in found:
        for start, end in entity.mentions:
            assert "\n\n" not in text[start:end] and not text[start:end].startswith("•")
            assert "=" not in text[start:end] and "(" not in text[start:end]
    assert {"Microsoft", "Google"} <= {e.text for e in found}


def test_a_person_the_model_also_called_an_organisation_stays_a_person() -> None:
    from reader.text.mentions import Mention

    mentions = [Mention(kind, n, n + 11, "Olaf Scholz", "Olaf Scholz") for n, kind in enumerate(["ORG", "PER", "ORG", "PER", "ORG"])]
    mentions.append(Mention("ORG", 90, 105, "Deutsche Bank", "Deutsche Bank"))  # an organisation's name is left alone
    article._one_kind(mentions)
    assert {m.kind for m in mentions[:5]} == {"PER"} and mentions[5].kind == "ORG"


def test_marked_documents() -> None:
    documents = bench_ner.marked_documents(TESTS / "data" / "en_feeds_ner.txt")
    assert len(documents) >= 50
    text, gold = next(d for d in documents if "Ann Wilson" in d[0] and "Billboard" in d[0])
    assert "[" not in text.replace("[link]", "")
    assert {(text[a:b], k) for a, b, k in gold} >= {("Ann Wilson", "PER"), ("Billboard", "ORG"), ("Earth", "LOC")}


def test_bench_ner_marked_command() -> None:
    path = TESTS / "data" / "en_feeds_ner.txt"
    done = subprocess.run([sys.executable, "-m", "reader.bench", "ner", "--marked", str(path)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "reader" in done.stdout and "PER" in done.stdout and "F1" in done.stdout


def test_software_and_common_words_are_no_names() -> None:
    # A blog post's sidebar listed «Full Compiler» as a person, «WebAssembly» as an organisation and «Scala» as a place.
    text = (
        "Scala 3 now compiles to WebAssembly. Full Compiler builds take longer than incremental ones, says Martin Odersky, "
        "who designed Scala at EPFL in Lausanne.\n\nWith the Full Compiler, programs written in Scala run in WebAssembly runtimes."
    )
    got = found(text)
    assert {("PER", "Martin Odersky"), ("ORG", "EPFL"), ("LOC", "Lausanne")} <= got
    assert not {normal for _, normal in got} & {"Full Compiler", "WebAssembly", "Scala"}
    assert found("Docker is licensed under the Apache License. Some Linux distributions ship Kali Linux and Python.") <= {
        ("ORG", "Apache License")
    }


def test_a_person_is_kept_where_the_evidence_bears_it_out() -> None:
    text = (
        "Shavkat Mirziyoyev met Olaf Scholz in Berlin. Mirziyoyev spoke first. As a professor at MIT, Mr Malone has built on "
        "his earlier works. Nancy doesn't play the solo; Howard Leese does. Shabka acts as a platform for Shabka members."
    )
    got = found(text)
    assert {("PER", "Shavkat Mirziyoyev"), ("PER", "Olaf Scholz"), ("PER", "Malone"), ("PER", "Nancy"), ("PER", "Howard Leese")} <= got
    assert ("PER", "Shabka") not in got  # one word, no first name, no title, never named in full
    assert ("PER", "Yeltsin") in found("Kremlin officials met on Tuesday. Yeltsin said the talks would go on.")
    table = "SOCCER - ENGLISH LEAGUE RESULTS\nChelsea 2 ( Zola 23 , Vialli 67 ) Arsenal 1 ( Wright 44 )\n"
    assert {"Zola", "Vialli", "Wright"} <= {normal for kind, normal in found(table) if kind == "PER"}


def test_what_the_article_says_is_software_is_no_name() -> None:
    said = (
        "Trafilatura is a comprehensive Python package and command-line tool designed to gather text from the Web. "
        "The Pallets organization develops and supports Werkzeug and other popular packages. "
        "This blog post compares InfluxDB v1.8.0 with Graphite 1.1.7. Install it from the PyPI package repository, "
        "then define Request and Response objects. Researchers at Columbia University in New York led the study."
    )
    names = {normal for _, normal in found(said)}
    assert not names & {"Trafilatura", "Werkzeug", "InfluxDB", "Graphite", "PyPI", "Response"}
    assert {"Columbia University", "New York"} <= names
    short = found("Trafilatura is a Python package. Researchers at the Mayo Clinic use it.")  # the phrase ends at the full stop
    assert "Trafilatura" not in {normal for _, normal in short} and ("ORG", "Mayo Clinic") in short
    released = found("Simon Willison released Datasette 1.0. Datasette is a tool for exploring and publishing data.")
    assert released == {("PER", "Simon Willison")}  # nor the name with its version
    # Nor is what it calls a language, a people or a work; but a character in a game is a person.
    text = (
        "Chamicuro is a critically endangered language. The language is of the Chamicuro people. "
        "Dirt Nap is a compilation album by the band. Penny is a character in the game, and Vincent says so."
    )
    names = {normal for _, normal in found(text)}
    assert not names & {"Chamicuro", "Dirt Nap"} and {"Penny", "Vincent"} <= names
    # Between names of software in a list: «RDF» is one too; a list of companies is not software.
    assert "RDF" not in {normal for _, normal in found("A feed parser that handles RSS, Atom, RDF, and JSON Feed quickly.")}
    companies = found("The tool is used by IBM, NVIDIA and Microsoft Research, among others.")
    assert {("ORG", "IBM"), ("ORG", "NVIDIA")} <= companies


def test_a_common_word_capitalised_is_no_name() -> None:
    # A word the article also writes in lower case, or a common English word, is no name on its own nor a first name.
    text = (
        "Physics\n\nHe taught physics and chemistry at the school in Reading for ten years.\n\n"
        "Killing Joke played two nights in London; the killing of the song was a joke, said Jaz Coleman."
    )
    got = found(text)
    assert "Physics" not in {normal for _, normal in got}
    assert ("PER", "Killing Joke") not in got
    assert ("PER", "Jaz Coleman") in got and ("LOC", "London") in got
    # A word that heads a place's name is no first name («Park» is one in Faker's lists): «Park Zandvoort» is then
    # judged as any two words, and «park» is written in lower case here.
    track = "The circuit lies in a park in the dunes near the town of Zandvoort. Circuit Park Zandvoort opened in 1948."
    assert ("PER", "Park Zandvoort") not in found(track)


def test_an_event_named_of_a_place_is_no_name() -> None:
    got = found("Lee retreated after the Battle of Gettysburg in Pennsylvania. The Treaty of Versailles was signed in Paris.")
    assert not {normal for _, normal in got} & {"Battle of Gettysburg", "Gettysburg", "Treaty of Versailles", "Versailles"}
    assert {("LOC", "Pennsylvania"), ("LOC", "Paris")} <= got


def test_a_degree_is_no_name() -> None:
    got = found("The scientists were led by Michael Shadlen, Ph.D., of Columbia University, and by Jane Doe, M.Sc., in the U.S.")
    assert "Ph.D." not in {normal for _, normal in got} and "M.Sc." not in {normal for _, normal in got}
    assert {("PER", "Michael Shadlen"), ("ORG", "Columbia University")} <= got


def test_a_person_whose_first_word_is_an_english_word_is_not_borne_out() -> None:
    # WordNet's words (as spaCy's model ships them) less first names: «Gentle Giant» is a band (the model read two
    # persons here); «Bill» and «Rose» are first names before they are words.
    got = found("Gentle Giant toured with Weather Report in 1975. Bill Powers and Rose Byrne met them in Sydney.")
    assert not {normal for _, normal in got} & {"Gentle Giant", "Weather Report"}
    assert {("PER", "Bill Powers"), ("PER", "Rose Byrne")} <= got
    # Such a name wants a person's deeds: a verb of speech after it or after its surname alone.
    golf = "Tiger Woods shot a 66 on Sunday to win at Augusta."
    assert ("PER", "Tiger Woods") not in found(golf)
    assert ("PER", "Tiger Woods") in found(golf + " Woods said the course was fast.")
    # A common word before a first name is no part of the name: the name starts at the first name.
    said = found('"It is a win," said Supervisor Alfredo Pedroza of Napa County on Tuesday.')
    assert ("PER", "Alfredo Pedroza") in said and not any("Supervisor" in normal for _, normal in said)


def test_a_term_defined_with_its_abbreviation_is_no_name() -> None:
    text = (
        "Corneocytes store a substance known as Natural Moisturizing Factor, or NMF, which draws moisture in. "
        "The more NMF a cell holds, the better. Ministers of the North Atlantic Treaty Organization (NATO) met the "
        "Australians Against Further Immigration (AAFI) in Brussels."
    )
    names = {normal for _, normal in found(text)}
    assert not names & {"NMF", "Natural Moisturizing Factor"}
    assert {"NATO", "North Atlantic Treaty Organization"} & names and "AAFI" in names
