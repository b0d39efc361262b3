// Package enforce holds the enforcement records agencies share — penalties
// (行政处罚) first; inspections and compulsory measures follow the same
// pattern — with their validation from messy spreadsheets, idempotent
// storage with revisions, and import batches with per-row reject reports.
package enforce

import "github.com/xingjian/xingjian/internal/tabular"

// Party kinds of the national 双公示 layout.
const (
	PartyLegalPerson        = "legal_person"        // 法人及非法人组织
	PartyNaturalPerson      = "natural_person"      // 自然人
	PartyIndividualBusiness = "individual_business" // 个体工商户
)

// Procedures.
const (
	ProcedureSimple   = "simple"   // 简易程序（当场处罚）
	ProcedureOrdinary = "ordinary" // 普通程序
)

// Flags mark values kept but suspect; a flagged record is stored, never dropped.
const (
	FlagBadPartyUSCC   = "bad_party_uscc"   // 相对人统一社会信用代码校验位不符
	FlagBadPartyID     = "bad_party_id"     // 相对人身份证号无效
	FlagBadLegalRepID  = "bad_legal_rep_id" // 法定代表人身份证号无效
	FlagBadAgencyUSCC  = "bad_agency_uscc"  // 处罚机关统一社会信用代码校验位不符
	FlagConvertedID15  = "converted_id15"   // 15 位旧身份证号已转为 18 位
	FlagAgencyMismatch = "agency_mismatch"  // 文件中的处罚机关代码与导入机构不一致
)

// Penalty is one administrative penalty decision: every field of the national
// 双公示 penalty layout (DOMAIN.md §3) plus what supervision needs and the
// publication layout lacks. Money is in fen (0.01 yuan); dates are civil dates.
type Penalty struct {
	// Natural key within the importing agency: the decision document number.
	DocNo string // 行政处罚决定书文号

	PartyName      string // 行政相对人名称
	PartyKind      string // PartyLegalPerson | PartyNaturalPerson | PartyIndividualBusiness
	PartyUSCC      string // 行政相对人代码_1 统一社会信用代码 (normalised)
	PartyRegNo     string // 代码_2 工商注册号
	PartyOrgCode   string // 代码_3 组织机构代码
	PartyTaxNo     string // 代码_4 税务登记号
	PartyInstCert  string // 代码_5 事业单位证书号
	PartySocCert   string // 代码_6 社会组织登记证号
	LegalRep       string // 法定代表人
	LegalRepIDType string // 法定代表人证件类型
	LegalRepIDNo   string // 法定代表人证件号码 (18-digit normalised when a resident ID)
	PartyIDType    string // 自然人: 证件类型
	PartyIDNo      string // 自然人: 证件号码 (18-digit normalised when a resident ID)

	ViolationType  string // 违法行为类型
	Facts          string // 违法事实
	LegalBasis     string // 处罚依据
	PenaltyKinds   string // 处罚类别 (e.g. "罚款;没收违法所得")
	PenaltyContent string // 处罚内容
	FineFen        int64  // 罚款金额, in fen
	ConfiscateFen  int64  // 没收违法所得、没收非法财物的金额, in fen
	LicenceAction  string // 暂扣或吊销证照名称及编号

	DecisionDate tabular.Date // 处罚决定日期
	ValidUntil   tabular.Date // 处罚有效期
	PublishUntil tabular.Date // 公示截止期

	AgencyName string // 处罚机关
	AgencyUSCC string // 处罚机关统一社会信用代码
	SourceName string // 数据来源单位
	SourceUSCC string // 数据来源单位统一社会信用代码
	Remarks    string // 备注

	// Supervision fields (not in the publication layout).
	Domain          string       // 执法领域 code (directory domains)
	ViolationCode   string       // 违法行为编码
	DiscretionLevel string       // 裁量等级
	Procedure       string       // ProcedureSimple | ProcedureOrdinary | ""
	FiledDate       tabular.Date // 立案日期
	ServedDate      tabular.Date // 送达日期
	PaymentDueDate  tabular.Date // 缴款期限
	PaidDate        tabular.Date // 缴款日期
	HearingNotice   *bool        // 已告知听证权利
	RemedyNotice    *bool        // 已告知救济途径
	TransferDate    tabular.Date // 移送公安日期
	TransferReceipt string       // 移送回执号
	CourtApplyDate  tabular.Date // 申请法院强制执行日期
	Status          string       // 状态 (e.g. 已执行, 未执行, 已撤销)

	Flags []string // Flag* values, sorted
}

// RowError is one reason a row was refused, for the import report.
type RowError struct {
	Line   int    `json:"line"`   // physical line (CSV) or row number (Excel) in the file
	Column string `json:"column"` // the file's own header text, "" for the whole row
	Value  string `json:"value"`
	Reason string `json:"reason"` // Chinese
}
