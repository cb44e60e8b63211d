"""Small registries that modules fill from ``AppConfig.ready()`` (CONVENTIONS §4.13).

Core never imports a module; modules register their menu entries, permissions, audit actions,
API routers and demo generators here. A registry refuses duplicate keys and, once frozen (after
all apps are ready), refuses late registrations, so that what is registered is knowable.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from sifa.core.cases.workflow import CaseType
    from sifa.core.scoring.sources import ScoreSource

T = TypeVar("T")


class RegistryError(RuntimeError):
    pass


class Registry(Generic[T]):
    def __init__(self, name: str) -> None:
        self.name = name
        self._items: dict[str, T] = {}
        self._frozen = False

    def register(self, key: str, item: T) -> T:
        if self._frozen:
            raise RegistryError(f"{self.name}: registry is frozen, cannot add {key!r}")
        if key in self._items:
            raise RegistryError(f"{self.name}: duplicate key {key!r}")
        self._items[key] = item
        return item

    def freeze(self) -> None:
        self._frozen = True

    def __getitem__(self, key: str) -> T:
        try:
            return self._items[key]
        except KeyError as exc:
            raise RegistryError(f"{self.name}: unknown key {key!r}") from exc

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def items(self) -> list[tuple[str, T]]:
        return list(self._items.items())

    def values(self) -> list[T]:
        return list(self._items.values())


@dataclass(frozen=True)
class MenuEntry:
    """A module's entry in the main menu. ``permission`` hides it from roles without it. Entries with the same
    ``group`` (e.g. "社区矫正") share one drop-down, placed where its first entry (by ``order``) would be."""

    key: str
    label: str
    url_name: str
    icon: str = ""
    permission: str | None = None
    order: int = 100
    group: str = ""


@dataclass(frozen=True)
class Permission:
    code: str
    label: str


@dataclass(frozen=True)
class ServiceInfo:
    """A public service: one durable transaction, exactly one audit event of ``audit_action``."""

    name: str
    audit_action: str
    func: Callable[..., Any] = field(compare=False)


menu: Registry[MenuEntry] = Registry("menu")
permissions: Registry[Permission] = Registry("permissions")
services: Registry[ServiceInfo] = Registry("services")
api_routers: Registry[Any] = Registry("api_routers")
demo_generators: Registry[Callable[..., Any]] = Registry("demo_generators")
case_types: Registry[CaseType] = Registry("case_types")


@dataclass(frozen=True)
class PeriodicJob:
    """A job the worker's scheduler enqueues every ``interval_seconds`` (deadline scans, alert escalation…).

    ``task`` is a django-tasks task (decorated with ``@task``) taking no arguments.
    """

    name: str
    label: str
    interval_seconds: int
    task: Any = field(compare=False)


periodic_jobs: Registry[PeriodicJob] = Registry("periodic_jobs")


@dataclass(frozen=True)
class CasePanel:
    """A card an app adds to every case's detail page (evidence, documents, case code…).

    ``template`` is included with the page context plus ``panel`` (this object) and ``panel_ctx``
    (what ``context(request, case)`` returns, computed per request). ``column`` is "main" (wide,
    left) or "side" (narrow, right). ``permission`` hides the card from roles without it.
    """

    key: str
    label: str
    template: str
    context: Callable[..., dict[str, Any]] | None = field(default=None, compare=False)
    column: str = "main"
    order: int = 100
    permission: str | None = None


case_panels: Registry[CasePanel] = Registry("case_panels")


@dataclass(frozen=True)
class LedgerCheck:
    """An extra check ``sifa verify --all`` runs after the ledger itself (e.g. stored files).

    ``run(hash_alg=...)`` returns how many items it checked, or raises
    ``sifa.core.ledger.verifier.LedgerTampered`` naming the first bad one; ``label`` names the
    items in the summary line (e.g. "个附件文件").
    """

    key: str
    label: str
    run: Callable[..., int] = field(compare=False)


ledger_checks: Registry[LedgerCheck] = Registry("ledger_checks")


@dataclass(frozen=True)
class CalendarHook:
    """Work that depends on a year's holiday calendar, redone when the year is loaded or replaced.

    ``run(year)`` recomputes it inside the calendar load's transaction (no audit event of its own: the
    load is audited) and returns how many items it recomputed; ``label`` names them in that audit event.
    """

    key: str
    label: str
    run: Callable[[int], int] = field(compare=False)


calendar_hooks: Registry[CalendarHook] = Registry("calendar_hooks")
alert_rules: Registry[Any] = Registry("alert_rules")  # code → sifa.core.alerts.rules.AlertRule
# fact key (e.g. "worklog.mediation") → where the scoring engine collects facts (sifa/core/scoring/sources.py)
score_sources: Registry[ScoreSource] = Registry("score_sources")


@dataclass(frozen=True)
class DocumentType:
    """A kind of 文书 generated for a case (sifa/core/documents; docs/engines/documents.md).

    ``template`` names the shipped .docx as ``"package:relative/path.docx"``, read with
    ``importlib.resources`` (so it works from an installed package); its layout spec sits beside it
    with a ``.toml`` suffix. ``number_word`` is the 字 of the document number (浙0111司告〔2026〕3号).
    ``case_types`` limits the type to those case types (empty = any). ``context(case)`` returns extra
    template variables. ``pdf``: also store a PDF when LibreOffice is installed. Org documents
    (``subject="org"``) are described beside their fields below.
    """

    code: str
    label: str
    template: str
    number_word: str
    case_types: tuple[str, ...] = ()
    context: Callable[..., dict[str, Any]] | None = field(default=None, compare=False)
    pdf: bool = True
    # "case": generated for one case (``context(case)``). "org": a report, letter or notice an org issues
    # (监测报表, 督办函 …), generated for an org and a parameter set (``context(org, params)``, which checks
    # ``params`` and raises ValidationFailed naming the bad one); no case is involved.
    subject: str = "case"
    # Non-Word output: ``render(context) -> bytes`` makes the file (e.g. an .xlsx table) and ``file_format``
    # names its extension; such a type has no .docx template (``template`` is "").
    render: Callable[[dict[str, Any]], bytes] | None = field(default=None, compare=False)
    file_format: str = "docx"
    # What the org type's parameters are, for the generate form: name → label (e.g. {"period": "月份（YYYY-MM）"}).
    params: tuple[tuple[str, str], ...] = ()


document_types: Registry[DocumentType] = Registry("document_types")


@dataclass(frozen=True)
class WorkFact:
    """One piece of work a module already recorded, as a 司法所's daily work log shows it (自动汇入).

    ``ref`` identifies the record within its source (unique per source); ``user_id`` is the staff
    member who did it when the source knows; ``url`` links to the record.
    """

    org_id: int
    day: Any  # datetime.date
    ref: str
    count: int = 1
    user_id: int | None = None
    label: str = ""
    url: str = ""


@dataclass(frozen=True)
class WorkSource:
    """Where a module's recorded work enters the work log (sifa/modules/judicial_office).

    ``catalogue_code`` names the work-catalogue item it counts as (e.g. "mediation");
    ``collect(org_ids, start, end)`` yields a ``WorkFact`` per record of those offices on those days
    (both inclusive). Modules register sources; the work-log module pulls them, so neither imports the other.
    """

    key: str
    label: str
    catalogue_code: str
    collect: Callable[..., Any] = field(compare=False)


work_sources: Registry[WorkSource] = Registry("work_sources")


def freeze_all() -> None:
    for reg in (menu, permissions, services, api_routers, demo_generators, audit_actions, case_types, periodic_jobs,
                alert_rules, case_panels, ledger_checks, document_types, score_sources, work_sources):
        reg.freeze()


@dataclass(frozen=True)
class AuditAction:
    """A registered audit action: dotted, past tense (``persons.person.registered``)."""

    name: str
    label: str
    personal_data: bool = False  # a reveal or export of personal data


audit_actions: Registry[AuditAction] = Registry("audit_actions")


def register_audit_action(name: str, label: str, *, personal_data: bool = False) -> AuditAction:
    return audit_actions.register(name, AuditAction(name, label, personal_data))


def register_permission(code: str, label: str) -> Permission:
    return permissions.register(code, Permission(code, label))
