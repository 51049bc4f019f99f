"""The land and what happens on it: parcels, functional areas, enterprises and their statistics."""

from __future__ import annotations

import uuid

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from parkplan import creditcode

from . import statfields


def tracked():
    """Record every insert, update and delete of a model with who, when and from where (database triggers).

    Database triggers see bulk writes and raw SQL too, which Django's signals
    miss. Statement-level triggers write each statement's events in one
    INSERT ... SELECT from its transition tables: a bulk import pays a fraction
    of what a trigger call per row costs.
    """
    return pghistory.track(
        pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), level=pgtrigger.Statement
    )


# Every number of the built-in elements is ≥ 0 (statistics and the rows of returns alike).
NON_NEGATIVE = Q(**{f"{name}__gte": 0 for name in statfields.BUILT_IN.number_fields})


def bilingual(zh: str, en: str) -> str:
    """Pick the name for the active language (Chinese unless English is chosen)."""
    return en if (get_language() or "").startswith("en") and en else zh


class NamedInTwoLanguages:
    """A model with ``name_zh`` and ``name_en``, read in the active language as ``name``."""

    name_zh: str
    name_en: str

    @property
    def name(self) -> str:
        return bilingual(self.name_zh, self.name_en)


class Parcel(NamedInTwoLanguages, models.Model):
    """One of the park's land parcels (地块)."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name_zh = models.CharField(_("地块名称"), max_length=60, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=100)
    area_km2 = models.DecimalField(_("面积(平方公里)"), max_digits=6, decimal_places=2)
    order = models.PositiveSmallIntegerField(_("序号"), unique=True)

    class Meta:
        ordering = ["order"]
        verbose_name = _("地块")
        verbose_name_plural = _("地块")

    def __str__(self) -> str:
        return self.name_zh


class Boundary(models.Model):
    """The four boundaries (四至界线) of one block of a parcel, verbatim from the plan."""

    parcel = models.ForeignKey(Parcel, on_delete=models.CASCADE, related_name="boundaries")
    block = models.PositiveSmallIntegerField(_("区块"), default=1)
    east = models.TextField(_("东至"))
    south = models.TextField(_("南至"))
    west = models.TextField(_("西至"))
    north = models.TextField(_("北至"))

    class Meta:
        ordering = ["parcel__order", "block"]
        constraints = [models.UniqueConstraint(fields=["parcel", "block"], name="boundary_one_per_block")]
        verbose_name = _("四至界线")
        verbose_name_plural = _("四至界线")

    def __str__(self) -> str:
        return f"{self.parcel} #{self.block}"


class FunctionalArea(NamedInTwoLanguages, models.Model):
    """A functional area of the plan's spatial layout; many-to-many with parcels."""

    class Kind(models.TextChoices):
        MANUFACTURING = "manufacturing", _("先进制造业基地")
        SERVICES = "services", _("高技术服务业带")
        TRANSFORMATION = "transformation", _("重点转型示范区")

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name_zh = models.CharField(_("名称"), max_length=60)
    name_en = models.CharField(_("英文名称"), max_length=120)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    parcels = models.ManyToManyField(Parcel, related_name="functional_areas", verbose_name=_("地块"))
    lead_industries_zh = models.TextField(_("主导产业"))
    lead_industries_en = models.TextField(_("主导产业(英文)"), blank=True)
    note = models.TextField(_("说明"), blank=True)
    note_en = models.TextField(_("说明(英文)"), blank=True)
    order = models.PositiveSmallIntegerField(_("序号"), unique=True)

    class Meta:
        ordering = ["order"]
        verbose_name = _("功能区")
        verbose_name_plural = _("功能区")

    def __str__(self) -> str:
        return self.name_zh

    @property
    def lead_industries(self) -> str:
        return bilingual(self.lead_industries_zh, self.lead_industries_en)


def validate_credit_code(value: str) -> None:
    message = creditcode.problem(value)
    if message:
        raise ValidationError(_("统一社会信用代码%(code)s无效：%(why)s"), params={"code": value, "why": message})


