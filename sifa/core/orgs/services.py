"""Org and region writes. Every public service is one transaction and one audit event."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence

from sifa.core.accounts.actor import Actor
from sifa.core.audit.recorder import diff, record
from sifa.core.errors import NotFound, ValidationFailed
from sifa.core.orgs.choices import OrgType
from sifa.core.orgs.models import Org, Region
from sifa.core.orgs.regions import RegionCodeError, RegionRow, level_of, parent_code
from sifa.core.services import service


@service("orgs.regions.imported")
def import_regions(*, actor: Actor, rows: Sequence[RegionRow], source: str) -> dict[str, int]:
    """Load region rows (all-or-nothing). A bad row aborts the import and is named with its line.

    Existing current regions with the same code are renamed if the name changed; nothing is deleted
    (boundary changes go through ``succeed_regions``). A row with ``valid_to`` is a historical region
    (e.g. a county-level city abolished before the data's date): it is created closed, so identity
    numbers issued under its code stay valid (GB 11643 keeps the code of the county at issue).
    """
    actor.require("orgs.manage")
    errors: list[dict[str, str]] = []
    seen: dict[str, RegionRow] = {}
    historical: list[tuple[RegionRow, datetime.date]] = []
    for row in rows:
        where = f"第 {row.line} 行"
        try:
            level_of(row.code)
        except RegionCodeError as exc:
            errors.append({"field": f"row {row.line}", "message": f"{where}：{exc}"})
            continue
        if not row.name:
            errors.append({"field": f"row {row.line}", "message": f"{where}：名称不能为空"})
        if row.valid_to:
            try:
                historical.append((row, datetime.date.fromisoformat(row.valid_to)))
            except ValueError:
                errors.append({"field": f"row {row.line}", "message": f"{where}：失效日期 {row.valid_to} 应为 YYYY-MM-DD"})
            continue
        if row.code in seen:
            errors.append({"field": f"row {row.line}", "message": f"{where}：区划代码 {row.code} 重复（首次出现在第 {seen[row.code].line} 行）"})
        seen[row.code] = row
    existing = {r.code: r for r in Region.objects.current()}
    for row in seen.values():
        parent = parent_code(row.code)
        if parent is not None and parent not in seen and parent not in existing:
            errors.append({"field": f"row {row.line}", "message": f"第 {row.line} 行：上级区划 {parent} 不存在"})
    if errors:
        raise ValidationFailed(f"导入失败，共 {len(errors)} 处错误，未写入任何数据；{errors[0]['message']}", errors=errors)

    created = renamed = 0
    for row in sorted(seen.values(), key=lambda r: (len(r.code), r.code)):
        region = existing.get(row.code)
        if region is None:
            pcode = parent_code(row.code)
            region = Region.objects.create(
                code=row.code, name=row.name, level=level_of(row.code), parent=existing.get(pcode) if pcode else None
            )
            existing[row.code] = region
            created += 1
        elif region.name != row.name:
            region.name = row.name
            region.save(update_fields=["name"])
            renamed += 1
    closed = 0
    for row, valid_to in historical:
        if Region.objects.filter(code=row.code, valid_to=valid_to).exists():
            continue
        pcode = parent_code(row.code)
        Region.objects.create(code=row.code, name=row.name, level=level_of(row.code), valid_to=valid_to,
                              valid_from=min(valid_to, datetime.date(2000, 1, 1)),
                              parent=existing.get(pcode) if pcode else None)
        closed += 1
    result = {"rows": len(seen) + len(historical), "created": created, "renamed": renamed, "historical": closed}
    record(actor=actor, action="orgs.regions.imported", object_type="orgs.region", object_repr=source[:255], changes=result)
    return result


def _check_parent(actor: Actor, parent: Org | None) -> None:
    if parent is None:
        if not actor.is_system:
            raise ValidationFailed("请选择上级机构", field="parent")
        return
    if not Org.objects.visible_to(actor).filter(pk=parent.pk).exists():
        raise NotFound("上级机构不存在或无权访问")
    if not parent.is_current:
        raise ValidationFailed("上级机构已撤销，不能在其下新建机构", field="parent")


def _create_org_row(*, name: str, org_type: str, region: Region, parent: Org | None, valid_from: datetime.date,
                    address: str = "", phone: str = "") -> Org:
    name = name.strip()
    if not name:
        raise ValidationFailed("机构名称不能为空", field="name")
    if org_type not in OrgType.values:
        raise ValidationFailed(f"未知的机构类型：{org_type}", field="type")
    if not region.is_current:
        raise ValidationFailed(f"区划 {region} 已撤销", field="region")
    org = Org.objects.create(
        name=name, type=org_type, region=region, parent=parent, path=f"tmp-{uuid.uuid4().hex}",
        depth=(parent.depth + 1) if parent else 0, valid_from=valid_from, address=address, phone=phone,
    )
    org.path = (parent.path if parent else "") + Org.path_segment(org.pk)
    org.save(update_fields=["path"])
    return org


@service("orgs.org.created")
def create_org(*, actor: Actor, name: str, org_type: str, region: Region, parent: Org | None,
               valid_from: datetime.date | None = None, address: str = "", phone: str = "") -> Org:
    """Create an org under ``parent`` (which must be in the actor's scope)."""
    actor.require("orgs.manage")
    _check_parent(actor, parent)
    org = _create_org_row(name=name, org_type=org_type, region=region, parent=parent,
                          valid_from=valid_from or datetime.date.today(), address=address, phone=phone)
    record(actor=actor, action="orgs.org.created", obj=org,
           changes={"name": org.name, "type": org.type, "region": region.code, "parent": parent.pk if parent else None})
    return org


@service("orgs.org.updated")
def update_org(*, actor: Actor, org: Org, name: str, address: str, phone: str) -> Org:
    actor.require("orgs.manage")
    org = Org.objects.visible_to(actor).select_for_update().filter(pk=org.pk).first() or _raise_not_found()
    if not name.strip():
        raise ValidationFailed("机构名称不能为空", field="name")
    before = {"name": org.name, "address": org.address, "phone": org.phone}
    org.name, org.address, org.phone = name.strip(), address.strip(), phone.strip()
    org.save(update_fields=["name", "address", "phone"])
    record(actor=actor, action="orgs.org.updated", obj=org,
           changes=diff(before, {"name": org.name, "address": org.address, "phone": org.phone}))
    return org


def _raise_not_found() -> Org:
    raise NotFound()


@service("orgs.org.succeeded")
def succeed_org(*, actor: Actor, org: Org, name: str, region: Region, on_date: datetime.date) -> Org:
    """Close ``org`` on ``on_date`` and open its successor (撤并、更名、区划调整).

    The old org stays in the tree, closed, so records made under it keep it and past-date reports
    still aggregate them; current child orgs and active memberships move to the successor.
    """
    actor.require("orgs.manage")
    old = Org.objects.visible_to(actor).select_for_update().filter(pk=org.pk).first() or _raise_not_found()
    if not old.is_current:
        raise ValidationFailed("该机构已撤销", field="org")
    if on_date <= old.valid_from:
        raise ValidationFailed("调整日期必须晚于原机构的生效日期", field="on_date")
    new = _create_org_row(name=name, org_type=old.type, region=region, parent=old.parent, valid_from=on_date,
                          address=old.address, phone=old.phone)
    for child in Org.objects.filter(parent=old, valid_to__isnull=True):
        _move_subtree(child, new)
    from sifa.core.accounts.models import Membership

    Membership.objects.filter(org=old, is_active=True).update(org=new)
    old.valid_to = on_date
    old.successor = new
    old.save(update_fields=["valid_to", "successor"])
    record(actor=actor, action="orgs.org.succeeded", obj=old,
           changes={"successor": new.pk, "successor_name": new.name, "on_date": on_date.isoformat()})
    return new


def _move_subtree(org: Org, new_parent: Org) -> None:
    old_prefix = org.path
    new_prefix = new_parent.path + Org.path_segment(org.pk)
    depth_shift = new_parent.depth + 1 - org.depth
    descendants = list(Org.objects.filter(path__startswith=old_prefix))
    for d in descendants:
        d.path = new_prefix + d.path[len(old_prefix):]
        d.depth += depth_shift
        if d.pk == org.pk:
            d.parent = new_parent
    Org.objects.bulk_update(descendants, ["path", "depth", "parent"])


@service("orgs.region.succeeded")
def succeed_regions(*, actor: Actor, regions: Sequence[Region], code: str, name: str, on_date: datetime.date) -> Region:
    """Close ``regions`` on ``on_date`` and open one successor region (撤县设区, 乡镇合并).

    Current child regions move under the successor when the successor is at the same level.
    """
    actor.require("orgs.manage")
    if not regions:
        raise ValidationFailed("请选择被调整的区划", field="regions")
    try:
        level = level_of(code)
    except RegionCodeError as exc:
        raise ValidationFailed(str(exc), field="code") from exc
    locked = list(Region.objects.select_for_update().filter(pk__in=[r.pk for r in regions], valid_to__isnull=True))
    if len(locked) != len(regions):
        raise ValidationFailed("所选区划中有已撤销的区划", field="regions")
    for r in locked:
        if r.level != level:
            raise ValidationFailed(f"{r} 与新区划层级不一致", field="code")
        if on_date <= r.valid_from:
            raise ValidationFailed("调整日期必须晚于原区划的生效日期", field="on_date")
    closing_codes = {r.code for r in locked}
    if code not in closing_codes and Region.objects.current().filter(code=code).exists():
        raise ValidationFailed(f"区划代码 {code} 已被现行区划使用", field="code")
    pcode = parent_code(code)
    parent = Region.objects.current().filter(code=pcode).first() if pcode else None
    if pcode and parent is None:
        raise ValidationFailed(f"上级区划 {pcode} 不存在", field="code")
    for r in locked:
        r.valid_to = on_date
        r.save(update_fields=["valid_to"])
    new = Region.objects.create(code=code, name=name.strip(), level=level, parent=parent, valid_from=on_date)
    Region.objects.filter(pk__in=[r.pk for r in locked]).update(successor=new)
    Region.objects.filter(parent__in=locked, valid_to__isnull=True).update(parent=new)
    record(actor=actor, action="orgs.region.succeeded", obj=new,
           changes={"closed": sorted(closing_codes), "on_date": on_date.isoformat()})
    return new
