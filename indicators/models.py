"""The plan: indicators, their targets and benchmarks, and the computed values and progress."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from parcels.models import FunctionalArea, NamedInTwoLanguages, Parcel, bilingual, tracked

from . import compute, formulas

# What an illustrative plan (Plan.example) says on its pages, downloads, reports and in the API.
EXAMPLE_MARK = "示例（非正式规划）"


@tracked()
class Plan(NamedInTwoLanguages, models.Model):
    """A five-year plan: its period, base year, the park area it states and the parcels it covers.

    Several plans live at once (the last plan's final assessment beside the
    current plan's monitoring): every indicator, target, computed value,
    progress row and report belongs to one. Parcels and enterprises are shared.
    """

    class Status(models.TextChoices):
        # A draft is seen only by the office (the editor and its preview); publishing shows it to everyone;
        # a retired plan (an illustrative plan the adopted one replaced) is seen by no one but keeps its data.
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")
        RETIRED = "retired", _("已撤下")

    code = models.SlugField(_("代码"), max_length=20, unique=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PUBLISHED)
    example = models.BooleanField(
        _("示例（非正式规划）"),
        default=False,
        help_text=_("示例规划的每个页面、下载和报告均标注“示例（非正式规划）”，直至联席会议办公室发布正式规划。"),
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    name_zh = models.CharField(_("规划名称"), max_length=200)
    name_en = models.CharField(_("英文名称"), max_length=200)
    short_zh = models.CharField(_("简称"), max_length=40)
    short_en = models.CharField(_("英文简称"), max_length=60)
    start_year = models.PositiveSmallIntegerField(_("起始年"))
    end_year = models.PositiveSmallIntegerField(_("目标年"))
    base_year = models.PositiveSmallIntegerField(_("基期年"))
    park_area_km2 = models.DecimalField(_("园区总面积(平方公里，规划所述)"), max_digits=6, decimal_places=2)
    issuer = models.CharField(_("编制单位"), max_length=100)
    issuer_en = models.CharField(_("编制单位(英文)"), max_length=200, blank=True)
    source = models.TextField(_("来源"))
    parcels = models.ManyToManyField(Parcel, related_name="plans", blank=True, verbose_name=_("覆盖地块"))
    functional_areas = models.ManyToManyField(
        FunctionalArea, related_name="plans", blank=True, verbose_name=_("功能区")
    )

    class Meta:
        ordering = ["start_year"]
        verbose_name = _("规划")
        verbose_name_plural = _("规划")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(base_year__lt=models.F("start_year"), start_year__lte=models.F("end_year")),
                name="plan_years_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.name_zh

    @property
    def short(self) -> str:
        return bilingual(self.short_zh, self.short_en)

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def citation(self) -> str:
        """Return the plan's name with its issuer in the reader's language (no Chinese issuer in English text)."""
        if (get_language() or "").startswith("en"):
            return f"{self.name_en} ({self.issuer_en})" if self.issuer_en else self.name_en
        return f"{self.name_zh}（{self.issuer}）"

    @property
    def years(self) -> range:
        """The plan's own years, its first to its target year."""
        return range(self.start_year, self.end_year + 1)


class KeyIndustry(NamedInTwoLanguages, models.Model):
    """An industry the plan singles out: its seven key fields and Shanghai's three lead industries."""

    class Kind(models.TextChoices):
        KEY = "key", _("重点发展领域")
        SHANGHAI_LEAD = "shanghai_lead", _("上海市先导产业")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="industries")
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    name_zh = models.CharField(_("名称"), max_length=40)
    name_en = models.CharField(_("英文名称"), max_length=80)
    order = models.PositiveSmallIntegerField(_("序号"))

    class Meta:
        ordering = ["plan", "kind", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "kind", "name_zh"], name="industry_unique_name")]
        verbose_name = _("重点产业")
        verbose_name_plural = _("重点产业")

    def __str__(self) -> str:
        return self.name_zh