@tracked()
class Enterprise(models.Model):
    """An enterprise, keyed by its unified social credit code."""

    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True, validators=[validate_credit_code])
    name = models.CharField(_("企业名称"), max_length=200)
    parcel = models.ForeignKey(
        Parcel, on_delete=models.PROTECT, related_name="enterprises", verbose_name=_("当前所在地块"), null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["credit_code"]
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        constraints = [
            models.CheckConstraint(
                condition=Q(credit_code__regex=r"^[0-9A-HJ-NP-RTUW-Y]{18}$"), name="enterprise_code_charset"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.credit_code})"


class ImportBatch(models.Model):
    """One file of statistics written in one transaction, for attribution."""

    class Source(models.TextChoices):
        CLI = "cli", _("命令行导入")
        UPLOAD = "upload", _("网页上传")
        FORM = "form", _("网页填报")
        API = "api", _("接口")
        DEMO = "demo", _("演示数据")

    source = models.CharField(max_length=10, choices=Source.choices)
    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("导入批次")
        verbose_name_plural = _("导入批次")

    def __str__(self) -> str:
        return f"{self.filename} ({self.created_at:%Y-%m-%d %H:%M})"


def validate_element_code(value: str) -> None:
    message = statfields.code_problem(value)
    if message:
        raise ValidationError(message)


def validate_period_code(value: int | None) -> None:
    if value is not None and statfields.period_problem(value):
        raise ValidationError(statfields.period_problem(value))


@tracked()
class DataElement(models.Model):
    """A data element (统计指标项) of the enterprise returns: what the form, the template, the import and the API ask.

    The thirteen built-in elements name the Statistic / ReturnRow ``column``
    that stores them; an element added later has none and is stored in their
    ``extra`` JSON under its ``code`` (parcels.statfields). Retiring an element
    sets ``last_period``: its data and history stay.
    """

    # What the office writes to describe an element, in this order (the admin's form and the plan editor's).
    DESCRIBED_BY = (
        "code",
        "label_zh",
        "label_en",
        "unit",
        "unit_en",
        "kind",
        "decimals",
        "min_value",
        "max_value",
        "may_not_apply",
        "required",
        "help_zh",
        "help_en",
    )

    class Kind(models.TextChoices):
        FLOW = statfields.FLOW, _("流量（年初至今累计）")
        STOCK = statfields.STOCK, _("存量（期末数）")
        FLAG = statfields.FLAG, _("是/否")
        DATE = statfields.DATE, _("日期")

    code = models.CharField(
        _("代码"),
        max_length=40,
        unique=True,
        validators=[validate_element_code],
        help_text=_("公式中使用的名称：小写英文字母、数字和下划线，以字母开头，如 rd_expenditure"),
    )
    label_zh = models.CharField(_("名称"), max_length=60)
    label_en = models.CharField(_("英文名称"), max_length=120)
    unit = models.CharField(_("单位"), max_length=20, blank=True, help_text=_("如 万元、人、件；是否类和日期类留空"))
    unit_en = models.CharField(_("英文单位"), max_length=40, blank=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    decimals = models.PositiveSmallIntegerField(
        _("小数位数"), default=0, validators=[MaxValueValidator(statfields.MAX_DECIMALS)]
    )
    min_value = models.DecimalField(
        _("最小值"), max_digits=20, decimal_places=4, null=True, blank=True, default=0, help_text=_("留空为不限")
    )
    max_value = models.DecimalField(
        _("最大值"), max_digits=20, decimal_places=4, null=True, blank=True, help_text=_("留空为不限")
    )
    may_not_apply = models.BooleanField(_("可填“不适用”"), default=False)
    required = models.BooleanField(_("提交前必填"), default=True)
    help_zh = models.TextField(_("填写说明"), blank=True)
    help_en = models.TextField(_("英文填写说明"), blank=True)
    order = models.PositiveSmallIntegerField(_("序号"), default=100)
    first_period = models.PositiveIntegerField(
        _("启用期别"),
        null=True,
        blank=True,
        validators=[validate_period_code],
        help_text=_("年份×10+季度，如 20271 为2027年第1季度；留空为一直使用"),
    )
    last_period = models.PositiveIntegerField(
        _("停用期别"),
        null=True,
        blank=True,
        validators=[validate_period_code],
        help_text=_("最后一个填报的季度（年份×10+季度）；留空为仍在使用。停用后数据和修改历史均保留"),
    )
    column = models.CharField(
        _("存储列"),
        max_length=40,
        blank=True,
        editable=False,
        help_text=_("内置的十三项存于各自的列，新增项存于 extra"),
    )

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("统计指标项")
        verbose_name_plural = _("统计指标项")
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=statfields.CODE_PATTERN), name="data_element_code_format"),
            models.CheckConstraint(
                condition=Q(decimals__lte=statfields.MAX_DECIMALS), name="data_element_decimals_0_4"
            ),
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(min_value__lte=models.F("max_value")),
                name="data_element_range_ordered",
            ),
            models.CheckConstraint(
                condition=Q(first_period__isnull=True)
                | Q(last_period__isnull=True)
                | Q(first_period__lte=models.F("last_period")),
                name="data_element_periods_ordered",
            ),
            models.UniqueConstraint(fields=["column"], condition=~Q(column=""), name="data_element_one_per_column"),
        ]

    def __str__(self) -> str:
        return f"{self.label_zh} ({self.code})"

    @property
    def label(self) -> str:
        return bilingual(self.label_zh, self.label_en)

    def clean(self) -> None:
        problems = {}
        if self.min_value is not None and self.max_value is not None and self.min_value > self.max_value:
            problems["max_value"] = _("最大值不能小于最小值")
        if self.first_period and self.last_period and self.first_period > self.last_period:
            problems["last_period"] = _("停用期别不能早于启用期别")
        if self.kind in (statfields.FLAG, statfields.DATE) and self.decimals:
            problems["decimals"] = _("是否类和日期类没有小数位")
        number = self.kind in statfields.NUMBER_KINDS
        if self.column and number and (self.min_value is None or self.min_value < 0):
            problems["min_value"] = _("内置项的数值不能为负（数据库约束），最小值应不小于0")
        if problems:
            raise ValidationError(problems)


