from django.db import models


class RegionLevel(models.TextChoices):
    PROVINCE = "province", "省"
    CITY = "city", "市"
    COUNTY = "county", "县（区、旗）"
    TOWNSHIP = "township", "乡镇（街道、苏木）"


class OrgType(models.TextChoices):
    JUSTICE_DEPARTMENT = "justice_department", "司法厅"
    JUSTICE_BUREAU = "justice_bureau", "司法局"
    JUDICIAL_OFFICE = "judicial_office", "司法所"
    CORRECTION_AGENCY = "correction_agency", "社区矫正机构"
    LEGAL_SERVICE_CENTER = "legal_service_center", "公共法律服务中心"
    LEGAL_AID_CENTER = "legal_aid_center", "法律援助中心"
    MEDIATION_COMMITTEE = "mediation_committee", "人民调解委员会"
    COURT = "court", "法院"
    PROCURATORATE = "procuratorate", "检察院"
    POLICE = "police", "公安"
    PRISON = "prison", "监狱"
    DETENTION_CENTER = "detention_center", "看守所"
    ENFORCEMENT_DEPARTMENT = "enforcement_department", "行政执法部门"


EXTERNAL_ORG_TYPES = frozenset(
    {
        OrgType.COURT,
        OrgType.PROCURATORATE,
        OrgType.POLICE,
        OrgType.PRISON,
        OrgType.DETENTION_CENTER,
        OrgType.ENFORCEMENT_DEPARTMENT,
    }
)
