package enforce

import "github.com/xingjian/xingjian/internal/tabular"

// Inspection is one administrative inspection (行政检查): who was inspected,
// where, when, how and with what result, and the follow-up. Dates are civil
// dates; codes are those of InspectionKinds and InspectionResults.
type Inspection struct {
	// Natural key within the importing agency: the inspection record's number.
	DocNo string `json:"doc_no"` // 检查记录编号 / 检查文书编号
	ActivityParty
	Address         string       `json:"address"`          // 检查地点
	InspectionDate  tabular.Date `json:"inspection_date"`  // 检查日期
	InspectionKind  string       `json:"inspection_kind"`  // 检查类别: InspectionKinds code
	Items           string       `json:"items"`            // 检查事项 / 检查内容
	LegalBasis      string       `json:"legal_basis"`      // 检查依据
	Inspectors      string       `json:"inspectors"`       // 执法人员
	InspectorCerts  string       `json:"inspector_certs"`  // 执法证号
	Result          string       `json:"result"`           // 检查结果: InspectionResults code
	RectifyDeadline tabular.Date `json:"rectify_deadline"` // 整改期限
	FollowupDocNo   string       `json:"followup_doc_no"`  // 后续处理文书号 (立案查处 → the penalty decision's number)
	Domain          string       `json:"domain"`           // 执法领域 code
	Status          string       `json:"status"`           // 状态
	Remarks         string       `json:"remarks"`          // 备注
	Flags           []string     `json:"flags"`            // Flag* values, sorted
}

// Inspection kinds (检查类别).
var InspectionKinds = []EnumValue{
	{"routine", "日常检查", []string{"日常", "日常巡查", "日常监督检查", "例行检查", "巡查"}},
	{"special", "专项检查", []string{"专项", "专项整治", "专项执法检查", "专项行动"}},
	{"random", "双随机抽查", []string{"双随机", "双随机一公开", "双随机一公开抽查", "随机抽查", "抽查"}},
	{"complaint", "投诉举报核查", []string{"投诉举报", "举报核查", "投诉核查", "投诉", "举报", "信访核查"}},
	{"other", "其他", []string{"其它"}},
}

// Inspection results (检查结果).
var InspectionResults = []EnumValue{
	{"no_issue", "未发现问题", []string{"无问题", "未发现违法行为", "未发现违法", "合格", "正常", "符合要求", "未发现异常"}},
	{"rectify", "责令整改", []string{"责令限期整改", "限期整改", "责令改正", "责令限期改正", "整改"}},
	{"case_filed", "立案查处", []string{"立案", "立案调查", "立案处罚", "已立案"}},
	{"transferred", "移送", []string{"移送处理", "移交", "移送有关部门", "移送公安", "移送公安机关"}},
	{"other", "其他", []string{"其它"}},
}