# A figure may be missing (None): 未填写, or 不适用 (statfields). Official statistics keep
# their defaults of 0 and 否 for code that builds them field by field (the demo, tests);
# a return's rows have none: a blank cell stays blank.
def _money(label, default=0):
    return models.DecimalField(label, max_digits=16, decimal_places=2, default=default, null=True, blank=True)


def _count(label, default=0):
    return models.IntegerField(label, default=default, null=True, blank=True)


def _flag(label, default=False):
    return models.BooleanField(label, default=default, null=True, blank=True)


@tracked()
class Statistic(models.Model):
    """One enterprise's return for one period: flows year-to-date, stocks at period end (docs/method.md §1–§2)."""

    class Source(models.TextChoices):
        CLI = "cli", _("命令行导入")
        UPLOAD = "upload", _("网页上传")
        FORM = "form", _("网页填报")
        API = "api", _("接口")
        DEMO = "demo", _("演示数据")
        ADMIN = "admin", _("管理后台")

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="statistics")
    parcel = models.ForeignKey(Parcel, on_delete=models.PROTECT, related_name="statistics", verbose_name=_("地块"))
    year = models.PositiveSmallIntegerField(_("年份"))
    quarter = models.PositiveSmallIntegerField(_("季度"))

    revenue = _money(_("营业收入(万元)"))
    industrial_output = _money(_("工业总产值(万元)"))
    above_scale = _flag(_("是否规模以上工业企业"))
    sei_output = _money(_("战略性新兴产业制造业产值(万元)"))
    value_added = _money(_("增加值(万元)"))
    rd_expenditure = _money(_("研发经费支出(万元)"))
    tax = _money(_("税收(万元)"))
    employees = _count(_("从业人员期末人数(人)"))
    masters_plus = _count(_("硕士及以上学历从业人员(人)"))
    foreign_returnee = _count(_("外籍常驻人员和留学归国人员(人)"))
    invention_patents = _count(_("发明专利授权数(件)"))
    high_tech = _flag(_("是否经认定的高新技术企业"))
    listed_date = models.DateField(_("科技上市日期"), null=True, blank=True)
    # The elements added after the thirteen, by code (parcels.statfields.set_figure).
    extra = models.JSONField(_("其他指标项"), default=dict, blank=True)

    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    batch = models.ForeignKey(ImportBatch, on_delete=models.SET_NULL, null=True, blank=True, related_name="statistics")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    recorded_at = models.DateTimeField(_("记录时间"), auto_now=True)

    class Meta:
        ordering = ["year", "quarter", "enterprise_id"]
        verbose_name = _("企业统计数据")
        verbose_name_plural = _("企业统计数据")
        indexes = [
            models.Index(fields=["year", "quarter", "parcel"], name="statistic_period_parcel"),
            # Every page asks whether demo rows exist (to say 演示数据): answer from a tiny index.
            models.Index(fields=["id"], condition=Q(source="demo"), name="statistic_demo"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year", "quarter"], name="statistic_one_per_period"),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="statistic_quarter_1_4"),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="statistic_year_range"),
            models.CheckConstraint(
                condition=NON_NEGATIVE,
                name="statistic_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(sei_output__lte=models.F("industrial_output")), name="statistic_sei_within_output"
            ),
            models.CheckConstraint(
                condition=Q(masters_plus__lte=models.F("employees")), name="statistic_masters_within_employees"
            ),
            models.CheckConstraint(
                condition=Q(foreign_returnee__lte=models.F("employees")), name="statistic_foreign_within_employees"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.year}Q{self.quarter}"


class DataChange(models.Model):
    """A change to data the indicators are computed from; written by database triggers.

    Its id is the data version: results computed at version N reflect every change up to N.
    """

    table = models.CharField(max_length=63)
    # Periods of statistics touched, as year * 10 + quarter; empty: every period
    # (a truncate) for statistics, progress only for the other tables.
    periods = ArrayField(models.IntegerField(), default=list, blank=True)
    at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["-id"]
        verbose_name = _("数据变更")
        verbose_name_plural = _("数据变更")

    def __str__(self) -> str:
        return f"#{self.id} {self.table} {self.periods}"


# --- quarterly returns, assignments, reminders ---------------------------------


@tracked()
class ParcelManager(models.Model):
    """A park manager (园区管理人员) assigned to a parcel: may read and write its enterprise data."""

    parcel = models.ForeignKey(Parcel, on_delete=models.CASCADE, related_name="managers", verbose_name=_("地块"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="managed_parcels", verbose_name=_("用户")
    )
    created_at = models.DateTimeField(_("分配时间"), auto_now_add=True)

    class Meta:
        ordering = ["parcel__order", "user__username"]
        constraints = [models.UniqueConstraint(fields=["parcel", "user"], name="parcel_manager_once")]
        verbose_name = _("地块管理人员")
        verbose_name_plural = _("地块管理人员")

    def __str__(self) -> str:
        return f"{self.user} → {self.parcel}"


@tracked()
class ParcelReturn(models.Model):
    """A parcel's quarterly return (季度报表): the rows a manager enters until the office approves them.

    Approval copies the rows into Statistic (the official data) in the same
    transaction and locks the parcel-quarter until the office unlocks it.
    ``version`` grows with every save, so two people saving the same return
    at once cannot silently overwrite each other.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交")
        RETURNED = "returned", _("已退回")
        APPROVED = "approved", _("已审核")

    class Source(models.TextChoices):
        FORM = "form", _("网页填报")
        UPLOAD = "upload", _("网页上传")
        API = "api", _("接口")

    parcel = models.ForeignKey(Parcel, on_delete=models.PROTECT, related_name="returns", verbose_name=_("地块"))
    year = models.PositiveSmallIntegerField(_("年份"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.DRAFT)
    version = models.PositiveIntegerField(_("版本"), default=1)
    source = models.CharField(_("填报方式"), max_length=10, choices=Source.choices, default=Source.FORM)
    upload_name = models.CharField(_("上传文件"), max_length=255, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    first_submitted_at = models.DateTimeField(_("首次提交时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    comment = models.TextField(_("审核意见"), blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("审核通过时间"), null=True, blank=True)
    unlocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    unlocked_at = models.DateTimeField(_("解锁时间"), null=True, blank=True)
    unlock_reason = models.TextField(_("解锁原因"), blank=True)

    class Meta:
        ordering = ["-year", "-quarter", "parcel__order"]
        verbose_name = _("季度报表")
        verbose_name_plural = _("季度报表")
        constraints = [
            models.UniqueConstraint(fields=["parcel", "year", "quarter"], name="return_one_per_parcel_period"),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="return_quarter_1_4"),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="return_year_range"),
            models.CheckConstraint(
                condition=~Q(state="approved") | Q(approved_at__isnull=False), name="return_approved_has_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.parcel} {self.year}Q{self.quarter}"

    @property
    def period(self) -> tuple[int, int]:
        return (self.year, self.quarter)

    @property
    def locked(self) -> bool:
        return self.state == self.State.APPROVED

    @property
    def editable(self) -> bool:
        return self.state in (self.State.DRAFT, self.State.RETURNED)


@tracked()
class ReturnRow(models.Model):
    """One enterprise's figures in a return, in the same fields and units as Statistic."""

    parcel_return = models.ForeignKey(ParcelReturn, on_delete=models.CASCADE, related_name="rows")
    position = models.PositiveIntegerField(_("行号"))
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18)
    enterprise_name = models.CharField(_("企业名称"), max_length=200)
    moved_out = models.BooleanField(_("已迁出本地块"), default=False)

    revenue = _money(_("营业收入(万元)"), None)
    industrial_output = _money(_("工业总产值(万元)"), None)
    above_scale = _flag(_("是否规模以上工业企业"), None)
    sei_output = _money(_("战略性新兴产业制造业产值(万元)"), None)
    value_added = _money(_("增加值(万元)"), None)
    rd_expenditure = _money(_("研发经费支出(万元)"), None)
    tax = _money(_("税收(万元)"), None)
    employees = _count(_("从业人员期末人数(人)"), None)
    masters_plus = _count(_("硕士及以上学历从业人员(人)"), None)
    foreign_returnee = _count(_("外籍常驻人员和留学归国人员(人)"), None)
    invention_patents = _count(_("发明专利授权数(件)"), None)
    high_tech = _flag(_("是否经认定的高新技术企业"), None)
    listed_date = models.DateField(_("科技上市日期"), null=True, blank=True)
    extra = models.JSONField(_("其他指标项"), default=dict, blank=True)
    # The fields this row says 不适用 (their values are None); a None elsewhere is 未填写.
    not_applicable = ArrayField(
        models.CharField(max_length=40), verbose_name=_("不适用的项目"), default=list, blank=True
    )

    explanation = models.TextField(_("情况说明"), blank=True)

    class Meta:
        ordering = ["parcel_return", "position"]
        verbose_name = _("报表行")
        verbose_name_plural = _("报表行")
        constraints = [
            models.UniqueConstraint(fields=["parcel_return", "credit_code"], name="return_row_one_per_enterprise"),
            models.CheckConstraint(
                condition=NON_NEGATIVE,
                name="return_row_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.parcel_return} {self.credit_code}"


class ReminderSent(models.Model):
    """A reminder e-mailed to a manager about a return; one per offset from the deadline, so re-runs send none."""

    parcel = models.ForeignKey(Parcel, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    offset_days = models.SmallIntegerField(help_text=_("相对截止日期的天数，负数为截止前"))
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("催报记录")
        verbose_name_plural = _("催报记录")
        constraints = [
            models.UniqueConstraint(
                fields=["parcel", "user", "year", "quarter", "offset_days"], name="reminder_once_per_offset"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.parcel} {self.year}Q{self.quarter} {self.offset_days:+d}"


class PendingUpload(models.Model):
    """An upload read and previewed but not yet confirmed: its checked rows, kept until the manager confirms.

    Bound to the user, the parcel-quarter and the return's version when it was
    read: confirming after the return has moved on is refused, so a stale
    preview never lands over newer data. One per user and parcel-quarter.
    """

    class Mode(models.TextChoices):
        MERGE = "merge", _("合并（文件中的企业替换其原有行，其他企业保留）")
        REPLACE = "replace", _("替换整张报表（文件中没有的企业将被删除）")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    parcel = models.ForeignKey(Parcel, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    base_version = models.PositiveIntegerField()  # the return's version when read (0: not started)
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.MERGE)
    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    rows = models.JSONField()  # the file's checked rows (parcels.returns.uploads.pending_rows)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("待确认的上传")
        verbose_name_plural = _("待确认的上传")
        constraints = [
            models.UniqueConstraint(fields=["user", "parcel", "year", "quarter"], name="pending_upload_one_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.filename} {self.parcel_id} {self.year}Q{self.quarter}"
