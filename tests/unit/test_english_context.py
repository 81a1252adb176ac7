"""English names retyped or dropped by the words around them (``reader.text.en.context`` and the rules beside it),
with the real spaCy model: each test has a sentence where the wrong reading goes and one where the right one stays."""

from __future__ import annotations

from reader.text import en


def found(text: str) -> set[tuple[str, str]]:
    return {(e.kind, e.normal) for e in en.extract(text)}


def test_a_town_that_plays_is_a_team() -> None:
    got = found("He made his debut in 2005. He went on to play 26 games for Lausanne before leaving for FC Basel in 2007.")
    assert ("ORG", "Lausanne") in got and ("LOC", "Lausanne") not in got
    got = found("They participated in the GMAC Bowl, losing to Tulsa 63-7.")
    assert ("ORG", "Tulsa") in got
    assert ("ORG", "Norwich City") in found("Stoke City and Norwich City drew 1-1 on Saturday.")
    # The town where one lives stays a place; a state that plays stays a state.
    assert ("LOC", "Lausanne") in found("He was born in Lausanne and studied law there.")
    assert ("LOC", "Japan") in found("Japan beat Syria 2-1 in the Asian Cup.")


def test_a_lone_person_before_a_players_role_is_a_team() -> None:
    got = found("Leeds striker Tony Yeboah scored twice as Leeds beat Wimbledon 2-0 at Elland Road.")
    assert {("ORG", "Leeds"), ("ORG", "Wimbledon"), ("PER", "Tony Yeboah")} <= got
    assert ("PER", "Leeds") not in got
    got = found("Manchester United manager Alex Ferguson said Eric Cantona would play.")
    assert {("ORG", "Manchester United"), ("PER", "Alex Ferguson")} <= got


def test_a_score_between_the_match_verb_and_the_side() -> None:
    assert ("ORG", "Southampton") in found("Everton drew 1-1 with Southampton on Saturday.")


def test_an_organisation_one_is_born_in_is_a_place() -> None:
    got = found("Florin Prodan is a retired Romanian soccer defender. He was born in Satu Mare and debuted in Divizia A in 1992.")
    assert ("LOC", "Satu Mare") in got and ("ORG", "Satu Mare") not in got
    # Not «in» alone: a stake in a company is no place.
    got = found("Analysts said Deutsche Bank would sell its stake in Daimler-Benz.")
    assert ("ORG", "Daimler-Benz") in got


def test_a_datelines_place_in_capitals_stays_a_place() -> None:
    got = found("AKRON , Ohio 1996-08-23\nPhil Mickelson and Billy Mayfair led the World Series of Golf on Friday.")
    assert ("LOC", "Akron") in got and ("ORG", "Akron") not in got
    got = found("NABLUS , West Bank 1996-08-22\nPalestinian police arrested three men in Nablus on Thursday.")
    assert ("LOC", "Nablus") in got and ("ORG", "Nablus") not in got
    # An abbreviation at a line's start that is no dateline is still an organisation's.
    assert ("ORG", "NATO") in found("Officials met in Brussels.\nNATO said the talks would go on.")


def test_a_side_and_an_organisations_head_is_a_place() -> None:
    got = found("Israeli troops left the West Bank town of Nablus, officials said.")
    assert ("LOC", "West Bank") in got and ("ORG", "West Bank") not in got
    assert ("ORG", "Deutsche Bank") in found("Analysts at Deutsche Bank expected no change.")


def test_a_person_with_a_state_in_brackets_is_a_person() -> None:
    got = found("Results from the Canadian Open on Friday:\nWayne Ferreira ( South Africa ) beat Cedric Pioline ( France ) 6-4 7-6")
    assert ("PER", "Cedric Pioline") in got and ("ORG", "Cedric Pioline") not in got
    assert ("ORG", "Deutsche Bank") in found("Deutsche Bank ( Germany ) raised its forecast on Friday.")


def test_a_person_whose_birth_follows_is_a_person() -> None:
    got = found("Candace Savage (born 1949) is a Canadian writer. Born in Peace River country, she grew up in Alberta.")
    assert ("PER", "Candace Savage") in got and ("ORG", "Candace Savage") not in got


def test_a_place_and_a_plural_noun_is_a_team() -> None:
    text = (
        "Bill Cowley played 13 seasons in the National Hockey League for the St. Louis Eagles and Boston Bruins. "
        "In Boston he would become a star."
    )
    got = found(text)
    assert ("ORG", "Boston Bruins") in got and ("PER", "Boston Bruins") not in got
    assert ("LOC", "Colorado Springs") in found("The Air Force Academy is in Colorado Springs, Colorado.")


def test_a_name_inside_a_title_in_quotes_is_no_name() -> None:
    text = 'Another track is " Anarchy in Tokyo ", a song the band recorded while they toured Japan.'
    got = found(text)
    assert ("LOC", "Tokyo") not in got
    assert ("LOC", "Japan") in got
    # A quote that says something keeps its names.
    assert ("LOC", "Moscow") in found('" We will go to Moscow next week , " the minister said.')


def test_english_words_after_a_or_an_name_no_organisation() -> None:
    got = found("BCSWomen is a Specialist Group of the British Computer Society, supporting women in computing.")
    assert ("ORG", "Specialist Group") not in got
    assert ("ORG", "British Computer Society") in got
    # The name qualifies the noun after it: it stays.
    assert ("LOC", "U.S.") in found("His son, James Bruen Howell, was a U.S. Senator from Iowa.")


def test_an_organisation_ending_in_a_places_head_is_a_place() -> None:
    got = found("He pitched in the top of the 9th inning in a home game against the Boston Braves at Forbes Field.")
    assert ("LOC", "Forbes Field") in got and ("ORG", "Forbes Field") not in got
    # A church is those who run it.
    assert ("ORG", "Catholic Church") in found("The Church of England and the Catholic Church issued a statement.")


def test_a_region_the_model_took_for_a_person_is_a_place() -> None:
    got = found(
        "The Reading train left Philadelphia at 5:40 p.m. The engine of the Reading train was wrecked, and the engineer was killed."
    )
    assert ("LOC", "Reading") in got and ("PER", "Reading") not in got
    # The surname of a person named in full stays a person.
    got = found("George Washington crossed the Delaware. Washington then marched on Trenton.")
    assert ("PER", "George Washington") in got and ("LOC", "Washington") not in got


def test_a_place_and_a_clubs_abbreviation_is_a_club() -> None:
    entities = en.extract("Teams from outside Montreal played at the home venue of the Montreal HC in 1893.")
    assert [(e.kind, e.normal, len(e.mentions)) for e in entities] == [("LOC", "Montreal", 1), ("ORG", "Montreal HC", 1)]
    assert ("ORG", "Sunderland A.F.C.") in found("In Redcar he met Sunderland A.F.C. footballer Dave Buchanan.")
    assert ("LOC", "Montreal") in found("The Victorias were a hockey club based in Montreal, Quebec.")


def test_a_score_is_no_part_of_a_name_and_a_person_who_beats_a_team_is_one() -> None:
    got = found("Manchester United beat Arsenal 2-1 at Old Trafford on Saturday.")
    assert ("ORG", "Arsenal") in got and not any("2-1" in normal for _, normal in got)
    assert ("ORG", "Manchester United") in got
    # People who beat each other, as in tennis, stay people.
    got = found("Pete Sampras beat Goran Ivanisevic 6-3 6-4 in the final.")
    assert {("PER", "Pete Sampras"), ("PER", "Goran Ivanisevic")} <= got
