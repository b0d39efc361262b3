package enforce

import (
	"fmt"
	"time"

	"github.com/xingjian/xingjian/internal/calendar"

	"github.com/xingjian/xingjian/internal/tabular"
)

// Measure is one administrative compulsory measure (行政强制措施, 行政强制法
// 第九条): what was sealed, seized or frozen, on whose approval, for how long
// and how it ended. Money is in fen; dates are civil dates; codes are those of
// MeasureKinds and MeasureOutcomes.
type Measure struct {
	// Natural key within the importing agency: the decision's number.
	DocNo string `json:"doc_no"` // 强制措施决定书文号
	ActivityParty
	MeasureKind   string       `json:"measure_kind"`   // 强制措施种类: MeasureKinds code
	Object        string       `json:"object"`         // 场所、设施或财物（对象）描述
	ValueFen      int64        `json:"value_fen"`      // 涉及财物价值 / 冻结金额, in fen
	LegalBasis    string       `json:"legal_basis"`    // 法律依据
	ApprovedBy    string       `json:"approved_by"`    // 批准人（行政机关负责人）
	ApprovalDate  tabular.Date `json:"approval_date"`  // 批准日期
	StartDate     tabular.Date `json:"start_date"`     // 实施日期
	PeriodDays    int          `json:"period_days"`    // 期限（日）, 0 = not given
	Extended      *bool        `json:"extended"`       // 是否延长
	ExtensionDate tabular.Date `json:"extension_date"` // 延长决定日期
	ExtensionDays int          `json:"extension_days"` // 延长期限（日）, 0 = not given
	EndDate       tabular.Date `json:"end_date"`       // 解除 / 处理日期
	Outcome       string       `json:"outcome"`        // 处理结果: MeasureOutcomes code
	RightsNotice  *bool        `json:"rights_notice"`  // 当场告知理由、依据、权利和救济途径（第十八条第五项）
	OnsiteRecord  *bool        `json:"onsite_record"`  // 制作现场笔录（第十八条第七项）
	Domain        string       `json:"domain"`         // 执法领域 code
	Status        string       `json:"status"`         // 状态
	Remarks       string       `json:"remarks"`        // 备注
	Flags         []string     `json:"flags"`          // Flag* values, sorted
}

// Measure kinds (行政强制法 第九条).
var MeasureKinds = []EnumValue{
	{"seal", "查封场所设施或财物", []string{"查封", "查封场所", "查封设施", "查封财物", "查封场所、设施或者财物", "查封场所设施财物"}},
	{"seize", "扣押财物", []string{"扣押", "扣押物品", "扣押财产", "暂扣", "扣留"}},
	{"freeze", "冻结存款汇款", []string{"冻结", "冻结存款", "冻结汇款", "冻结存款、汇款", "冻结账户"}},
	{"restrict", "限制公民人身自由", []string{"限制人身自由", "限制公民人身自由的措施"}},
	{"other", "其他", []string{"其它", "其他行政强制措施"}},
}

// Measure outcomes (处理结果).
var MeasureOutcomes = []EnumValue{
	{"released", "解除", []string{"解除强制措施", "已解除", "解除查封", "解除扣押", "解除冻结", "解封", "退还", "返还"}},
	{"confiscated", "转为没收", []string{"没收", "依法没收", "予以没收", "转没收"}},
	{"handled", "依法处理", []string{"处理", "已处理", "依法处置", "拍卖", "销毁", "划拨"}},
	{"other", "其他", []string{"其它"}},
}

// Statutory limits of 查封、扣押 (行政强制法 第二十五条) and 冻结存款、汇款
// (第三十二条): 30 days, extendable once, with the approval of the agency's
// head, by at most 30 days (laws and administrative regulations may provide
// otherwise).
const (
	MeasureMaxDays          = 30
	MeasureMaxExtensionDays = 30
)

