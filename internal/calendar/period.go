package calendar

import (
	"fmt"
	"slices"
)

// Unit is how a [Period] counts.
type Unit int

const (
	Day        Unit = iota + 1 // calendar days; a last day that is not a working day rolls forward
	WorkingDay                 // working days (工作日): weekends and holidays skipped, make-up days counted
	Month                      // calendar months (民法典 第二百零二条); a last day that is not a working day rolls forward
)

var unitNames = map[Unit]string{Day: "day", WorkingDay: "working_day", Month: "month"}

// String returns the stable name used in JSON: "day", "working_day", "month".
func (u Unit) String() string {
	if s, ok := unitNames[u]; ok {
		return s
	}
	return fmt.Sprintf("Unit(%d)", int(u))
}

// Chinese returns the unit as written in statutes: "日", "个工作日", "个月".
func (u Unit) Chinese() string {
	switch u {
	case Day:
		return "日"
	case WorkingDay:
		return "个工作日"
	case Month:
		return "个月"
	}
	return ""
}

// MarshalText implements encoding.TextMarshaler with [Unit.String]; an unknown unit is an error.
func (u Unit) MarshalText() ([]byte, error) {
	if s, ok := unitNames[u]; ok {
		return []byte(s), nil
	}
	return nil, fmt.Errorf("%w: unit %d", ErrInvalidArgument, int(u))
}

// UnmarshalText implements encoding.TextUnmarshaler for the names [Unit.String] returns.
func (u *Unit) UnmarshalText(b []byte) error {
	for k, s := range unitNames {
		if s == string(b) {
			*u = k
			return nil
		}
	}
	return fmt.Errorf("%w: unit %q", ErrInvalidArgument, b)
}

// Period is a statutory or regulatory time limit, held as data with its legal basis so that the UI can show
// why a date is due, and so that a period DOMAIN.md marks unconfirmed can be overridden (copy it, change it).
type Period struct {
	ID        string // stable identifier (the constants below); used as a key in stored deadlines
	Name      string // Chinese name shown to users
	Count     int    // number of Units
	Unit      Unit
	Before    bool   // counted back from the event (e.g. "听证的七日前"): Due returns the latest day to act
	From      string // the event the period runs from (or, if Before, the event it precedes), in Chinese
	Basis     string // statute and article, e.g. "《中华人民共和国行政处罚法》第六十条"
	Note      string // how the article reads and how it is applied here, in Chinese
	Confirmed bool   // false where DOMAIN.md marks the period or its article unconfirmed
}

// Due applies p to the event on start using the [Default] calendar:
//
//   - forward periods return the last day of the period (start not counted; [Day] and [Month] periods roll
//     forward off rest days; a [WorkingDay] period ends on a working day);
//   - Before periods return the latest day on which the act is still in time: start minus Count days or
//     months, or the Count-th working day before start, without roll.
//
// Errors: [ErrNoData] if the computation touches a year not loaded, [ErrInvalidArgument] for Count < 1 or an
// unknown Unit.
func (p Period) Due(start Date) (Date, error) { return defaultCalendar.Due(p, start) }

