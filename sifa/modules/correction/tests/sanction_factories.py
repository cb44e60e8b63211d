"""Test helpers of the sanctions part: rows written without services, the authorization matrix's objects
(tests/test_authz_matrix.py) and the audit-coverage recipes (tests/test_audit_coverage.py)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from sifa.core.accounts.actor import Actor
from sifa.core.orgs.models import Org
from sifa.modules.correction.choices import SanctionKind, SanctionStatus
from sifa.modules.correction.models import CommutationProposal, CorrectionCase, RevocationProposal, Sanction
from sifa.modules.correction.sanction_choices import ArrestStatus, ProposalKind
from sifa.modules.correction.tests.factories import make_correction, office_of


def make_sanction(detail: CorrectionCase, *, kind: str = SanctionKind.WARNING, ground: str = "CC-17.6",
                  status: str = SanctionStatus.DECIDED, decided_on: datetime.date | None = None,
                  occurred_on: datetime.date | None = None, facts: str = "测试违规事实",
                  proposed_at: datetime.datetime | None = None) -> Sanction:
    """A sanction row without services (no document, no audit)."""
    if status == SanctionStatus.DECIDED and decided_on is None:
        decided_on = timezone.localdate() - datetime.timedelta(days=30)
    proposed = proposed_at or timezone.make_aware(datetime.datetime.combine(
        (occurred_on or decided_on or timezone.localdate()), datetime.time(9, 0)))
    return Sanction.objects.create(correction_case=detail, kind=kind, ground=ground, facts=facts, status=status,
                                   proposed_by="测试司法所", proposed_at=proposed, decided_on=decided_on,
                                   decided_by="测试县局" if decided_on else "", occurred_on=occurred_on)


def make_proposal(detail: CorrectionCase, *, kind: str = ProposalKind.REVOCATION, arrest: bool = False,
                  received: datetime.datetime | None = None) -> RevocationProposal:
    """A pending proposal without services; the case is moved to the matching state directly."""
    detail.case.state = "revocation_proposed" if kind == ProposalKind.REVOCATION else "recommitment_proposed"
    detail.case.save(update_fields=["state"])
    return RevocationProposal.objects.create(
        correction_case=detail, kind=kind, grounds=["CC-25(2)4"] if kind == ProposalKind.REVOCATION else ["CC-30(4)"],
        facts="测试", court="杭州市富阳区人民法院",
        court_received_at=received or timezone.now() - datetime.timedelta(days=2),
        procuratorate="杭州市富阳区人民检察院", procuratorate_copied_on=timezone.localdate() - datetime.timedelta(days=2),
        arrest_requested=arrest, arrest_status=ArrestStatus.REQUESTED if arrest else ArrestStatus.NONE,
        proposed_by="测试县局")


def make_commutation(detail: CorrectionCase) -> CommutationProposal:
    return CommutationProposal.objects.create(
        correction_case=detail, facts="测试", proposed_reduction="三个月", court="杭州市中级人民法院",
        court_received_on=datetime.date(2026, 6, 1), procuratorate="杭州市人民检察院",
        proposed_by="测试县局")


# --- the authorization matrix's objects (tests/test_authz_matrix.py) ----------------------------

def _matrix_case(org: Org) -> CorrectionCase:
    found = CorrectionCase.objects.filter(org_path=org.path, case__title__startswith="矩阵奖惩").first()
    if found is not None:
        return found  # type: ignore[no-any-return]
    detail = make_correction(org)
    detail.case.title = f"矩阵奖惩{org.pk}"
    detail.case.save(update_fields=["title"])
    return detail


def _matrix_sanction(org: Org) -> Sanction:
    detail = _matrix_case(org)
    return detail.sanctions.first() or make_sanction(detail, status=SanctionStatus.PROPOSED)  # type: ignore[return-value]


def _matrix_proposal(org: Org) -> RevocationProposal:
    existing = RevocationProposal.objects.filter(correction_case__org_path=org.path, facts="矩阵").first()
    if existing is not None:
        return existing  # type: ignore[no-any-return]
    detail = make_correction(org)
    proposal = make_proposal(detail, arrest=True)
    proposal.facts = "矩阵"
    proposal.save(update_fields=["facts"])
    return proposal


def _matrix_commutation(org: Org) -> CommutationProposal:
    detail = _matrix_case(org)
    return detail.commutation_proposals.first() or make_commutation(detail)  # type: ignore[return-value]


def matrix_objects(kind: str, actor_org: Org, orgs: list[Org]) -> tuple[list[int], list[int]]:
    """(inside ids, outside ids) of "sanctions_case", "sanction", "revocation_proposal" or "commutation":
    one object per org of the matrix world, made on demand."""
    make: dict[str, Callable[[Org], Any]] = {
        "sanctions_case": _matrix_case, "sanction": _matrix_sanction, "revocation_proposal": _matrix_proposal,
        "commutation": _matrix_commutation}
    objects = {o.pk: make[kind](o) for o in orgs}
    outside = [o for o in orgs if not o.path.startswith(actor_org.path)]
    return [objects[actor_org.pk].pk], [objects[o.pk].pk for o in outside]


# --- recipes of tests/test_audit_coverage.py (each drives one service once) --------------------
# Fixed dates inside the shipped calendar years, so the periods never reach a year without a calendar.
RECEIVED = datetime.datetime(2026, 6, 1, 10, 0)

def _svc() -> Any:
    from sifa.modules.correction import sanction_services

    return sanction_services


def cover_propose(actor: Actor) -> Any:
    detail = make_correction(office_of("office1"))
    return _svc().propose_sanction(actor=actor, detail=detail, kind=SanctionKind.COMMENDATION, ground="CC-15",
                                   facts="积极参加公益活动")


def cover_decide(actor: Actor) -> Any:
    sanction = make_sanction(make_correction(office_of("office1")), status=SanctionStatus.PROPOSED,
                             proposed_at=timezone.now())
    return _svc().decide_sanction(actor=actor, sanction=sanction)


def cover_reject(actor: Actor) -> Any:
    sanction = make_sanction(make_correction(office_of("office1")), status=SanctionStatus.PROPOSED,
                             proposed_at=timezone.now())
    return _svc().reject_sanction(actor=actor, sanction=sanction, note="事实不清")


def cover_revocation(actor: Actor) -> Any:
    detail = make_correction(office_of("office1"), sentence_type="probation")
    return _svc().propose_revocation(
        actor=actor, detail=detail, grounds=["CC-25(2)4"], facts="二次警告后仍不改正", court="杭州市富阳区人民法院",
        court_received_at=timezone.make_aware(RECEIVED), procuratorate="杭州市富阳区人民检察院",
        procuratorate_copied_on=RECEIVED.date(), arrest_requested=True, arrest_reason="可能逃跑")


def cover_recommitment(actor: Actor) -> Any:
    detail = make_correction(office_of("office1"), sentence_type="temporary_execution")
    return _svc().propose_recommitment(
        actor=actor, detail=detail, grounds=["CC-30(4)"], facts="两次警告仍不改正", court="杭州市富阳区人民法院",
        court_received_at=timezone.make_aware(RECEIVED), procuratorate="杭州市富阳区人民检察院",
        procuratorate_copied_on=RECEIVED.date())


def cover_arrest(actor: Actor) -> Any:
    proposal = make_proposal(make_correction(office_of("office1")), arrest=True, received=timezone.make_aware(RECEIVED))
    return _svc().record_arrest(actor=actor, proposal=proposal, arrested=True, arrested_on=datetime.date(2026, 6, 2))


def cover_ruling(actor: Actor) -> Any:
    proposal = make_proposal(make_correction(office_of("office1")), received=timezone.make_aware(RECEIVED))
    return _svc().record_ruling(actor=actor, proposal=proposal, granted=False, ruling_date=datetime.date(2026, 6, 20))


def cover_commutation(actor: Actor) -> Any:
    detail = make_correction(office_of("office1"), sentence_type="control")
    return _svc().propose_commutation(actor=actor, detail=detail, facts="确有悔改表现", proposed_reduction="三个月",
                                      court="杭州市中级人民法院", court_received_on=RECEIVED.date(),
                                      procuratorate="杭州市人民检察院")


def cover_commutation_ruling(actor: Actor) -> Any:
    commutation = make_commutation(make_correction(office_of("office1"), sentence_type="control"))
    return _svc().record_commutation_ruling(actor=actor, commutation=commutation, granted=True,
                                            ruling_date=datetime.date(2026, 6, 20), ruling_number="（2026）浙01刑更1号",
                                            granted_reduction="三个月")


def cover_evidence_export(actor: Actor) -> Any:
    detail = make_correction(office_of("office1"))
    return _svc().record_evidence_export(actor=actor, detail=detail, what="test", items=1, tree_size=1)


def cover_export(actor: Actor) -> Any:
    return _svc().export_sanctions(actor=actor, description="覆盖", row_count=1)


_S = "sifa.modules.correction.sanction_services."
RECIPES: dict[str, tuple[str, Callable[[Actor], Any]]] = {
    _S + "propose_sanction": ("office1", cover_propose),
    _S + "decide_sanction": ("corr", cover_decide),
    _S + "reject_sanction": ("corr", cover_reject),
    _S + "propose_revocation": ("corr", cover_revocation),
    _S + "propose_recommitment": ("corr", cover_recommitment),
    _S + "record_arrest": ("corr", cover_arrest),
    _S + "record_ruling": ("corr", cover_ruling),
    _S + "propose_commutation": ("corr", cover_commutation),
    _S + "record_commutation_ruling": ("corr", cover_commutation_ruling),
    _S + "record_evidence_export": ("corr", cover_evidence_export),
    _S + "export_sanctions": ("corr", cover_export),
}