@tracked()
class Indicator(NamedInTwoLanguages, models.Model):
    """One of the plan's indicators with its target."""

    class TargetKind(models.TextChoices):
        # docs/method.md §3: every kind reduces to an end-year level and a direction.
        LEVEL = compute.LEVEL, _("达到水平")
        APPROXIMATELY = compute.APPROXIMATELY, _("左右")
        BENCHMARK = compute.BENCHMARK, _("对标目标")
        CUMULATIVE = compute.CUMULATIVE, _("累计目标")
        GROWTH = compute.GROWTH, _("年均增长")
        CHANGE = compute.CHANGE, _("累计变化")

    class Attribute(models.TextChoices):
        EXPECTED = "预期性", _("预期性")
        BINDING = "约束性", _("约束性")

    # What describes an indicator to a reader (the API, the report's snapshot), in this order.
    DESCRIBED_BY = (
        "code",
        "order",
        "name_zh",
        "name_en",
        "unit",
        "unit_en",
        "decimals",
        "attribute",
        "target_kind",
        "lower_is_better",
        "target_value",
        "tolerance",
        "target_year",
        "target_text_zh",
        "target_text_en",
        "benchmark_name_zh",
        "benchmark_name_en",
        "formula",
        "formula_zh",
        "formula_en",
        "definition_zh",
        "definition_en",
    )

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("编号"), max_length=20)
    order = models.PositiveSmallIntegerField(_("序号"))
    name_zh = models.CharField(_("指标名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=200)
    short_name_zh = models.CharField(_("简称"), max_length=20, blank=True, help_text=_("热力图列名等窄处使用"))
    short_name_en = models.CharField(_("英文简称"), max_length=40, blank=True)
    unit = models.CharField(_("单位"), max_length=20)
    unit_en = models.CharField(_("英文单位"), max_length=40)
    decimals = models.PositiveSmallIntegerField(_("小数位数"), default=2)
    attribute = models.CharField(_("属性"), max_length=4, choices=Attribute.choices, default=Attribute.EXPECTED)
    target_kind = models.CharField(_("目标类型"), max_length=16, choices=TargetKind.choices)
    lower_is_better = models.BooleanField(
        _("越低越好"), default=False, help_text=_("如单位增加值能耗：不高于目标值、累计下降")
    )
    target_value = models.DecimalField(
        _("目标值"),
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("年均增长、累计变化填百分数（如年均增长7%填7）；对标目标不填"),
    )
    tolerance = models.DecimalField(
        _("允许偏差"),
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("“左右”目标的允许偏差（与指标同单位）；不填为目标值的2%"),
    )
    target_year = models.PositiveSmallIntegerField(_("目标年"))
    target_text_zh = models.CharField(_("目标表述"), max_length=100)
    target_text_en = models.CharField(_("目标表述(英文)"), max_length=200)
    benchmark_name_zh = models.CharField(_("对标基准"), max_length=200, blank=True)
    benchmark_name_en = models.CharField(_("对标基准(英文)"), max_length=300, blank=True)
    formula = models.TextField(
        _("计算表达式"),
        help_text=_("如 100 * sum(rd_expenditure) / sum(value_added)；语法见 docs/method.md §2"),
    )
    formula_zh = models.TextField(_("计算公式"))
    formula_en = models.TextField(_("计算公式(英文)"))
    definition_zh = models.TextField(_("指标说明"))
    definition_en = models.TextField(_("指标说明(英文)"))
    responsible_unit = models.CharField(_("责任单位"), max_length=100, blank=True)
    responsible_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="responsible_indicators",
        verbose_name=_("责任单位填写人"),
        help_text=_("除联席会议办公室外，可在指标页填写该指标原因分析和下一步措施的用户"),
    )

    class Meta:
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="indicator_unique_code"),
            models.CheckConstraint(
                condition=models.Q(target_kind=compute.BENCHMARK, target_value__isnull=True)
                | (~models.Q(target_kind=compute.BENCHMARK) & models.Q(target_value__isnull=False)),
                name="indicator_target_matches_kind",
            ),
        ]
        verbose_name = _("指标")
        verbose_name_plural = _("指标")

    def __str__(self) -> str:
        return f"{self.code} {self.name_zh}"

    @property
    def short_name(self) -> str:
        """Return the short name for narrow places (heat-map columns), the full name when the plan gives none."""
        return bilingual(self.short_name_zh, self.short_name_en) or self.name

    @property
    def is_count(self) -> bool:
        """Whether the indicator counts or sums (judged per parcel only with split targets) rather than divides."""
        return not formulas.parse(self.formula).is_ratio


