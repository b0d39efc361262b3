// Package casework is the loop that makes supervision bite (issue 5): leads
// become cases, cases issue procuratorial suggestions (检察建议) and opinions
// (检察意见), the recipient replies, objects or rectifies, the prosecutor
// verifies and closes, and an ignored suggestion climbs the escalation ladder.
//
// The vocabularies below (types, states, kinds, ladder steps) are data with
// their legal basis; the state machines in cases.go and suggestions.go are
// tables, so that the API's "what may this caller do now" answer and the
// refusal of anything else come from the same place.
package casework

import "github.com/xingjian/xingjian/internal/calendar"

// Code is a code with its Chinese name.
type Code struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

func nameOf(list []Code, code string) string {
	for _, c := range list {
		if c.Code == code {
			return c.Name
		}
	}
	return code
}

func known(list []Code, code string) bool {
	for _, c := range list {
		if c.Code == code {
			return true
		}
	}
	return false
}

// Case types (DOMAIN.md glossary). Dispute resolution has its own issue but
// shares this case core.
const (
	TypeLitigation    = "litigation"
	TypeNonLitigation = "non_litigation_enforcement"
	TypeViolation     = "admin_violation"
	TypeGovernance    = "governance"
)

// CaseTypes lists the case types.
var CaseTypes = []Code{
	{TypeLitigation, "行政诉讼监督"},
	{TypeNonLitigation, "行政非诉执行监督"},
	{TypeViolation, "行政违法行为监督"},
	{TypeGovernance, "社会治理"},
}

// caseNoCode is the part of a case number naming the type, e.g. 示检行违监〔2026〕3号.
var caseNoCode = map[string]string{
	TypeLitigation:    "行诉监",
	TypeNonLitigation: "行非诉监",
	TypeViolation:     "行违监",
	TypeGovernance:    "行治",
}

// Case states.
const (
	CaseAccepted      = "accepted"
	CaseReviewing     = "reviewing"
	CaseInvestigating = "investigating"
	CaseDecided       = "decided"
	CaseClosed        = "closed"
	CaseSuspended     = "suspended"
	CaseTerminated    = "terminated"
)

// CaseStatuses lists the case states.
var CaseStatuses = []Code{
	{CaseAccepted, "受理"},
	{CaseReviewing, "审查"},
	{CaseInvestigating, "调查核实"},
	{CaseDecided, "决定"},
	{CaseClosed, "结案"},
	{CaseSuspended, "中止"},
	{CaseTerminated, "终结"},
}

// Suggestion kinds (DOMAIN.md §7).
const (
	KindRetrial        = "retrial"
	KindCorrection     = "correction"
	KindViolation      = "violation"
	KindGovernance     = "governance"
	KindPublicInterest = "public_interest"
	KindOpinion        = "opinion"
)

// Kind is a kind of suggestion with what the law says about it.
type Kind struct {
	Code string `json:"code"`
	Name string `json:"name"`
	// RecipientKinds are the org kinds it may be addressed to.
	RecipientKinds []string `json:"recipient_kinds"`
	// Basis is the legal basis printed in the document and shown in the UI.
	Basis string `json:"basis"`
	// Period is the calendar period of the reply (internal/calendar).
	Period string `json:"period"`
	// UrgentPeriod, when set, is the fixed urgent period; otherwise an
	// urgent suggestion takes the prosecutor's reply_days.
	UrgentPeriod string `json:"urgent_period,omitempty"`
	// DocTitle is the document's title; DocCode the number's middle part.
	DocTitle string `json:"doc_title"`
	DocCode  string `json:"doc_code"`
	// Approver is the default approval role (settings may change it).
	Approver string `json:"approver"`
	// Ladder is the escalation ladder for this kind, in order.
	Ladder []string `json:"ladder"`
}

const (
	basisOrganic   = "《中华人民共和国人民检察院组织法》第二十一条"
	basisRules2019 = "《人民检察院检察建议工作规定》（2019年）"
)

var agencyKinds = []string{"agency", "town_government"}