// Stable identifiers of the catalogued periods.
const (
	PenaltyDecision              = "penalty.decision"
	PenaltyService               = "penalty.service"
	PenaltyHearingRequest        = "penalty.hearing_request"
	PenaltyHearingNotice         = "penalty.hearing_notice"
	PenaltyPayment               = "penalty.payment"
	PenaltyPublicationWithdrawal = "penalty.publication_withdrawal"
	PenaltyDisclosure            = "penalty.disclosure"
	MarketPenaltyDisclosure      = "market.penalty_disclosure"
	MarketPenaltyWithdrawal      = "market.penalty_withdrawal"
	EnforcementApplication       = "enforcement.application"
	EnforcementDemand            = "enforcement.demand"
	EnforcementAcceptance        = "enforcement.acceptance"
	EnforcementRuling            = "enforcement.ruling"
	EnforcementRulingHearing     = "enforcement.ruling_after_hearing"
	EnforcementRefusalService    = "enforcement.refusal_service"
	ReconsiderationApplication   = "reconsideration.application"
	ReconsiderationDecision      = "reconsideration.decision"
	LitigationFiling             = "litigation.filing"
	LitigationAfterReconsider    = "litigation.after_reconsideration"
	LitigationAgencyInaction     = "litigation.agency_inaction"
	SuggestionReply              = "suggestion.reply"
	PublicInterestReply          = "public_interest.reply"
	PublicInterestUrgentReply    = "public_interest.urgent_reply"
	ReverseLinkageReply          = "reverse_linkage.reply"
	SupervisionCaseNotice        = "guangdong.case_notice"
	SupervisionCaseProgress      = "guangdong.case_progress"
	HearingNotice                = "hearing.notice"
)

const (
	lawPenalty         = "《中华人民共和国行政处罚法》"
	lawCompulsion      = "《中华人民共和国行政强制法》"
	lawReconsideration = "《中华人民共和国行政复议法》"
	lawLitigation      = "《中华人民共和国行政诉讼法》"
	rulePublicInterest = "《最高人民法院 最高人民检察院关于检察公益诉讼案件适用法律若干问题的解释》"
	ruleGuangdong      = "《广东省人民检察院 广东省司法厅关于加强行政检察与行政执法监督衔接工作的意见（试行）》"
)

