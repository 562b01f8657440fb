"""The demo's toolkit library: a few published toolkits of demo organisations, with links as
their resources (files need a media directory; the demo writes none), each used as material
by its organisation's first demo sessions, so that the library, the filters and the links
between toolkits and sessions have something to show."""

from __future__ import annotations

from dataclasses import dataclass

from scheduling.vocabulary import AgeGroup, Licence


@dataclass(frozen=True)
class DemoToolkit:
    slug: str
    organisation_slug: str
    title: str
    summary: str
    languages: tuple[str, ...]
    age_groups: tuple[str, ...]
    sdgs: tuple[int, ...]
    topics: tuple[str, ...]
    licence: str
    featured: bool
    links: tuple[tuple[str, str], ...]
    #: How many of the organisation's first demo sessions use it.
    sessions: int = 1


TOOLKITS: tuple[DemoToolkit, ...] = (
    DemoToolkit(
        slug="run-a-learning-festival-in-your-school",
        organisation_slug="kathmandu-teachers",
        title="Run a learning festival in your school",
        summary="A step-by-step guide for teachers: a day of workshops run by pupils, from the "
        "first staff meeting to the closing assembly, with timetables and checklists.",
        languages=("en", "ne"),
        age_groups=(AgeGroup.CHILDREN.value, AgeGroup.TEENAGERS.value),
        sdgs=(4, 17),
        topics=("schools", "planning"),
        licence=Licence.CC_BY_SA.value,
        featured=True,
        links=(("The guide, online", "https://example.org/toolkits/school-festival"),),
        sessions=2,
    ),
    DemoToolkit(
        slug="story-walks-with-young-readers",
        organisation_slug="wellington-libraries",
        title="Story walks with young readers",
        summary="Turn a park or a street into a book: pages on boards along a walk, questions "
        "at each stop, and a map to print.",
        languages=("en", "mi"),
        age_groups=(AgeGroup.EARLY_YEARS.value, AgeGroup.CHILDREN.value),
        sdgs=(4, 11),
        topics=("reading", "outdoors"),
        licence=Licence.CC_BY.value,
        featured=False,
        links=(("How to set up a story walk", "https://example.org/toolkits/story-walks"),),
    ),
    DemoToolkit(
        slug="atelier-lecture-a-voix-haute",
        organisation_slug="lire-en-caledonie",
        title="Atelier de lecture à voix haute",
        summary="Un atelier d'une heure pour lire ensemble à voix haute : échauffement, "
        "lecture en chœur, jeux de voix.",
        languages=("fr",),
        age_groups=(AgeGroup.CHILDREN.value, AgeGroup.ADULTS.value),
        sdgs=(4,),
        topics=("reading",),
        licence=Licence.CC_BY_NC.value,
        featured=False,
        links=(("Fiche de l'atelier", "https://example.org/toolkits/lecture-a-voix-haute"),),
    ),
    DemoToolkit(
        slug="girls-in-stem-build-a-weather-station",
        organisation_slug="perth-girls-in-stem",
        title="Build a weather station",
        summary="A two-hour build with cheap sensors: measure, chart and share your local "
        "weather, then compare it with schools in other time zones.",
        languages=("en",),
        age_groups=(AgeGroup.TEENAGERS.value,),
        sdgs=(4, 5, 13),
        topics=("science", "climate"),
        licence=Licence.CC_BY.value,
        featured=True,
        links=(
            ("Parts list and wiring", "https://example.org/toolkits/weather-station"),
            ("Charting the data", "https://example.org/toolkits/weather-station/charts"),
        ),
    ),
)