var measureSpec = (&activitySpec[Measure]{
	kind: KindMeasure, label: "行政强制",
	table: "measures", revTable: "measure_revisions", revKey: "measure_id",
	dateCol: "start_date", typeCol: "measure_kind", resultCol: "outcome",
	docNo: func(r *Measure) *string { return &r.DocNo },
	party: func(r *Measure) *ActivityParty { return &r.ActivityParty },
	flags: func(r *Measure) *[]string { return &r.Flags },
	check: checkMeasure,
	fields: []specField[Measure]{
		{Field: Field{ID: "doc_no", Need: NeedColumn, Headers: []string{"强制措施决定书文号",
			"行政强制措施决定书文号", "决定书文号", "查封扣押决定书文号", "查封（扣押）决定书文号", "冻结决定书文号", "强制措施文号",
			"决定文书号", "文书号", "文号", "决定书编号"}},
			typ: vDocNo, ptr: func(r *Measure) any { return &r.DocNo }},
		{Field: Field{ID: "party_name", Need: NeedColumn, Headers: []string{"行政相对人名称",
			"相对人名称", "行政相对人", "当事人名称", "当事人", "当事人姓名或名称", "被强制人", "相对人"}},
			typ: vPartyName, ptr: func(r *Measure) any { return &r.PartyName }},
		{Field: Field{ID: "party_kind", Need: NeedValue, Headers: []string{"行政相对人类别",
			"相对人类别", "相对人类型", "行政相对人类型", "主体类别", "主体类型", "当事人类别"}},
			typ: vPartyKind, ptr: func(r *Measure) any { return &r.PartyKind }},
		{Field: Field{ID: "party_uscc", Headers: []string{"统一社会信用代码",
			"行政相对人代码_1（统一社会信用代码）", "行政相对人代码_1", "社会信用代码", "信用代码", "相对人统一社会信用代码"}},
			typ: vPartyUSCC, ptr: func(r *Measure) any { return &r.PartyUSCC }},
		{Field: Field{ID: "party_id_type", Headers: []string{"证件类型", "相对人证件类型", "当事人证件类型"}},
			typ: vPartyIDType, ptr: func(r *Measure) any { return &r.PartyIDType }},
		{Field: Field{ID: "party_id_no", Headers: []string{"证件号码",
			"证件号", "身份证号", "身份证号码", "公民身份号码", "相对人证件号码", "当事人证件号码", "当事人身份证号"}},
			typ: vPartyIDNo, ptr: func(r *Measure) any { return &r.PartyIDNo }},
		{Field: Field{ID: "measure_kind", Need: NeedColumn, Headers: []string{"强制措施种类",
			"行政强制措施种类", "强制措施类别", "强制措施类型", "措施种类", "措施类型", "强制措施"}},
			typ: vEnum, enum: MeasureKinds, ptr: func(r *Measure) any { return &r.MeasureKind }},
		{Field: Field{ID: "object", Headers: []string{"财物描述",
			"场所设施财物名称", "查封扣押物品", "查封扣押财物", "涉及财物", "强制对象", "对象描述", "物品清单", "冻结账户"}},
			typ: vProse, ptr: func(r *Measure) any { return &r.Object }},
		{col: "value_fen", Field: Field{ID: "value", Headers: []string{"财物价值（元）",
			"财物价值（万元）", "财物价值", "涉案金额（元）", "涉案金额（万元）", "涉案金额", "冻结金额（元）", "冻结金额（万元）", "冻结金额", "价值（元）", "金额（元）", "金额（万元）"}},
			typ: vAmount, ptr: func(r *Measure) any { return &r.ValueFen }},
		{Field: Field{ID: "legal_basis", Headers: []string{"法律依据",
			"强制措施依据", "实施依据", "依据", "执法依据"}},
			typ: vProse, ptr: func(r *Measure) any { return &r.LegalBasis }},
		{Field: Field{ID: "approved_by", Headers: []string{"批准人",
			"审批人", "负责人批准", "批准负责人"}},
			typ: vText, ptr: func(r *Measure) any { return &r.ApprovedBy }},
		{Field: Field{ID: "approval_date", Headers: []string{"批准日期", "审批日期", "批准时间"}},
			typ: vDateEvent, ptr: func(r *Measure) any { return &r.ApprovalDate }},
		{Field: Field{ID: "start_date", Need: NeedColumn, Headers: []string{"实施日期",
			"开始日期", "采取措施日期", "强制措施开始日期", "查封扣押日期", "冻结日期", "决定日期", "实施时间", "起始日期"}},
			typ: vDateEvent, ptr: func(r *Measure) any { return &r.StartDate }},
		{Field: Field{ID: "period_days", Headers: []string{"期限（日）",
			"期限（天）", "期限", "强制措施期限", "查封扣押期限", "冻结期限", "期限天数"}},
			typ: vDays, ptr: func(r *Measure) any { return &r.PeriodDays }},
		{Field: Field{ID: "extended", Headers: []string{"是否延长", "延长", "是否延期"}},
			typ: vBool, ptr: func(r *Measure) any { return &r.Extended }},
		{Field: Field{ID: "extension_date", Headers: []string{"延长决定日期", "延长日期", "延期日期", "延长批准日期"}},
			typ: vDateEvent, ptr: func(r *Measure) any { return &r.ExtensionDate }},
		{Field: Field{ID: "extension_days", Headers: []string{"延长期限（日）", "延长期限（天）", "延长期限", "延长天数", "延期天数"}},
			typ: vDays, ptr: func(r *Measure) any { return &r.ExtensionDays }},
		{Field: Field{ID: "end_date", Headers: []string{"解除日期",
			"结束日期", "解除时间", "解除或处理日期", "处理日期", "终止日期", "解除查封扣押日期", "解除冻结日期"}},
			typ: vDateEvent, ptr: func(r *Measure) any { return &r.EndDate }},
		{Field: Field{ID: "outcome", Headers: []string{"处理结果", "处理情况", "结果", "处置结果"}},
			typ: vEnum, enum: MeasureOutcomes, ptr: func(r *Measure) any { return &r.Outcome }},
		{Field: Field{ID: "rights_notice", Headers: []string{"是否告知权利",
			"告知权利", "是否告知理由依据和权利", "已告知权利和救济途径", "是否告知救济途径", "权利告知"}},
			typ: vBool, ptr: func(r *Measure) any { return &r.RightsNotice }},
		{Field: Field{ID: "onsite_record", Headers: []string{"是否制作现场笔录", "现场笔录", "制作现场笔录"}},
			typ: vBool, ptr: func(r *Measure) any { return &r.OnsiteRecord }},
		{Field: Field{ID: "domain", Headers: []string{"执法领域", "领域", "所属领域", "行业领域"}},
			typ: vDomain, ptr: func(r *Measure) any { return &r.Domain }},
		{Field: Field{ID: "status", Headers: []string{"状态", "执行状态", "办理状态"}},
			typ: vText, ptr: func(r *Measure) any { return &r.Status }},
		{Field: Field{ID: "remarks", Headers: []string{"备注", "说明"}},
			typ: vProse, ptr: func(r *Measure) any { return &r.Remarks }},
	},
}).build()