var agencyLadder = []string{LevelJusticeBureau, LevelUpperProcuratorate, LevelSupervisingOrgan, LevelPartyCongress, LevelGovernmentDiscipline}

// Kinds lists the suggestion kinds.
var Kinds = []Kind{
	{KindRetrial, "再审检察建议", []string{"court"}, "《中华人民共和国行政诉讼法》第九十三条；" + basisRules2019,
		calendar.SuggestionReply, "", "再审检察建议书", "行再建", "chief", []string{LevelUpperProcuratorate, LevelPartyCongress}},
	{KindCorrection, "纠正违法检察建议", []string{"court", "agency", "town_government"}, basisOrganic + "；" + basisRules2019,
		calendar.SuggestionReply, "", "检察建议书", "行纠建", "dept_head", agencyLadder},
	{KindViolation, "行政违法行为检察建议", agencyKinds, basisOrganic + "；" + basisRules2019,
		calendar.SuggestionReply, "", "检察建议书", "行建", "dept_head", agencyLadder},
	{KindGovernance, "社会治理检察建议", agencyKinds, basisOrganic + "；" + basisRules2019,
		calendar.SuggestionReply, "", "检察建议书", "行治建", "dept_head", agencyLadder},
	{KindPublicInterest, "公益诉讼诉前检察建议", agencyKinds, "《最高人民法院 最高人民检察院关于检察公益诉讼案件适用法律若干问题的解释》第二十一条",
		calendar.PublicInterestReply, calendar.PublicInterestUrgentReply, "检察建议书", "行公建", "chief", agencyLadder},
	{KindOpinion, "检察意见（行刑反向衔接）", agencyKinds, "《中华人民共和国刑事诉讼法》第一百七十七条第三款；《人民检察院刑事诉讼规则》第三百七十三条",
		calendar.ReverseLinkageReply, "", "检察意见书", "行意", "chief", []string{LevelFollowUpLetter}},
}

// KindOf returns a kind by code.
func KindOf(code string) (Kind, bool) {
	for _, k := range Kinds {
		if k.Code == code {
			return k, true
		}
	}
	return Kind{}, false
}

// Suggestion states (DOMAIN.md §7's suggested machine; "escalated" is a
// level on the suggestion, not a state, because an escalated suggestion is
// still waiting for its reply or its rectification).
const (
	StatusDraft           = "draft"
	StatusPendingApproval = "pending_approval"
	StatusApproved        = "approved"
	StatusAwaitingReply   = "awaiting_reply"
	StatusObjection       = "objection"
	StatusReplied         = "replied"
	StatusRectifying      = "rectifying"
	StatusClosed          = "closed"
	StatusWithdrawn       = "withdrawn"
)

// SuggestionStatuses lists the suggestion states.
var SuggestionStatuses = []Code{
	{StatusDraft, "草稿"},
	{StatusPendingApproval, "待审批"},
	{StatusApproved, "已审批"},
	{StatusAwaitingReply, "待回复"},
	{StatusObjection, "异议审查"},
	{StatusReplied, "已回复"},
	{StatusRectifying, "整改中"},
	{StatusClosed, "已办结"},
	{StatusWithdrawn, "已撤回"},
}

// Reply outcomes.
const (
	OutcomeAdopted    = "adopted"
	OutcomePartly     = "partly"
	OutcomeNotAdopted = "not_adopted"
)

// ReplyOutcomes lists the outcomes of a reply.
var ReplyOutcomes = []Code{
	{OutcomeAdopted, "采纳"},
	{OutcomePartly, "部分采纳"},
	{OutcomeNotAdopted, "不采纳"},
}

// Escalation steps.
const (
	LevelFollowUpLetter       = "follow_up_letter"
	LevelJusticeBureau        = "justice_bureau"
	LevelUpperProcuratorate   = "upper_procuratorate"
	LevelSupervisingOrgan     = "supervising_organ"
	LevelPartyCongress        = "party_congress"
	LevelGovernmentDiscipline = "government_discipline"
)