// catalogue is the source of Periods; bases follow docs DOMAIN.md §1, §3, §7 and §8.
var catalogue = []Period{
	{
		ID: PenaltyDecision, Name: "行政处罚决定期限", Count: 90, Unit: Day,
		From:      "行政处罚案件立案之日",
		Basis:     lawPenalty + "第六十条",
		Note:      "应当自行政处罚案件立案之日起九十日内作出行政处罚决定；法律、法规、规章另有规定的，从其规定。九十日不属第八十五条所列期限，按自然日计算，届满日遇休息日顺延。",
		Confirmed: true,
	},
	{
		ID: PenaltyService, Name: "行政处罚决定书送达", Count: 7, Unit: WorkingDay,
		From:      "行政处罚决定宣告之日（当事人不在场）",
		Basis:     lawPenalty + "第六十一条、第八十五条",
		Note:      "决定书应当在宣告后当场交付当事人；当事人不在场的，应当在七日内依照民事诉讼法的有关规定送达。第八十五条：七日指工作日，不含法定节假日。",
		Confirmed: true,
	},
	{
		ID: PenaltyHearingRequest, Name: "听证申请期限", Count: 5, Unit: WorkingDay,
		From:      "行政机关告知听证权利之日",
		Basis:     lawPenalty + "第六十四条、第八十五条",
		Note:      "当事人要求听证的，应当在行政机关告知后五日内提出（第六十四条第一项）；五日指工作日。",
		Confirmed: true,
	},
	{
		ID: PenaltyHearingNotice, Name: "听证通知期限", Count: 7, Unit: WorkingDay, Before: true,
		From:      "举行听证之日",
		Basis:     lawPenalty + "第六十四条、第八十五条",
		Note:      "行政机关应当在举行听证的七日前通知当事人及有关人员听证的时间、地点（第六十四条第二项）；七日指工作日。期限日为最迟通知日。",
		Confirmed: true,
	},
	{
		ID: PenaltyPayment, Name: "罚款缴纳期限", Count: 15, Unit: Day,
		From:      "收到行政处罚决定书之日",
		Basis:     lawPenalty + "第六十七条",
		Note:      "当事人应当自收到行政处罚决定书之日起十五日内缴纳罚款；逾期不缴纳的，依第七十二条每日按罚款数额的百分之三加处罚款。",
		Confirmed: true,
	},
	{
		ID: PenaltyPublicationWithdrawal, Name: "撤回已公开的行政处罚决定", Count: 3, Unit: WorkingDay,
		From:      "公开的行政处罚决定被依法变更、撤销、确认违法或者确认无效之日",
		Basis:     lawPenalty + "第四十八条、第八十五条",
		Note:      "公开的行政处罚决定被依法变更、撤销、确认违法或者确认无效的，应当在三日内撤回行政处罚决定信息并公开说明理由；三日指工作日。",
		Confirmed: true,
	},
	{
		ID: PenaltyDisclosure, Name: "行政处罚信息“双公示”上网公开", Count: 7, Unit: WorkingDay,
		From:      "作出行政处罚决定之日",
		Basis:     "国办发〔2015〕51号第十八条；《国家发展改革委办公厅关于进一步完善行政许可和行政处罚等信用信息公示工作的指导意见》（发改办财金〔2018〕424号）",
		Note:      "行政许可、行政处罚信息自作出行政决定之日起七个工作日内上网公开。",
		Confirmed: true,
	},
	{
		ID: MarketPenaltyDisclosure, Name: "市场监管行政处罚信息公示", Count: 20, Unit: WorkingDay,
		From:      "作出行政处罚决定之日",
		Basis:     "《市场监督管理行政处罚信息公示规定》（国家市场监督管理总局令第45号）第九条",
		Note:      "作出决定的市场监督管理部门与当事人登记地（住所地）在同一省级行政区的，应当自作出行政处罚决定之日起二十个工作日内通过国家企业信用信息公示系统公示；不在同一省级行政区的，适用第十条十个工作日推送、十个工作日公示的规定。仅适用于市场监管部门。",
		Confirmed: true,
	},
	{
		ID: MarketPenaltyWithdrawal, Name: "市场监管行政处罚公示信息撤回", Count: 3, Unit: WorkingDay,
		From:      "行政处罚决定被依法变更、撤销、确认违法或者确认无效之日",
		Basis:     "《市场监督管理行政处罚信息公示规定》（国家市场监督管理总局令第45号）第十一条",
		Note:      "行政处罚决定被依法变更、撤销、确认违法或者确认无效的，应当在三个工作日内撤回行政处罚公示信息并说明理由。仅适用于市场监管部门。",
		Confirmed: true,
	},
	{
		ID: EnforcementApplication, Name: "申请人民法院强制执行（非诉执行）", Count: 3, Unit: Month,
		From:      "当事人法定申请行政复议或者提起行政诉讼的期限届满之日",
		Basis:     lawCompulsion + "第五十三条；最高人民法院关于适用《中华人民共和国行政诉讼法》的解释第一百五十六条",
		Note:      "当事人在法定期限内不申请行政复议或者提起行政诉讼，又不履行的，没有强制执行权的行政机关可以自期限届满之日起三个月内申请人民法院强制执行。起算点（复议六十日与诉讼六个月如何取舍）实务做法不一，单一权威公式待核实：由调用方决定起算日。",
		Confirmed: true,
	},
	{
		ID: EnforcementDemand, Name: "催告后申请强制执行等待期", Count: 10, Unit: WorkingDay,
		From:      "催告书送达之日",
		Basis:     lawCompulsion + "第五十四条、第六十九条",
		Note:      "催告书送达十日后当事人仍未履行义务的，行政机关方可申请人民法院强制执行；第六十九条：十日以内期限指工作日。期限日为等待期末日，次日起方可申请。",
		Confirmed: true,
	},
	{
		ID: EnforcementAcceptance, Name: "人民法院受理强制执行申请", Count: 5, Unit: WorkingDay,
		From:      "人民法院接到行政机关强制执行申请之日",
		Basis:     lawCompulsion + "第五十六条、第六十九条",
		Note:      "人民法院接到行政机关强制执行的申请，应当在五日内受理；五日指工作日。",
		Confirmed: true,
	},
	{
		ID: EnforcementRuling, Name: "人民法院作出执行裁定（书面审查）", Count: 7, Unit: WorkingDay,
		From:      "人民法院受理强制执行申请之日",
		Basis:     lawCompulsion + "第五十七条、第六十九条",
		Note:      "人民法院对行政机关强制执行的申请进行书面审查，应当自受理之日起七日内作出执行裁定；七日指工作日。",
		Confirmed: true,
	},
	{
		ID: EnforcementRulingHearing, Name: "人民法院作出是否执行的裁定（听取意见）", Count: 30, Unit: Day,
		From:      "人民法院受理强制执行申请之日",
		Basis:     lawCompulsion + "第五十八条",
		Note:      "人民法院发现明显缺乏事实根据等情形、在作出裁定前听取被执行人和行政机关意见的，应当自受理之日起三十日内作出是否执行的裁定。三十日超过十日，按自然日计算。",
		Confirmed: true,
	},
	{
		ID: EnforcementRefusalService, Name: "不予执行裁定送达行政机关", Count: 5, Unit: WorkingDay,
		From:      "人民法院作出不予执行裁定之日",
		Basis:     lawCompulsion + "第五十八条、第六十九条",
		Note:      "裁定不予执行的，应当说明理由，并在五日内将不予执行的裁定送达行政机关；五日指工作日。",
		Confirmed: true,
	},
	{
		ID: ReconsiderationApplication, Name: "申请行政复议期限", Count: 60, Unit: Day,
		From:      "知道或者应当知道该行政行为之日",
		Basis:     lawReconsideration + "第二十条",
		Note:      "自知道或者应当知道该行政行为之日起六十日内提出行政复议申请；法律规定的申请期限超过六十日的除外。未告知申请权利的，自知道或者应当知道申请权利之日起计算，但最长不超过一年。",
		Confirmed: true,
	},
	{
		ID: ReconsiderationDecision, Name: "作出行政复议决定期限", Count: 60, Unit: Day,
		From:      "行政复议机关受理申请之日",
		Basis:     lawReconsideration + "第六十二条",
		Note:      "适用普通程序的，应当自受理申请之日起六十日内作出行政复议决定；情况复杂的可以延长，最多不超过三十日；简易程序为三十日。",
		Confirmed: true,
	},
	{
		ID: LitigationFiling, Name: "提起行政诉讼期限", Count: 6, Unit: Month,
		From:      "知道或者应当知道作出行政行为之日",
		Basis:     lawLitigation + "第四十六条",
		Note:      "应当自知道或者应当知道作出行政行为之日起六个月内提出；法律另有规定的除外。因不动产提起诉讼的案件自行政行为作出之日起超过二十年、其他案件超过五年的，人民法院不予受理。",
		Confirmed: true,
	},
	{
		ID: LitigationAfterReconsider, Name: "复议后提起行政诉讼期限", Count: 15, Unit: Day,
		From:      "收到行政复议决定书之日（复议机关逾期不作决定的，复议期满之日）",
		Basis:     lawLitigation + "第四十五条",
		Note:      "不服复议决定的，可以在收到复议决定书之日起十五日内向人民法院提起诉讼；法律另有规定的除外。",
		Confirmed: true,
	},
	{
		ID: LitigationAgencyInaction, Name: "行政机关不履行法定职责起诉等待期", Count: 2, Unit: Month,
		From:      "行政机关接到履行法定职责申请之日",
		Basis:     lawLitigation + "第四十七条",
		Note:      "行政机关在接到申请之日起两个月内不履行的，公民、法人或者其他组织可以依法提起诉讼；法律、法规另有规定的，从其规定。",
		Confirmed: true,
	},
	{
		ID: SuggestionReply, Name: "检察建议书面回复期限", Count: 2, Unit: Month,
		From:      "被建议单位收到检察建议书之日",
		Basis:     "《人民检察院检察建议工作规定》（条文序号待核实）",
		Note:      "人民检察院提出检察建议，除另有规定外，应当要求被建议单位自收到检察建议书之日起两个月以内作出相应处理，并书面回复；情况紧急的，可以根据实际情况确定相应的回复期限。内容已确认，条文序号未能核实。",
		Confirmed: false,
	},
	{
		ID: PublicInterestReply, Name: "行政公益诉讼诉前检察建议回复期限", Count: 2, Unit: Month,
		From:      "行政机关收到检察建议书之日",
		Basis:     rulePublicInterest + "第二十一条",
		Note:      "行政机关应当在收到检察建议书之日起两个月内依法履行职责，并书面回复人民检察院。该解释2020年修正后条文序号是否不变待核实。",
		Confirmed: false,
	},
	{
		ID: PublicInterestUrgentReply, Name: "行政公益诉讼诉前检察建议紧急回复期限", Count: 15, Unit: Day,
		From:      "行政机关收到检察建议书之日",
		Basis:     rulePublicInterest + "第二十一条",
		Note:      "出现国家利益或者社会公共利益损害继续扩大等紧急情形的，行政机关应当在十五日内书面回复。该解释2020年修正后条文序号是否不变待核实。",
		Confirmed: false,
	},
	{
		ID: ReverseLinkageReply, Name: "行刑反向衔接检察意见回复期限", Count: 2, Unit: Month,
		From:      "有关主管机关收到检察意见书之日",
		Basis:     "《中华人民共和国刑事诉讼法》第一百七十七条第三款；最高人民检察院《关于推进行政执法与刑事司法衔接工作的规定》（2021年）",
		Note:      "被不起诉人需要给予行政处罚、处分或者需要没收其违法所得的，人民检察院应当提出检察意见，移送有关主管机关处理；有关主管机关应当自收到检察意见之日起两个月内书面回复。两个月出自二手来源，规定原文待核实。",
		Confirmed: false,
	},
	{
		ID: SupervisionCaseNotice, Name: "受理行政诉讼监督案件告知行政机关", Count: 7, Unit: WorkingDay,
		From:      "人民检察院受理行政诉讼监督案件之日",
		Basis:     ruleGuangdong + "第五条",
		Note:      "人民检察院受理行政诉讼监督案件后七个工作日内告知行政机关，并抄送同级司法行政部门。广东省地方规定，非全国性规定。",
		Confirmed: true,
	},
	{
		ID: SupervisionCaseProgress, Name: "行政诉讼监督案件进展或结果通报", Count: 3, Unit: Month,
		From:      "人民检察院受理行政诉讼监督案件之日",
		Basis:     ruleGuangdong + "第五条",
		Note:      "三个月内将案件办理进展或者结果告知行政机关，并抄送同级司法行政部门。广东省地方规定，非全国性规定。",
		Confirmed: true,
	},
	{
		ID: HearingNotice, Name: "检察听证通知期限", Count: 3, Unit: Day, Before: true,
		From:      "举行听证会之日",
		Basis:     "《人民检察院审查案件听证工作规定》第十条",
		Note:      "人民检察院应当在听证三日前告知听证会参加人案由、听证时间和地点；公开听证的应当发布公告。该规定无工作日条款，按自然日计算；期限日为最迟通知日。",
		Confirmed: true,
	},
}

var catalogueIndex = func() map[string]int {
	m := make(map[string]int, len(catalogue))
	for i, p := range catalogue {
		m[p.ID] = i
	}
	return m
}()

// Periods returns the catalogue of periods the platform tracks, in a stable order. The slice is a copy:
// changing it does not change the catalogue.
func Periods() []Period { return slices.Clone(catalogue) }

// LookupPeriod returns the catalogued period with the given ID.
func LookupPeriod(id string) (Period, bool) {
	i, ok := catalogueIndex[id]
	if !ok {
		return Period{}, false
	}
	return catalogue[i], true
}
