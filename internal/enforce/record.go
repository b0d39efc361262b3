// Package enforce holds the enforcement records agencies share — penalties
// (行政处罚) first; inspections and compulsory measures follow the same
// pattern — with their validation from messy spreadsheets, idempotent
// storage with revisions, and import batches with per-row reject reports.
package enforce

import (
	"github.com/xingjian/xingjian/internal/batch"
	"github.com/xingjian/xingjian/internal/tabular"
)

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
	DocNo string `json:"doc_no"` // 行政处罚决定书文号

	PartyName      string `json:"party_name"`        // 行政相对人名称
	PartyKind      string `json:"party_kind"`        // PartyLegalPerson | PartyNaturalPerson | PartyIndividualBusiness
	PartyUSCC      string `json:"party_uscc"`        // 行政相对人代码_1 统一社会信用代码 (normalised)
	PartyRegNo     string `json:"party_reg_no"`      // 代码_2 工商注册号
	PartyOrgCode   string `json:"party_org_code"`    // 代码_3 组织机构代码
	PartyTaxNo     string `json:"party_tax_no"`      // 代码_4 税务登记号
	PartyInstCert  string `json:"party_inst_cert"`   // 代码_5 事业单位证书号
	PartySocCert   string `json:"party_soc_cert"`    // 代码_6 社会组织登记证号
	LegalRep       string `json:"legal_rep"`         // 法定代表人
	LegalRepIDType string `json:"legal_rep_id_type"` // 法定代表人证件类型
	LegalRepIDNo   string `json:"legal_rep_id_no"`   // 法定代表人证件号码 (18-digit normalised when a resident ID)
	PartyIDType    string `json:"party_id_type"`     // 自然人: 证件类型
	PartyIDNo      string `json:"party_id_no"`       // 自然人: 证件号码 (18-digit normalised when a resident ID)

	ViolationType  string `json:"violation_type"`  // 违法行为类型
	Facts          string `json:"facts"`           // 违法事实
	LegalBasis     string `json:"legal_basis"`     // 处罚依据
	PenaltyKinds   string `json:"penalty_kinds"`   // 处罚类别 (e.g. "罚款;没收违法所得")
	PenaltyContent string `json:"penalty_content"` // 处罚内容
	FineFen        int64  `json:"fine_fen"`        // 罚款金额, in fen
	ConfiscateFen  int64  `json:"confiscate_fen"`  // 没收违法所得、没收非法财物的金额, in fen
	LicenceAction  string `json:"licence_action"`  // 暂扣或吊销证照名称及编号

	DecisionDate tabular.Date `json:"decision_date"` // 处罚决定日期
	ValidUntil   tabular.Date `json:"valid_until"`   // 处罚有效期
	PublishUntil tabular.Date `json:"publish_until"` // 公示截止期

	AgencyName string `json:"agency_name"` // 处罚机关
	AgencyUSCC string `json:"agency_uscc"` // 处罚机关统一社会信用代码
	SourceName string `json:"source_name"` // 数据来源单位
	SourceUSCC string `json:"source_uscc"` // 数据来源单位统一社会信用代码
	Remarks    string `json:"remarks"`     // 备注

	// Supervision fields (not in the publication layout).
	Domain          string       `json:"domain"`           // 执法领域 code (directory domains)
	ViolationCode   string       `json:"violation_code"`   // 违法行为编码
	DiscretionLevel string       `json:"discretion_level"` // 裁量等级
	Procedure       string       `json:"procedure"`        // ProcedureSimple | ProcedureOrdinary | ""
	FiledDate       tabular.Date `json:"filed_date"`       // 立案日期
	ServedDate      tabular.Date `json:"served_date"`      // 送达日期
	PaymentDueDate  tabular.Date `json:"payment_due_date"` // 缴款期限
	PaidDate        tabular.Date `json:"paid_date"`        // 缴款日期
	HearingNotice   *bool        `json:"hearing_notice"`   // 已告知听证权利
	RemedyNotice    *bool        `json:"remedy_notice"`    // 已告知救济途径
	TransferDate    tabular.Date `json:"transfer_date"`    // 移送公安日期
	TransferReceipt string       `json:"transfer_receipt"` // 移送回执号
	CourtApplyDate  tabular.Date `json:"court_apply_date"` // 申请法院强制执行日期
	Status          string       `json:"status"`           // 状态 (e.g. 已执行, 未执行, 已撤销)
	ActDate         tabular.Date `json:"act_date"`         // 违法行为发生日期 (追责时效, 行政处罚法第三十六条)
	SurchargeFen    int64        `json:"surcharge_fen"`    // 加处罚款金额, in fen (行政处罚法第七十二条; 行政强制法第四十五条)

	Flags []string `json:"flags"` // Flag* values, sorted
}

// RowError is one reason a row was refused, for the import report.
type RowError = batch.RowError