// checkMeasure applies the rules across a measure's fields: an end before the
// start is refused; a period beyond 行政强制法 第二十五条 / 第三十二条 is
// kept and flagged, never refused (the supervision models look for it).
func checkMeasure(v *actValidator[Measure]) {
	m := &v.rec
	if m.ExtensionDays > 0 && m.Extended == nil {
		t := true
		m.Extended = &t
	}
	if !m.EndDate.IsZero() && !m.StartDate.IsZero() && dateAfter(m.StartDate, m.EndDate) {
		i := v.idx("end_date")
		v.fail(i, m.EndDate.String(), fmt.Sprintf("“%s”%s 早于“%s”%s", v.name(i), m.EndDate, v.name(v.idx("start_date")), m.StartDate))
		return
	}
	if MeasurePeriodExceeded(m) {
		v.flag(FlagMeasurePeriodExceeded)
	}
}

// MeasurePeriodExceeded reports a 查封、扣押 or 冻结 whose period goes beyond
// the statute: a period over 30 days, an extension over 30 days, or an end
// after the last day of 30 days from the start (60 when extended). That last
// day rolls forward to the next working day when it is a weekend or holiday
// (DOMAIN.md §1.8: periods other than the ≤ 10-day ones count calendar days
// and roll forward); outside the years the holiday data covers, only
// weekends roll. Periods of testing or appraisal, which 第二十五条 excludes,
// are not in the data and not deducted. Other measure kinds have limits of
// their own laws and are not judged here.
func MeasurePeriodExceeded(m *Measure) bool {
	switch m.MeasureKind {
	case "seal", "seize", "freeze":
	default:
		return false
	}
	if m.PeriodDays > MeasureMaxDays || m.ExtensionDays > MeasureMaxExtensionDays {
		return true
	}
	if m.StartDate.IsZero() || m.EndDate.IsZero() {
		return false
	}
	allowed := MeasureMaxDays
	if (m.Extended != nil && *m.Extended) || m.ExtensionDays > 0 {
		allowed += MeasureMaxExtensionDays
	}
	return civilDays(lastDayOfPeriod(m.StartDate, allowed), m.EndDate) > 0
}

// lastDayOfPeriod is start + days, rolled forward to a working day.
func lastDayOfPeriod(start tabular.Date, days int) tabular.Date {
	if s, err := calendar.NewDate(start.Year, start.Month, start.Day); err == nil {
		if d, err := calendar.AddCalendarDays(s, days); err == nil {
			y, mo, dd := d.Date()
			return tabular.Date{Year: y, Month: mo, Day: dd}
		}
	}
	t := time.Date(start.Year, start.Month, start.Day, 0, 0, 0, 0, time.UTC).AddDate(0, 0, days)
	for t.Weekday() == time.Saturday || t.Weekday() == time.Sunday {
		t = t.AddDate(0, 0, 1)
	}
	return tabular.Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}
}
