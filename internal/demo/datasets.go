package demo

// Demo reference datasets: the criminal cases, deaths, driving licences,
// benefit payments, custody and correction rosters, market entities,
// marriage registrations, court filings and petitions that the dataset
// supervision models read, as the demo district's agencies would export
// them. The tables are generated deterministically from a seed relative to
// the demo's "today", tell one consistent story (the same person keeps one
// name and ID number in every table), and carry a small number of planted
// irregularities per model, listed in DatasetSummary.Planted, together with
// near misses (DatasetSummary.NearMiss) that look alike but are lawful.
// Every other row is clean for every model.

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/xingjian/xingjian/internal/audit"
	"github.com/xingjian/xingjian/internal/calendar"
	"github.com/xingjian/xingjian/internal/ident"
	"github.com/xingjian/xingjian/internal/store"
	"github.com/xingjian/xingjian/internal/tabular"
)

// DatasetTable is one kind's demo rows as an agency would export them:
// Header holds the kind's column labels (internal/dataset/kinds/*.yaml).
type DatasetTable struct {
	Kind   string // dataset kind name, e.g. "deaths"
	Agency string // demo org code of the supplier
	Header []string
	Rows   [][]string // cells as text: dates 2006-01-02, money in 元 with two decimals, bool 是/否
}

// DatasetSummary is what GenerateDatasets generated.
type DatasetSummary struct {
	Tables []DatasetTable
	// Planted maps a model ID (the Model* constants) to the sorted subject
	// keys the model must raise on the demo data: the subject columns' values
	// joined with "|" (e.g. "440703199003071234" or "440703199003071234|2024-03-01").
	Planted map[string][]string
	// NearMiss maps a model ID to sorted subject keys that look similar but
	// must NOT be raised.
	NearMiss map[string][]string
}

// Model IDs of the dataset supervision models the demo plants irregularities
// for (DOMAIN.md §6, numbered as there), with their subject columns.
const (
	ModelDrunkDrivingLicence    = "m01_drunk_driving_licence"          // person_id_no
	ModelDetoxLicence           = "m02_detox_licence"                  // person_id_no
	ModelDeadLicence            = "m03_dead_licence"                   // person_id_no
	ModelPensionAfterDeath      = "m05_pension_after_death"            // person_id_no
	ModelPensionInCustody       = "m06_pension_in_custody"             // person_id_no|start_date (custody)
	ModelCorrectionPensionRaise = "m07_correction_pension_raise"       // person_id_no|start_date (correction)
	ModelElderlyAllowanceAfter  = "m08_elderly_allowance_after_death"  // person_id_no
	ModelDisabilitySubsidyAfter = "m09_disability_subsidy_after_death" // person_id_no
	ModelDibaoInPrison          = "m10_dibao_in_prison"                // person_id_no|start_date (custody)
	ModelDisqualifiedLegalRep   = "m11_disqualified_legal_rep"         // entity_uscc
	ModelMarriageUnderage       = "m12_marriage_underage"              // registration_no
	ModelMarriageBigamy         = "m12_marriage_bigamy"                // registration_no
	ModelMarriageDeadParty      = "m12_marriage_dead_party"            // registration_no
	ModelCourtFilingLate        = "m14_court_filing_late"              // application_no
	ModelReverseLinkage         = "m16_reverse_linkage"                // decision_no|person_id_no
)

const (
	datasetsKey                         = "demo_datasets" // settings key marking the datasets as seeded
	pensionPayDay                       = 8               // 养老金 is paid on the 8th of each month
	adjustPayMonth, adjustPayDay        = time.August, 25 // the annual 养老金调整 is paid out on 25 August
	dibaoPayDay                         = 15
	elderlyPayDay                       = 20
	disabilityPayDay                    = 25
	monthsBeforeReplyIsOverdue          = 2 // 检察意见: the authority replies within two months (DOMAIN.md §1.7)
	courtFilingWorkingDays              = 5 // 行政强制法 第五十六条: accept within 5 (working) days
	legalRepBarYears                    = 5 // 公司法 第一百七十八条
	legalRepBarYearsProbation           = 2
	pensionBirthFirst, pensionBirthLast = 1938, 1966
)

// DatasetModels lists the model IDs in a stable order.
var DatasetModels = []string{ModelDrunkDrivingLicence, ModelDetoxLicence, ModelDeadLicence, ModelPensionAfterDeath,
	ModelPensionInCustody, ModelCorrectionPensionRaise, ModelElderlyAllowanceAfter, ModelDisabilitySubsidyAfter,
	ModelDibaoInPrison, ModelDisqualifiedLegalRep, ModelMarriageUnderage, ModelMarriageBigamy, ModelMarriageDeadParty,
	ModelCourtFilingLate, ModelReverseLinkage}

// LegalRepBarCharges are the charges of 公司法 第一百七十八条 the m11 model
// checks (贪污、贿赂、侵占财产、挪用财产 and crimes against the
// socialist market economy order).
var LegalRepBarCharges = []string{"贪污罪", "受贿罪", "职务侵占罪", "挪用资金罪", "非法吸收公众存款罪", "合同诈骗罪", "集资诈骗罪", "虚开增值税专用发票罪"}

// dsCol is one column of a dataset kind: its name and its label (the
// header of the export). They mirror internal/dataset/kinds/*.yaml (a test
// compares them) rather than importing the dataset package, which imports
// nothing of the demo but is wired to it by the caller.
type dsCol struct{ name, label string }

var dsKinds = map[string][]dsCol{
	"criminal_cases": {{"case_no", "案号"}, {"stage", "文书类型"}, {"person_name", "被告人姓名"}, {"person_id_no", "被告人身份证号"},
		{"charge", "罪名"}, {"main_penalty", "主刑"}, {"term_months", "刑期（月）"}, {"probation", "是否缓刑"}, {"court", "审判或起诉机关"},
		{"doc_date", "文书日期"}, {"effective_date", "生效日期"}},
	"non_prosecutions": {{"decision_no", "不起诉决定书文号"}, {"person_name", "被不起诉人姓名"}, {"person_id_no", "被不起诉人身份证号"},
		{"charge", "涉嫌罪名"}, {"decision_kind", "不起诉类型"}, {"decision_date", "不起诉决定日期"}, {"opinion_no", "检察意见书文号"},
		{"opinion_date", "检察意见送达日期"}, {"opinion_to", "检察意见接收机关"}, {"opinion_to_code", "接收机关代码"},
		{"reply_date", "主管机关回复日期"}, {"reply_result", "处理结果"}},
	"police_cases": {{"receipt_no", "回执编号"}, {"transfer_agency", "移送机关"}, {"transfer_agency_code", "移送机关代码"},
		{"transfer_doc_no", "移送案件文号"}, {"party_name", "涉案当事人"}, {"party_id_no", "当事人身份证号"}, {"party_uscc", "当事人统一社会信用代码"},
		{"charge", "涉嫌罪名"}, {"received_date", "接收日期"}, {"decision", "审查结果"}, {"decision_date", "审查决定日期"}},
	"deaths": {{"person_id_no", "身份证号"}, {"person_name", "姓名"}, {"death_date", "死亡日期"}, {"source", "信息来源"}},
	"driving_licences": {{"person_id_no", "身份证号"}, {"person_name", "姓名"}, {"licence_no", "驾驶证号"}, {"classes", "准驾车型"},
		{"status", "驾驶证状态"}, {"status_date", "状态日期"}, {"issue_date", "初次领证日期"}, {"valid_until", "有效期至"}},
	"detox_measures": {{"person_id_no", "身份证号"}, {"person_name", "姓名"}, {"measure", "戒毒措施"}, {"start_date", "开始日期"},
		{"end_date", "结束日期"}, {"decision_org", "决定机关"}},
	"community_corrections": {{"person_id_no", "身份证号"}, {"person_name", "姓名"}, {"correction_kind", "矫正类别"}, {"charge", "罪名"},
		{"start_date", "矫正开始日期"}, {"end_date", "矫正结束日期"}},
	"custody_records": {{"person_id_no", "身份证号"}, {"person_name", "姓名"}, {"custody_kind", "羁押或服刑类别"}, {"facility", "监管场所"},
		{"start_date", "入所日期"}, {"end_date", "出所日期"}},
	"benefit_payments": {{"benefit", "发放项目"}, {"person_id_no", "身份证号"}, {"person_name", "姓名"}, {"pay_date", "发放日期"},
		{"amount_fen", "发放金额（元）"}, {"payer", "发放机构"}},
	"market_entities": {{"entity_uscc", "统一社会信用代码"}, {"entity_name", "市场主体名称"}, {"entity_kind", "主体类型"},
		{"legal_rep_name", "法定代表人"}, {"legal_rep_id_no", "法定代表人身份证号"}, {"rep_since", "任职日期"}, {"status", "登记状态"}},
	"marriage_registrations": {{"registration_no", "登记证字号"}, {"reg_kind", "登记类别"}, {"reg_date", "登记日期"}, {"man_name", "男方姓名"},
		{"man_id_no", "男方身份证号"}, {"woman_name", "女方姓名"}, {"woman_id_no", "女方身份证号"}, {"registry", "登记机关"}},
	"court_enforcement": {{"application_no", "收案编号"}, {"case_no", "立案案号"}, {"applicant", "申请机关"}, {"applicant_code", "申请机关代码"},
		{"penalty_doc_no", "行政决定文号"}, {"party_name", "被执行人"}, {"party_id_no", "被执行人身份证号"}, {"party_uscc", "被执行人统一社会信用代码"},
		{"received_date", "收到申请日期"}, {"filed_date", "立案日期"}, {"ruling", "裁定结果"}, {"ruling_date", "裁定日期"}},
	"petitions": {{"petition_no", "信访件编号"}, {"petitioner_name", "信访人"}, {"petitioner_id_no", "信访人身份证号"}, {"received_date", "登记日期"},
		{"target_agency", "被反映单位"}, {"subject", "信访事项"}, {"status", "办理状态"}, {"closed_date", "办结日期"}},
}

// tableOrder is the order of DatasetSummary.Tables: kind and supplier.
var tableOrder = [][2]string{
	{"criminal_cases", "QLJCY"}, {"criminal_cases", "QLFY"}, {"non_prosecutions", "QLJCY"}, {"police_cases", "GAQL"},
	{"deaths", "GAQL"}, {"driving_licences", "GAQL"}, {"detox_measures", "GAQL"}, {"community_corrections", "QLSFJ"},
	{"custody_records", "GAQL"}, {"benefit_payments", "RSJ"}, {"benefit_payments", "MZJ"}, {"market_entities", "SCJG"},
	{"marriage_registrations", "MZJ"}, {"court_enforcement", "QLFY"}, {"petitions", "QLXFJ"},
}

// ---------------------------------------------------------------------------
// Generator state.