var inspectionSpec = (&activitySpec[Inspection]{
	kind: KindInspection, label: "行政检查",
	table: "inspections", revTable: "inspection_revisions", revKey: "inspection_id",
	dateCol: "inspection_date", typeCol: "inspection_kind", resultCol: "result",
	docNo: func(r *Inspection) *string { return &r.DocNo },
	party: func(r *Inspection) *ActivityParty { return &r.ActivityParty },
	flags: func(r *Inspection) *[]string { return &r.Flags },
	fields: []specField[Inspection]{
		{Field: Field{ID: "doc_no", Need: NeedColumn, Headers: []string{"检查记录编号",
			"检查编号", "检查文书编号", "检查文书号", "检查记录号", "现场检查笔录编号", "检查笔录编号", "笔录编号", "文书编号", "文书号", "记录编号", "编号"}},
			typ: vDocNo, ptr: func(r *Inspection) any { return &r.DocNo }},
		{Field: Field{ID: "party_name", Need: NeedColumn, Headers: []string{"行政相对人名称",
			"相对人名称", "行政相对人", "被检查对象", "被检查单位", "被检查人", "检查对象", "当事人名称", "当事人", "单位名称", "相对人"}},
			typ: vPartyName, ptr: func(r *Inspection) any { return &r.PartyName }},
		{Field: Field{ID: "party_kind", Need: NeedValue, Headers: []string{"行政相对人类别",
			"相对人类别", "相对人类型", "行政相对人类型", "主体类别", "主体类型", "当事人类别", "对象类别"}},
			typ: vPartyKind, ptr: func(r *Inspection) any { return &r.PartyKind }},
		{Field: Field{ID: "party_uscc", Headers: []string{"统一社会信用代码",
			"行政相对人代码_1（统一社会信用代码）", "行政相对人代码_1", "社会信用代码", "信用代码", "相对人统一社会信用代码", "被检查单位统一社会信用代码"}},
			typ: vPartyUSCC, ptr: func(r *Inspection) any { return &r.PartyUSCC }},
		{Field: Field{ID: "party_id_type", Headers: []string{"证件类型", "相对人证件类型", "当事人证件类型"}},
			typ: vPartyIDType, ptr: func(r *Inspection) any { return &r.PartyIDType }},
		{Field: Field{ID: "party_id_no", Headers: []string{"证件号码",
			"证件号", "身份证号", "身份证号码", "公民身份号码", "相对人证件号码", "当事人证件号码", "当事人身份证号"}},
			typ: vPartyIDNo, ptr: func(r *Inspection) any { return &r.PartyIDNo }},
		{Field: Field{ID: "address", Headers: []string{"检查地点",
			"检查地址", "地址", "经营地址", "住所", "场所地址", "检查场所"}},
			typ: vText, ptr: func(r *Inspection) any { return &r.Address }},
		{Field: Field{ID: "inspection_date", Need: NeedColumn, Headers: []string{"检查日期",
			"检查时间", "实施检查日期", "检查实施日期", "现场检查日期", "检查开始日期"}},
			typ: vDateEvent, ptr: func(r *Inspection) any { return &r.InspectionDate }},
		{Field: Field{ID: "inspection_kind", Headers: []string{"检查类别",
			"检查类型", "检查方式", "检查种类", "检查形式"}},
			typ: vEnum, enum: InspectionKinds, ptr: func(r *Inspection) any { return &r.InspectionKind }},
		{Field: Field{ID: "items", Headers: []string{"检查事项",
			"检查内容", "检查项目", "检查事项及内容", "检查情况"}},
			typ: vProse, ptr: func(r *Inspection) any { return &r.Items }},
		{Field: Field{ID: "legal_basis", Headers: []string{"检查依据",
			"法律依据", "依据", "执法依据"}},
			typ: vProse, ptr: func(r *Inspection) any { return &r.LegalBasis }},
		{Field: Field{ID: "inspectors", Headers: []string{"执法人员",
			"检查人员", "检查人", "执法人员姓名", "承办人"}},
			typ: vText, ptr: func(r *Inspection) any { return &r.Inspectors }},
		{Field: Field{ID: "inspector_certs", Headers: []string{"执法证号",
			"执法证件号", "执法证件号码", "行政执法证号", "执法人员证件号", "执法证编号"}},
			typ: vText, ptr: func(r *Inspection) any { return &r.InspectorCerts }},
		{Field: Field{ID: "result", Headers: []string{"检查结果",
			"处理结果", "检查结论", "处理情况", "处理意见"}},
			typ: vEnum, enum: InspectionResults, ptr: func(r *Inspection) any { return &r.Result }},
		{Field: Field{ID: "rectify_deadline", Headers: []string{"整改期限",
			"整改期限日期", "限期整改日期", "整改截止日期", "整改时限"}},
			typ: vDatePlain, ptr: func(r *Inspection) any { return &r.RectifyDeadline }},
		{Field: Field{ID: "followup_doc_no", Headers: []string{"后续处理文书号",
			"关联处罚决定书文号", "处罚决定书文号", "立案文书号", "后续处理", "关联文书号"}},
			typ: vRefDocNo, ptr: func(r *Inspection) any { return &r.FollowupDocNo }},
		{Field: Field{ID: "domain", Headers: []string{"执法领域", "领域", "所属领域", "行业领域"}},
			typ: vDomain, ptr: func(r *Inspection) any { return &r.Domain }},
		{Field: Field{ID: "status", Headers: []string{"状态", "办理状态", "整改情况", "整改状态"}},
			typ: vText, ptr: func(r *Inspection) any { return &r.Status }},
		{Field: Field{ID: "remarks", Headers: []string{"备注", "说明"}},
			typ: vProse, ptr: func(r *Inspection) any { return &r.Remarks }},
	},
}).build()