@tracked()
class BaseValue(models.Model):
    """A value of an indicator for the park stated in the plan (e.g. 327 high-tech enterprises in 2020)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="base_values")
    year = models.PositiveSmallIntegerField(_("年份"))
    value = models.DecimalField(_("数值"), max_digits=12, decimal_places=4)
    derived = models.BooleanField(_("推算值"), default=False, help_text=_("由规划中的其他数字推算"))
    source = models.TextField(_("来源"))
    source_en = models.TextField(_("来源(英文)"), blank=True)

    class Meta:
        ordering = ["indicator", "year"]
        constraints = [models.UniqueConstraint(fields=["indicator", "year"], name="base_value_one_per_year")]
        verbose_name = _("规划基期值")
        verbose_name_plural = _("规划基期值")

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.year}: {self.value}"


@tracked()
class BenchmarkValue(models.Model):
    """One year of the series a benchmark target moves with (I1: Zhangjiang overall; I3: Shanghai)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="benchmark_values")
    year = models.PositiveSmallIntegerField(_("年份"))
    value = models.DecimalField(_("基准值"), max_digits=12, decimal_places=4)
    source = models.TextField(_("来源"))
    source_en = models.TextField(_("来源(英文)"), blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["indicator", "year"]
        constraints = [models.UniqueConstraint(fields=["indicator", "year"], name="benchmark_one_per_year")]
        verbose_name = _("对标基准值")
        verbose_name_plural = _("对标基准值")

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.year}: {self.value}"


@tracked()
class ParcelTarget(models.Model):
    """A share of a park-wide count target given to one parcel (指标分解)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="parcel_targets")
    parcel = models.ForeignKey(Parcel, on_delete=models.CASCADE, related_name="targets")
    value = models.DecimalField(_("分解目标值"), max_digits=12, decimal_places=4)
    note = models.TextField(_("说明"), blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["indicator", "parcel__order"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "parcel"], name="parcel_target_one_per_parcel"),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="parcel_target_non_negative"),
        ]
        verbose_name = _("地块分解目标")
        verbose_name_plural = _("地块分解目标")

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.parcel}: {self.value}"


class ReviewFigure(models.Model):
    """A figure of the previous plan period's review the plan starts from (docs/plan-14th.md §4)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="review_figures")
    order = models.PositiveSmallIntegerField(_("序号"))
    label_zh = models.CharField(_("项目"), max_length=100)
    label_en = models.CharField(_("英文名称"), max_length=200)
    value = models.CharField(_("数值"), max_length=40)
    value_en = models.CharField(_("数值(英文)"), max_length=60)
    change_zh = models.CharField(_("变化"), max_length=100, blank=True)
    change_en = models.CharField(_("变化(英文)"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(_("年份"))
    source = models.TextField(_("来源"))
    source_en = models.TextField(_("来源(英文)"), blank=True)

    class Meta:
        ordering = ["plan", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "order"], name="review_figure_order")]
        verbose_name = _("上一规划期回顾数据")
        verbose_name_plural = _("上一规划期回顾数据")

    def __str__(self) -> str:
        return self.label_zh

    @property
    def label(self) -> str:
        return bilingual(self.label_zh, self.label_en)


class IndicatorValue(models.Model):
    """A computed value of an indicator for a scope (the park when parcel is null) and period."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    parcel = models.ForeignKey(Parcel, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    value = models.FloatField(null=True)
    numerator = models.FloatField(null=True)
    denominator = models.FloatField(null=True)
    enterprises = models.PositiveIntegerField()
    previous = models.FloatField(null=True, help_text="Value for the same period of the previous year")
    missing_parcels = ArrayField(
        models.PositiveIntegerField(),
        default=list,
        blank=True,
        help_text="Parcels whose returns the period lacks (未报送): the park's value is incomplete (不完整)",
    )
    numerator_share = models.FloatField(null=True, help_text="The largest enterprise's share of the numerator")
    denominator_share = models.FloatField(null=True, help_text="The largest enterprise's share of the denominator")
    withheld = models.CharField(
        max_length=10, blank=True, default="", help_text="Why the figures reach the office only (disclosure.REASONS)"
    )
    previous_withheld = models.CharField(
        max_length=10, blank=True, default="", help_text="Why the 同比 with the previous year reaches the office only"
    )
    data_version = models.BigIntegerField()
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["indicator", "parcel", "year", "quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "parcel", "year", "quarter"], name="indicator_value_unique", nulls_distinct=False
            )
        ]
        verbose_name = _("指标值")
        verbose_name_plural = _("指标值")

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.parcel_id or 'park'} {self.year}Q{self.quarter}: {self.value}"


class Progress(models.Model):
    """Progress of an indicator for a scope in a year against its target (docs/method.md §3)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="progress")
    parcel = models.ForeignKey(Parcel, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    year = models.PositiveSmallIntegerField()
    value = models.FloatField(null=True)
    target = models.FloatField(null=True)
    benchmark_year = models.PositiveSmallIntegerField(null=True)
    provisional = models.BooleanField(default=False)
    base_year = models.PositiveSmallIntegerField()
    base_value = models.FloatField(null=True)
    expected = models.FloatField(null=True)
    completion = models.FloatField(null=True)
    pace = models.FloatField(null=True)
    status = models.CharField(max_length=20, blank=True)
    gap = models.FloatField(null=True)
    needed_per_year = models.FloatField(null=True)
    projected = models.FloatField(null=True, help_text="Projected value in the plan's target year")
    projected_gap = models.FloatField(null=True, help_text="Projected distance to the target in the target year")
    share_of_change = models.FloatField(null=True)
    inputs = models.JSONField(default=dict)
    withheld = models.CharField(
        max_length=10, blank=True, default="", help_text="Why the figures reach the office only (disclosure.REASONS)"
    )
    projection_withheld = models.CharField(
        max_length=10, blank=True, default="", help_text="Why the projection reaches the office only"
    )
    data_version = models.BigIntegerField()
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["indicator", "parcel", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "parcel", "year"], name="progress_unique", nulls_distinct=False
            )
        ]
        verbose_name = _("进度评价")
        verbose_name_plural = _("进度评价")

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.parcel_id or 'park'} {self.year}: {self.status}"

    @property
    def status_word(self) -> str:
        return compute.status_word(self.status)


