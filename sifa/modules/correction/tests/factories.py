"""Shared test helpers of the 社区矫正 module: subjects and correction cases written without services.

``make_correction`` creates Person → CorrectionSubject → Case (type ``correction``) → CorrectionCase
directly, in any state, so each part's tests start from the situation they need. Services are tested
in the part that owns them.
"""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from django.utils import timezone

from sifa.core.cases.models import Case
from sifa.core.cases.numbering import format_number, new_case_code, next_sequence, number_prefix
from sifa.core.orgs.models import Org
from sifa.core.persons.idnumbers import parse_id_number
from sifa.core.persons.models import Person
from sifa.core.persons.services import person_row
from sifa.core.testing import make_id_number, membership_of
from sifa.modules.correction.models import CorrectionCase, CorrectionSubject

_seq = itertools.count(1)


def office_of(username: str = "office1") -> Org:
    return membership_of(username).org


def make_person(org: Org, *, female: bool = False, birth: datetime.date = datetime.date(1990, 5, 1),
                name: str = "") -> Person:
    n = next(_seq)
    seq = (2 * (n % 450) + 2) if female else (2 * (n % 450) + 1)
    # a number not used yet: vary the birth day with n so runs inside one database never collide
    birth = birth + datetime.timedelta(days=(n * 7) % 300)
    number = make_id_number("330183", birth, seq)
    while Person.objects.filter(id_number_masked=number[:6] + "********" + number[-4:]).exists():
        n = next(_seq)
        birth += datetime.timedelta(days=1)
        number = make_id_number("330183", birth, seq)
    person = person_row(name=name or f"矫正对象{n}号", facts=parse_id_number(number), org=org,
                        address="杭州市富阳区测试路1号")
    person.save()
    return person


def make_correction(org: Org | None = None, *, sentence_type: str = "probation", state: str = "under_correction",
                    female: bool = False, minor: bool = False, term: str = "1年",
                    effective_date: datetime.date | None = None, term_end: datetime.date | None = None,
                    level: str = "normal", attributes: dict[str, Any] | None = None,
                    person: Person | None = None, **detail: Any) -> CorrectionCase:
    """A correction case (and its subject) in ``state``, owned by ``org`` (office1's 司法所 by default)."""
    org = org or office_of("office1")
    today = timezone.localdate()
    effective = effective_date or today - datetime.timedelta(days=60)
    birth = datetime.date(today.year - 17, 1, 1) if minor else datetime.date(1990, 5, 1)
    person = person or make_person(org, female=female, birth=birth)
    subject = CorrectionSubject.objects.create(person=person, org=org, attributes=attributes or {}, is_minor=minor)
    year = timezone.localtime().year
    prefix = number_prefix(org)
    sequence = next_sequence(case_type="correction", prefix=prefix, year=year)
    case = Case.objects.create(
        case_type="correction", year=year, sequence=sequence,
        number=format_number(year=year, prefix=prefix, word="矫", sequence=sequence), case_code=new_case_code(),
        org=org, state=state, title=f"{person.name} 社区矫正", opened_by="测试",
    )
    defaults: dict[str, Any] = {
        "decision_org_name": "杭州市富阳区人民法院", "judgment_number": f"（{effective.year}）浙0111刑初{next(_seq)}号",
        "crimes": "危险驾驶罪", "original_sentence": "拘役三个月" if sentence_type == "probation" else "有期徒刑一年",
        "execution_address": "杭州市富阳区测试路1号", "received_on": effective + datetime.timedelta(days=5),
        "term_start": effective, "term_end": term_end or (effective + datetime.timedelta(days=364)),
    }
    defaults.update(detail)
    return CorrectionCase.objects.create(case=case, subject=subject, org_path=org.path, sentence_type=sentence_type,
                                         term=term, effective_date=effective, level=level, **defaults)