type tableBuf struct {
	t   *DatasetTable
	idx map[string]int
}

// add appends a row given as name, value pairs; columns not named stay empty.
func (b *tableBuf) add(kv ...string) {
	row := make([]string, len(b.t.Header))
	for i := 0; i+1 < len(kv); i += 2 {
		j, ok := b.idx[kv[i]]
		if !ok {
			panic("demo: dataset " + b.t.Kind + " has no column " + kv[i])
		}
		row[j] = kv[i+1]
	}
	b.t.Rows = append(b.t.Rows, row)
}

type dsGen struct {
	r        *rand.Rand
	today    calendar.Date
	from     calendar.Date // first day of the three-year window
	work     workdays
	ids      map[string]struct{}
	tabs     map[[2]string]*tableBuf
	planted  map[string][]string
	near     map[string][]string
	seqs     map[string]int
	adjDates []calendar.Date // 养老金调整 pay dates in the window
}

// citizen is one person of the demo district.
type citizen struct {
	name, id string
	birth    calendar.Date
	male     bool
}

// GenerateDatasets produces the demo reference datasets of seed relative to
// today (normally RecordsToday): about 85,000 rows in all, every date in the
// three years up to today (birth, licence and registration dates excepted),
// deterministic for (seed, today). It panics if today is not a valid date.
func GenerateDatasets(seed int64, today tabular.Date) DatasetSummary {
	g := newDSGen(seed, today)
	g.generate()
	sum := DatasetSummary{Planted: map[string][]string{}, NearMiss: map[string][]string{}}
	for _, k := range tableOrder {
		sum.Tables = append(sum.Tables, *g.tabs[k].t)
	}
	for _, m := range DatasetModels {
		p := append([]string(nil), g.planted[m]...)
		n := append([]string(nil), g.near[m]...)
		sort.Strings(p)
		sort.Strings(n)
		sum.Planted[m] = p
		sum.NearMiss[m] = n
	}
	return sum
}

func newDSGen(seed int64, today tabular.Date) *dsGen {
	t := cal(today)
	g := &dsGen{
		r:       rand.New(rand.NewPCG(uint64(seed), 0xda7a5e75)),
		today:   t,
		from:    t.AddMonths(-36).AddDays(1),
		ids:     map[string]struct{}{},
		tabs:    map[[2]string]*tableBuf{},
		planted: map[string][]string{},
		near:    map[string][]string{},
		seqs:    map[string]int{},
	}
	g.work = newWorkdays(g.from.AddMonths(-2), t.AddMonths(2))
	for _, k := range tableOrder {
		cols := dsKinds[k[0]]
		b := &tableBuf{t: &DatasetTable{Kind: k[0], Agency: k[1]}, idx: map[string]int{}}
		for i, c := range cols {
			b.t.Header = append(b.t.Header, c.label)
			b.idx[c.name] = i
		}
		g.tabs[k] = b
	}
	for y := g.from.Year(); y <= t.Year(); y++ {
		d := day(y, adjustPayMonth, adjustPayDay)
		if !d.Before(g.from) && !d.After(t) {
			g.adjDates = append(g.adjDates, d)
		}
	}
	return g
}

func (g *dsGen) tab(kind, agency string) *tableBuf { return g.tabs[[2]string{kind, agency}] }

func (g *dsGen) plant(model string, key ...string) {
	g.planted[model] = append(g.planted[model], strings.Join(key, "|"))
}

func (g *dsGen) nearMiss(model string, key ...string) {
	g.near[model] = append(g.near[model], strings.Join(key, "|"))
}

func (g *dsGen) intn(lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + g.r.IntN(hi-lo+1)
}

func (g *dsGen) pct(p int) bool { return g.r.IntN(100) < p }

// dateIn is a uniform date in [lo, hi] (lo when hi is before it).
func (g *dsGen) dateIn(lo, hi calendar.Date) calendar.Date {
	if !hi.After(lo) {
		return lo
	}
	return lo.AddDays(g.r.IntN(hi.Sub(lo) + 1))
}

func (g *dsGen) next(key string) int {
	g.seqs[key]++
	return g.seqs[key]
}

