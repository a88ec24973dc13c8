"""Code tables shared by every service (DOMAIN.md); display names are the domain's own words."""

from enum import StrEnum


class BodyKind(StrEnum):
    DISCIPLINE_COMMISSION = "discipline_commission"
    DISPATCHED_GROUP = "dispatched_group"
    INSPECTION_OFFICE = "inspection_office"
    AUDIT_BUREAU = "audit_bureau"
    FINANCE_SUPERVISION = "finance_supervision"


class Level(StrEnum):
    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    TOWNSHIP = "township"


class Rank(StrEnum):
    PROVINCIAL_MINISTERIAL = "provincial_ministerial"
    DEPARTMENT_BUREAU = "department_bureau"
    COUNTY_DIVISION = "county_division"
    TOWNSHIP_SECTION = "township_section"
    OTHER = "other"


class Category(StrEnum):
    POLITICAL = "political"
    ORGANIZATIONAL = "organizational"
    INTEGRITY = "integrity"
    MASS = "mass"
    WORK = "work"
    LIFE = "life"
    DUTY_VIOLATION = "duty_violation"
    DUTY_CRIME = "duty_crime"


class Topic(StrEnum):
    FUNDS = "funds"
    TENDERING = "tendering"
    AGRICULTURAL_SUBSIDY = "agricultural_subsidy"
    BUSINESS_ENVIRONMENT = "business_environment"
    FORMALISM_BUREAUCRATISM = "formalism_bureaucratism"
    ACCOUNTING = "accounting"


class Channel(StrEnum):
    REPORT = "report"
    INSPECTION_TOUR = "inspection_tour"
    AUDIT = "audit"
    FINANCE_SUPERVISION = "finance_supervision"
    LAW_ENFORCEMENT = "law_enforcement"
    HOTLINE = "hotline"
    DATA_MODEL_ALERT = "data_model_alert"
    SELF_FOUND = "self_found"


class AgencyKind(StrEnum):
    """Who sends clues (DOMAIN.md, Partner agencies)."""

    DISCIPLINE_COMMISSION = "discipline_commission"
    DISPATCHED_GROUP = "dispatched_group"
    INSPECTION_OFFICE = "inspection_office"
    AUDIT_BUREAU = "audit_bureau"
    FINANCE_SUPERVISION = "finance_supervision"
    POLICE = "police"
    PROCURATORATE = "procuratorate"
    COURT = "court"
    PETITION_OFFICE = "petition_office"
    HOTLINE = "hotline"
    BUSINESS_ENVIRONMENT_OFFICE = "business_environment_office"
    STATISTICS_BUREAU = "statistics_bureau"
    DATA_MODEL_ALERT = "data_model_alert"


class Disposition(StrEnum):
    """The four ways of handling a clue, Rules Art 21."""

    INQUIRY = "inquiry"
    PRELIMINARY_VERIFICATION = "preliminary_verification"
    SHELVED = "shelved"
    CLOSED_NO_ACTION = "closed_no_action"


class ClueStatus(StrEnum):
    """The status a referring agency sees (DOMAIN.md, lifecycle at intake)."""

    RECEIVED = "received"
    ROUTED = "routed"
    PENDING_REVIEW = "pending_review"
    ASSIGNED = "assigned"
    ACCEPTED = "accepted"
    IN_DISPOSITION = "in_disposition"
    TRANSFERRED = "transferred"
    CONCLUDED = "concluded"
    RETURNED_TO_SENDER = "returned_to_sender"


class Outcome(StrEnum):
    FORM_1 = "form_1"
    FORM_2 = "form_2"
    FORM_3 = "form_3"
    FORM_4 = "form_4"
    NO_VIOLATION = "no_violation"


DISPLAY_NAMES: dict[str, str] = {
    BodyKind.DISCIPLINE_COMMISSION: "纪委监委",
    BodyKind.DISPATCHED_GROUP: "派驻纪检监察组",
    BodyKind.INSPECTION_OFFICE: "巡察办",
    BodyKind.AUDIT_BUREAU: "审计局",
    BodyKind.FINANCE_SUPERVISION: "财会监督",
    Category.POLITICAL: "政治纪律",
    Category.ORGANIZATIONAL: "组织纪律",
    Category.INTEGRITY: "廉洁纪律",
    Category.MASS: "群众纪律",
    Category.WORK: "工作纪律",
    Category.LIFE: "生活纪律",
    Category.DUTY_VIOLATION: "职务违法",
    Category.DUTY_CRIME: "职务犯罪",
    Topic.FUNDS: "资金",
    Topic.TENDERING: "招投标",
    Topic.AGRICULTURAL_SUBSIDY: "惠农补贴",
    Topic.BUSINESS_ENVIRONMENT: "营商环境",
    Topic.FORMALISM_BUREAUCRATISM: "形式主义官僚主义",
    Topic.ACCOUNTING: "财会",
    Channel.REPORT: "检举控告",
    Channel.INSPECTION_TOUR: "巡视巡察",
    Channel.AUDIT: "审计",
    Channel.FINANCE_SUPERVISION: "财会监督",
    Channel.LAW_ENFORCEMENT: "政法机关移送",
    Channel.HOTLINE: "12345热线",
    Channel.DATA_MODEL_ALERT: "数据模型预警",
    Channel.SELF_FOUND: "自行发现",
    ClueStatus.RECEIVED: "已接收",
    ClueStatus.ROUTED: "已分办",
    ClueStatus.PENDING_REVIEW: "待人工审核",
    ClueStatus.ASSIGNED: "已交办",
    ClueStatus.ACCEPTED: "已签收",
    ClueStatus.IN_DISPOSITION: "处置中",
    ClueStatus.TRANSFERRED: "已移送",
    ClueStatus.CONCLUDED: "已办结",
    ClueStatus.RETURNED_TO_SENDER: "已退回",
    Disposition.INQUIRY: "谈话函询",
    Disposition.PRELIMINARY_VERIFICATION: "初步核实",
    Disposition.SHELVED: "暂存待查",
    Disposition.CLOSED_NO_ACTION: "予以了结",
    Outcome.FORM_1: "第一种形态",
    Outcome.FORM_2: "第二种形态",
    Outcome.FORM_3: "第三种形态",
    Outcome.FORM_4: "第四种形态",
    Outcome.NO_VIOLATION: "澄清了结",
}