// Level is one step of the escalation ladder.
type Level struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	Step       int    `json:"step"`
	NeedsChief bool   `json:"needs_chief"`
	// Addressee is who the document goes to; DocTitle its title.
	Addressee string `json:"addressee"`
	DocTitle  string `json:"doc_title"`
	DocCode   string `json:"doc_code"`
	Basis     string `json:"basis"`
}

// Levels lists the ladder (DOMAIN.md §7 step 9; the justice bureau copy is
// the district's practice of 检司衔接, §8.3; the follow-up letter is the
// reverse-linkage practice of §1.7).
var Levels = []Level{
	{LevelFollowUpLetter, "发出跟进监督函", 1, false, "", "跟进监督函", "行跟函", "《人民检察院行刑反向衔接工作指引》（2025年）；DOMAIN.md §1.7 实践做法"},
	{LevelJusticeBureau, "抄送司法局", 1, false, "司法局", "检察建议落实情况抄送函", "行抄", "《关于加强行政执法协调监督工作体系建设的意见》（2024年）；检司衔接机制"},
	{LevelUpperProcuratorate, "报告上级人民检察院", 2, true, "上级人民检察院", "关于检察建议未落实情况的报告", "行报", basisRules2019 + "（跟踪督促与报告）"},
	{LevelSupervisingOrgan, "通报上级主管部门", 3, true, "被建议单位的上级主管部门", "关于检察建议未落实情况的通报", "行通", basisRules2019 + "（通报上级机关、主管部门）"},
	{LevelPartyCongress, "报告同级党委、人大", 4, true, "同级党委、人民代表大会常务委员会", "关于检察建议未落实情况的报告", "行报", basisRules2019 + "（报告同级党委、人大）"},
	{LevelGovernmentDiscipline, "通报同级政府、纪检监察机关", 5, true, "同级人民政府、纪检监察机关", "关于检察建议未落实情况的通报", "行通", basisRules2019 + "（通报同级政府、纪检监察机关）"},
}

// LevelOf returns a ladder step by code.
func LevelOf(code string) (Level, bool) {
	for _, l := range Levels {
		if l.Code == code {
			return l, true
		}
	}
	return Level{}, false
}

// DismissReasons is the dictionary of reasons a lead is dismissed for.
var DismissReasons = []Code{
	{"data_error", "数据错误"},
	{"lawful", "经核实行为合法"},
	{"already_handled", "已另行处理"},
	{"duplicate", "重复线索"},
	{"out_of_scope", "不属于监督范围"},
	{"other", "其他"},
}

// LeadSources lists every source of leads.
var LeadSources = []Code{
	{"model", "模型"},
	{"manual", "人工录入"},
	{"transfer", "移送"},
	{"self_report", "单位自查报送"},
	{"justice_notice", "司法局通报"},
	{"petition", "信访批转"},
	{"court", "法院移送"},
}

// LeadStatuses lists lead states. Precision counts confirmed and dismissed
// only: unsure and merged are neither a true nor a false lead.
var LeadStatuses = []Code{
	{"new", "待研判"},
	{"unsure", "存疑"},
	{"confirmed", "已成案"},
	{"dismissed", "已排除"},
	{"merged", "已合并"},
}

// Dictionaries is everything the UI needs to name casework codes.
type Dictionaries struct {
	CaseTypes          []Code  `json:"case_types"`
	CaseStatuses       []Code  `json:"case_statuses"`
	SuggestionKinds    []Kind  `json:"suggestion_kinds"`
	SuggestionStatuses []Code  `json:"suggestion_statuses"`
	ReplyOutcomes      []Code  `json:"reply_outcomes"`
	EscalationLevels   []Level `json:"escalation_levels"`
	DismissReasons     []Code  `json:"dismiss_reasons"`
	LeadSources        []Code  `json:"lead_sources"`
	LeadStatuses       []Code  `json:"lead_statuses"`
}

// Dicts returns the dictionaries.
func Dicts() Dictionaries {
	return Dictionaries{CaseTypes, CaseStatuses, Kinds, SuggestionStatuses, ReplyOutcomes, Levels, DismissReasons, LeadSources, LeadStatuses}
}