// ds formats a date cell; the zero date is an empty cell.
func ds(d calendar.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// yuanText formats fen as 元 with two decimals.
func yuanText(fen int64) string { return fmt.Sprintf("%d.%02d", fen/100, fen%100) }

func yesNoText(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

func minD(a, b calendar.Date) calendar.Date {
	if a.Before(b) {
		return a
	}
	return b
}

func maxD(a, b calendar.Date) calendar.Date {
	if a.After(b) {
		return a
	}
	return b
}

// person is a new citizen born in [lo, hi] (years), with an ID number no
// other demo dataset row uses for someone else: mostly registered in the
// district (440703), some elsewhere.
func (g *dsGen) person(male bool, lo, hi int) citizen {
	return g.personBorn(male, g.dateIn(day(lo, time.January, 1), day(hi, time.December, 31)))
}

func (g *dsGen) anyPerson(lo, hi int) citizen { return g.person(g.r.IntN(2) == 0, lo, hi) }

// personBorn is a new citizen born on birth.
func (g *dsGen) personBorn(male bool, birth calendar.Date) citizen {
	for {
		region := region
		if g.r.IntN(5) == 0 {
			region = regions[g.r.IntN(len(regions))]
		}
		seq := g.r.IntN(500) * 2
		if male {
			seq++
		}
		y, m, d := birth.Date()
		first17 := fmt.Sprintf("%s%04d%02d%02d%03d", region, y, int(m), d, seq)
		c, err := ident.ResidentIDCheckChar(first17)
		if err != nil {
			panic(err)
		}
		id := first17 + string(c)
		if _, dup := g.ids[id]; dup {
			continue
		}
		g.ids[id] = struct{}{}
		names := femaleNames
		if male {
			names = maleNames
		}
		name := surnames[g.r.IntN(len(surnames))] + names[g.r.IntN(len(names))]
		if g.r.IntN(10) < 7 {
			name += names[g.r.IntN(len(names))]
		}
		return citizen{name: name, id: id, birth: birth, male: male}
	}
}

// ---------------------------------------------------------------------------
// The story, table by table. The order of the calls fixes the random stream.

func (g *dsGen) generate() {
	g.criminals()
	g.nonProsecutions()
	g.policeCases()
	g.detox()
	g.benefits()
	g.deathsAndLicences()
	g.marketEntities()
	g.marriages()
	g.courtEnforcement()
	g.petitions()
}

// Criminal cases: defendants indicted by the procuratorate and sentenced by
// the court, with their custody, community correction and licence records.

type chargeSpec struct {
	name          string
	weight        int
	penalty       string // main penalty when not 拘役 by lowTermPct
	tlo, thi      int    // term in months
	probation     int    // % on probation
	arrest        int    // % held in 逮捕羁押 before trial
	licence       int    // % who hold a driving licence (危险驾驶罪: all)
	admin         string // agency code to which a non-prosecution 检察意见 goes
	adminRes      []string
	nonProsecuted int // weight among non-prosecutions
}

var charges = []chargeSpec{
	{name: "危险驾驶罪", weight: 30, penalty: "拘役", tlo: 1, thi: 6, probation: 45, licence: 100, admin: "GAQL", nonProsecuted: 30,
		adminRes: []string{"已依法吊销其机动车驾驶证，五年内不得重新取得", "已吊销其机动车驾驶证并处罚款二千元"}},
	{name: "盗窃罪", weight: 14, penalty: "有期徒刑", tlo: 6, thi: 48, probation: 25, arrest: 50, licence: 25, admin: "GAQL", nonProsecuted: 12,
		adminRes: []string{"已给予行政拘留十日", "已给予行政拘留五日并处罚款五百元"}},
	{name: "诈骗罪", weight: 10, penalty: "有期徒刑", tlo: 6, thi: 120, probation: 20, arrest: 70, licence: 30, admin: "GAQL", nonProsecuted: 5,
		adminRes: []string{"已给予行政拘留十日并处罚款一千元"}},
	{name: "帮助信息网络犯罪活动罪", weight: 10, penalty: "有期徒刑", tlo: 6, thi: 24, probation: 40, arrest: 40, licence: 30, admin: "GAQL", nonProsecuted: 12,
		adminRes: []string{"已给予行政拘留五日", "已没收违法所得并给予警告"}},
	{name: "故意伤害罪", weight: 6, penalty: "有期徒刑", tlo: 6, thi: 60, probation: 30, arrest: 60, licence: 30, admin: "GAQL", nonProsecuted: 8,
		adminRes: []string{"已给予行政拘留十日并处罚款五百元"}},
	{name: "开设赌场罪", weight: 4, penalty: "有期徒刑", tlo: 6, thi: 60, probation: 30, arrest: 60, licence: 30},
	{name: "贩卖毒品罪", weight: 4, penalty: "有期徒刑", tlo: 8, thi: 180, arrest: 90, licence: 10},
	{name: "寻衅滋事罪", weight: 4, penalty: "有期徒刑", tlo: 6, thi: 36, probation: 30, arrest: 60, licence: 30, admin: "GAQL", nonProsecuted: 6,
		adminRes: []string{"已给予行政拘留十日"}},
	{name: "交通肇事罪", weight: 4, penalty: "有期徒刑", tlo: 6, thi: 36, probation: 60, arrest: 10, licence: 0},
	{name: "掩饰、隐瞒犯罪所得罪", weight: 4, penalty: "有期徒刑", tlo: 6, thi: 36, probation: 40, arrest: 40, licence: 30},
	{name: "非法持有毒品罪", weight: 2, penalty: "有期徒刑", tlo: 6, thi: 24, arrest: 80, licence: 10},
	{name: "容留他人吸毒罪", weight: 2, penalty: "有期徒刑", tlo: 6, thi: 24, probation: 20, arrest: 70, licence: 10},
	{name: "职务侵占罪", weight: 2, penalty: "有期徒刑", tlo: 6, thi: 60, probation: 40, arrest: 40, licence: 40},
	{name: "合同诈骗罪", weight: 1, penalty: "有期徒刑", tlo: 12, thi: 96, probation: 20, arrest: 70, licence: 40},
	{name: "非法吸收公众存款罪", weight: 1, penalty: "有期徒刑", tlo: 12, thi: 84, probation: 30, arrest: 60, licence: 40},
	{name: "虚开增值税专用发票罪", weight: 1, penalty: "有期徒刑", tlo: 6, thi: 60, probation: 40, arrest: 40, licence: 40},
	{name: "贪污罪", penalty: "有期徒刑", tlo: 12, thi: 60, probation: 30, arrest: 60, licence: 40},
	{name: "受贿罪", penalty: "有期徒刑", tlo: 12, thi: 60, probation: 30, arrest: 60, licence: 40},
	{name: "集资诈骗罪", penalty: "有期徒刑", tlo: 36, thi: 120, arrest: 90, licence: 40},
	{name: "挪用资金罪", weight: 1, penalty: "有期徒刑", tlo: 6, thi: 36, probation: 50, arrest: 30, licence: 40},
	{name: "销售伪劣产品罪", weight: 2, penalty: "有期徒刑", tlo: 6, thi: 36, probation: 50, arrest: 30, licence: 40, admin: "SCJG", nonProsecuted: 6,
		adminRes: []string{"已作出没收违法所得并处罚款三万元的行政处罚", "已作出罚款五万元的行政处罚"}},
	{name: "污染环境罪", weight: 1, penalty: "有期徒刑", tlo: 6, thi: 36, probation: 50, arrest: 30, licence: 40, admin: "STHJ", nonProsecuted: 5,
		adminRes: []string{"已作出罚款二十万元的行政处罚", "已责令停产整治并处罚款十万元"}},
	{name: "非法占用农用地罪", weight: 1, penalty: "有期徒刑", tlo: 6, thi: 36, probation: 60, arrest: 20, licence: 40, admin: "ZRZY", nonProsecuted: 5,
		adminRes: []string{"已责令退还土地、恢复原状并处罚款"}},
	{name: "滥伐林木罪", weight: 1, penalty: "有期徒刑", tlo: 6, thi: 36, probation: 70, arrest: 10, licence: 30, admin: "LYJ", nonProsecuted: 4,
		adminRes: []string{"已责令补种滥伐株数五倍的树木并处罚款"}},
	{name: "非法捕捞水产品罪", weight: 1, penalty: "有期徒刑", tlo: 6, thi: 12, probation: 70, arrest: 10, licence: 20, admin: "NYNC", nonProsecuted: 5,
		adminRes: []string{"已没收渔获物和渔具并处罚款五千元"}},
	{name: "非法行医罪", weight: 1, penalty: "有期徒刑", tlo: 6, thi: 36, probation: 50, arrest: 20, licence: 30, admin: "WSJK", nonProsecuted: 3,
		adminRes: []string{"已没收违法所得和药品器械并处罚款"}},
}

func chargeByName(name string) *chargeSpec {
	for i := range charges {
		if charges[i].name == name {
			return &charges[i]
		}
	}
	panic("demo: unknown charge " + name)
}

func (g *dsGen) pickCharge(weight func(c *chargeSpec) int) *chargeSpec {
	total := 0
	for i := range charges {
		total += weight(&charges[i])
	}
	x := g.r.IntN(total)
	for i := range charges {
		if x -= weight(&charges[i]); x < 0 {
			return &charges[i]
		}
	}
	return &charges[len(charges)-1]
}

func isBarCharge(name string) bool {
	for _, c := range LegalRepBarCharges {
		if c == name {
			return true
		}
	}
	return false
}

// conviction is one defendant's criminal case.
type conviction struct {
	p          citizen
	charge     *chargeSpec
	indicted   calendar.Date
	judged     calendar.Date // zero: not yet judged
	effective  calendar.Date // zero: not yet effective
	penalty    string
	term       int
	probation  bool
	probMonths int // probation period (缓刑考验期)
}

const (
	procuratorateName = "江州市青岚区人民检察院"
	courtName         = "江州市青岚区人民法院"
	detentionCentre   = "江州市青岚区看守所"
	prison            = "广东省江州监狱"
)

// caseRows writes the indictment and, if judged, the judgment.
func (g *dsGen) caseRows(c *conviction) {
	y := c.indicted.Year()
	g.tab("criminal_cases", "QLJCY").add("case_no", fmt.Sprintf("青检刑诉〔%d〕%d号", y, g.next(fmt.Sprint("qs", y))), "stage", "起诉",
		"person_name", c.p.name, "person_id_no", c.p.id, "charge", c.charge.name, "court", procuratorateName, "doc_date", ds(c.indicted))
	if c.judged.IsZero() {
		return
	}
	y = c.judged.Year()
	g.tab("criminal_cases", "QLFY").add("case_no", fmt.Sprintf("（%d）粤0703刑初%d号", y, g.next(fmt.Sprint("xc", y))), "stage", "判决",
		"person_name", c.p.name, "person_id_no", c.p.id, "charge", c.charge.name, "main_penalty", c.penalty, "term_months", fmt.Sprint(c.term),
		"probation", yesNoText(c.probation), "court", courtName, "doc_date", ds(c.judged), "effective_date", ds(c.effective))
}

// newConviction draws dates and the sentence for a defendant indicted in
// [lo, hi]; the judgment follows 20–100 days later and takes effect 11–20
// days after it, when those dates are not after today.
func (g *dsGen) newConviction(p citizen, ch *chargeSpec, lo, hi calendar.Date) *conviction {
	c := &conviction{p: p, charge: ch, indicted: g.dateIn(lo, hi)}
	if j := c.indicted.AddDays(g.intn(20, 100)); !j.After(g.today) {
		c.judged = j
		if e := j.AddDays(g.intn(11, 20)); !e.After(g.today) {
			c.effective = e
		}
	}
	c.penalty = ch.penalty
	c.term = g.intn(ch.tlo, ch.thi)
	if ch.penalty == "有期徒刑" && g.pct(8) {
		c.penalty, c.term = "拘役", g.intn(2, 6)
	}
	if c.term > 36 {
		c.term = c.term / 6 * 6
	}
	c.probation = c.term <= 36 && g.pct(ch.probation)
	c.probMonths = max(c.term+g.intn(2, 12), 2)
	if c.penalty == "有期徒刑" && c.probation {
		c.probMonths = max(c.probMonths, 12)
	}
	return c
}

func (g *dsGen) custodyRow(p citizen, kind, facility string, start, end calendar.Date) {
	g.tab("custody_records", "GAQL").add("person_id_no", p.id, "person_name", p.name, "custody_kind", kind, "facility", facility,
		"start_date", ds(start), "end_date", ds(end))
}

func (g *dsGen) correctionRow(p citizen, kind, charge string, start, end calendar.Date) {
	g.tab("community_corrections", "QLSFJ").add("person_id_no", p.id, "person_name", p.name, "correction_kind", kind, "charge", charge,
		"start_date", ds(start), "end_date", ds(end))
}

// past returns d if it is not after today, the zero date otherwise (an end
// not reached yet is left empty).
func (g *dsGen) past(d calendar.Date) calendar.Date {
	if d.After(g.today) {
		return calendar.Date{}
	}
	return d
}

func (g *dsGen) licenceRow(p citizen, status string, statusDate calendar.Date) {
	issue := p.birth.AddMonths(12 * g.intn(18, 35)).AddDays(g.intn(0, 300))
	if issue.After(g.today.AddDays(-60)) {
		issue = g.today.AddDays(-g.intn(60, 400))
	}
	valid := issue.AddMonths(72)
	for valid.Before(g.today) {
		valid = valid.AddMonths(120)
	}
	classes := "C1"
	switch x := g.r.IntN(100); {
	case x < 10:
		classes = "C2"
	case x < 15:
		classes = "C1E"
	case x < 19:
		classes = "B2"
	case x < 21:
		classes = "A2"
	case x < 22:
		classes = "A1"
	case x < 26:
		classes = "D"
	case x < 30:
		classes = "E"
	}
	if status == "正常" && statusDate.IsZero() && issue.AddMonths(72).Before(g.today) {
		// The last renewal, as the licence system records it.
		statusDate = issue.AddMonths(72)
		for statusDate.AddMonths(120).Before(g.today) {
			statusDate = statusDate.AddMonths(120)
		}
	}
	g.tab("driving_licences", "GAQL").add("person_id_no", p.id, "person_name", p.name, "licence_no", p.id, "classes", classes,
		"status", status, "status_date", ds(statusDate), "issue_date", ds(issue), "valid_until", ds(valid))
}

func (g *dsGen) criminals() {
	end := g.today.AddDays(-10)
	for range 1450 {
		ch := g.pickCharge(func(c *chargeSpec) int { return c.weight })
		p := g.anyPerson(1958, 2004)
		if g.r.IntN(8) != 0 && !p.male { // defendants are mostly men
			p = g.person(true, 1958, 2004)
		}
		c := g.newConviction(p, ch, g.from.AddDays(60), end)
		g.caseRows(c)
		g.aftermath(c)
	}

	// m01: drunk drivers indicted or convicted whose licence is still valid.
	dui := chargeByName("危险驾驶罪")
	for i := range 11 {
		c := g.newConviction(g.person(true, 1965, 2002), dui, g.from.AddDays(60), g.today.AddDays(-40))
		if i%3 == 0 { // indicted, judgment pending
			c.indicted = g.dateIn(g.today.AddDays(-90), g.today.AddDays(-40))
			c.judged, c.effective = calendar.Date{}, calendar.Date{}
		} else if c.effective.IsZero() {
			c.indicted = g.dateIn(g.from.AddDays(60), g.today.AddDays(-200))
			c.judged, c.effective = c.indicted.AddDays(40), c.indicted.AddDays(55)
		}
		c.probation = true
		g.caseRows(c)
		if !c.effective.IsZero() {
			g.correctionRow(c.p, "缓刑", dui.name, c.effective, g.past(c.effective.AddMonths(c.probMonths)))
		}
		g.licenceRow(c.p, "正常", calendar.Date{})
		g.plant(ModelDrunkDrivingLicence, c.p.id)
	}
	for range 7 { // near miss: convicted, licence revoked
		c := g.newConviction(g.person(true, 1965, 2002), dui, g.from.AddDays(60), g.today.AddDays(-200))
		c.judged, c.effective, c.probation = c.indicted.AddDays(45), c.indicted.AddDays(60), true
		g.caseRows(c)
		g.correctionRow(c.p, "缓刑", dui.name, c.effective, g.past(c.effective.AddMonths(c.probMonths)))
		g.licenceRow(c.p, "吊销", c.effective.AddDays(g.intn(3, 20)))
		g.nearMiss(ModelDrunkDrivingLicence, c.p.id)
	}

	// Some released prisoners finish their sentence on parole (假释), some
	// serve it outside prison (暂予监外执行), a few are sentenced to 管制.
	for range 30 {
		ch := g.pickCharge(func(c *chargeSpec) int {
			if c.name == "危险驾驶罪" || isBarCharge(c.name) {
				return 0
			}
			return c.weight
		})
		c := g.newConviction(g.person(true, 1960, 2000), ch, g.from.AddDays(30), g.from.AddDays(200))
		c.penalty, c.term, c.probation = "有期徒刑", g.intn(24, 60), false
		c.judged, c.effective = c.indicted.AddDays(50), c.indicted.AddDays(65)
		g.caseRows(c)
		parole := g.dateIn(c.effective.AddMonths(c.term/2+1), c.effective.AddMonths(c.term-3))
		g.custodyRow(c.p, "有期徒刑", prison, c.effective, g.past(parole))
		if !parole.After(g.today) {
			g.correctionRow(c.p, "假释", ch.name, parole, g.past(c.effective.AddMonths(c.term)))
		}
	}
	for i := range 20 {
		ch := chargeByName([]string{"盗窃罪", "故意伤害罪", "寻衅滋事罪", "诈骗罪"}[i%4])
		c := g.newConviction(g.anyPerson(1955, 2000), ch, g.from.AddDays(60), g.today.AddDays(-120))
		c.judged, c.effective, c.probation = c.indicted.AddDays(40), c.indicted.AddDays(55), false
		kind := "暂予监外执行"
		if i%2 == 0 {
			c.penalty, c.term, kind = "管制", g.intn(3, 24), "管制"
		}
		g.caseRows(c)
		g.correctionRow(c.p, kind, ch.name, c.effective, g.past(c.effective.AddMonths(c.term)))
	}

	g.legalRepConvicts()
}

// aftermath writes a clean defendant's custody, correction and licence rows.
func (g *dsGen) aftermath(c *conviction) {
	ch := c.charge
	dui := ch.name == "危险驾驶罪"
	if !dui && g.pct(ch.arrest) && !c.indicted.AddDays(-40).Before(g.from) && g.pct(55) {
		arrest := c.indicted.AddDays(-g.intn(20, 40))
		release := c.effective
		if c.probation || c.penalty == "管制" {
			release = c.judged
		}
		g.custodyRow(c.p, "逮捕羁押", detentionCentre, arrest, release)
	}
	if !c.effective.IsZero() {
		switch {
		case c.probation:
			g.correctionRow(c.p, "缓刑", ch.name, c.effective, g.past(c.effective.AddMonths(c.probMonths)))
		case c.penalty == "拘役" && (!dui || g.pct(60)):
			g.custodyRow(c.p, "拘役", detentionCentre, c.effective, g.past(c.effective.AddMonths(c.term)))
		case c.penalty == "有期徒刑" && g.pct(45):
			g.custodyRow(c.p, "有期徒刑", prison, c.effective, g.past(c.effective.AddMonths(c.term)))
		}
	}
	switch {
	case dui && !c.effective.IsZero() && !c.effective.AddDays(20).After(g.today):
		g.licenceRow(c.p, "吊销", c.effective.AddDays(g.intn(3, 20)))
	case dui:
		g.licenceRow(c.p, "暂扣", c.indicted.AddDays(-g.intn(30, 50)))
	case g.pct(ch.licence):
		g.licenceRow(c.p, "正常", calendar.Date{})
	}
}

// legalRepConvicts plants m11: persons convicted of a 公司法 第一百七十八条
// crime who are legal representatives of a registered market entity while
// barred, and the near misses (bar over, entity deregistered, indicted only).
// Their entities are added to the market entity register later.
func (g *dsGen) legalRepConvicts() {
	pickBar := func() *chargeSpec { return chargeByName(LegalRepBarCharges[g.r.IntN(len(LegalRepBarCharges))]) }
	for i := range 11 {
		lo := g.from.AddDays(30)
		probation := i%3 == 0
		if probation { // still inside the two years after the probation period
			lo = g.today.AddMonths(-18)
		}
		c := g.newConviction(g.person(i%4 != 0, 1962, 1992), pickBar(), lo, g.today.AddDays(-120))
		c.judged = c.indicted.AddDays(g.intn(30, 60))
		c.effective = c.judged.AddDays(g.intn(11, 20))
		c.penalty, c.probation = "有期徒刑", probation
		if probation {
			c.term = min(c.term, 36)
		}
		g.caseRows(c)
		if c.probation {
			g.correctionRow(c.p, "缓刑", c.charge.name, c.effective, g.past(c.effective.AddMonths(c.probMonths)))
		}
		status := "存续"
		if i%4 == 1 {
			status = "在业"
		}
		uscc := g.entityFor(c.p, status, g.dateIn(c.p.birth.AddMonths(12*25), c.effective.AddDays(-30)))
		g.plant(ModelDisqualifiedLegalRep, uscc)
	}
	// Bar over: short probationary sentences early in the window, 2 years
	// after the probation period (公司法 第一百七十八条第一款第（二）项).
	for i := range 4 {
		p := g.person(true, 1962, 1990)
		c := &conviction{p: p, charge: pickBar(), penalty: []string{"拘役", "有期徒刑"}[i%2], term: g.intn(3, 5), probation: true}
		c.effective = g.dateIn(g.today.AddMonths(-34), g.today.AddMonths(-32))
		c.judged = c.effective.AddDays(-g.intn(11, 15))
		c.indicted = c.judged.AddDays(-g.intn(20, 40))
		g.caseRows(c)
		g.correctionRow(p, "缓刑", c.charge.name, c.effective, c.effective.AddMonths(c.term))
		uscc := g.entityFor(p, "存续", g.dateIn(g.today.AddMonths(-12), g.today.AddMonths(-2)))
		g.nearMiss(ModelDisqualifiedLegalRep, uscc)
	}
	for range 3 { // barred, but the entity is deregistered
		c := g.newConviction(g.person(true, 1962, 1990), pickBar(), g.from.AddDays(30), g.today.AddDays(-200))
		c.judged = c.indicted.AddDays(40)
		c.effective = c.judged.AddDays(15)
		c.probation = false
		c.penalty = "有期徒刑"
		g.caseRows(c)
		g.custodyRow(c.p, "有期徒刑", prison, c.effective, g.past(c.effective.AddMonths(c.term)))
		uscc := g.entityFor(c.p, "注销", c.effective.AddDays(-g.intn(400, 2000)))
		g.nearMiss(ModelDisqualifiedLegalRep, uscc)
	}
	for range 2 { // indicted, not (yet) convicted
		c := g.newConviction(g.person(true, 1962, 1990), pickBar(), g.today.AddDays(-60), g.today.AddDays(-15))
		c.judged, c.effective = calendar.Date{}, calendar.Date{}
		g.caseRows(c)
		uscc := g.entityFor(c.p, "存续", c.indicted.AddDays(-g.intn(400, 2000)))
		g.nearMiss(ModelDisqualifiedLegalRep, uscc)
	}
}

// entityFor registers a company with rep as its legal representative.
func (g *dsGen) entityFor(rep citizen, status string, since calendar.Date) string {
	return g.entity(g.next("entity"), rep, status, since, true)
}

// Non-prosecutions with the 检察意见 of 刑事诉讼法 第一百七十七条第三款.

var adminOrgNames = func() map[string]string {
	m := map[string]string{}
	for _, o := range Orgs {
		m[o.Code] = o.Name
	}
	return m
}()

func (g *dsGen) nonProsecutions() {
	t := g.tab("non_prosecutions", "QLJCY")
	row := func(p citizen, ch *chargeSpec, kind string, decided, opinion, reply calendar.Date, result string) string {
		y := decided.Year()
		no := fmt.Sprintf("青检刑不诉〔%d〕%d号", y, g.next(fmt.Sprint("bs", y)))
		kv := []string{"decision_no", no, "person_name", p.name, "person_id_no", p.id, "charge", ch.name, "decision_kind", kind, "decision_date", ds(decided)}
		if !opinion.IsZero() {
			oy := opinion.Year()
			kv = append(kv, "opinion_no", fmt.Sprintf("青检行意〔%d〕%d号", oy, g.next(fmt.Sprint("yj", oy))), "opinion_date", ds(opinion),
				"opinion_to", adminOrgNames[ch.admin], "opinion_to_code", ch.admin, "reply_date", ds(reply), "reply_result", result)
		}
		t.add(kv...)
		return no
	}
	adminCharge := func() *chargeSpec { return g.pickCharge(func(c *chargeSpec) int { return c.nonProsecuted }) }
	for range 380 {
		ch := adminCharge()
		p := g.anyPerson(1960, 2004)
		decided := g.dateIn(g.from, g.today.AddDays(-3))
		kind := "酌定不起诉"
		switch x := g.r.IntN(100); {
		case x < 12:
			kind = "存疑不起诉"
		case x < 18:
			kind = "法定不起诉"
		}
		var opinion, reply calendar.Date
		var result string
		if kind == "酌定不起诉" && g.pct(80) {
			opinion = decided.AddDays(g.intn(3, 15))
			if opinion.After(g.today) {
				opinion = g.today
			}
			// A reply is on file for every opinion whose two months are
			// over and for half of the recent ones.
			overdue := opinion.AddMonths(monthsBeforeReplyIsOverdue).Before(g.today)
			if r := minD(opinion.AddDays(g.intn(12, 55)), g.today); overdue || (r.Before(g.today) && g.pct(50)) {
				reply, result = r, ch.adminRes[g.r.IntN(len(ch.adminRes))]
			}
		}
		row(p, ch, kind, decided, opinion, reply, result)
	}
	// m16: the opinion is more than two months old, nobody replied, and the
	// person has no penalty. Their birth years (1940s, 2005–2006) are outside
	// the penalty generator's (1950–2004), so no demo penalty names them.
	young := func(i int) citizen {
		if i%2 == 0 {
			return g.person(true, 2005, 2006)
		}
		return g.anyPerson(1942, 1949)
	}
	for i := range 10 {
		ch := adminCharge()
		p := young(i)
		opinion := g.dateIn(g.today.AddMonths(-14), g.today.AddMonths(-monthsBeforeReplyIsOverdue).AddDays(-10))
		no := row(p, ch, "酌定不起诉", opinion.AddDays(-g.intn(3, 10)), opinion, calendar.Date{}, "")
		g.plant(ModelReverseLinkage, no, p.id)
	}
	for i := range 8 {
		ch := adminCharge()
		var opinion, reply calendar.Date
		if i%2 == 0 { // replied
			opinion = g.dateIn(g.today.AddMonths(-14), g.today.AddMonths(-3))
			reply = opinion.AddDays(g.intn(20, 70))
		} else { // sent less than two months ago
			opinion = g.dateIn(g.today.AddDays(-50), g.today.AddDays(-5))
		}
		result := ""
		if !reply.IsZero() {
			result = ch.adminRes[0]
		}
		p := young(i + 1)
		no := row(p, ch, "酌定不起诉", opinion.AddDays(-g.intn(3, 10)), opinion, reply, result)
		g.nearMiss(ModelReverseLinkage, no, p.id)
	}
}

// Police receipts of cases transferred by the agencies (正向衔接).

var transferCharges = []struct{ code, charge, tag string }{
	{"SCJG", "销售伪劣产品罪", "青市监移"}, {"SCJG", "生产、销售不符合安全标准的食品罪", "青市监移"}, {"STHJ", "污染环境罪", "江环(青)移"},
	{"ZRZY", "非法占用农用地罪", "江自然资(青)移"}, {"ZRZY", "非法采矿罪", "江自然资(青)移"}, {"LYJ", "滥伐林木罪", "青林移"},
	{"LYJ", "盗伐林木罪", "青林移"}, {"NYNC", "非法捕捞水产品罪", "青农移"}, {"WSJK", "非法行医罪", "青卫移"}, {"YJGL", "重大责任事故罪", "(青)应急移"},
	{"SWJ", "逃税罪", "江青税移"}, {"YCZM", "非法经营罪", "青烟移"}, {"WGLT", "侵犯著作权罪", "青文旅移"}, {"YBJ", "诈骗罪", "青医保移"},
}

func (g *dsGen) policeCases() {
	t := g.tab("police_cases", "GAQL")
	for range 600 {
		tc := transferCharges[g.r.IntN(len(transferCharges))]
		received := g.dateIn(g.from, g.today)
		y := received.Year()
		kv := []string{"receipt_no", fmt.Sprintf("青公受〔%d〕%05d号", y, g.next(fmt.Sprint("sa", y))), "transfer_agency", adminOrgNames[tc.code],
			"transfer_agency_code", tc.code, "transfer_doc_no", fmt.Sprintf("%s〔%d〕%d号", tc.tag, y, g.next(tc.tag+fmt.Sprint(y))),
			"charge", tc.charge, "received_date", ds(received)}
		if g.pct(45) {
			n := g.next("pcorg")
			kv = append(kv, "party_name", companyName([]int{secManufacturing, secChemical, secFoodRetail, secConstruction}[n%4], uint64(300000+n), true),
				"party_uscc", ident.MakeUSCC('9', '1', region, "MG"+base31(perm(uint64(n), 31*31*31*31*31*31, 17), 6)))
		} else {
			p := g.anyPerson(1958, 2002)
			kv = append(kv, "party_name", p.name, "party_id_no", p.id)
		}
		decided := received.AddDays(g.intn(1, 3))
		switch x := g.r.IntN(100); {
		case decided.After(g.today):
			kv = append(kv, "decision", "审查中")
		case x < 72:
			kv = append(kv, "decision", "立案", "decision_date", ds(decided))
		case x < 90:
			kv = append(kv, "decision", "不予立案", "decision_date", ds(decided))
		default:
			kv = append(kv, "decision", "移交其他机关", "decision_date", ds(decided))
		}
		t.add(kv...)
	}
}

// Detox measures (戒毒): active measures must have cancelled the licence.

func (g *dsGen) detoxRow(p citizen, measure string, start, end calendar.Date) {
	org := "江州市公安局青岚分局"
	g.tab("detox_measures", "GAQL").add("person_id_no", p.id, "person_name", p.name, "measure", measure, "start_date", ds(start),
		"end_date", ds(end), "decision_org", org)
}

func (g *dsGen) detoxMeasure() (string, int) {
	switch x := g.r.IntN(100); {
	case x < 55:
		return "社区戒毒", 36
	case x < 80:
		return "强制隔离戒毒", 24
	}
	return "社区康复", 36
}

func (g *dsGen) detox() {
	for range 282 {
		p := g.anyPerson(1965, 2003)
		m, months := g.detoxMeasure()
		start := g.dateIn(g.from, g.today.AddDays(-5))
		end := g.past(start.AddMonths(months))
		if e := start.AddMonths(g.intn(3, 12)); end.IsZero() && e.Before(g.today) && g.pct(25) {
			end = e // ended early (解除、转社区康复)
		}
		if end.IsZero() || !end.Before(g.today) { // active: the licence, if any, is cancelled
			if g.pct(30) && !start.AddDays(40).After(g.today) {
				g.licenceRow(p, "注销", start.AddDays(g.intn(10, 40)))
			}
		} else if g.pct(20) {
			g.licenceRow(p, "注销", start.AddDays(g.intn(10, 40)))
		}
		g.detoxRow(p, m, start, end)
	}
	for i := range 10 { // m02: active measure, licence valid
		p := g.anyPerson(1968, 2002)
		m, _ := g.detoxMeasure()
		start := g.dateIn(g.from, g.today.AddDays(-30))
		var end calendar.Date
		if i%3 == 0 { // the scheduled end is recorded (after today)
			end = g.today.AddDays(g.intn(30, 300))
		}
		g.detoxRow(p, m, start, end)
		g.licenceRow(p, "正常", calendar.Date{})
		g.plant(ModelDetoxLicence, p.id)
	}
	for i := range 8 {
		p := g.anyPerson(1968, 2002)
		m, months := g.detoxMeasure()
		if i%2 == 0 { // ended before today; licence valid again
			start := g.dateIn(g.from, g.today.AddMonths(-7))
			end := start.AddMonths(g.intn(3, min(months, 6)))
			g.detoxRow(p, m, start, end)
			g.licenceRow(p, "正常", end.AddDays(g.intn(30, 200)))
		} else { // active, licence cancelled
			start := g.dateIn(g.from, g.today.AddDays(-60))
			g.detoxRow(p, m, start, calendar.Date{})
			g.licenceRow(p, "注销", start.AddDays(g.intn(10, 40)))
		}
		g.nearMiss(ModelDetoxLicence, p.id)
	}
}

// Benefits: pensions (人社), subsistence allowance, old-age allowance and
// disability subsidies (民政), paid monthly; with their recipients' deaths,
// custody and community corrections.

type benefitSpec struct {
	name, agency, payer string
	payDay              int
}

var (
	bPension    = benefitSpec{"养老金", "RSJ", "江州市社会保险基金管理局青岚分局", pensionPayDay}
	bAdjust     = benefitSpec{"养老金调整", "RSJ", "江州市社会保险基金管理局青岚分局", adjustPayDay}
	bDibao      = benefitSpec{"最低生活保障金", "MZJ", "江州市青岚区民政局", dibaoPayDay}
	bElderly    = benefitSpec{"高龄津贴", "MZJ", "江州市青岚区民政局", elderlyPayDay}
	bDisLiving  = benefitSpec{"残疾人生活补贴", "MZJ", "江州市青岚区民政局", disabilityPayDay}
	bDisNursing = benefitSpec{"残疾人护理补贴", "MZJ", "江州市青岚区民政局", disabilityPayDay}
)

func (g *dsGen) pay(b benefitSpec, p citizen, d calendar.Date, fen int64) {
	g.tab("benefit_payments", b.agency).add("benefit", b.name, "person_id_no", p.id, "person_name", p.name, "pay_date", ds(d),
		"amount_fen", yuanText(fen), "payer", b.payer)
}

// payMonthly pays b on its pay day of every month from first to last
// (inclusive, both clamped to the window and today) except on the days skip
// refuses. It returns the last pay date (zero if none).
func (g *dsGen) payMonthly(b benefitSpec, p citizen, first, last calendar.Date, fen int64, skip func(calendar.Date) bool) calendar.Date {
	first = maxD(first, g.from)
	last = minD(last, g.today)
	y, m, _ := first.Date()
	var lastPaid calendar.Date
	for d := day(y, m, b.payDay); !d.After(last); d = d.AddMonths(1) {
		if d.Before(first) || (skip != nil && skip(d)) {
			continue
		}
		g.pay(b, p, d, fen)
		lastPaid = d
	}
	return lastPaid
}

func (g *dsGen) deathRow(p citizen, d calendar.Date) {
	src := "户籍注销"
	switch x := g.r.IntN(100); {
	case x < 30:
		src = "火化"
	case x < 45:
		src = "医学死亡证明"
	case x < 50:
		src = "其他"
	}
	g.tab("deaths", "GAQL").add("person_id_no", p.id, "person_name", p.name, "death_date", ds(d), "source", src)
}

func (g *dsGen) pensioner() (citizen, int64, calendar.Date) {
	return g.pensionerBorn(pensionBirthFirst, pensionBirthLast)
}

// oldPensioner retired before the window: paid in every month of it.
func (g *dsGen) oldPensioner() (citizen, int64, calendar.Date) {
	return g.pensionerBorn(pensionBirthFirst, 1958)
}

func (g *dsGen) pensionerBorn(lo, hi int) (citizen, int64, calendar.Date) {
	p := g.anyPerson(lo, hi)
	retire := p.birth.AddMonths(12 * 60)
	if !p.male {
		retire = p.birth.AddMonths(12 * 55)
	}
	return p, int64(g.intn(1800, 6500)) * 100, retire
}

// adjust pays the annual pension adjustment on the adjustment days from
// first to last unless skip refuses the day.
func (g *dsGen) adjust(p citizen, fen int64, first, last calendar.Date, skip func(calendar.Date) bool) {
	for _, d := range g.adjDates {
		if d.Before(first) || d.After(last) || (skip != nil && skip(d)) {
			continue
		}
		g.pay(bAdjust, p, d, fen/100*3*7) // 3 % of the monthly pension, back-paid from January
	}
}

func (g *dsGen) benefits() {
	// Pensioners: most alive throughout, some die (payments stop with the
	// month of death), a few spend time in custody (payments suspended).
	for i := range 600 {
		p, fen, retire := g.pensioner()
		last := g.today
		if i%9 == 0 {
			death := g.dateIn(g.from.AddMonths(2), g.today.AddDays(-1))
			g.deathRow(p, death)
			last = death
		}
		g.payMonthly(bPension, p, retire, last, fen, nil)
		g.adjust(p, fen, retire, last, nil)
	}
	g.pensionDeaths()
	g.pensionCustody()
	g.pensionCorrections()
	g.dibao()
	g.elderly()
	g.disability()
}

func (g *dsGen) pensionDeaths() {
	for range 11 { // m05: paid on after death
		p, fen, retire := g.oldPensioner()
		death := g.dateIn(g.from.AddMonths(3), g.today.AddMonths(-2))
		g.deathRow(p, death)
		last := minD(death.AddMonths(g.intn(1, 10)), g.today)
		g.payMonthly(bPension, p, retire, last, fen, nil)
		g.adjust(p, fen, retire, death, nil)
		g.plant(ModelPensionAfterDeath, p.id)
	}
	for i := range 7 { // near miss: the last payment in the month of death, on or before the day
		p, fen, retire := g.oldPensioner()
		death := g.dateIn(g.from.AddMonths(3), g.today.AddMonths(-1))
		y, m, _ := death.Date()
		death = day(y, m, g.intn(pensionPayDay, 28))
		if i == 0 {
			death = day(y, m, pensionPayDay) // paid on the day of death
		}
		g.deathRow(p, death)
		g.payMonthly(bPension, p, retire, death, fen, nil)
		g.adjust(p, fen, retire, death, nil)
		g.nearMiss(ModelPensionAfterDeath, p.id)
	}
}

// convictPensioner writes the criminal case of a pensioner sent to custody
// on start (for 逮捕羁押: arrested on start, indicted later).
func (g *dsGen) convictPensioner(p citizen, kind string, start calendar.Date, months int) {
	ch := chargeByName([]string{"诈骗罪", "故意伤害罪", "盗窃罪", "开设赌场罪", "寻衅滋事罪"}[g.r.IntN(5)])
	c := &conviction{p: p, charge: ch, penalty: kind, term: months}
	if kind == "逮捕羁押" {
		c.indicted = start.AddDays(g.intn(20, 40))
		if c.indicted.After(g.today) {
			return
		}
	} else {
		c.effective = start
		c.judged = start.AddDays(-g.intn(11, 15))
		c.indicted = c.judged.AddDays(-g.intn(20, 40))
	}
	if c.indicted.Before(g.from) {
		return
	}
	if kind == "无期徒刑" {
		c.term = 0
	}
	g.caseRows(c)
}

func (g *dsGen) pensionCustody() {
	kinds := []string{"有期徒刑", "拘役", "逮捕羁押", "有期徒刑", "无期徒刑"}
	for i := range 10 { // m06: paid on in custody
		p, fen, retire := g.oldPensioner()
		kind := kinds[i%len(kinds)]
		start := g.dateIn(g.from.AddMonths(4), g.today.AddMonths(-6))
		months := g.intn(6, 30)
		if kind == "拘役" {
			months = g.intn(3, 6)
		}
		var end calendar.Date
		switch kind {
		case "无期徒刑":
		case "逮捕羁押":
			end = g.past(start.AddMonths(g.intn(3, 8)))
		default:
			end = g.past(start.AddMonths(months))
		}
		facility := prison
		if kind != "有期徒刑" && kind != "无期徒刑" {
			facility = detentionCentre
		}
		g.custodyRow(p, kind, facility, start, end)
		g.convictPensioner(p, kind, start, months)
		g.payMonthly(bPension, p, retire, g.today, fen, nil)
		g.adjust(p, fen, retire, g.today, nil)
		g.plant(ModelPensionInCustody, p.id, ds(start))
	}
	for i := range 8 { // near miss: suspended in custody, resumed after release; or a short 刑事拘留
		p, fen, retire := g.oldPensioner()
		kind := []string{"有期徒刑", "拘役", "逮捕羁押", "刑事拘留"}[i%4]
		start := g.dateIn(g.from.AddMonths(4), g.today.AddMonths(-10))
		end := start.AddMonths(g.intn(3, 8))
		if kind == "刑事拘留" {
			y, m, _ := start.Date()
			start = day(y, m, pensionPayDay+1)
			end = start.AddDays(g.intn(3, 14))
		}
		facility := detentionCentre
		if kind == "有期徒刑" {
			facility = prison
		}
		g.custodyRow(p, kind, facility, start, end)
		if kind != "刑事拘留" {
			g.convictPensioner(p, kind, start, end.Sub(start)/30)
		}
		inside := func(d calendar.Date) bool { return d.After(start) && !d.After(end) }
		g.payMonthly(bPension, p, retire, g.today, fen, inside)
		g.adjust(p, fen, retire, g.today, inside)
		g.nearMiss(ModelPensionInCustody, p.id, ds(start))
	}
}

func (g *dsGen) pensionCorrections() {
	if len(g.adjDates) < 2 { // needs two adjustment days in the window (always, for a three-year window)
		return
	}
	kinds := []string{"缓刑", "管制", "暂予监外执行"}
	for i := range 10 { // m07: raised during community correction
		p, fen, retire := g.oldPensioner()
		adj := g.adjDates[i%len(g.adjDates)]
		start := g.dateIn(maxD(g.from, adj.AddMonths(-10)), adj.AddDays(-20))
		end := g.past(start.AddMonths(g.intn(12, 24)))
		kind := kinds[i%len(kinds)]
		g.correctionConvict(p, kind, start, end)
		g.payMonthly(bPension, p, retire, g.today, fen, nil)
		g.adjust(p, fen, retire, g.today, nil)
		g.plant(ModelCorrectionPensionRaise, p.id, ds(start))
	}
	for i := range 7 { // near miss: ordinary pension during, the raise before and after
		p, fen, retire := g.oldPensioner()
		adj := g.adjDates[i%(len(g.adjDates)-1)]
		y := adj.Year()
		start := g.dateIn(day(y, time.September, 1), day(y, time.October, 31))
		end := start.AddMonths(g.intn(6, 9))
		kind := kinds[i%len(kinds)]
		g.correctionConvict(p, kind, start, end)
		g.payMonthly(bPension, p, retire, g.today, fen, nil)
		g.adjust(p, fen, retire, g.today, func(d calendar.Date) bool { return !d.Before(start) && !d.After(end) })
		g.nearMiss(ModelCorrectionPensionRaise, p.id, ds(start))
	}
}

// correctionConvict writes a pensioner's community correction and the
// judgment behind it.
func (g *dsGen) correctionConvict(p citizen, kind string, start, end calendar.Date) {
	ch := chargeByName([]string{"交通肇事罪", "故意伤害罪", "诈骗罪", "非法捕捞水产品罪"}[g.r.IntN(4)])
	c := &conviction{p: p, charge: ch, effective: start, penalty: "有期徒刑", term: g.intn(6, 24), probation: kind == "缓刑"}
	if kind == "管制" {
		c.penalty, c.term = "管制", g.intn(6, 24)
	}
	if kind == "暂予监外执行" {
		c.penalty = "有期徒刑"
	}
	c.judged = start.AddDays(-g.intn(11, 15))
	c.indicted = c.judged.AddDays(-g.intn(20, 40))
	if !c.indicted.Before(g.from) {
		g.caseRows(c)
	}
	g.correctionRow(p, kind, ch.name, start, end)
}

func (g *dsGen) dibao() {
	for range 250 {
		p := g.anyPerson(1950, 2000)
		fen := int64(g.intn(40, 110)) * 1000
		first := g.dateIn(g.from.AddMonths(-24), g.today.AddMonths(-3))
		last := first.AddMonths(g.intn(8, 48))
		g.payMonthly(bDibao, p, first, last, fen, nil)
	}
	kinds := []string{"有期徒刑", "拘役", "有期徒刑", "无期徒刑"}
	for i := range 10 { // m10: subsistence allowance paid in prison
		p := g.anyPerson(1955, 1995)
		fen := int64(g.intn(40, 110)) * 1000
		kind := kinds[i%len(kinds)]
		start := g.dateIn(g.from.AddMonths(4), g.today.AddMonths(-5))
		var end calendar.Date
		months := g.intn(8, 36)
		if kind == "拘役" {
			months = g.intn(3, 6)
		}
		if kind != "无期徒刑" {
			end = g.past(start.AddMonths(months))
		}
		facility := prison
		if kind == "拘役" {
			facility = detentionCentre
		}
		g.custodyRow(p, kind, facility, start, end)
		g.convictPensioner(p, kind, start, months)
		g.payMonthly(bDibao, p, g.from, g.today, fen, nil)
		g.plant(ModelDibaoInPrison, p.id, ds(start))
	}
	for i := range 7 { // near miss: a short 刑事拘留 between two pay days; or stopped while in prison
		p := g.anyPerson(1955, 1995)
		fen := int64(g.intn(40, 110)) * 1000
		start := g.dateIn(g.from.AddMonths(4), g.today.AddMonths(-10))
		var end calendar.Date
		if i%2 == 0 {
			y, m, _ := start.Date()
			start = day(y, m, dibaoPayDay+1)
			end = start.AddDays(g.intn(3, 20))
			g.custodyRow(p, "刑事拘留", detentionCentre, start, end)
		} else {
			end = start.AddMonths(g.intn(3, 6))
			g.custodyRow(p, "拘役", detentionCentre, start, end)
			g.convictPensioner(p, "拘役", start, end.Sub(start)/30)
		}
		g.payMonthly(bDibao, p, g.from, g.today, fen, func(d calendar.Date) bool { return d.After(start) && !d.After(end) })
		g.nearMiss(ModelDibaoInPrison, p.id, ds(start))
	}
}

// elderly pays the 高龄津贴 from the month after the 80th birthday.
func (g *dsGen) elderly() {
	amount := func(p citizen, d calendar.Date) int64 {
		age := d.Year() - p.birth.Year()
		switch {
		case age >= 100:
			return 50000
		case age >= 90:
			return 20000
		}
		return 10000
	}
	payAll := func(p citizen, last calendar.Date) {
		first := p.birth.AddMonths(12*80 + 1)
		fen := amount(p, g.today)
		g.payMonthly(bElderly, p, first, last, fen, nil)
	}
	for i := range 255 {
		p := g.anyPerson(1926, 1945)
		last := g.today
		if i%4 == 0 {
			death := g.dateIn(g.from.AddMonths(1), g.today.AddDays(-1))
			g.deathRow(p, death)
			last = death
		}
		payAll(p, last)
	}
	for range 10 { // m08
		p := g.anyPerson(1926, 1942)
		death := g.dateIn(g.from.AddMonths(3), g.today.AddMonths(-2))
		g.deathRow(p, death)
		payAll(p, minD(death.AddMonths(g.intn(1, 8)), g.today))
		g.plant(ModelElderlyAllowanceAfter, p.id)
	}
	for range 6 { // near miss: the last payment before death
		p := g.anyPerson(1926, 1942)
		death := g.dateIn(g.from.AddMonths(3), g.today.AddMonths(-1))
		y, m, _ := death.Date()
		death = day(y, m, g.intn(elderlyPayDay+1, 28))
		g.deathRow(p, death)
		payAll(p, death)
		g.nearMiss(ModelElderlyAllowanceAfter, p.id)
	}
}

func (g *dsGen) disability() {
	pay := func(p citizen, nursing bool, first, last calendar.Date) {
		g.payMonthly(bDisLiving, p, first, last, 18000, nil)
		if nursing {
			g.payMonthly(bDisNursing, p, first, last, int64([]int{18000, 24000}[g.r.IntN(2)]), nil)
		}
	}
	for i := range 125 {
		p := g.anyPerson(1950, 2008)
		last := g.today
		if i%8 == 0 {
			death := g.dateIn(g.from.AddMonths(1), g.today.AddDays(-1))
			g.deathRow(p, death)
			last = death
		}
		pay(p, i%3 == 0, g.dateIn(g.from.AddMonths(-24), g.today.AddMonths(-2)), last)
	}
	for i := range 10 { // m09
		p := g.anyPerson(1945, 1990)
		death := g.dateIn(g.from.AddMonths(3), g.today.AddMonths(-2))
		g.deathRow(p, death)
		last := minD(death.AddMonths(g.intn(1, 6)), g.today)
		if i%2 == 0 {
			pay(p, true, g.from, last)
		} else { // only the nursing subsidy runs on
			g.payMonthly(bDisLiving, p, g.from, death, 18000, nil)
			g.payMonthly(bDisNursing, p, g.from, last, 24000, nil)
		}
		g.plant(ModelDisabilitySubsidyAfter, p.id)
	}
	for range 6 {
		p := g.anyPerson(1945, 1990)
		death := g.dateIn(g.from.AddMonths(3), g.today.AddMonths(-1))
		y, m, _ := death.Date()
		death = day(y, m, g.intn(disabilityPayDay, 28))
		g.deathRow(p, death)
		pay(p, true, g.from, death)
		g.nearMiss(ModelDisabilitySubsidyAfter, p.id)
	}
}

// Deaths of the rest of the district, and the driving licence register.

func (g *dsGen) deathsAndLicences() {
	for i := range 2260 {
		var p citizen
		if i%12 == 0 {
			p = g.anyPerson(1950, 1995)
		} else {
			p = g.anyPerson(1925, 1960)
		}
		death := g.dateIn(g.from, g.today.AddDays(-1))
		g.deathRow(p, death)
		// The licence of a dead holder is cancelled within weeks.
		if g.pct(10) && !death.AddDays(60).After(g.today) {
			g.licenceRow(p, "注销", death.AddDays(g.intn(10, 60)))
		}
	}
	for range 11 { // m03
		p := g.anyPerson(1940, 1985)
		death := g.dateIn(g.from, g.today.AddMonths(-3))
		g.deathRow(p, death)
		g.licenceRow(p, "正常", calendar.Date{})
		g.plant(ModelDeadLicence, p.id)
	}
	for range 6 {
		p := g.anyPerson(1940, 1985)
		death := g.dateIn(g.from, g.today.AddMonths(-3))
		g.deathRow(p, death)
		g.licenceRow(p, "注销", death.AddDays(g.intn(10, 60)))
		g.nearMiss(ModelDeadLicence, p.id)
	}
	// Everyone else who drives.
	lic := g.tab("driving_licences", "GAQL")
	for len(lic.t.Rows) < 25000 {
		p := g.anyPerson(1950, 2006)
		if p.birth.AddMonths(12 * 18).After(g.today.AddDays(-60)) {
			continue
		}
		status, sd := "正常", calendar.Date{}
		switch x := g.r.IntN(1000); {
		case x < 30:
			status = "注销"
		case x < 45:
			status = "停止使用"
		case x < 55:
			status = "暂扣"
		case x < 65:
			status = "吊销"
		case x < 70:
			status = "撤销"
		}
		if status != "正常" {
			sd = g.dateIn(g.from, g.today)
		}
		g.licenceRow(p, status, sd)
	}
}

// Market entities. USCC bodies start with MC (companies), MD (individual
// businesses) or ME (co-operatives): the penalty generator's start with MA,
// so no code names two different entities.

var entityKinds = []struct {
	name string
	cat  byte
	tag  string
	w    int
}{
	{"有限责任公司（自然人投资或控股）", '1', "MC", 55}, {"有限责任公司（自然人独资）", '1', "MC", 15}, {"股份有限公司（非上市、自然人投资或控股）", '1', "MC", 2},
	{"个人独资企业", '1', "MC", 5}, {"个体工商户", '2', "MD", 18}, {"农民专业合作社", '3', "ME", 3}, {"普通合伙企业", '1', "MC", 2},
}

// entity writes the n-th market entity and returns its credit code.
func (g *dsGen) entity(n int, rep citizen, status string, since calendar.Date, company bool) string {
	x := g.r.IntN(100)
	k := entityKinds[0]
	for _, e := range entityKinds {
		if x -= e.w; x < 0 {
			k = e
			break
		}
	}
	if company {
		k = entityKinds[0]
	}
	uscc := ident.MakeUSCC('9', k.cat, region, k.tag+base31(perm(uint64(n), 31*31*31*31*31*31, 29), 6))
	sector := g.r.IntN(numSectors - 1)
	var name string
	switch k.cat {
	case '2':
		words := sectorWords[sector].shop
		if len(words) == 0 {
			words = sectorWords[secServices].shop
		}
		name = "江州市青岚区" + zihaoFirst[g.r.IntN(len(zihaoFirst))] + zihaoSecond[g.r.IntN(len(zihaoSecond))] + zihaoThird[g.r.IntN(len(zihaoThird))] + words[g.r.IntN(len(words))]
	case '3':
		name = "江州市青岚区" + zihaoFirst[g.r.IntN(len(zihaoFirst))] + zihaoSecond[g.r.IntN(len(zihaoSecond))] + "种养专业合作社"
	default:
		name = companyName(sector, uint64(200000+n), true)
		switch k.name {
		case "个人独资企业":
			name = strings.TrimSuffix(name, "有限公司") + "厂"
		case "普通合伙企业":
			name = strings.TrimSuffix(name, "有限公司") + "（普通合伙）"
		case "股份有限公司（非上市、自然人投资或控股）":
			name = strings.TrimSuffix(name, "有限公司") + "股份有限公司"
		}
	}
	g.tab("market_entities", "SCJG").add("entity_uscc", uscc, "entity_name", name, "entity_kind", k.name, "legal_rep_name", rep.name,
		"legal_rep_id_no", rep.id, "rep_since", ds(since), "status", status)
	return uscc
}

func (g *dsGen) marketEntities() {
	me := g.tab("market_entities", "SCJG")
	for len(me.t.Rows) < 6000 {
		rep := g.anyPerson(1955, 2002)
		status := "存续"
		switch x := g.r.IntN(100); {
		case x < 10:
			status = "在业"
		case x < 15:
			status = "吊销"
		case x < 27:
			status = "注销"
		case x < 30:
			status = "迁出"
		}
		lo := maxD(rep.birth.AddMonths(12*20), day(2000, time.January, 1))
		g.entity(g.next("entity"), rep, status, g.dateIn(lo, g.today), false)
	}
}

// Marriage registrations.

const registry = "江州市青岚区民政局婚姻登记处"

func (g *dsGen) regNo(kind string, d calendar.Date) string {
	prefix := "J"
	if kind == "离婚" {
		prefix = "L"
	}
	y := d.Year()
	return fmt.Sprintf("%s%s-%d-%06d", prefix, region, y, g.next(prefix+fmt.Sprint(y)))
}

func (g *dsGen) marriageRow(kind string, d calendar.Date, man, woman citizen) string {
	no := g.regNo(kind, d)
	g.tab("marriage_registrations", "MZJ").add("registration_no", no, "reg_kind", kind, "reg_date", ds(d), "man_name", man.name,
		"man_id_no", man.id, "woman_name", woman.name, "woman_id_no", woman.id, "registry", registry)
	return no
}

// spouse is a new citizen who is at least age (completed years) on d, by a
// margin of 1–11 months, and at most age+span.
func (g *dsGen) spouse(male bool, d calendar.Date, age, span int) citizen {
	years := age + g.r.IntN(span+1)
	return g.personBorn(male, d.AddMonths(-12*years-g.intn(1, 11)).AddDays(-g.intn(0, 20)))
}

// regDate is a registration date in [lo, hi] that is not 29 February (so
// that "exactly 20 years old" is unambiguous).
func (g *dsGen) regDate(lo, hi calendar.Date) calendar.Date {
	for {
		d := g.dateIn(lo, hi)
		if d.Month() != time.February || d.Day() != 29 {
			return d
		}
	}
}

func (g *dsGen) marriages() {
	for range 2130 {
		d := g.regDate(g.from, g.today)
		g.marriageRow("结婚", d, g.spouse(true, d, 22, 18), g.spouse(false, d, 20, 18))
	}
	for range 700 { // divorces of couples married before the window
		d := g.regDate(g.from, g.today)
		g.marriageRow("离婚", d, g.spouse(true, d, 26, 30), g.spouse(false, d, 24, 30))
	}
	for i := range 11 { // m12 underage: the man under 22 or the woman under 20
		d := g.regDate(g.from, g.today)
		man, woman := g.spouse(true, d, 22, 10), g.spouse(false, d, 20, 10)
		if i%2 == 0 {
			man = g.personBorn(true, d.AddMonths(-12*22).AddDays(g.intn(1, 600)))
		} else {
			woman = g.personBorn(false, d.AddMonths(-12*20).AddDays(g.intn(1, 600)))
		}
		g.plant(ModelMarriageUnderage, g.marriageRow("结婚", d, man, woman))
	}
	for i := range 7 { // near miss: exactly 22 / 20 on the day
		d := g.regDate(g.from, g.today)
		man, woman := g.spouse(true, d, 22, 10), g.spouse(false, d, 20, 10)
		if i%2 == 0 {
			man = g.personBorn(true, d.AddMonths(-12*22))
		} else {
			woman = g.personBorn(false, d.AddMonths(-12*20))
		}
		g.nearMiss(ModelMarriageUnderage, g.marriageRow("结婚", d, man, woman))
	}
	for i := range 10 { // m12 bigamy: married again without a divorce
		d1 := g.regDate(g.from, g.today.AddMonths(-8))
		d2 := g.regDate(d1.AddMonths(3), g.today)
		if i%2 == 0 {
			x := g.spouse(true, d1, 24, 15)
			g.marriageRow("结婚", d1, x, g.spouse(false, d1, 22, 12))
			g.plant(ModelMarriageBigamy, g.marriageRow("结婚", d2, x, g.spouse(false, d2, 21, 12)))
		} else {
			x := g.spouse(false, d1, 22, 15)
			g.marriageRow("结婚", d1, g.spouse(true, d1, 24, 12), x)
			g.plant(ModelMarriageBigamy, g.marriageRow("结婚", d2, g.spouse(true, d2, 24, 12), x))
		}
	}
	for i := range 7 { // near miss: divorced in between
		d1 := g.regDate(g.from, g.today.AddMonths(-14))
		d2 := g.regDate(d1.AddMonths(2), d1.AddMonths(8))
		d3 := g.regDate(d2.AddMonths(2), g.today)
		man, woman := g.spouse(true, d1, 24, 15), g.spouse(false, d1, 22, 15)
		g.marriageRow("结婚", d1, man, woman)
		g.marriageRow("离婚", d2, man, woman)
		if i%2 == 0 {
			g.nearMiss(ModelMarriageBigamy, g.marriageRow("结婚", d3, man, g.spouse(false, d3, 22, 12)))
		} else {
			g.nearMiss(ModelMarriageBigamy, g.marriageRow("结婚", d3, g.spouse(true, d3, 24, 12), woman))
		}
	}
	for i := range 10 { // m12 dead party: a dead person's ID used to register
		death := g.dateIn(g.from, g.today.AddMonths(-4))
		d := g.regDate(death.AddDays(20), g.today)
		dead := g.spouse(i%2 == 0, death, 24, 20)
		g.deathRow(dead, death)
		if dead.male {
			g.plant(ModelMarriageDeadParty, g.marriageRow("结婚", d, dead, g.spouse(false, d, 22, 15)))
		} else {
			g.plant(ModelMarriageDeadParty, g.marriageRow("结婚", d, g.spouse(true, d, 24, 15), dead))
		}
	}
	for i := range 6 { // near miss: married, died later
		d := g.regDate(g.from, g.today.AddMonths(-4))
		death := g.dateIn(d.AddDays(30), g.today.AddDays(-1))
		man, woman := g.spouse(true, d, 24, 25), g.spouse(false, d, 22, 25)
		if i%2 == 0 {
			g.deathRow(man, death)
		} else {
			g.deathRow(woman, death)
		}
		g.nearMiss(ModelMarriageDeadParty, g.marriageRow("结婚", d, man, woman))
	}
}

// Court non-litigation enforcement (非诉执行): applications received and
// filed; the court files within 5 working days (行政强制法 第五十六条、第六十九条).

var applicants = []string{"ZRZY", "ZRZY", "CGZF", "CGZF", "CGZF", "STHJ", "SCJG", "YJGL", "RSJ", "WSJK", "SWU", "ZJJ", "NYNC", "LYJ",
	"CDJD", "CXJD", "BSZ", "LWZ", "JTYS", "WGLT"}

func (g *dsGen) courtRow(received, filed calendar.Date, ruling string, rulingDate calendar.Date) string {
	code := applicants[g.r.IntN(len(applicants))]
	setup := orgSetups[code]
	ry := received.Year()
	dy := ry - g.intn(0, 1)
	docNo := fmt.Sprintf(setup.ord, "", dy, g.intn(10, 400)) // the formats index their arguments: an unused tag is no error
	app := fmt.Sprintf("青法非诉收〔%d〕%d号", ry, g.next(fmt.Sprint("fs", ry)))
	kv := []string{"application_no", app, "applicant", adminOrgNames[code], "applicant_code", code, "penalty_doc_no", docNo,
		"received_date", ds(received), "filed_date", ds(filed), "ruling", ruling, "ruling_date", ds(rulingDate)}
	if !filed.IsZero() {
		fy := filed.Year()
		kv = append(kv, "case_no", fmt.Sprintf("（%d）粤0703行审%d号", fy, g.next(fmt.Sprint("xs", fy))))
	}
	if g.pct(55) {
		p := g.anyPerson(1955, 2000)
		kv = append(kv, "party_name", p.name, "party_id_no", p.id)
	} else {
		n := g.next("ceorg")
		kv = append(kv, "party_name", companyName([]int{secManufacturing, secConstruction, secProperty, secAgriculture}[n%4], uint64(400000+n), true),
			"party_uscc", ident.MakeUSCC('9', '1', region, "MF"+base31(perm(uint64(n), 31*31*31*31*31*31, 23), 6)))
	}
	g.tab("court_enforcement", "QLFY").add(kv...)
	return app
}

// rule returns a ruling and its date for a case filed on filed.
func (g *dsGen) rule(filed calendar.Date) (string, calendar.Date) {
	d := g.work.add(filed, g.intn(2, 7))
	if d.After(g.today) {
		return "审查中", calendar.Date{}
	}
	switch x := g.r.IntN(100); {
	case x < 8:
		return "不准予执行", d
	case x < 13:
		return "撤回", d
	}
	return "准予执行", d
}

func (g *dsGen) courtEnforcement() {
	lo := maxD(g.from, day(2024, time.January, 2))
	for range 270 {
		received := g.work.roll(g.dateIn(lo, g.today))
		if received.After(g.today) {
			received = g.work.prev(g.today)
		}
		filed := g.work.add(received, []int{1, 1, 2, 2, 3, 3, 4, 5}[g.r.IntN(8)])
		if filed.After(g.today) {
			g.courtRow(received, calendar.Date{}, "审查中", calendar.Date{})
			continue
		}
		ruling, rd := g.rule(filed)
		g.courtRow(received, filed, ruling, rd)
	}
	for i := range 11 { // m14: filed late, or still unfiled
		received := g.work.roll(g.dateIn(lo, g.today.AddDays(-60)))
		if i%4 == 3 {
			g.plant(ModelCourtFilingLate, g.courtRow(received, calendar.Date{}, "审查中", calendar.Date{}))
			continue
		}
		filed := g.work.add(received, g.intn(7, 25))
		ruling, rd := g.rule(filed)
		g.plant(ModelCourtFilingLate, g.courtRow(received, filed, ruling, rd))
	}
	// Near misses: filed on the fifth working day, half of them across a
	// holiday (the fifth working day more than 8 calendar days later).
	var holiday []calendar.Date
	for d := lo; !d.After(g.today.AddDays(-30)); d = d.AddDays(1) {
		if g.work.is(d) && g.work.add(d, courtFilingWorkingDays).Sub(d) > 8 {
			holiday = append(holiday, d)
		}
	}
	for i := range 8 {
		received := g.work.roll(g.dateIn(lo, g.today.AddDays(-30)))
		if i%2 == 0 && len(holiday) > 0 {
			received = holiday[g.r.IntN(len(holiday))]
		}
		filed := g.work.add(received, courtFilingWorkingDays)
		ruling, rd := g.rule(filed)
		g.nearMiss(ModelCourtFilingLate, g.courtRow(received, filed, ruling, rd))
	}
	// Received in the last days: not filed yet, not late yet.
	for range 4 {
		received := g.work.prev(g.today)
		for range g.r.IntN(3) {
			received = g.work.prev(received.AddDays(-1))
		}
		g.courtRow(received, calendar.Date{}, "审查中", calendar.Date{})
	}
}

// Petitions (信访).

var petitionSubjects = []struct{ code, text string }{
	{"ZRZY", "反映村集体土地被占用建厂，要求依法查处"}, {"CGZF", "反映邻居违法搭建影响通风采光"}, {"CGZF", "对拆除违法建筑决定不服"},
	{"STHJ", "反映附近工厂夜间排放刺激性气味废气"}, {"STHJ", "反映河涌被排入污水"}, {"SCJG", "投诉商家销售过期食品"},
	{"SCJG", "对市场监管部门罚款决定不服"}, {"RSJ", "反映企业拖欠工资"}, {"RSJ", "反映单位未缴纳社会保险费"},
	{"GAQL", "对治安管理处罚决定不服"}, {"GAQL", "反映交通违法处罚有误"}, {"ZJJ", "反映小区房屋质量问题"},
	{"YJGL", "反映工厂存在安全隐患"}, {"MZJ", "反映低保审核不公"}, {"WSJK", "反映无证诊所非法行医"},
	{"CDJD", "反映占道经营扰民"}, {"BSZ", "反映征地补偿款未落实"}, {"LWZ", "反映鱼塘承包纠纷"}, {"JTYS", "反映非法营运车辆"},
}

func (g *dsGen) petitions() {
	t := g.tab("petitions", "QLXFJ")
	for range 1500 {
		s := petitionSubjects[g.r.IntN(len(petitionSubjects))]
		received := g.dateIn(g.from, g.today)
		y := received.Year()
		p := g.anyPerson(1945, 2000)
		id := p.id
		if g.pct(10) {
			id = ""
		}
		status, closed := "已办结", received.AddDays(g.intn(10, 60))
		switch x := g.r.IntN(100); {
		case x < 5:
			status, closed = "不予受理", received.AddDays(g.intn(3, 15))
		case closed.After(g.today) && x < 50:
			status, closed = "受理", calendar.Date{}
		case closed.After(g.today):
			status, closed = "办理中", calendar.Date{}
		}
		t.add("petition_no", fmt.Sprintf("青信〔%d〕%05d号", y, g.next(fmt.Sprint("xf", y))), "petitioner_name", p.name, "petitioner_id_no", id,
			"received_date", ds(received), "target_agency", adminOrgNames[s.code], "subject", s.text, "status", status, "closed_date", ds(closed))
	}
}

// ---------------------------------------------------------------------------
// Seeding and files.

// SeedDatasets writes every table of GenerateDatasets(seed, today) through
// importRows (the dataset importer, injected to avoid a package cycle), once:
// the settings key demo_datasets marks them as seeded, and later calls write
// nothing and return an empty summary (GenerateDatasets with the same seed
// and today recomputes it). The demo district must have been seeded first
// (ErrNoDemoDistrict otherwise). importRows is called outside any
// transaction of this function: the importer opens its own.
func SeedDatasets(ctx context.Context, db *store.DB, seed int64, today tabular.Date,
	importRows func(ctx context.Context, kind, agencyCode string, header []string, rows [][]string) error) (DatasetSummary, error) {
	var n int
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM settings WHERE key = ?", seededKey).Scan(&n); err != nil {
		return DatasetSummary{}, fmt.Errorf("demo: read settings: %w", err)
	}
	if n == 0 {
		return DatasetSummary{}, ErrNoDemoDistrict
	}
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM settings WHERE key = ?", datasetsKey).Scan(&n); err != nil {
		return DatasetSummary{}, fmt.Errorf("demo: read settings: %w", err)
	}
	if n > 0 {
		return DatasetSummary{}, nil
	}
	sum := GenerateDatasets(seed, today)
	rows := map[string]int{}
	for _, t := range sum.Tables {
		if err := importRows(ctx, t.Kind, t.Agency, t.Header, t.Rows); err != nil {
			return DatasetSummary{}, fmt.Errorf("demo: import %s of %s: %w", t.Kind, t.Agency, err)
		}
		rows[t.Kind+"/"+t.Agency] = len(t.Rows)
	}
	planted := map[string]int{}
	for k, v := range sum.Planted {
		planted[k] = len(v)
	}
	mark, _ := json.Marshal(map[string]any{"seed": seed, "today": today.String()})
	err := db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING", datasetsKey, string(mark)); err != nil {
			return fmt.Errorf("demo: mark datasets: %w", err)
		}
		return audit.Record(ctx, tx, audit.System("demo"), audit.Entry{Action: "dataset.demo_seed", ObjectType: "settings", ObjectID: datasetsKey,
			After: map[string]any{"seed": seed, "today": today.String(), "rows": rows, "planted": planted}})
	})
	if err != nil {
		return DatasetSummary{}, err
	}
	return sum, nil
}

// WriteDatasetCSVs writes every table of s as a UTF-8 CSV in dir, named
// <kind>_<agency>.csv (criminal_cases and benefit_payments come from two
// agencies each, and an import names the supplying agency), for manual
// import tests.
func WriteDatasetCSVs(dir string, s DatasetSummary) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("demo: dataset dir: %w", err)
	}
	for _, t := range s.Tables {
		path := filepath.Join(dir, t.Kind+"_"+t.Agency+".csv")
		f, err := os.Create(path)
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		w := csv.NewWriter(f)
		err = w.Write(t.Header)
		if err == nil {
			err = w.WriteAll(t.Rows) // flushes
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("demo: write %s: %w", path, err)
		}
	}
	return nil
}