class RecomputeState(models.Model):
    """The data version the stored results reflect (a single row)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    computed_version = models.BigIntegerField(default=0)
    computed_at = models.DateTimeField(null=True)
    data_as_of = models.DateTimeField(null=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="recompute_state_single_row")]

    def __str__(self) -> str:
        return f"version {self.computed_version} at {self.computed_at}"


class Report(models.Model):
    """A plan-implementation assessment report: what it was made from (frozen) and how its making went."""

    class Kind(models.TextChoices):
        ANNUAL = "annual", _("年度评估")
        MID_TERM = "mid-term", _("中期评估")
        FINAL = "final", _("终期评估")

    class Language(models.TextChoices):
        ZH = "zh", _("中文")
        EN = "en", _("英文")

    class Audience(models.TextChoices):
        # The office's own report shows every figure and says 内部资料 on every page; a report
        # for officials withholds what the pages withhold from them (indicators/disclosure.py).
        OFFICE = "office", _("内部（联席会议办公室）")
        OFFICIAL = "official", _("对外（区领导及各部门）")

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="reports", verbose_name=_("规划"))
    year = models.PositiveSmallIntegerField(_("评估年度"))
    kind = models.CharField(_("评估类型"), max_length=10, choices=Kind.choices)
    language = models.CharField(_("语言"), max_length=2, choices=Language.choices, default=Language.ZH)
    audience = models.CharField(_("阅读范围"), max_length=10, choices=Audience.choices, default=Audience.OFFICE)
    comments = models.JSONField(_("各指标意见"), default=dict, blank=True)
    snapshot = models.JSONField(_("冻结数据"))
    snapshot_sha256 = models.CharField(_("数据指纹"), max_length=64)
    data_version = models.BigIntegerField(_("数据版本"))
    previous = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("上次报告")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    message = models.TextField(_("说明"), blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # Renewed every few seconds while a worker renders the report: a running report whose
    # heartbeat stopped lost its worker (indicators.reports.services.fail_stale_reports).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "created_at"], name="report_state_created")]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="report_progress_percent"),
        ]
        verbose_name = _("评估报告")
        verbose_name_plural = _("评估报告")

    def __str__(self) -> str:
        return f"{self.year} {self.kind} #{self.id}"


class ReportFile(models.Model):
    """One generated file of a report, stored once and served as stored (never regenerated)."""

    class Format(models.TextChoices):
        DOCX = "docx", "Word"
        PDF = "pdf", "PDF"
        XLSX = "xlsx", "Excel"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="files")
    format = models.CharField(max_length=4, choices=Format.choices)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()

    class Meta:
        ordering = ["report", "format"]
        constraints = [models.UniqueConstraint(fields=["report", "format"], name="report_file_one_per_format")]
        verbose_name = _("报告文件")
        verbose_name_plural = _("报告文件")

    def __str__(self) -> str:
        return f"{self.report_id}.{self.format}"


class Narrative(models.Model):
    """One version of what the office or the unit responsible wrote on an indicator for a year.

    原因分析 (why the indicator stands where it does) and 下一步措施 (what will be
    done). Versions are never changed or deleted: each save adds the next one,
    with who wrote it and when; the latest is the current text.
    """

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="narratives")
    year = models.PositiveSmallIntegerField(_("年度"))
    version = models.PositiveIntegerField(_("版本"))
    reasons = models.TextField(_("原因分析"), blank=True)
    measures = models.TextField(_("下一步措施"), blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    written_at = models.DateTimeField(_("填写时间"))

    class Meta:
        ordering = ["indicator", "year", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year", "version"], name="narrative_one_per_version"),
            models.CheckConstraint(condition=models.Q(version__gte=1), name="narrative_version_positive"),
        ]
        verbose_name = _("原因分析和下一步措施")
        verbose_name_plural = _("原因分析和下一步措施")

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.year} v{self.version}"


class EarlyWarning(models.Model):
    """An item on a plan's early-warning list (预警): an indicator in a scope whose target is in danger.

    An item enters the list when the stored progress shows it (docs/method.md §9)
    and leaves it when the progress no longer does; each entering and each leaving
    is e-mailed once to the office and the unit responsible (`entered_mailed_at`,
    `left_mailed_at` record that it was).
    """

    class Reason(models.TextChoices):
        PROJECTION = "projection", _("按趋势外推，目标年预计不能实现目标")
        BINDING_BEHIND = "binding_behind", _("约束性指标进度滞后")

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="warnings")
    parcel = models.ForeignKey(Parcel, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    reason = models.CharField(_("预警原因"), max_length=20, choices=Reason.choices)
    year = models.PositiveSmallIntegerField(_("评价年度"))
    details = models.JSONField(_("依据"), default=dict)
    entered_at = models.DateTimeField(_("列入时间"))
    left_at = models.DateTimeField(_("移出时间"), null=True, blank=True)
    entered_mailed_at = models.DateTimeField(_("列入通知时间"), null=True, blank=True)
    left_mailed_at = models.DateTimeField(_("移出通知时间"), null=True, blank=True)
    left_quietly = models.BooleanField(
        _("无需通知移出"), default=False, help_text=_("规划不再预警（目标年已评价或规划期已过）时移出，不发邮件")
    )

    class Meta:
        ordering = ["-entered_at", "indicator__order", "parcel__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "parcel", "reason"],
                condition=models.Q(left_at__isnull=True),
                name="early_warning_one_open_per_item",
                nulls_distinct=False,
            )
        ]
        indexes = [models.Index(fields=["left_at", "entered_at"], name="early_warning_open")]
        verbose_name = _("预警")
        verbose_name_plural = _("预警")

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.parcel_id or 'park'} {self.reason}"


class SchematicBlock(models.Model):
    """Where the schematic map (示意图) draws one block of a parcel: a rectangle at its approximate place.

    Estimated from the plan text's boundaries (四至) on a 0–100 grid, x to the east
    and y to the north; loaded from a plan file's "schematic" section (load_plan).
    Parcels are shared by the plans, and so are their blocks.
    """

    parcel = models.ForeignKey(Parcel, on_delete=models.CASCADE, related_name="+")
    block = models.PositiveSmallIntegerField(_("区块"), default=1)
    x = models.FloatField(_("西边界位置"))
    y = models.FloatField(_("南边界位置"))
    width = models.FloatField(_("宽度"))
    height = models.FloatField(_("高度"))

    class Meta:
        ordering = ["parcel__order", "block"]
        constraints = [
            models.UniqueConstraint(fields=["parcel", "block"], name="schematic_block_one_per_block"),
            models.CheckConstraint(condition=models.Q(width__gt=0, height__gt=0), name="schematic_block_has_size"),
        ]
        verbose_name = _("示意图区块位置")
        verbose_name_plural = _("示意图区块位置")

    def __str__(self) -> str:
        return f"{self.parcel} #{self.block}"


@tracked()
class ParcelOutline(models.Model):
    """A parcel's outline from the GeoJSON the office uploaded: its polygons' outer rings in longitude, latitude."""

    parcel = models.OneToOneField(Parcel, on_delete=models.CASCADE, related_name="+")
    rings = models.JSONField(_("边界坐标"), help_text=_("外环列表，每个外环为[经度, 纬度]点列，首尾相同"))
    filename = models.CharField(_("文件名"), max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"))

    class Meta:
        ordering = ["parcel__order"]
        verbose_name = _("地块边界")
        verbose_name_plural = _("地块边界")

    def __str__(self) -> str:
        return str(self.parcel)
