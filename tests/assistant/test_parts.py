"""The parts of a message that asks several things (assistant/parts.py)."""

from __future__ import annotations

import pytest

from assistant.meaning import Calibration
from assistant.mentions import ServiceNames
from assistant.parts import PartReader
from corpus.guide import load_guide
from index.analysis import default_analyzer
from index.classifier import Prediction

NOTHING = Prediction(("_none", "what"), (0.6, 0.1))
UNSURE = Prediction(("what", "who", "cost"), (0.3, 0.2, 0.2))  # the aspect classifier unsure: the cue words speak


@pytest.fixture(scope="module")
def reader() -> PartReader:
    analyzer = default_analyzer()
    return PartReader(ServiceNames.from_documents(load_guide(pdf=[]).documents, analyzer), analyzer, Calibration())


def test_services_named_side_by_side_get_a_part_each(reader):
    parts = reader.read("Kan far få både trygghetsalarm og middag levert hjem?", NOTHING, NOTHING)
    assert [p.service for p in parts] == ["trygghetsalarm", "matombringing"]
    assert all(p.by_name for p in parts)


def test_a_part_that_refers_back_is_about_the_part_before_it(reader):
    (part,) = reader.read("og hvordan får vi ordnet det?", NOTHING, NOTHING, previous="tannhelse")
    assert part.service == "tannhelse" and part.from_message and not part.by_name


def test_the_doctor_named_as_the_way_is_not_the_part_s_service(reader):
    about = Prediction(("legetjenester", "frisklivssentral"), (0.6, 0.3))
    (part,) = reader.read("Frisklivssentralen: trenger man henvisning fra lege", UNSURE, about)
    assert part.service == "frisklivssentral" and part.aspects == ("apply",)
