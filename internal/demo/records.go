package demo

// Demo enforcement records: SeedRecords fills the demo district with
// penalty decisions of every agency and town government over the three years
// up to a fixed "today", generated deterministically from a seed, with a
// small share of planted irregularities of every kind the supervision models
// look for (docs DOMAIN.md §6). The planted records are listed in
// Summary.Planted; Generate recomputes the same records and the same list
// without a database.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/xingjian/xingjian/internal/audit"
	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/calendar"
	"github.com/xingjian/xingjian/internal/enforce"
	"github.com/xingjian/xingjian/internal/ident"
	"github.com/xingjian/xingjian/internal/store"
	"github.com/xingjian/xingjian/internal/tabular"
)

// DefaultRecords is how many penalty records `xingjian demo` and
// `serve --demo` seed.
const DefaultRecords = 20000

// DefaultSeed is the seed `xingjian demo` and `serve --demo` use.
const DefaultSeed int64 = 20261120

// recordsKey is the settings key that marks the demo records as seeded; its
// value is the JSON of recordsMark.
const recordsKey = "demo_records"

// RecordsToday is the demo's fixed "today": records are decided in the three
// years up to it, and every date they carry is on or before it. It is fixed
// so that the same seed gives the same records whenever they are generated.
var RecordsToday = tabular.Date{Year: 2026, Month: time.November, Day: 20}

// Planted irregularity kinds: the keys of Summary.Planted.
const (
	PlantSimpleOverLimit       = "simple_over_limit"        // 简易程序超限
	PlantDecisionLate          = "decision_late"            // 超期作出处罚决定
	PlantServiceLate           = "service_late"             // 超期送达
	PlantDuplicateFine         = "duplicate_fine"           // 一事二罚
	PlantLimitationExpired     = "limitation_expired"       // 超过追责时效
	PlantNotTransferred        = "not_transferred"          // 以罚代刑（金额、面积达到立案追诉标准）
	PlantRepeatNotTransferred  = "repeat_not_transferred"   // 以罚代刑（二年内两次处罚后再犯）
	PlantEnforcementNotApplied = "enforcement_not_applied"  // 应申请未申请强制执行
	PlantEnforcementLate       = "enforcement_applied_late" // 超期申请强制执行
	PlantHearingNotNotified    = "hearing_not_notified"     // 未告知听证权利
	PlantRemedyNotNotified     = "remedy_not_notified"      // 未告知救济途径
)

// PlantKind describes one kind of planted irregularity.
type PlantKind struct {
	ID    string // key of Summary.Planted
	Name  string // Chinese name
	Basis string // legal basis
	Model int    // number of the supervision model in DOMAIN.md §6; 0 if the catalogue has none
	Rule  string // what is planted, in Chinese
}

// PlantKinds lists the planted kinds in a stable order.
var PlantKinds = []PlantKind{
	{PlantSimpleOverLimit, "简易程序超限", "《中华人民共和国行政处罚法》第五十一条", 20,
		"适用简易程序（当场处罚），但对公民罚款超过200元或对法人、其他组织罚款超过3000元"},
	{PlantDecisionLate, "超期作出处罚决定", "《中华人民共和国行政处罚法》第六十条", 21,
		"自立案之日起超过90日才作出处罚决定"},
	{PlantServiceLate, "超期送达处罚决定书", "《中华人民共和国行政处罚法》第六十一条、第八十五条", 21,
		"决定作出后超过7个工作日才送达"},
	{PlantDuplicateFine, "一事二罚", "《中华人民共和国行政处罚法》第二十九条", 22,
		"同一当事人的同一违法行为（同一违法行为类型、同一发生日期）被罚款两次；两份决定书文号均列出"},
	{PlantLimitationExpired, "超过追责时效", "《中华人民共和国行政处罚法》第三十六条", 23,
		"违法行为发生两年后才立案查处（不涉及生命健康安全、金融安全的领域）"},
	{PlantNotTransferred, "以罚代刑（达到立案追诉标准）", "《中华人民共和国行政处罚法》第八条第二款、第二十七条；《行政执法机关移送涉嫌犯罪案件的规定》第三条", 17,
		"销售伪劣产品销售金额5万元以上，或非法占用耕地10亩以上，只作罚款、未移送公安机关"},
	{PlantRepeatNotTransferred, "以罚代刑（二年内两次处罚后再犯）", "法释〔2023〕7号第一条；法释〔2023〕8号第一条；立案追诉标准（一）第五十七条", 17,
		"同一当事人二年内因污染环境、非法占用农用地或非法行医已受过两次行政处罚，又实施同类行为，只作罚款、未移送；列出第三次处罚"},
	{PlantEnforcementNotApplied, "应申请未申请强制执行", "《中华人民共和国行政强制法》第五十三条", 13,
		"罚款逾期未缴，复议、诉讼期限届满后三个月内未申请人民法院强制执行"},
	{PlantEnforcementLate, "超期申请强制执行", "《中华人民共和国行政强制法》第五十三条；行诉解释第一百五十六条", 13,
		"送达九个月（诉讼期限六个月加三个月）后才申请人民法院强制执行"},
	{PlantHearingNotNotified, "未告知听证权利", "《中华人民共和国行政处罚法》第六十三条、第六十四条", 0,
		"较大数额罚款（公民5000元以上、单位5万元以上）未告知听证权利"},
	{PlantRemedyNotNotified, "未告知救济途径", "《中华人民共和国行政处罚法》第五十九条第一款第（五）项", 0,
		"处罚决定未载明申请行政复议、提起行政诉讼的途径和期限"},
}

// Rates of the planted kinds, per 100,000 records, in PlantKinds order; a
// duplicate is a pair of records and a repeat offence a group of three.
var plantRates = [numKinds]int{250, 250, 250, 100, 150, 150, 75, 250, 100, 200, 150}

const (
	kSimpleOverLimit = iota
	kDecisionLate
	kServiceLate
	kDuplicateFine
	kLimitation
	kNotTransferred
	kRepeat
	kNotApplied
	kAppliedLate
	kHearing
	kRemedy
	numKinds
)

// Thresholds the clean records respect and the planted ones break.
const (
	// 较大数额罚款 for the hearing right: the public-security figures of
	// 公安机关办理行政案件程序规定 第一百二十三条 (个人2000元、单位1万元), used
	// for every agency (other sectors' figures are unconfirmed): every clean
	// record at or above them has hearing_notice = true.
	hearingPersonYuan = 2000
	hearingOrgYuan    = 10000
	// Planted hearing_not_notified records are well above them.
	plantHearingPersonYuan = 5000
	plantHearingOrgYuan    = 50000
	// 伪劣产品 sales of 5万元 (立案追诉标准（一）第十六条). The fine of 产品质量法
	// 第五十条 is 0.5–3× the sales; the demo fines clean cases below 5万元 and
	// planted ones (sales ≥ 6万元) at or above it, so the fine alone finds them.
	FakeGoodsThresholdFen = 5_000_000
	// 非法占用耕地 of 10亩 (6,666.7 m², 立案追诉标准（一）第六十七条) at the
	// lowest rate of 土地管理法实施条例 第五十七条 (100元/m²): 666,667元.
	// Clean cases occupy at most 1,500 m² at up to 300元/m² (≤ 45万元).
	FarmlandThresholdFen = 66_666_700
)

// Summary reports what SeedRecords stored, or Generate generated.
type Summary struct {
	Created   bool         // false when the records were already there (nothing was written)
	Records   int          // number of records
	Seed      int64        // the seed they were generated from
	Today     tabular.Date // the demo's "today" (RecordsToday)
	From      tabular.Date // the first day of the three-year window
	PerAgency map[string]int
	// Planted maps a PlantKinds ID to the document numbers (sorted) of the
	// records planted with that irregularity. Demo document numbers are unique
	// across agencies. Empty when Created is false: call Generate with the
	// same n and seed to recompute it.
	Planted map[string][]string
}

// recordsMark is the value stored under recordsKey.
type recordsMark struct {
	Records int    `json:"records"`
	Seed    int64  `json:"seed"`
	Today   string `json:"today"`
}

// ErrNoDemoDistrict is returned by SeedRecords when the demo district's orgs
// are not in the database.
var ErrNoDemoDistrict = errors.New("演示区县尚未注入，请先注入演示区县（xingjian demo）")

// SeedRecords stores n demo penalty records generated from seed (see
// Generate) for the demo district's agencies and town governments, in one
// transaction, calling progress (if not nil) with the number stored so far.
// The demo district must have been seeded (Seed); otherwise it returns
// ErrNoDemoDistrict.
//
// It is idempotent: the records are marked by a settings key, and once they
// are there a second call changes nothing, whatever n and seed it is given,
// and returns a Summary with Created false and the Records and Seed of the
// records that are there. (Topping up is not offered: the records of a seed
// depend on n, so n records are not a prefix of n+1.) Each agency's records
// belong to one import batch of source "demo", so they can be told from
// imported ones.
func SeedRecords(ctx context.Context, db *store.DB, n int, seed int64, progress func(done int)) (Summary, error) {
	if n < 0 {
		return Summary{}, fmt.Errorf("demo: negative record count %d", n)
	}
	// Demo records go only into a database holding the demo district (never
	// into real orgs that happen to share a code).
	var seeded int
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM settings WHERE key = ?", seededKey).Scan(&seeded); err != nil {
		return Summary{}, fmt.Errorf("demo: read settings: %w", err)
	}
	if seeded == 0 {
		return Summary{}, ErrNoDemoDistrict
	}
	plans := recordPlans()
	codes := make([]any, len(plans))
	for i, p := range plans {
		codes[i] = p.code
	}
	agencyIDs := map[string]int64{}
	rows, err := db.QueryContext(ctx, "SELECT id, code FROM orgs WHERE code IN ("+store.Placeholders(len(codes))+")", codes...)
	if err != nil {
		return Summary{}, fmt.Errorf("demo: read orgs: %w", err)
	}
	for rows.Next() {
		var id int64
		var code string
		if err := rows.Scan(&id, &code); err != nil {
			rows.Close()
			return Summary{}, fmt.Errorf("demo: read orgs: %w", err)
		}
		agencyIDs[code] = id
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return Summary{}, fmt.Errorf("demo: read orgs: %w", err)
	}
	if len(agencyIDs) != len(plans) {
		return Summary{}, ErrNoDemoDistrict
	}

	var (
		sum          Summary
		oldCache     int64
		restoreCache bool
	)
	mark, _ := json.Marshal(recordsMark{Records: n, Seed: seed, Today: RecordsToday.String()})
	err = db.InTx(ctx, func(tx *store.Tx) error {
		// ON CONFLICT DO NOTHING makes a concurrent second call wait for the
		// first and then find the key: no duplicate records either way.
		res, err := tx.ExecContext(ctx, "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING", recordsKey, string(mark))
		if err != nil {
			return fmt.Errorf("demo: mark records: %w", err)
		}
		if k, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("demo: mark records: %w", err)
		} else if k == 0 {
			var v string
			if err := tx.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = ?", recordsKey).Scan(&v); err != nil {
				return fmt.Errorf("demo: read records mark: %w", err)
			}
			var m recordsMark
			if err := json.Unmarshal([]byte(v), &m); err != nil {
				return fmt.Errorf("demo: records mark %q: %w", v, err)
			}
			sum = Summary{Records: m.Records, Seed: m.Seed, Today: RecordsToday}
			return nil
		}
		now := time.Now().UnixMilli()
		batchIDs := map[string]int64{}
		for _, p := range plans {
			var id int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO import_batches (kind, agency_id, source, file_name, actor, started_at, finished_at)
				VALUES ('penalty', ?, 'demo', ?, 'demo', ?, ?) RETURNING id`, agencyIDs[p.code], "演示数据", now, now).Scan(&id); err != nil {
				return fmt.Errorf("demo: batch for %s: %w", p.code, err)
			}
			batchIDs[p.code] = id
		}
		if tx.Dialect() == store.SQLite {
			// A larger page cache for the bulk insert (a fifth less CPU at
			// 200,000 records: fewer misses while the indexes grow); the
			// writer connection gets its own size back after the commit.
			if err := tx.QueryRowContext(ctx, "PRAGMA cache_size").Scan(&oldCache); err != nil {
				return fmt.Errorf("demo: read cache size: %w", err)
			}
			if _, err := tx.ExecContext(ctx, "PRAGMA cache_size = -131072"); err != nil {
				return fmt.Errorf("demo: set cache size: %w", err)
			}
			restoreCache = true
		}
		sum, err = insertGenerated(ctx, tx, n, seed, now, agencyIDs, batchIDs, progress)
		if err != nil {
			return err
		}
		for _, p := range plans {
			k := sum.PerAgency[p.code]
			if _, err := tx.ExecContext(ctx, "UPDATE import_batches SET rows_total = ?, rows_inserted = ?, finished_at = ? WHERE id = ?",
				k, k, time.Now().UnixMilli(), batchIDs[p.code]); err != nil {
				return fmt.Errorf("demo: finish batch for %s: %w", p.code, err)
			}
		}
		planted := map[string]int{}
		for k, v := range sum.Planted {
			planted[k] = len(v)
		}
		sum.Created = true
		return audit.Record(ctx, tx, audit.System("demo"), audit.Entry{Action: "penalty.demo_seed", ObjectType: "settings", ObjectID: recordsKey,
			After: map[string]any{"records": n, "seed": seed, "today": RecordsToday.String(), "planted": planted}})
	})
	if restoreCache {
		_, _ = db.ExecContext(context.WithoutCancel(ctx), "PRAGMA cache_size = "+strconv.FormatInt(oldCache, 10))
	}
	if err != nil {
		return Summary{}, err
	}
	return sum, nil
}

// errStopped ends generation when the writer has failed.
var errStopped = errors.New("demo: stopped")

// insertGenerated generates the records on one goroutine (with their content
// hashes, the costly part of it) while this one writes them through the
// enforcement package's bulk writer, a chunk at a time.
func insertGenerated(ctx context.Context, tx *store.Tx, n int, seed int64, now int64, agencyIDs, batchIDs map[string]int64,
	progress func(done int)) (Summary, error) {
	const chunk = 1024
	chunks := make(chan []enforce.NewPenalty, 4)
	stop := make(chan struct{})
	var (
		sum    Summary
		genErr error
	)
	go func() {
		defer close(chunks)
		cur := make([]enforce.NewPenalty, 0, chunk)
		send := func() error {
			select {
			case chunks <- cur:
				cur = make([]enforce.NewPenalty, 0, chunk)
				return nil
			case <-stop:
				return errStopped
			}
		}
		sum, genErr = Generate(n, seed, func(code string, p *enforce.Penalty) error {
			cur = append(cur, enforce.NewPenalty{AgencyID: agencyIDs[code], BatchID: batchIDs[code], Penalty: p})
			if len(cur) == chunk {
				return send()
			}
			return nil
		})
		if genErr == nil && len(cur) > 0 {
			genErr = send()
		}
	}()
	w := enforce.NewPenaltyWriter(now)
	defer w.Close()
	done := 0
	for c := range chunks {
		if err := w.Insert(ctx, tx, c); err != nil {
			close(stop)
			for range chunks { // let the generator see stop and finish
			}
			return Summary{}, fmt.Errorf("demo: insert penalties: %w", err)
		}
		done += len(c)
		if progress != nil {
			progress(done)
		}
	}
	// chunks is closed: the generator has returned and set sum and genErr.
	if genErr != nil {
		return Summary{}, genErr
	}
	if err := w.Finish(ctx, tx); err != nil {
		return Summary{}, fmt.Errorf("demo: index penalties: %w", err)
	}
	return sum, nil
}

// Generate produces the n demo records of seed without a database, in order
// of decision date, calling emit with the code of the deciding org (an
// agency or town government of Orgs) and a new record. It returns the
// Summary that SeedRecords returns for the same n and seed (with Created
// false). The records depend only on n and seed, never on the clock or the
// machine.
//
// Every record is internally consistent (party, identifiers, fine within the
// discretion range of its violation, procedure, dates ordered act ≤ filed ≤
// decided ≤ served ≤ due, payment or enforcement after them, all on or before
// RecordsToday) except for the planted irregularities listed in
// Summary.Planted: about 2 % of n for n ≥ 500, each kind at least once; none
// below 100 records.
func Generate(n int, seed int64, emit func(orgCode string, p *enforce.Penalty) error) (Summary, error) {
	if n < 0 {
		return Summary{}, fmt.Errorf("demo: negative record count %d", n)
	}
	g := newGen(n, seed)
	sum := Summary{Records: n, Seed: seed, Today: RecordsToday, From: tab(g.from), PerAgency: map[string]int{}, Planted: map[string][]string{}}
	for _, p := range g.plans {
		sum.PerAgency[p.code] = 0
	}
	for i := range g.slots {
		s := &g.slots[i]
		p := g.record(s)
		code := g.plans[s.org].code
		sum.PerAgency[code]++
		if s.plant > 0 && (int(s.plant-1) != kRepeat || s.role == 2) {
			id := PlantKinds[s.plant-1].ID
			sum.Planted[id] = append(sum.Planted[id], p.DocNo)
		}
		if err := emit(code, p); err != nil {
			return Summary{}, err
		}
	}
	for _, v := range sum.Planted {
		sort.Strings(v)
	}
	return sum, nil
}

func tab(d calendar.Date) tabular.Date {
	y, m, dd := d.Date()
	return tabular.Date{Year: y, Month: m, Day: dd}
}

func cal(d tabular.Date) calendar.Date {
	c, err := calendar.NewDate(d.Year, d.Month, d.Day)
	if err != nil {
		panic(err) // only called on the fixed RecordsToday
	}
	return c
}

// ---------------------------------------------------------------------------
// Catalogue: agencies, their document numbers and their violations.

// Party kinds used while generating; legal persons include social
// organisations (民办非企业单位, credit-code category 52).
const (
	pkLegal = iota
	pkIndiv
	pkNatural
	pkSocial
)

var partyKindNames = [...]string{enforce.PartyLegalPerson, enforce.PartyIndividualBusiness, enforce.PartyNaturalPerson, enforce.PartyLegalPerson}

// Sectors pick the trade words of a party's name; pools of parties are per
// sector, so that the same shop can be penalised by several agencies.
const (
	secCatering = iota
	secFoodRetail
	secConstruction
	secManufacturing
	secChemical
	secTransport
	secMedical
	secEntertainment
	secProperty
	secAgriculture
	secServices
	secMining
	secEducation
	secSocial
	numSectors
)

var sectorWords = [numSectors]struct{ company, shop []string }{
	secCatering:      {[]string{"餐饮管理", "饮食", "餐饮服务", "酒家"}, []string{"饭店", "大排档", "烧烤店", "粥店", "小食店", "茶餐厅"}},
	secFoodRetail:    {[]string{"食品贸易", "商贸", "超市", "副食品"}, []string{"便利店", "士多店", "商行", "副食店", "水果店"}},
	secConstruction:  {[]string{"建筑工程", "建设工程", "市政工程", "建材"}, []string{"建材店", "装饰材料店", "五金店"}},
	secManufacturing: {[]string{"五金制品", "塑料制品", "电子科技", "家具制造", "纺织", "金属制品", "印刷"}, []string{"五金加工厂", "塑料加工厂", "家具厂"}},
	secChemical:      {[]string{"化工", "涂料", "表面处理", "环保科技", "新材料"}, []string{"电镀加工厂", "喷涂加工厂"}},
	secTransport:     {[]string{"物流", "运输", "货运", "汽车运输"}, []string{"货运部", "运输队"}},
	secMedical:       {[]string{"医药连锁", "大药房", "医疗器械", "口腔门诊部"}, []string{"诊所", "药店", "中医诊所"}},
	secEntertainment: {[]string{"文化传播", "网络科技", "娱乐", "酒店管理", "旅行社"}, []string{"电子游戏室", "桌球室", "棋牌室"}},
	secProperty:      {[]string{"房地产开发", "物业管理", "置业", "实业"}, []string{"地产中介", "装修队"}},
	secAgriculture:   {[]string{"农业发展", "生态农业", "农资", "水产养殖"}, []string{"农资店", "养殖场", "种植场"}},
	secServices:      {[]string{"商务服务", "人力资源", "科技", "企业管理", "美容"}, []string{"理发店", "美容院", "洗衣店", "足浴店"}},
	secMining:        {[]string{"矿业", "石材", "砂石", "建材"}, []string{"石场", "砂场"}},
	secEducation:     {[]string{"教育科技", "培训", "文化艺术"}, []string{"艺术培训室", "托管中心"}},
	secSocial:        {[]string{"社会工作服务中心", "养老服务中心", "职业培训学校", "康复服务中心"}, nil},
}

type partyMix struct{ legal, indiv, natural int }

// scaled is a fine proportional to an amount stated in the facts (goods
// value, sales, investment, arrears…): fine = max(base, floor) × factor,
// with the factor chosen by discretion level.
type scaled struct {
	tail       string // facts text with one %d for the base amount in yuan
	lo, hi     int64  // base range, yuan
	floor      int64  // base used for the fine when larger (e.g. "不足一万元的，按一万元计算")
	fLo, fHi   float64
	confFactor float64 // confiscated illegal gains as a share of the base; 0 = none
}

// detention is an administrative detention of 治安管理处罚法: with pct % the
// penalty is lo–hi days (plus a fine when fine is set), otherwise a fine.
type detention struct {
	pct, lo, hi int
	fine        bool
}

type crimeRule struct{ thresholdFen int64 }

type violation struct {
	code, name, basis string
	whats             []string // the act, after "经查，当事人于<date>"; {road} {addr} {village} {river} are filled in
	order             string   // 责令… part of the decision
	min, max          int64    // ordinary-procedure fine range, yuan
	natMin, natMax    int64    // range for natural persons and individual businesses, if different
	mix               partyMix
	sectors           []int
	simplePct         int     // share of on-the-spot (simple procedure) decisions
	simpleNat         []int64 // on-the-spot fines for citizens and individual businesses (≤ 200元); 0 = warning
	simpleOrg         []int64 // on-the-spot fines for organisations (≤ 3000元)
	warnPct           int     // ordinary decisions that are a warning only
	confPct           int     // share with confiscation of illegal gains
	confMin, confMax  int64
	licence           string // licence action, e.g. 暂扣机动车驾驶证六个月
	licenceKind       string
	closure           bool // the decision orders suspension of use or business: a hearing right in any case
	detain            *detention
	scale             *scaled
	custom            func(g *gen, d *draft)
	until             calendar.Date // if set, only decisions before it cite this article
	long              bool          // 5-year limitation (life/health safety)
	repeat            string        // category of the "≥ 2 penalties in 2 years then again" rule
	crime             *crimeRule
	shared            bool   // the same act may be fined by the city-management bureau and a town
	tag               string // fills %[1]s of the agency's document number
}

// orgViol is a violation an org penalises, under one of its domains.
type orgViol struct {
	v      *violation
	domain string
	weight int
}

// orgPlan is how one agency or town government decides penalties.
type orgPlan struct {
	code       string
	name       string
	uscc       string
	weight     int    // share of the records
	ord, simp  string // document number formats: %[1]s tag, %[2]d year, %[3]d number
	viols      []orgViol
	ownEnforce bool // has its own enforcement power (税务): never applies to a court
}

func day(y int, m time.Month, d int) calendar.Date {
	c, err := calendar.NewDate(y, m, d)
	if err != nil {
		panic(err)
	}
	return c
}

var (
	// The 2025 revision of 治安管理处罚法 (in force 2026-01-01) renumbered its
	// articles: the demo cites the 2012 text only for decisions before then.
	untilPSL = day(2026, time.January, 1)
	// The 2024 revision of 矿产资源法 is in force from 2025-07-01.
	untilMining = day(2025, time.July, 1)
)

const (
	lawPSL   = "《中华人民共和国治安管理处罚法》"
	lawRoad  = "《中华人民共和国道路交通安全法》"
	lawFood  = "《中华人民共和国食品安全法》"
	lawFire  = "《中华人民共和国消防法》"
	lawSafe  = "《中华人民共和国安全生产法》"
	lawTax   = "《中华人民共和国税收征收管理法》"
	lawWater = "《中华人民共和国水法》"
	lawSI    = "《中华人民共和国社会保险法》"
	lawLabor = "《劳动保障监察条例》"
	lawMI    = "《医疗保障基金使用监督管理条例》"
	lawPub   = "《公共场所卫生管理条例实施细则》"
	lawAir   = "《中华人民共和国大气污染防治法》"
	lawForst = "《中华人民共和国森林法》"
)

// Violations. Fine ranges follow the articles cited; where an article leaves
// the amount to local rules the demo uses a plausible range.
var (
	vAssault = &violation{code: "GA-ZA-043", name: "殴打他人", basis: lawPSL + "第四十三条第一款", tag: "治",
		whats: []string{"在{addr}一大排档内因琐事与他人发生争执，殴打他人致其轻微伤", "在{road}路边与他人发生口角后动手殴打对方", "在{addr}出租屋内因邻里纠纷殴打邻居"},
		min:   200, max: 500, mix: partyMix{natural: 1}, detain: &detention{pct: 60, lo: 3, hi: 5}, until: untilPSL}
	vGambling = &violation{code: "GA-ZA-070", name: "赌博", basis: lawPSL + "第七十条", tag: "治",
		whats: []string{"在{addr}出租屋内以“打麻将”方式参与赌博，赌资较大", "在{village}一鱼塘棚内以“斗牛”方式参与赌博，赌资较大"},
		min:   200, max: 500, mix: partyMix{natural: 1}, detain: &detention{pct: 30, lo: 2, hi: 5}, confPct: 80, confMin: 200, confMax: 3000, until: untilPSL}
	vTheft = &violation{code: "GA-ZA-049", name: "盗窃", basis: lawPSL + "第四十九条", tag: "治",
		whats: []string{"在{addr}一超市内盗窃洗发水等商品（价值人民币三百余元）", "在{road}盗窃他人停放的电动自行车电瓶一个"},
		min:   200, max: 500, mix: partyMix{natural: 1}, detain: &detention{pct: 85, lo: 5, hi: 10, fine: true}, until: untilPSL}
	vDrugs = &violation{code: "GA-ZA-072", name: "吸食毒品", basis: lawPSL + "第七十二条第（三）项", tag: "治",
		whats: []string{"在{addr}出租屋内吸食甲基苯丙胺（冰毒），经尿液检测呈阳性"},
		min:   500, max: 2000, mix: partyMix{natural: 1}, detain: &detention{pct: 100, lo: 10, hi: 15}, until: untilPSL}
	vHotel = &violation{code: "GA-ZA-056", name: "旅馆不按规定登记住宿旅客信息", basis: lawPSL + "第五十六条第一款", tag: "治",
		whats: []string{"经营的旅馆对住宿旅客未按规定登记姓名、身份证件种类和号码"},
		min:   200, max: 500, mix: partyMix{legal: 3, indiv: 7}, sectors: []int{secEntertainment}, until: untilPSL}
	vFakeID = &violation{code: "GA-SFZ-017", name: "冒用他人居民身份证", basis: "《中华人民共和国居民身份证法》第十七条第一款", tag: "治",
		whats: []string{"在{addr}一网吧冒用他人居民身份证登记上网", "在{addr}一旅馆冒用他人居民身份证办理入住登记"},
		min:   200, max: 1000, mix: partyMix{natural: 1}, detain: &detention{pct: 20, lo: 3, hi: 5}}
	vTraffic = &violation{code: "GA-JT-090", name: "违反道路交通安全法律法规关于道路通行规定", basis: lawRoad + "第九十条", tag: "交",
		whats: []string{"驾驶小型汽车在{road}违反禁止标线指示行驶", "驾驶小型汽车在{road}不按规定车道行驶", "驾驶小型汽车在{road}违法停车，妨碍其他车辆通行", "驾驶普通二轮摩托车在{road}未按规定戴安全头盔"},
		min:   20, max: 200, mix: partyMix{natural: 1}, simplePct: 95, simpleNat: []int64{0, 50, 100, 150, 200, 200}}
	vDrink = &violation{code: "GA-JT-091", name: "饮酒后驾驶机动车", basis: lawRoad + "第九十一条第一款", tag: "交",
		custom: drinkDriving, min: 1000, max: 2000, mix: partyMix{natural: 1},
		licence: "暂扣机动车驾驶证六个月", licenceKind: "暂扣许可证件"}
	vNoLicence = &violation{code: "GA-JT-099", name: "未取得机动车驾驶证驾驶机动车", basis: lawRoad + "第九十九条第一款第（一）项", tag: "交",
		whats: []string{"未取得机动车驾驶证驾驶普通二轮摩托车在{road}行驶", "未取得机动车驾驶证驾驶小型汽车在{road}行驶"},
		min:   200, max: 2000, mix: partyMix{natural: 1}}
	vOverload = &violation{code: "GA-JT-092", name: "公路客运车辆载客超过额定乘员", basis: lawRoad + "第九十二条第一款", tag: "交",
		whats: []string{"驾驶的公路客运车辆在{road}载客超过额定乘员，超员未达百分之二十"},
		min:   200, max: 500, mix: partyMix{natural: 1}}

	vFarmland = &violation{code: "ZR-TD-077", name: "非法占用土地", basis: "《中华人民共和国土地管理法》第七十七条第一款；《中华人民共和国土地管理法实施条例》第五十七条第一款",
		custom: farmland, order: "责令退还非法占用的土地，限期拆除在非法占用的土地上新建的建筑物和其他设施，恢复土地原状",
		mix: partyMix{legal: 4, natural: 6}, sectors: []int{secManufacturing, secAgriculture, secConstruction}, repeat: "farmland", crime: &crimeRule{FarmlandThresholdFen}}
	vLandTransfer = &violation{code: "ZR-TD-074", name: "非法转让土地", basis: "《中华人民共和国土地管理法》第七十四条；《中华人民共和国土地管理法实施条例》第五十四条",
		whats: []string{"将{village}集体土地使用权非法转让给他人用于建设厂房"},
		scale: &scaled{tail: "，违法所得%d元", lo: 50000, hi: 500000, fLo: 0.1, fHi: 0.5, confFactor: 1},
		mix:   partyMix{legal: 5, natural: 5}, sectors: []int{secProperty, secAgriculture}}
	vMining = &violation{code: "ZR-KC-039", name: "未取得采矿许可证擅自采矿", basis: "《中华人民共和国矿产资源法》第三十九条第一款；《中华人民共和国矿产资源法实施细则》第四十二条第（一）项",
		custom: mining, order: "责令停止开采，没收采出的矿产品", mix: partyMix{legal: 5, natural: 5}, sectors: []int{secMining},
		repeat: "mining", until: untilMining}

	vWaterOver = &violation{code: "HJ-SW-083-2", name: "超标排放水污染物", basis: "《中华人民共和国水污染防治法》第八十三条第（二）项",
		whats: []string{"废水总排放口外排废水中化学需氧量浓度超过广东省《水污染物排放限值》规定的排放限值", "生产废水排放口外排废水中总铜浓度超过国家规定的排放标准"},
		order: "责令改正违法行为，限制生产", min: 100000, max: 1000000, mix: partyMix{legal: 1}, sectors: []int{secChemical, secManufacturing}, repeat: "pollution"}
	vHiddenPipe = &violation{code: "HJ-SW-083-3", name: "通过暗管排放水污染物", basis: "《中华人民共和国水污染防治法》第八十三条第（三）项",
		whats: []string{"利用私设暗管的方式将未经处理的生产废水直接排入附近水体，逃避监管"},
		order: "责令改正违法行为，停产整治", closure: true, min: 200000, max: 1000000, mix: partyMix{legal: 1}, sectors: []int{secChemical}, repeat: "pollution"}
	vAirOver = &violation{code: "HJ-DQ-099-2", name: "超标排放大气污染物", basis: lawAir + "第九十九条第（二）项",
		whats: []string{"喷涂车间废气排放口挥发性有机物排放浓度超过国家规定的排放标准", "锅炉废气排放口颗粒物排放浓度超过国家规定的排放标准"},
		order: "责令改正，限制生产", min: 100000, max: 1000000, mix: partyMix{legal: 1}, sectors: []int{secManufacturing, secChemical}, repeat: "pollution"}
	vHazardSign = &violation{code: "HJ-GF-112", name: "未按照规定设置危险废物识别标志", basis: "《中华人民共和国固体废物污染环境防治法》第一百一十二条第一款第（一）项",
		whats: []string{"危险废物贮存场所未按照规定设置危险废物识别标志", "废矿物油、废包装桶等危险废物贮存点未按照规定设置危险废物识别标志"},
		order: "责令改正", min: 100000, max: 1000000, mix: partyMix{legal: 1}, sectors: []int{secManufacturing, secChemical}, repeat: "pollution"}
	vEIA = &violation{code: "HJ-HP-031", name: "建设项目环境影响评价文件未经批准擅自开工建设", basis: "《中华人民共和国环境影响评价法》第三十一条第一款",
		whats: []string{"年产五金配件项目环境影响报告表未经批准，擅自开工建设", "塑料制品生产线扩建项目环境影响报告表未经批准，擅自开工建设"},
		order: "责令停止建设", scale: &scaled{tail: "，项目总投资额%d元", lo: 500000, hi: 20000000, fLo: 0.01, fHi: 0.05},
		mix: partyMix{legal: 1}, sectors: []int{secManufacturing, secChemical}}
	vNoPermit = &violation{code: "HJ-PW-033", name: "未取得排污许可证排放污染物", basis: "《排污许可管理条例》第三十三条第（一）项",
		whats: []string{"未取得排污许可证排放大气污染物", "未取得排污许可证排放水污染物"},
		order: "责令改正，限制生产", min: 200000, max: 1000000, mix: partyMix{legal: 1}, sectors: []int{secManufacturing, secChemical}, repeat: "pollution"}

	vExpiredFood = &violation{code: "SC-SP-124", name: "经营超过保质期的食品", basis: lawFood + "第一百二十四条第一款第（五）项",
		whats: []string{"在其经营场所销售超过保质期的饼干、饮料等预包装食品", "在其经营场所销售超过保质期的牛奶"},
		order: "没收超过保质期的食品", min: 50000, max: 100000, natMin: 5000, natMax: 20000, confPct: 70, confMin: 20, confMax: 2000,
		mix: partyMix{legal: 4, indiv: 6}, sectors: []int{secFoodRetail}, long: true}
	vHealthCert = &violation{code: "SC-SP-126", name: "安排未取得健康证明的人员从事接触直接入口食品的工作", basis: lawFood + "第一百二十六条第一款第（六）项",
		whats: []string{"安排未取得健康证明的人员从事接触直接入口食品的工作"},
		order: "责令改正", min: 5000, max: 50000, warnPct: 35, simplePct: 30, simpleNat: []int64{0}, simpleOrg: []int64{0},
		mix: partyMix{legal: 3, indiv: 7}, sectors: []int{secCatering}, long: true, shared: true}
	vLabel = &violation{code: "SC-SP-125", name: "经营标签不符合规定的预包装食品", basis: lawFood + "第一百二十五条第一款第（二）项",
		whats: []string{"销售的预包装食品标签未标注生产者名称、地址和联系方式", "销售的预包装食品无中文标签"},
		order: "没收违法经营的食品", min: 5000, max: 50000, confPct: 50, confMin: 50, confMax: 3000,
		mix: partyMix{legal: 5, indiv: 5}, sectors: []int{secFoodRetail}, long: true}
	vFakeGoods = &violation{code: "SC-CP-050", name: "以不合格产品冒充合格产品", basis: "《中华人民共和国产品质量法》第五十条",
		custom: fakeGoods, order: "责令停止销售，没收违法销售的产品",
		mix: partyMix{legal: 6, indiv: 4}, sectors: []int{secManufacturing, secConstruction, secFoodRetail}, crime: &crimeRule{FakeGoodsThresholdFen}}
	vUnsafeProduct = &violation{code: "SC-CP-049", name: "销售不符合保障人身、财产安全的国家标准的产品", basis: "《中华人民共和国产品质量法》第四十九条",
		whats: []string{"销售经抽检不合格的电线电缆", "销售经抽检不合格的电动自行车头盔"}, order: "没收违法销售的产品",
		scale: &scaled{tail: "，货值金额%d元", lo: 2000, hi: 50000, fLo: 1, fHi: 3, confFactor: 0.15},
		mix:   partyMix{legal: 6, indiv: 4}, sectors: []int{secConstruction, secManufacturing}, long: true}
	vPriceTag = &violation{code: "SC-JG-042", name: "不按规定明码标价", basis: "《中华人民共和国价格法》第四十二条",
		whats: []string{"在其经营场所销售商品未按照规定明码标价", "提供服务未按照规定明码标价"},
		order: "责令改正", min: 500, max: 5000, simplePct: 60, simpleNat: []int64{0, 100, 200}, simpleOrg: []int64{0, 500, 1000, 2000},
		mix: partyMix{legal: 3, indiv: 7}, sectors: []int{secFoodRetail, secCatering, secServices}, shared: true}
	vUnlicensed = &violation{code: "SC-DJ-043", name: "未经设立登记从事经营活动", basis: "《中华人民共和国市场主体登记管理条例》第四十三条",
		whats: []string{"未依法办理营业执照，擅自在{addr}从事餐饮经营活动", "未依法办理营业执照，擅自在{addr}从事废旧物资回收经营活动"},
		order: "责令改正", min: 10000, max: 30000, confPct: 60, confMin: 500, confMax: 8000, mix: partyMix{natural: 1}}
	vFalseAd = &violation{code: "SC-GG-055", name: "发布虚假广告", basis: "《中华人民共和国广告法》第五十五条第一款",
		whats: []string{"在其微信公众号发布含有虚假内容的广告，欺骗、误导消费者", "在其经营场所发布宣称“根治”“百分之百有效”的虚假广告"},
		order: "责令停止发布广告，在相应范围内消除影响", scale: &scaled{tail: "，广告费用%d元", lo: 1000, hi: 20000, fLo: 3, fHi: 5},
		mix: partyMix{legal: 1}, sectors: []int{secServices, secMedical}}
	vPoorDrug = &violation{code: "SC-YP-117", name: "销售劣药", basis: "《中华人民共和国药品管理法》第一百一十七条第一款",
		whats: []string{"销售经检验为劣药的中药饮片", "销售超过有效期的药品"}, order: "没收违法销售的药品",
		scale: &scaled{tail: "，货值金额%d元（不足一万元，按一万元计算）", lo: 300, hi: 5000, floor: 10000, fLo: 10, fHi: 20, confFactor: 0.3},
		mix:   partyMix{legal: 7, indiv: 3}, sectors: []int{secMedical}, long: true}
	vTobaccoSource = &violation{code: "YC-056", name: "未在当地烟草专卖批发企业进货", basis: "《中华人民共和国烟草专卖法实施条例》第五十六条",
		whats: []string{"在其经营场所销售的卷烟未在当地烟草专卖批发企业进货"},
		scale: &scaled{tail: "，进货总额%d元", lo: 3000, hi: 60000, fLo: 0.05, fHi: 0.10, confFactor: 0.05},
		mix:   partyMix{legal: 2, indiv: 8}, sectors: []int{secFoodRetail}}
	vTobaccoFake = &violation{code: "YC-058", name: "销售非法生产的烟草专卖品", basis: "《中华人民共和国烟草专卖法实施条例》第五十八条",
		whats: []string{"在其经营场所销售非法生产的卷烟"}, order: "责令停止销售，查获的卷烟公开销毁",
		scale: &scaled{tail: "，违法销售总额%d元", lo: 2000, hi: 40000, fLo: 0.2, fHi: 0.5, confFactor: 0.1},
		mix:   partyMix{legal: 2, indiv: 8}, sectors: []int{secFoodRetail}}

	vStreetStall = &violation{code: "CG-DL-042", name: "擅自占用城市道路经营", basis: "《城市道路管理条例》第四十二条",
		whats: []string{"未经批准在{road}人行道上摆卖水果", "擅自在{road}占用城市道路摆放桌椅经营", "未经批准在{road}占道堆放货物经营"},
		order: "责令限期改正", min: 200, max: 5000, simplePct: 70, simpleNat: []int64{0, 50, 100, 200}, simpleOrg: []int64{200, 500, 1000},
		mix: partyMix{legal: 1, indiv: 5, natural: 5}, sectors: []int{secCatering, secFoodRetail}, shared: true}
	vPosters = &violation{code: "CG-SR-034", name: "未经批准张贴宣传品", basis: "《城市市容和环境卫生管理条例》第三十四条第（二）项",
		whats: []string{"在{road}沿街建筑物外墙上未经批准张贴小广告", "在{road}电线杆上未经批准张贴宣传品"},
		order: "责令纠正违法行为，采取补救措施", min: 50, max: 500, simplePct: 80, simpleNat: []int64{0, 50, 100, 200}, simpleOrg: []int64{200, 500},
		mix: partyMix{legal: 2, natural: 8}, sectors: []int{secServices, secProperty}, shared: true}
	vBarbecue = &violation{code: "CG-DQ-118-3", name: "在城市人口集中区域露天烧烤食品", basis: lawAir + "第一百一十八条第三款",
		whats: []string{"在{road}城市人口集中区域露天烧烤食品", "在{addr}门前露天烧烤食品"},
		order: "责令改正，没收烧烤工具", min: 500, max: 20000, simplePct: 30, simpleNat: []int64{0},
		mix: partyMix{indiv: 6, natural: 4}, sectors: []int{secCatering}, shared: true}
	vFumes = &violation{code: "CG-DQ-118-1", name: "餐饮服务业经营者未安装油烟净化设施", basis: lawAir + "第一百一十八条第一款",
		whats: []string{"经营的餐饮店未安装油烟净化设施，油烟直接排放", "经营的餐饮店油烟净化设施不正常使用"},
		order: "责令改正", min: 5000, max: 50000, mix: partyMix{legal: 4, indiv: 6}, sectors: []int{secCatering}, shared: true}
	vDebris = &violation{code: "CG-JZ-026", name: "随意倾倒建筑垃圾", basis: "《城市建筑垃圾管理规定》第二十六条",
		whats: []string{"在{road}路边随意倾倒建筑垃圾", "在{village}空地随意倾倒装修垃圾"},
		order: "责令限期改正", min: 5000, max: 50000, natMin: 50, natMax: 200, warnPct: 10, simplePct: 30, simpleNat: []int64{0, 100, 200},
		mix: partyMix{legal: 6, natural: 4}, sectors: []int{secConstruction}, shared: true}
	vIllegalBuild = &violation{code: "CG-GH-064", name: "未取得建设工程规划许可证进行建设", basis: "《中华人民共和国城乡规划法》第六十四条",
		whats: []string{"未取得建设工程规划许可证，擅自在{addr}楼顶加建钢结构房屋", "未取得建设工程规划许可证，擅自在{village}建设厂房"},
		order: "责令限期改正", scale: &scaled{tail: "，建设工程造价%d元", lo: 50000, hi: 800000, fLo: 0.05, fHi: 0.10},
		mix: partyMix{legal: 5, natural: 5}, sectors: []int{secProperty, secManufacturing}}

	vSafetyTraining = &violation{code: "YJ-AQ-097", name: "未按照规定对从业人员进行安全生产教育和培训", basis: lawSafe + "第九十七条第（三）项",
		whats: []string{"未按照规定对从业人员进行安全生产教育和培训，未如实记录安全生产教育和培训情况"},
		order: "责令限期改正", min: 10000, max: 100000, mix: partyMix{legal: 1}, sectors: []int{secManufacturing, secChemical, secConstruction}}
	vHazard = &violation{code: "YJ-AQ-102", name: "未采取措施消除事故隐患", basis: lawSafe + "第一百零二条",
		whats: []string{"对检查发现的生产车间电气线路私拉乱接的事故隐患未采取措施消除", "对检查发现的粉尘涉爆场所事故隐患未采取措施消除"},
		order: "责令立即消除事故隐患", min: 10000, max: 50000, mix: partyMix{legal: 1}, sectors: []int{secManufacturing, secChemical}}
	vSafetyEquip = &violation{code: "YJ-AQ-099", name: "未对安全设备进行经常性维护、保养和定期检测", basis: lawSafe + "第九十九条第（三）项",
		whats: []string{"未对安全设备进行经常性维护、保养和定期检测"},
		order: "责令限期改正", min: 5000, max: 50000, mix: partyMix{legal: 1}, sectors: []int{secManufacturing, secChemical}}

	vFireEquip = &violation{code: "XF-060-1-1", name: "消防设施、器材配置不符合标准", basis: lawFire + "第六十条第一款第（一）项",
		whats: []string{"经营场所消防设施、器材的配置、设置不符合国家标准", "经营场所室内消火栓未保持完好有效"},
		order: "责令改正", min: 5000, max: 50000, mix: partyMix{legal: 6, indiv: 4}, sectors: []int{secEntertainment, secCatering, secManufacturing}}
	vFireExit = &violation{code: "XF-060-1-3", name: "占用、堵塞、封闭疏散通道、安全出口", basis: lawFire + "第六十条第一款第（三）项",
		whats: []string{"占用、堵塞经营场所疏散通道", "封闭经营场所安全出口"},
		order: "责令改正", min: 5000, max: 50000, mix: partyMix{legal: 6, indiv: 4}, sectors: []int{secEntertainment, secCatering, secFoodRetail}}
	vFireExitPerson = &violation{code: "XF-060-2", name: "个人占用、堵塞、封闭疏散通道", basis: lawFire + "第六十条第二款",
		whats: []string{"在{addr}住宅楼疏散通道内停放电动自行车并充电", "在{addr}楼梯间堆放杂物堵塞疏散通道"},
		order: "责令改正", min: 100, max: 500, warnPct: 30, simplePct: 90, simpleNat: []int64{0, 100, 200}, mix: partyMix{natural: 1}}
	vFireCheck = &violation{code: "XF-058", name: "公众聚集场所未经消防安全检查擅自投入使用、营业", basis: lawFire + "第五十八条第一款第（四）项",
		whats: []string{"经营的公众聚集场所未经消防安全检查，擅自投入使用、营业"},
		order: "责令停止使用", closure: true, min: 30000, max: 300000, mix: partyMix{legal: 1}, sectors: []int{secEntertainment, secCatering}}
	vOpenFire = &violation{code: "XF-063", name: "违反规定使用明火作业", basis: lawFire + "第六十三条第（二）项",
		whats: []string{"在{addr}装修工地违反规定使用明火进行电焊作业"},
		min:   100, max: 500, warnPct: 40, simplePct: 80, simpleNat: []int64{0, 100, 200}, mix: partyMix{natural: 1}}

	vElectroFishing = &violation{code: "NY-YY-038", name: "使用电鱼方法进行捕捞", basis: "《中华人民共和国渔业法》第三十八条第一款",
		whats: []string{"在{river}使用电鱼方法进行捕捞", "在{river}使用电鱼工具进行捕捞，渔获物约五公斤"},
		order: "没收渔获物和电鱼工具", min: 500, max: 5000, mix: partyMix{natural: 1}}
	vPesticide = &violation{code: "NY-NY-055", name: "未取得农药经营许可证经营农药", basis: "《农药管理条例》第五十五条第一款第（一）项",
		whats: []string{"未取得农药经营许可证在{addr}经营农药"}, order: "责令停止经营，没收违法经营的农药",
		min: 5000, max: 50000, confPct: 70, confMin: 200, confMax: 5000, mix: partyMix{legal: 3, indiv: 7}, sectors: []int{secAgriculture}}
	vSlaughter = &violation{code: "NY-TZ-031", name: "未经定点从事生猪屠宰活动", basis: "《生猪屠宰管理条例》第三十一条第一款",
		whats: []string{"未经定点在{village}从事生猪屠宰活动"}, order: "责令关闭，没收生猪、生猪产品、屠宰工具和设备",
		min: 100000, max: 200000, natMin: 5000, natMax: 10000, confPct: 60, confMin: 500, confMax: 5000, mix: partyMix{legal: 1, natural: 9},
		sectors: []int{secAgriculture}, long: true}

	vNonDoctor = &violation{code: "WS-YS-059", name: "非医师行医", basis: "《中华人民共和国医师法》第五十九条", tag: "医",
		whats: []string{"在未取得医师资格的情况下，在{addr}为他人进行输液治疗", "未取得医师执业证书，在{village}为村民诊疗疾病并收取费用"},
		order: "责令停止非法执业活动，没收药品、医疗器械",
		scale: &scaled{tail: "，违法所得%d元（不足一万元，按一万元计算）", lo: 500, hi: 9000, floor: 10000, fLo: 2, fHi: 4, confFactor: 1},
		mix:   partyMix{natural: 1}, long: true, repeat: "medical"}
	vNoClinicLicence = &violation{code: "WS-JK-099", name: "未取得医疗机构执业许可证擅自执业", basis: "《中华人民共和国基本医疗卫生与健康促进法》第九十九条第一款", tag: "医",
		whats: []string{"未取得医疗机构执业许可证，在{addr}擅自开展诊疗活动", "未取得医疗机构执业许可证，在{addr}擅自开展医疗美容项目"},
		order: "责令停止执业活动，没收药品、医疗器械",
		scale: &scaled{tail: "，违法所得%d元（不足一万元，按一万元计算）", lo: 1000, hi: 9000, floor: 10000, fLo: 5, fHi: 8, confFactor: 1},
		mix:   partyMix{natural: 1}, long: true, repeat: "medical"}
	vPublicNoPermit = &violation{code: "WS-GG-035", name: "未依法取得公共场所卫生许可证擅自营业", basis: lawPub + "第三十五条第一款", tag: "公",
		whats: []string{"未依法取得公共场所卫生许可证擅自经营美容美发场所", "未依法取得公共场所卫生许可证擅自经营住宿场所"},
		order: "责令限期改正，给予警告", min: 500, max: 5000, mix: partyMix{legal: 3, indiv: 7}, sectors: []int{secServices, secEntertainment}, long: true}
	vPublicTesting = &violation{code: "WS-GG-036", name: "未按照规定对公共场所进行卫生检测", basis: lawPub + "第三十六条第（一）项", tag: "公",
		whats: []string{"未按照规定对公共场所的空气、微小气候、水质、采光、照明、噪声、顾客用品用具等进行卫生检测"},
		order: "责令限期改正", min: 200, max: 2000, warnPct: 40, mix: partyMix{legal: 4, indiv: 6}, sectors: []int{secServices, secEntertainment}, long: true}
	vPublicHealthCert = &violation{code: "WS-GG-038", name: "安排未获得有效健康合格证明的从业人员直接为顾客服务", basis: lawPub + "第三十八条", tag: "公",
		whats: []string{"安排未获得有效健康合格证明的从业人员从事直接为顾客服务的工作"},
		order: "责令限期改正", min: 500, max: 5000, warnPct: 20, mix: partyMix{legal: 3, indiv: 7}, sectors: []int{secServices}, long: true}

	vOverlogging = &violation{code: "LY-076-2", name: "滥伐林木", basis: lawForst + "第七十六条第二款",
		custom: overlogging, order: "责令限期在原地补种滥伐株数三倍的树木", mix: partyMix{legal: 3, natural: 7}, sectors: []int{secAgriculture}}
	vForestLand = &violation{code: "LY-073", name: "未经审核同意擅自改变林地用途", basis: lawForst + "第七十三条第一款",
		custom: forestLand, order: "责令限期恢复植被和林业生产条件", mix: partyMix{legal: 5, natural: 5},
		sectors: []int{secAgriculture, secMining}, repeat: "farmland"}
	vTreeDamage = &violation{code: "LY-074", name: "毁坏林木", basis: lawForst + "第七十四条第一款",
		whats: []string{"在{village}山地开垦种植，毁坏林木", "在{village}修建便道，毁坏林木"}, order: "责令停止违法行为，限期补种毁坏株数两倍的树木",
		scale: &scaled{tail: "，毁坏林木价值%d元", lo: 1000, hi: 10000, fLo: 1, fHi: 5}, mix: partyMix{legal: 3, natural: 7}, sectors: []int{secAgriculture}}

	vSuperstition = &violation{code: "MZ-BZ-022", name: "销售封建迷信殡葬用品", basis: "《殡葬管理条例》第二十二条第二款",
		whats: []string{"在其经营场所销售纸人、纸马等封建迷信殡葬用品"}, order: "没收封建迷信殡葬用品",
		scale: &scaled{tail: "，违法所得%d元", lo: 300, hi: 5000, fLo: 1, fHi: 3}, mix: partyMix{indiv: 1}, sectors: []int{secFoodRetail}}
	vSocialOrg = &violation{code: "MZ-MF-025", name: "民办非企业单位不按照规定接受监督检查", basis: "《民办非企业单位登记管理暂行条例》第二十五条第一款第（五）项",
		whats: []string{"未按照规定参加年度检查", "不按照规定接受登记管理机关监督检查"}, order: "责令改正",
		warnPct: 100, mix: partyMix{legal: 1}, sectors: []int{secSocial}}

	vOvertime = &violation{code: "RS-JC-025", name: "违法延长劳动者工作时间", basis: lawLabor + "第二十五条",
		custom: overtime, order: "给予警告，责令限期改正", mix: partyMix{legal: 1}, sectors: []int{secManufacturing, secServices}}
	vSIArrears = &violation{code: "RS-SB-086", name: "未按时足额缴纳社会保险费且逾期仍不缴纳", basis: lawSI + "第八十六条",
		whats: []string{"未按时足额为职工缴纳社会保险费，经责令限期缴纳后逾期仍不缴纳"}, order: "责令限期缴纳",
		scale: &scaled{tail: "，欠缴社会保险费%d元", lo: 5000, hi: 100000, fLo: 1, fHi: 3}, mix: partyMix{legal: 1}, sectors: []int{secManufacturing, secServices, secCatering}}
	vSIRegister = &violation{code: "RS-SB-084", name: "不办理社会保险登记", basis: lawSI + "第八十四条",
		whats: []string{"未依法为职工办理社会保险登记，经责令限期改正后逾期不改正"}, order: "责令限期改正",
		scale: &scaled{tail: "，应缴社会保险费%d元", lo: 3000, hi: 60000, fLo: 1, fHi: 3}, mix: partyMix{legal: 1}, sectors: []int{secServices, secCatering}}
	vObstruct = &violation{code: "RS-JC-030", name: "无理抗拒、阻挠劳动保障监察", basis: lawLabor + "第三十条第一款第（一）项",
		whats: []string{"无理抗拒、阻挠劳动保障行政部门实施劳动保障监察"}, order: "责令改正",
		min: 2000, max: 20000, mix: partyMix{legal: 1}, sectors: []int{secManufacturing, secConstruction}}

	vIllegalTaxi = &violation{code: "JT-YS-063", name: "未取得道路运输经营许可擅自从事道路运输经营", basis: "《中华人民共和国道路运输条例》第六十三条",
		whats: []string{"未取得道路运输经营许可，驾驶小型汽车在{road}从事道路旅客运输经营", "未取得道路运输经营许可，驾驶轻型货车从事道路普通货物运输经营"},
		order: "责令停止经营", min: 10000, max: 50000, mix: partyMix{natural: 1}}
	vOverweight = &violation{code: "JT-CX-064", name: "车辆超限运输", basis: "《公路安全保护条例》第六十四条",
		whats: []string{"驾驶的重型货车在{road}超限运输，车货总质量超过公路限定标准"}, order: "责令改正",
		min: 500, max: 30000, simplePct: 25, simpleOrg: []int64{500, 1000, 2000, 3000}, mix: partyMix{legal: 4, natural: 6}, sectors: []int{secTransport}}

	vWaterIntake = &violation{code: "SW-SF-069", name: "未经批准擅自取水", basis: lawWater + "第六十九条第（一）项",
		whats: []string{"未经批准在{river}擅自设置取水设施取水"}, order: "责令停止违法行为，限期采取补救措施",
		min: 20000, max: 100000, mix: partyMix{legal: 1}, sectors: []int{secManufacturing, secAgriculture}}
	vRiverBuild = &violation{code: "SW-HD-065", name: "在河道管理范围内建设妨碍行洪的建筑物", basis: lawWater + "第六十五条第一款",
		whats: []string{"在{river}河道管理范围内建设妨碍行洪的建筑物"}, order: "责令停止违法行为，限期拆除违法建筑物",
		min: 10000, max: 100000, mix: partyMix{legal: 5, natural: 5}, sectors: []int{secAgriculture, secProperty}}
	vSewage = &violation{code: "SW-PS-050", name: "未取得污水排入排水管网许可证排放污水", basis: "《城镇排水与污水处理条例》第五十条第一款",
		whats: []string{"未取得污水排入排水管网许可证向城镇排水设施排放污水"}, order: "责令停止违法行为，限期采取治理措施，补办污水排入排水管网许可证",
		min: 5000, max: 200000, natMin: 1000, natMax: 20000, mix: partyMix{legal: 5, indiv: 5}, sectors: []int{secCatering, secServices, secManufacturing}}

	vNoPermitBuild = &violation{code: "ZJ-JZ-064", name: "未取得施工许可证擅自施工", basis: "《中华人民共和国建筑法》第六十四条；《建设工程质量管理条例》第五十七条",
		whats: []string{"未取得施工许可证擅自开工建设厂房项目", "未取得施工许可证擅自开工建设商住楼项目"}, order: "责令停止施工，限期改正",
		scale: &scaled{tail: "，工程合同价款%d元", lo: 500000, hi: 8000000, fLo: 0.01, fHi: 0.02}, mix: partyMix{legal: 1}, sectors: []int{secProperty, secConstruction}}
	vCutCorners = &violation{code: "ZJ-ZL-064", name: "施工单位偷工减料", basis: "《建设工程质量管理条例》第六十四条",
		whats: []string{"在施工中偷工减料，使用不合格的建筑材料", "未按照工程设计图纸施工，偷工减料"}, order: "责令改正",
		scale: &scaled{tail: "，工程合同价款%d元", lo: 1000000, hi: 10000000, fLo: 0.02, fHi: 0.04}, mix: partyMix{legal: 1}, sectors: []int{secConstruction}}
	vFireAcceptance = &violation{code: "ZJ-XF-058", name: "建设工程未经消防验收擅自投入使用", basis: lawFire + "第五十八条第一款第（二）项",
		whats: []string{"依法应当进行消防验收的建设工程未经消防验收擅自投入使用"}, order: "责令停止使用",
		closure: true, min: 30000, max: 300000, mix: partyMix{legal: 1}, sectors: []int{secProperty, secEntertainment}}

	vLateFiling = &violation{code: "SW-ZG-062", name: "未按照规定期限办理纳税申报", basis: lawTax + "第六十二条",
		whats: []string{"未按照规定的期限办理增值税纳税申报", "未按照规定的期限办理个人所得税纳税申报"}, order: "责令限期改正",
		min: 2000, max: 10000, simplePct: 85, simpleNat: []int64{50, 100, 200}, simpleOrg: []int64{200, 500, 1000, 2000},
		mix: partyMix{legal: 5, indiv: 5}, sectors: []int{secServices, secFoodRetail, secCatering, secManufacturing}}
	vTaxRegister = &violation{code: "SW-ZG-060", name: "未按照规定期限申报办理税务登记", basis: lawTax + "第六十条第一款第（一）项",
		whats: []string{"未按照规定的期限申报办理税务登记"}, order: "责令限期改正",
		min: 2000, max: 10000, simplePct: 70, simpleNat: []int64{100, 200}, simpleOrg: []int64{500, 1000, 2000},
		mix: partyMix{legal: 4, indiv: 6}, sectors: []int{secServices, secFoodRetail}}
	vTaxEvasion = &violation{code: "SW-ZG-063", name: "偷税", basis: lawTax + "第六十三条第一款",
		whats: []string{"采取在账簿上少列收入的手段，少缴增值税等税款", "进行虚假的纳税申报，少缴企业所得税"}, order: "追缴少缴的税款和滞纳金",
		scale: &scaled{tail: "，少缴税款%d元", lo: 5000, hi: 80000, fLo: 0.5, fHi: 1}, mix: partyMix{legal: 8, indiv: 2}, sectors: []int{secServices, secManufacturing, secConstruction}}

	vMinors = &violation{code: "WL-WB-031", name: "互联网上网服务营业场所接纳未成年人", basis: "《互联网上网服务营业场所管理条例》第三十一条第（二）项",
		whats: []string{"经营的网吧接纳未成年人进入营业场所"}, order: "给予警告",
		min: 2000, max: 15000, mix: partyMix{legal: 1}, sectors: []int{secEntertainment}}
	vTravelAgency = &violation{code: "WL-LY-095", name: "未经许可经营旅行社业务", basis: "《中华人民共和国旅游法》第九十五条第一款",
		whats: []string{"未经许可招徕、组织游客赴外地旅游，经营旅行社业务"}, order: "责令改正",
		min: 10000, max: 100000, confPct: 60, confMin: 1000, confMax: 20000, mix: partyMix{legal: 6, natural: 4}, sectors: []int{secEntertainment, secServices}}

	vSchool = &violation{code: "JY-MB-064", name: "擅自举办民办学校（校外培训机构）", basis: "《中华人民共和国民办教育促进法》第六十四条",
		whats: []string{"未经审批擅自在{addr}举办学科类校外培训机构", "未经审批擅自举办校外培训班，招收中小学生"}, order: "责令停止办学、退还所收费用",
		scale: &scaled{tail: "，违法所得%d元", lo: 5000, hi: 80000, fLo: 1, fHi: 3}, mix: partyMix{legal: 5, natural: 5}, sectors: []int{secEducation}}

	vMIExcess = &violation{code: "YB-038", name: "定点医药机构违规使用医疗保障基金", basis: lawMI + "第三十八条",
		whats: []string{"存在超标准收费、重复收费等违规行为，造成医疗保障基金损失", "存在串换药品、医用耗材等违规行为，造成医疗保障基金损失"},
		order: "责令改正，责令退回医疗保障基金", scale: &scaled{tail: "，造成医疗保障基金损失%d元", lo: 2000, hi: 60000, fLo: 1, fHi: 2},
		mix: partyMix{legal: 8, indiv: 2}, sectors: []int{secMedical}}
	vMIFraud = &violation{code: "YB-040", name: "定点医药机构骗取医疗保障基金", basis: lawMI + "第四十条第一款",
		whats: []string{"通过虚构医药服务项目、伪造医疗文书等方式骗取医疗保障基金"}, order: "责令退回医疗保障基金",
		scale: &scaled{tail: "，骗取医疗保障基金%d元", lo: 5000, hi: 80000, fLo: 2, fHi: 5}, mix: partyMix{legal: 8, indiv: 2}, sectors: []int{secMedical}}
	vMIRecords = &violation{code: "YB-039", name: "定点医药机构未按照规定保管资料", basis: lawMI + "第三十九条",
		whats: []string{"未按照规定保管财务账目、处方、病历等资料，经责令改正拒不改正"}, order: "责令改正",
		min: 10000, max: 50000, mix: partyMix{legal: 8, indiv: 2}, sectors: []int{secMedical}}
)

// townViols are the powers delegated to the towns and streets (综合行政执法).
func townViols(w [6]int) []orgViol {
	vs := []*violation{vStreetStall, vPosters, vBarbecue, vFumes, vDebris, vIllegalBuild}
	out := make([]orgViol, len(vs))
	for i, v := range vs {
		out[i] = orgViol{v, "comprehensive", w[i]}
	}
	return out
}

func ov(domain string, pairs ...any) []orgViol {
	out := make([]orgViol, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, orgViol{pairs[i].(*violation), domain, pairs[i+1].(int)})
	}
	return out
}

// orgSetups gives each agency and town government of Orgs its share of the
// records, its document-number style and its violations.
var orgSetups = map[string]struct {
	weight    int
	ord, simp string
	viols     []orgViol
	own       bool
}{
	"GAQL": {160, "青公(%[1]s)行罚决字〔%[2]d〕%[3]d号", "青公(%[1]s)当罚字〔%[2]d〕%[3]d号",
		ov("public_security", vAssault, 10, vGambling, 8, vTheft, 8, vDrugs, 3, vHotel, 3, vFakeID, 3, vTraffic, 45, vDrink, 10, vNoLicence, 8, vOverload, 2), false},
	"GAQL-BS": {50, "青公(白)行罚决字〔%[2]d〕%[3]d号", "青公(白)当罚字〔%[2]d〕%[3]d号",
		ov("public_security", vAssault, 10, vGambling, 10, vTheft, 10, vHotel, 4, vFakeID, 6), false},
	"ZRZY": {30, "江自然资(青)罚〔%[2]d〕%[3]d号", "", ov("natural_resources", vFarmland, 30, vLandTransfer, 8, vMining, 10), false},
	"STHJ": {40, "江环(青)罚〔%[2]d〕%[3]d号", "",
		ov("ecology", vWaterOver, 20, vHiddenPipe, 4, vAirOver, 12, vHazardSign, 10, vEIA, 12, vNoPermit, 6), false},
	"SCJG": {140, "青市监罚〔%[2]d〕%[3]d号", "青市监当罚〔%[2]d〕%[3]d号",
		ov("market", vExpiredFood, 15, vHealthCert, 15, vLabel, 8, vFakeGoods, 8, vUnsafeProduct, 6, vPriceTag, 20, vUnlicensed, 5, vFalseAd, 4, vPoorDrug, 3), false},
	"CGZF": {120, "青城管罚字〔%[2]d〕第%[3]d号", "青城管简罚字〔%[2]d〕第%[3]d号",
		ov("urban", vStreetStall, 35, vPosters, 15, vBarbecue, 12, vFumes, 10, vDebris, 10, vIllegalBuild, 8), false},
	"YJGL": {40, "(青)应急罚〔%[2]d〕%[3]d号", "", ov("emergency", vSafetyTraining, 25, vHazard, 20, vSafetyEquip, 15), false},
	"NYNC": {20, "青农罚〔%[2]d〕%[3]d号", "", ov("agriculture", vElectroFishing, 25, vPesticide, 20, vSlaughter, 10), false},
	"WSJK": {40, "青卫%[1]s罚〔%[2]d〕%[3]d号", "",
		ov("health", vNonDoctor, 20, vNoClinicLicence, 10, vPublicNoPermit, 15, vPublicTesting, 10, vPublicHealthCert, 10), false},
	"LYJ":  {15, "青林罚决字〔%[2]d〕第%[3]d号", "", ov("forestry", vOverlogging, 40, vForestLand, 30, vTreeDamage, 15), false},
	"MZJ":  {5, "青民罚〔%[2]d〕%[3]d号", "", ov("civil_affairs", vSuperstition, 40, vSocialOrg, 30), false},
	"RSJ":  {20, "青人社监罚〔%[2]d〕%[3]d号", "", ov("hrss", vOvertime, 30, vSIArrears, 25, vSIRegister, 15, vObstruct, 10), false},
	"JTYS": {70, "青交执罚〔%[2]d〕%[3]d号", "青交执简罚〔%[2]d〕%[3]d号", ov("transport", vIllegalTaxi, 40, vOverweight, 35), false},
	"SWU":  {15, "青水罚〔%[2]d〕%[3]d号", "", ov("water", vWaterIntake, 30, vRiverBuild, 30, vSewage, 40), false},
	"ZJJ":  {30, "青建罚〔%[2]d〕%[3]d号", "", ov("housing", vNoPermitBuild, 30, vCutCorners, 15, vFireAcceptance, 15), false},
	"SWJ": {50, "江青税罚〔%[2]d〕%[3]d号", "江青税简罚〔%[2]d〕%[3]d号",
		ov("tax", vLateFiling, 60, vTaxRegister, 15, vTaxEvasion, 10), true},
	"WGLT": {20, "青文旅罚〔%[2]d〕%[3]d号", "", ov("culture_tourism", vMinors, 35, vTravelAgency, 15), false},
	"JYJ":  {5, "青教罚〔%[2]d〕%[3]d号", "", ov("education", vSchool, 1), false},
	"YBJ":  {15, "青医保罚〔%[2]d〕%[3]d号", "", ov("medical_insurance", vMIExcess, 50, vMIFraud, 15, vMIRecords, 20), false},
	"XFJY": {30, "青(消)行罚决字〔%[2]d〕%04[3]d号", "青(消)当罚决字〔%[2]d〕%04[3]d号",
		ov("emergency", vFireEquip, 25, vFireExit, 25, vFireExitPerson, 10, vFireCheck, 8, vOpenFire, 5), false},
	"YCZM": {15, "青烟罚〔%[2]d〕第%[3]d号", "", ov("market", vTobaccoSource, 70, vTobaccoFake, 30), false},
	"CDJD": {25, "青城东综执罚〔%[2]d〕%[3]d号", "青城东综执简罚〔%[2]d〕%[3]d号", townViols([6]int{40, 15, 12, 10, 10, 8}), false},
	"CXJD": {25, "青城西综执罚〔%[2]d〕%[3]d号", "青城西综执简罚〔%[2]d〕%[3]d号", townViols([6]int{40, 15, 12, 10, 10, 8}), false},
	"BSZ":  {25, "青白沙综执罚〔%[2]d〕%[3]d号", "青白沙综执简罚〔%[2]d〕%[3]d号", townViols([6]int{25, 10, 8, 6, 15, 20}), false},
	"LWZ":  {25, "青龙湾综执罚〔%[2]d〕%[3]d号", "青龙湾综执简罚〔%[2]d〕%[3]d号", townViols([6]int{25, 10, 8, 6, 15, 20}), false},
}

// recordPlans returns the penalising orgs in Orgs order.
func recordPlans() []orgPlan {
	var out []orgPlan
	for i, o := range Orgs {
		if o.Kind != auth.KindAgency && o.Kind != auth.KindTownGovernment {
			continue
		}
		s, ok := orgSetups[o.Code]
		if !ok {
			panic("demo: no record setup for org " + o.Code)
		}
		simp := s.simp
		if simp == "" {
			simp = s.ord
		}
		out = append(out, orgPlan{code: o.Code, name: o.Name, uscc: USCC(i), weight: s.weight, ord: s.ord, simp: simp, viols: s.viols, ownEnforce: s.own})
	}
	return out
}

// ---------------------------------------------------------------------------
// Generation.

type slot struct {
	date   calendar.Date
	order  int32
	group  int32 // index into gen.groups, -1 for none
	seq    int32 // document number
	org    int16
	viol   int16 // index into plans[org].viols
	plant  uint8 // kind + 1, 0 for a clean record
	role   int8  // position in the group
	simple bool
}

// group links the records of a planted duplicate (same party, same act) or
// repeat offence (same party, three acts).
type group struct {
	set   bool
	party partyRef
	pk    int
	act   calendar.Date
	what  string
}

type partyRef struct {
	kind   int
	sector int
	idx    uint32
}

type gen struct {
	r           *rand.Rand
	seed        uint64
	today, from calendar.Date
	cutoff      calendar.Date // served before it: the court-application window has closed
	work        workdays
	plans       []orgPlan
	slots       []slot
	groups      []group
	pools       [4][numSectors]uint32 // pool sizes of reusable parties
	fresh       [4][numSectors]uint32 // next never-reused party index
	seen        map[uint64]struct{}   // party × violation × act date of reusable parties
	seqs        map[string]int32
	transferSeq map[int]int
}

// draft is the penalty part of a record being generated.
type draft struct {
	pk         int
	level      string
	fine, conf int64 // yuan
	tail       string
	detainDays int
	warn       bool
	big        bool // above the criminal threshold: planted or transferred
}

func newGen(n int, seed int64) *gen {
	today := cal(RecordsToday)
	g := &gen{
		r:           rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15)),
		seed:        uint64(seed),
		today:       today,
		from:        today.AddMonths(-36).AddDays(1),
		cutoff:      today.AddMonths(-9),
		plans:       recordPlans(),
		seen:        map[uint64]struct{}{},
		seqs:        map[string]int32{},
		transferSeq: map[int]int{},
	}
	g.work = newWorkdays(g.from.AddMonths(-60), today.AddMonths(24))
	g.assign(n)
	g.plant(n)
	sort.Slice(g.slots, func(i, j int) bool {
		a, b := &g.slots[i], &g.slots[j]
		if c := a.date.Compare(b.date); c != 0 {
			return c < 0
		}
		return a.order < b.order
	})
	g.number()
	g.sizePools()
	return g
}

func (g *gen) between(lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + g.r.IntN(hi-lo+1)
}

func (g *gen) between64(lo, hi int64) int64 {
	if hi <= lo {
		return lo
	}
	return lo + g.r.Int64N(hi-lo+1)
}

func (g *gen) chance(pct int) bool { return g.r.IntN(100) < pct }

func pick[T any](g *gen, xs []T) T { return xs[g.r.IntN(len(xs))] }

func (g *gen) v(s *slot) *violation { return g.plans[s.org].viols[s.viol].v }

// assign gives every slot an org, a decision date, a violation and a
// procedure. Every org gets at least one record when n allows.
func (g *gen) assign(n int) {
	g.slots = make([]slot, n)
	total := 0
	for _, p := range g.plans {
		total += p.weight
	}
	span := g.today.Sub(g.from)
	for i := range g.slots {
		s := &g.slots[i]
		s.order, s.group = int32(i), -1
		if i < len(g.plans) {
			s.org = int16(i)
		} else {
			w := g.r.IntN(total)
			for j, p := range g.plans {
				if w < p.weight {
					s.org = int16(j)
					break
				}
				w -= p.weight
			}
		}
		s.date = g.from.AddDays(g.r.IntN(span + 1))
		g.chooseViolation(s, func(*violation) bool { return true })
		v := g.v(s)
		s.simple = v.simplePct > 0 && g.chance(v.simplePct)
		if !s.simple {
			s.date = g.workdayNear(s.date)
		}
	}
}

// chooseViolation picks one of the slot's org's violations allowed on its
// date and accepted by ok, by weight; it reports false if there is none.
func (g *gen) chooseViolation(s *slot, ok func(*violation) bool) bool {
	vs := g.plans[s.org].viols
	total := 0
	for _, x := range vs {
		if x.v.allowed(s.date) && ok(x.v) {
			total += x.weight
		}
	}
	if total == 0 {
		return false
	}
	w := g.r.IntN(total)
	for j, x := range vs {
		if !x.v.allowed(s.date) || !ok(x.v) {
			continue
		}
		if w < x.weight {
			s.viol = int16(j)
			return true
		}
		w -= x.weight
	}
	return false
}

func (v *violation) allowed(d calendar.Date) bool { return v.until.IsZero() || d.Before(v.until) }

// hasViolation reports whether the org penalises a violation accepted by ok
// on date d.
func (g *gen) hasViolation(org int16, d calendar.Date, ok func(*violation) bool) bool {
	for _, x := range g.plans[org].viols {
		if x.v.allowed(d) && ok(x.v) {
			return true
		}
	}
	return false
}

// workdayNear returns d if it is a working day, else the working day before
// it (so that an article's until date is never crossed), or after it at the
// start of the window.
func (g *gen) workdayNear(d calendar.Date) calendar.Date {
	p := g.work.prev(d)
	if p.Before(g.from) {
		return g.work.roll(d)
	}
	return p
}

// pickSlot returns a random clean, ungrouped slot accepted by ok, or -1.
func (g *gen) pickSlot(ok func(s *slot) bool) int {
	n := len(g.slots)
	for range 8192 {
		i := g.r.IntN(n)
		if s := &g.slots[i]; s.plant == 0 && s.group < 0 && ok(s) {
			return i
		}
	}
	start := g.r.IntN(n)
	for k := range n {
		i := (start + k) % n
		if s := &g.slots[i]; s.plant == 0 && s.group < 0 && ok(s) {
			return i
		}
	}
	return -1
}

func (g *gen) org(code string) int16 {
	for i, p := range g.plans {
		if p.code == code {
			return int16(i)
		}
	}
	panic("demo: unknown org " + code)
}

// plant marks the slots that carry an irregularity.
func (g *gen) plant(n int) {
	if n < 100 {
		return
	}
	for k := range numKinds {
		c := int(math.Round(float64(n) * float64(plantRates[k]) / 100000))
		if c == 0 && n >= 500 {
			c = 1
		}
		for range c {
			g.plantOne(k)
		}
	}
}

func plainFine(v *violation) bool {
	return v.detain == nil && v.scale == nil && v.custom == nil && v.warnPct < 100
}

func (g *gen) plantOne(k int) {
	var i int
	mark := func(i int) {
		g.slots[i].plant = uint8(k + 1)
	}
	ordinary := func(s *slot) {
		if s.simple {
			s.simple = false
			s.date = g.workdayNear(s.date)
		}
	}
	switch k {
	case kSimpleOverLimit:
		ok := func(v *violation) bool {
			return plainFine(v) && v.simplePct > 0 && (simpleNatOK(v) || simpleOrgOK(v))
		}
		if i = g.pickSlot(func(s *slot) bool { return g.hasViolation(s.org, s.date, ok) }); i < 0 {
			return
		}
		g.chooseViolation(&g.slots[i], ok)
		g.slots[i].simple = true
		mark(i)
	case kDecisionLate, kRemedy:
		if i = g.pickSlot(func(s *slot) bool { return !s.simple }); i >= 0 {
			mark(i)
		}
	case kServiceLate:
		// Only where the holiday calendar is loaded: before it, whether a
		// service was late cannot be decided, and a model rightly leaves it.
		last := g.today.AddDays(-60)
		if i = g.pickSlot(func(s *slot) bool { return !s.simple && !s.date.After(last) && calendar.Covered(s.date.Year()) }); i >= 0 {
			mark(i)
		}
	case kLimitation:
		if i = g.pickSlot(func(s *slot) bool { return !s.simple && !g.v(s).long }); i >= 0 {
			mark(i)
		}
	case kNotTransferred:
		ok := func(v *violation) bool { return v.crime != nil }
		if i = g.pickSlot(func(s *slot) bool { return g.hasViolation(s.org, s.date, ok) }); i < 0 {
			return
		}
		s := &g.slots[i]
		g.chooseViolation(s, ok)
		ordinary(s)
		mark(i)
	case kNotApplied, kAppliedLate:
		last := g.cutoff.AddDays(-60)
		if k == kAppliedLate {
			last = g.cutoff.AddMonths(-1).AddDays(-10)
		}
		ok := func(v *violation) bool { return v.detain == nil && v.warnPct < 100 }
		if i = g.pickSlot(func(s *slot) bool {
			return !s.simple && !g.plans[s.org].ownEnforce && !s.date.After(last) && g.hasViolation(s.org, s.date, ok)
		}); i < 0 {
			return
		}
		g.chooseViolation(&g.slots[i], ok)
		mark(i)
	case kHearing:
		ok := func(v *violation) bool {
			return plainFine(v) && v.crime == nil && (hearingPersonOK(v) || hearingOrgOK(v))
		}
		if i = g.pickSlot(func(s *slot) bool { return !s.simple && g.hasViolation(s.org, s.date, ok) }); i < 0 {
			return
		}
		g.chooseViolation(&g.slots[i], ok)
		mark(i)
	case kDuplicateFine:
		g.plantDuplicate()
	case kRepeat:
		g.plantRepeat()
	}
}

// simpleNatOK: the violation can be planted as an on-the-spot fine over 200
// yuan on a natural person (individual businesses are left out: whether they
// count as citizens under 第五十一条 is read both ways).
func simpleNatOK(v *violation) bool {
	hi := v.max
	if v.natMax > 0 {
		hi = v.natMax
	}
	return v.mix.natural > 0 && hi >= 300
}

func simpleOrgOK(v *violation) bool { return v.mix.legal > 0 && v.max >= 4000 }

func hearingPersonOK(v *violation) bool {
	hi := v.max
	if v.natMax > 0 {
		hi = v.natMax
	}
	return (v.mix.natural > 0 || v.mix.indiv > 0) && hi >= plantHearingPersonYuan*6/5
}

func hearingOrgOK(v *violation) bool { return v.mix.legal > 0 && v.max >= plantHearingOrgYuan*6/5 }

// plantDuplicate plants one act fined twice: by the same market-regulation
// bureau, or by the city-management bureau and a town (or the same one)
// holding the same delegated power.
func (g *gen) plantDuplicate() {
	dupOrgs := map[string]bool{"SCJG": true, "CGZF": true, "CDJD": true, "CXJD": true, "BSZ": true, "LWZ": true}
	ok := func(v *violation) bool { return v.shared }
	last := g.today.AddDays(-60)
	i := g.pickSlot(func(s *slot) bool {
		return !s.simple && dupOrgs[g.plans[s.org].code] && !s.date.After(last) && g.hasViolation(s.org, s.date, ok)
	})
	if i < 0 {
		return
	}
	first := &g.slots[i]
	g.chooseViolation(first, ok)
	v := g.v(first)
	partner := first.org
	towns := []string{"CDJD", "CXJD", "BSZ", "LWZ"}
	switch code := g.plans[first.org].code; {
	case code == "CGZF" && g.chance(60):
		partner = g.org(pick(g, towns))
	case code != "CGZF" && code != "SCJG" && g.chance(60):
		partner = g.org("CGZF")
	}
	j := g.pickSlot(func(s *slot) bool { return s.org == partner && s != first })
	if j < 0 {
		return
	}
	second := &g.slots[j]
	found := false
	for x, ovl := range g.plans[partner].viols {
		if ovl.v == v {
			second.viol, found = int16(x), true
		}
	}
	if !found {
		return
	}
	gi := int32(len(g.groups))
	g.groups = append(g.groups, group{})
	second.simple = false
	second.date = g.work.roll(first.date.AddDays(g.between(7, 45)))
	first.group, first.role, first.plant = gi, 0, kDuplicateFine+1
	second.group, second.role, second.plant = gi, 1, kDuplicateFine+1
}

// plantRepeat plants a party penalised twice within two years for pollution,
// illegal occupation of farmland or forest land, or illegal medical practice,
// and then penalised a third time (only a fine, no transfer).
func (g *gen) plantRepeat() {
	type choice struct {
		org string
		cat string
		pk  []int
	}
	choices := []choice{{"STHJ", "pollution", []int{pkLegal}}, {"ZRZY", "farmland", []int{pkLegal, pkNatural}},
		{"LYJ", "farmland", []int{pkLegal, pkNatural}}, {"WSJK", "medical", []int{pkNatural}}}
	c := pick(g, choices)
	org := g.org(c.org)
	ok := func(v *violation) bool { return v.repeat == c.cat }
	var idx [3]int
	for r := range 3 {
		j := g.pickSlot(func(s *slot) bool {
			return s.org == org && (r < 1 || s != &g.slots[idx[0]]) && (r < 2 || s != &g.slots[idx[1]])
		})
		if j < 0 {
			return
		}
		idx[r] = j
	}
	// Three decisions within 600 days: the third has two others in the two
	// years before it.
	span := g.today.Sub(g.from)
	d := g.work.roll(g.from.AddDays(g.between(0, span-640)))
	gi := int32(len(g.groups))
	g.groups = append(g.groups, group{pk: pick(g, c.pk)})
	for r, j := range idx {
		if r > 0 {
			d = g.work.roll(d.AddDays(g.between(150, 290)))
		}
		s := &g.slots[j]
		s.date, s.simple = d, false
		g.chooseViolation(s, ok) // the category's violations have no until date
		s.group, s.role, s.plant = gi, int8(r), kRepeat+1
	}
}

// number gives every record its document number, in date order within each
// org, year and series.
func (g *gen) number() {
	for i := range g.slots {
		s := &g.slots[i]
		f := g.plans[s.org].ord
		if s.simple {
			f = g.plans[s.org].simp
		}
		key := fmt.Sprintf("%s/%d/%s", f, s.date.Year(), g.v(s).tag)
		g.seqs[key]++
		s.seq = g.seqs[key]
	}
}

// sizePools sets how many distinct reusable parties each kind and sector has:
// fewer than the records that draw on them, so that some parties have
// several penalties from several agencies.
func (g *gen) sizePools() {
	var expect [4][numSectors]float64
	for i := range g.slots {
		s := &g.slots[i]
		v := g.v(s)
		if v.repeat != "" {
			continue
		}
		tot := float64(v.mix.legal + v.mix.indiv + v.mix.natural)
		for _, sec := range sectorsOf(v) {
			share := 1 / float64(len(sectorsOf(v)))
			legal := pkLegal
			if sec == secSocial {
				legal = pkSocial
			}
			expect[legal][sec] += share * float64(v.mix.legal) / tot
			expect[pkIndiv][sec] += share * float64(v.mix.indiv) / tot
			expect[pkNatural][0] += share * float64(v.mix.natural) / tot
		}
	}
	for k := range 4 {
		for sec := range numSectors {
			size := uint32(expect[k][sec] * 0.6)
			g.pools[k][sec] = max(size, 12)
			g.fresh[k][sec] = g.pools[k][sec]
		}
	}
}

func sectorsOf(v *violation) []int {
	if len(v.sectors) == 0 {
		return []int{secServices}
	}
	return v.sectors
}

// record generates the record of one slot.
func (g *gen) record(s *slot) *enforce.Penalty {
	plan := &g.plans[s.org]
	ovl := plan.viols[s.viol]
	v := ovl.v
	kind := int(s.plant) - 1
	var grp *group
	if s.group >= 0 {
		grp = &g.groups[s.group]
	}
	D := s.date

	// Who.
	pk := g.partyKind(v, s, kind, grp)
	sector := pick(g, sectorsOf(v))
	if pk == pkNatural {
		sector = 0
	}
	if pk == pkLegal && v.sectors != nil && v.sectors[0] == secSocial {
		pk = pkSocial
	}

	// When: act, filing, decision, service.
	var A, F, S calendar.Date
	if s.simple {
		A, S = D, D
	} else {
		gap := g.between(7, 75)
		if kind == kDecisionLate {
			gap = g.between(100, 200)
		}
		F = g.work.prev(D.AddDays(-gap))
		A = F.AddDays(-g.between(0, 60))
		if kind == kLimitation {
			A = F.AddMonths(-24).AddDays(-g.between(15, 330))
		}
		switch {
		case kind == kServiceLate:
			S = g.work.add(D, g.between(10, 25))
		case g.chance(65):
			S = D
		default:
			S = D.AddDays(g.between(1, 7))
			if S.After(g.today) {
				S = D
			}
		}
	}
	what := ""
	if len(v.whats) > 0 {
		what = g.fill(pick(g, v.whats))
	}
	var ref partyRef
	switch {
	case grp != nil && grp.set:
		ref, pk = grp.party, grp.pk
		if kind == kDuplicateFine {
			A, what = grp.act, grp.what
			if F.Before(A) {
				F = A
			}
		}
	case grp != nil:
		if kind == kRepeat {
			pk = grp.pk
			sector = pick(g, sectorsOf(v))
			if pk == pkNatural {
				sector = 0
			}
		}
		ref = g.freshParty(pk, sector)
		*grp = group{set: true, party: ref, pk: pk, act: A, what: what}
	case v.repeat != "" || kind == kNotTransferred:
		ref = g.freshParty(pk, sector)
	default:
		ref = g.pooledParty(pk, sector, s, A)
	}
	pt := g.party(ref)

	// What.
	d := draft{pk: pk}
	g.penalty(v, s, kind, &d)

	facts := "经查，当事人于" + cnDate(A) + what + d.tail + "。" + pick(g, evidence)
	p := &enforce.Penalty{
		DocNo:      g.docNo(plan, s),
		PartyName:  pt.name,
		PartyKind:  partyKindNames[pk],
		PartyUSCC:  pt.uscc,
		LegalRep:   pt.rep,
		PartyIDNo:  pt.idNo,
		Facts:      facts,
		AgencyName: plan.name, AgencyUSCC: plan.uscc, SourceName: plan.name, SourceUSCC: plan.uscc,
		ViolationType:   v.name,
		LegalBasis:      v.basis,
		ViolationCode:   v.code,
		Domain:          ovl.domain,
		DiscretionLevel: d.level,
		DecisionDate:    tab(D),
		ActDate:         tab(A),
		ServedDate:      tab(S),
		FineFen:         d.fine * 100,
		ConfiscateFen:   d.conf * 100,
	}
	if pt.rep != "" {
		p.LegalRepIDType, p.LegalRepIDNo = "身份证", pt.repID
	}
	if pt.idNo != "" {
		p.PartyIDType = "身份证"
	}
	p.PenaltyKinds, p.PenaltyContent = content(v, &d)
	if v.licence != "" && d.fine > 0 {
		p.LicenceAction = v.licence
	}
	if s.simple {
		p.Procedure = enforce.ProcedureSimple
	} else {
		p.Procedure = enforce.ProcedureOrdinary
		p.FiledDate = tab(F)
	}

	// Notices.
	hearing := false
	if !s.simple {
		thr := int64(hearingPersonYuan)
		if pk == pkLegal || pk == pkSocial {
			thr = hearingOrgYuan
		}
		hearing = d.fine >= thr || v.closure || g.chance(55)
		if kind == kHearing {
			hearing = false
		}
	}
	remedy := kind != kRemedy
	p.HearingNotice, p.RemedyNotice = &bools[b2i(hearing)], &bools[b2i(remedy)]

	// Transfer to the police of a case above a criminal threshold.
	if v.crime != nil && d.big && kind != kNotTransferred {
		t := g.work.roll(F.AddDays(g.between(5, 20)))
		if t.After(D) {
			t = D
		}
		p.TransferDate = tab(t)
		g.transferSeq[t.Year()]++
		p.TransferReceipt = fmt.Sprintf("青公(经)受案字〔%d〕%d号", t.Year(), g.transferSeq[t.Year()])
	}

	// Payment and enforcement.
	g.payment(p, plan, s, kind, d.fine, S)

	// Publication.
	months := 12
	switch {
	case d.warn || (d.fine > 0 && d.fine < 10000 && d.conf == 0 && d.detainDays == 0 && p.LicenceAction == ""):
		months = 3
	case d.fine >= 100000 || v.closure:
		months = 36
	}
	p.PublishUntil = tab(D.AddMonths(months))
	p.ValidUntil = p.PublishUntil
	return p
}

var bools = [2]bool{false, true}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

var evidence = []string{
	"以上事实有现场检查笔录、询问笔录、现场照片等证据证实。",
	"上述事实有现场笔录、询问笔录、视听资料等证据为证。",
	"以上事实有当事人陈述、现场检查笔录及相关证据材料证实，证据确凿。",
}

func (g *gen) partyKind(v *violation, s *slot, kind int, grp *group) int {
	if grp != nil && grp.set {
		return grp.pk
	}
	switch kind {
	case kSimpleOverLimit:
		nat, org := simpleNatOK(v), simpleOrgOK(v)
		if nat && (!org || g.chance(50)) {
			return pkNatural
		}
		return pkLegal
	case kHearing:
		nat, org := hearingPersonOK(v), hearingOrgOK(v)
		if nat && (!org || g.chance(50)) {
			if v.mix.natural > 0 && (v.mix.indiv == 0 || g.chance(50)) {
				return pkNatural
			}
			return pkIndiv
		}
		return pkLegal
	}
	w := g.r.IntN(v.mix.legal + v.mix.indiv + v.mix.natural)
	switch {
	case w < v.mix.legal:
		return pkLegal
	case w < v.mix.legal+v.mix.indiv:
		return pkIndiv
	}
	return pkNatural
}

// penalty decides the discretion level, the fine, confiscation, detention or
// warning of a record.
func (g *gen) penalty(v *violation, s *slot, kind int, d *draft) {
	person := d.pk == pkNatural || d.pk == pkIndiv
	lo, hi := v.min, v.max
	if person && v.natMax > 0 {
		lo, hi = v.natMin, v.natMax
	}
	mustFine := kind == kNotApplied || kind == kAppliedLate || kind == kHearing || kind == kSimpleOverLimit || kind == kDuplicateFine
	fLo, fHi := g.level(d)
	switch {
	case kind == kSimpleOverLimit:
		d.level = "一般"
		if person {
			d.fine = roundFine(g.between64(max(lo, 201), min(hi, 1000)), max(lo, 201), min(hi, 1000))
			d.fine = max(d.fine, 300)
		} else {
			d.fine = roundFine(g.between64(max(lo, 3500), min(hi, 9000)), max(lo, 3500), min(hi, 9000))
			d.fine = max(d.fine, 4000)
		}
		return
	case s.simple:
		d.level = "一般"
		list := v.simpleOrg
		if person {
			list = v.simpleNat
		}
		if len(list) == 0 { // no on-the-spot option for this party: treat as ordinary fine at the bottom of the range
			list = []int64{0}
		}
		d.fine = pick(g, list)
		d.warn = d.fine == 0
		return
	case kind == kHearing:
		thr := int64(plantHearingOrgYuan)
		if person {
			thr = plantHearingPersonYuan
		}
		d.fine = roundFine(g.between64(max(lo, thr), hi), max(lo, thr), hi)
		return
	case v.detain != nil && g.chance(v.detain.pct):
		d.detainDays = g.between(v.detain.lo, v.detain.hi)
		if v.detain.fine {
			d.fine = roundFine(lo+int64(float64(hi-lo)*frac(g, fLo, fHi)), lo, hi)
		}
	case v.custom != nil:
		d.big = kind == kNotTransferred || (v.crime != nil && kind < 0 && g.chance(4))
		v.custom(g, d)
	case v.scale != nil:
		sc := v.scale
		base := g.between64(sc.lo, sc.hi)
		d.tail = fmt.Sprintf(sc.tail, base)
		f := float64(max(base, sc.floor)) * (sc.fLo + (sc.fHi-sc.fLo)*frac(g, fLo, fHi))
		d.fine = roundFine(int64(f), 0, 0)
		if sc.confFactor > 0 {
			d.conf = int64(float64(base) * sc.confFactor)
		}
	case v.warnPct >= 100 || (!mustFine && v.warnPct > 0 && g.chance(v.warnPct)):
		d.warn = true
		d.level = "从轻"
	default:
		d.fine = roundFine(lo+int64(float64(hi-lo)*frac(g, fLo, fHi)), lo, hi)
	}
	if v.confPct > 0 && !d.warn && g.chance(v.confPct) {
		d.conf = g.between64(v.confMin, v.confMax)
	}
	if mustFine && d.fine == 0 {
		d.warn, d.detainDays = false, 0
		d.fine = roundFine(max(lo, 200), max(lo, 200), max(hi, 200))
	}
}

// level draws a discretion level and the share of the range it covers.
func (g *gen) level(d *draft) (float64, float64) {
	switch w := g.r.IntN(100); {
	case w < 35:
		d.level = "从轻"
		return 0, 0.3
	case w < 85:
		d.level = "一般"
		return 0.3, 0.7
	}
	d.level = "从重"
	return 0.7, 1
}

func frac(g *gen, lo, hi float64) float64 { return lo + (hi-lo)*g.r.Float64() }

// roundFine rounds a fine to what a decision would write (50, 100, 500 or
// 1000 yuan steps) and keeps it within [lo, hi] when they are set.
func roundFine(y, lo, hi int64) int64 {
	step := int64(1000)
	switch {
	case y < 1000:
		step = 50
	case y < 10000:
		step = 100
	case y < 100000:
		step = 500
	}
	r := (y + step/2) / step * step
	if r == 0 {
		r = step
	}
	if hi > 0 && r > hi {
		r = hi
	}
	if lo > 0 && r < lo {
		r = lo
	}
	return r
}

// Custom fines: amounts of goods, land and timber that the facts state.

func drinkDriving(g *gen, d *draft) {
	mg := g.between(20, 79) // 80 and above is 醉驾, a crime
	d.tail = fmt.Sprintf("饮酒后驾驶小型汽车在%s行驶，经检验血液中酒精含量为%dmg/100ml", g.fill("{road}"), mg)
	d.fine = roundFine(g.between64(1000, 2000), 1000, 2000)
	d.level = "一般"
}

func fakeGoods(g *gen, d *draft) {
	goods := pick(g, []string{"钢筋混凝土用热轧带肋钢筋", "电线电缆", "瓷砖", "食用植物油", "电动车蓄电池", "儿童玩具"})
	var sales int64
	var factor float64
	if d.big {
		sales = g.between64(60000, 200000)
		factor = 0.85 + 0.5*g.r.Float64()
		d.level = "一般"
	} else {
		sales = g.between64(2000, 40000)
		factor = 0.5 + 0.7*g.r.Float64()
		g.level(d)
	}
	d.tail = fmt.Sprintf("销售以不合格产品冒充合格产品的%s，销售金额共计%d元", goods, sales)
	d.fine = roundFine(int64(float64(sales)*factor), 0, 0)
	if !d.big {
		d.fine = min(d.fine, FakeGoodsThresholdFen/100-500)
	} else {
		d.fine = max(d.fine, FakeGoodsThresholdFen/100)
	}
	d.conf = int64(float64(sales) * (0.1 + 0.2*g.r.Float64()))
}

func farmland(g *gen, d *draft) {
	var area, rate int64
	if d.big {
		area, rate = g.between64(6700, 12000), g.between64(100, 150)
		d.level = "一般"
	} else {
		area, rate = g.between64(30, 1500), g.between64(100, 300)
		g.level(d)
	}
	use := pick(g, []string{"建设厂房", "建设住宅", "堆放建筑材料", "建设停车场"})
	village := g.fill("{village}")
	d.tail = fmt.Sprintf("未经批准擅自占用%s耕地%d平方米（折合%.2f亩）%s", village, area, float64(area)/666.67, use)
	d.fine = area * rate
	if d.big {
		d.fine = max(d.fine, FarmlandThresholdFen/100)
	}
}

func mining(g *gen, d *draft) {
	tons := g.between64(200, 2000)
	price := g.between64(30, 45)
	gains := tons * price // < 10万元, the lowest 立案追诉 value
	g.level(d)
	d.tail = fmt.Sprintf("未取得采矿许可证，在%s山地擅自开采建筑用花岗岩%d吨，违法所得%d元", g.fill("{village}"), tons, gains)
	d.conf = gains
	d.fine = roundFine(int64(float64(gains)*(0.1+0.4*g.r.Float64())), 0, 0)
}

func overlogging(g *gen, d *draft) {
	vol := 2 + 13*g.r.Float64() // < 20 m³, the 滥伐林木罪 threshold
	value := int64(vol * float64(g.between(800, 1200)))
	g.level(d)
	d.tail = fmt.Sprintf("未取得林木采伐许可证，在%s山地滥伐桉树%.1f立方米，林木价值%d元", g.fill("{village}"), vol, value)
	d.fine = roundFine(int64(float64(value)*(3+2*g.r.Float64())), 0, 0)
}

func forestLand(g *gen, d *draft) {
	area := g.between64(100, 3000) // < 5亩 (3,333 m²), the lowest 林地 threshold
	cost := area * g.between64(20, 40)
	g.level(d)
	d.tail = fmt.Sprintf("未经县级以上人民政府林业主管部门审核同意，擅自将%s林地%d平方米改变为建设用地，恢复植被和林业生产条件所需费用%d元",
		g.fill("{village}"), area, cost)
	d.fine = roundFine(int64(float64(cost)*(1+2*g.r.Float64())), 0, 0)
}

func overtime(g *gen, d *draft) {
	workers := g.between64(3, 40)
	per := g.between64(100, 500)
	g.level(d)
	d.tail = fmt.Sprintf("安排%d名劳动者每月加班超过三十六小时", workers)
	d.fine = roundFine(workers*per, 0, 0)
}

// content builds 处罚类别 and 处罚内容.
func content(v *violation, d *draft) (kinds, text string) {
	var ks, parts []string
	if v.order != "" {
		parts = append(parts, v.order)
	}
	if d.warn {
		ks = append(ks, "警告")
		parts = append(parts, "给予警告")
	}
	if d.detainDays > 0 {
		ks = append(ks, "行政拘留")
		parts = append(parts, "行政拘留"+strconv.Itoa(d.detainDays)+"日")
	}
	if d.fine > 0 {
		ks = append(ks, "罚款")
		parts = append(parts, "罚款人民币"+strconv.FormatInt(d.fine, 10)+"元")
	}
	if d.conf > 0 {
		ks = append(ks, "没收违法所得、没收非法财物")
		parts = append(parts, "没收违法所得人民币"+strconv.FormatInt(d.conf, 10)+"元")
	}
	if v.licence != "" && d.fine > 0 {
		ks = append(ks, v.licenceKind)
		parts = append(parts, v.licence)
	}
	if v.closure {
		ks = append(ks, "责令停产停业")
	}
	return strings.Join(ks, ";"), strings.Join(parts, "；") + "。"
}

// payment fills the payment, court-enforcement and status fields.
func (g *gen) payment(p *enforce.Penalty, plan *orgPlan, s *slot, kind int, fine int64, S calendar.Date) {
	if fine == 0 {
		p.Status = "已执行"
		return
	}
	due := g.work.roll(S.AddDays(15)) // 行政处罚法 第六十七条: 15 days from service
	p.PaymentDueDate = tab(due)
	paid := func(d calendar.Date) {
		p.PaidDate, p.Status = tab(d), "已执行"
	}
	court := func(d calendar.Date) {
		p.CourtApplyDate, p.Status = tab(d), "已申请法院强制执行"
	}
	switch kind {
	case kNotApplied:
		p.Status = "逾期未缴纳"
		return
	case kAppliedLate:
		court(minDate(S.AddMonths(9).AddDays(g.between(20, 120)), g.today))
		return
	}
	if g.chance(94) {
		var d calendar.Date
		switch {
		case s.simple:
			d = S.AddDays(g.between(0, 10))
		case g.chance(95):
			d = S.AddDays(g.between(0, 15))
		default:
			d = due.AddDays(g.between(1, 30)) // paid late, with the surcharge
		}
		if !d.After(g.today) {
			paid(d)
			return
		}
	}
	// Unpaid: the court-application window (6 months for litigation, then 3
	// months) runs from service.
	earliest := S.AddMonths(6).AddDays(g.between(15, 40))
	latest := S.AddMonths(9).AddDays(-5)
	switch {
	case !S.Before(g.cutoff): // window still open
		if !earliest.After(g.today) && g.chance(50) && !plan.ownEnforce {
			court(earliest)
			return
		}
		if due.Before(g.today) {
			p.Status = "逾期未缴纳"
		} else {
			p.Status = "待缴纳"
		}
	case plan.ownEnforce:
		paid(due.AddDays(g.between(20, 90)))
		p.Status = "已强制执行"
	default:
		court(minDate(earliest, latest))
	}
}

func minDate(a, b calendar.Date) calendar.Date {
	if a.Before(b) {
		return a
	}
	return b
}

func (g *gen) docNo(plan *orgPlan, s *slot) string {
	f := plan.ord
	if s.simple {
		f = plan.simp
	}
	return fmt.Sprintf(f, g.v(s).tag, s.date.Year(), s.seq)
}

func cnDate(d calendar.Date) string {
	y, m, dd := d.Date()
	return fmt.Sprintf("%04d年%02d月%02d日", y, int(m), dd)
}

// ---------------------------------------------------------------------------
// Places.

var (
	roads    = []string{"青岚大道", "白沙路", "龙湾路", "城东一路", "城西二路", "港口路", "建设三路", "迎宾大道", "胜利路", "江华路", "东华二路", "青年路", "北郊路", "滨江大道", "石岗大道", "工业大道"}
	villages = []string{"白沙镇石岗村", "白沙镇大塘村", "白沙镇水口村", "龙湾镇新围村", "龙湾镇沙岗村", "龙湾镇东坑村", "城东街道石头村", "城西街道荷塘社区"}
	rivers   = []string{"潭江青岚段", "白沙河", "龙湾涌", "石岗水库", "天沙河青岚段"}
)

// fill replaces the place holders of an act description.
func (g *gen) fill(s string) string {
	if !strings.Contains(s, "{") {
		return s
	}
	s = strings.ReplaceAll(s, "{addr}", "江州市青岚区"+pick(g, roads)+strconv.Itoa(g.between(1, 388))+"号")
	s = strings.ReplaceAll(s, "{road}", "江州市青岚区"+pick(g, roads))
	s = strings.ReplaceAll(s, "{village}", "江州市青岚区"+pick(g, villages))
	s = strings.ReplaceAll(s, "{river}", pick(g, rivers))
	return s
}

// ---------------------------------------------------------------------------
// Parties: every party is a pure function of the seed, its kind, sector and
// index, so that the same party keeps its name and identifiers everywhere.

type partyInfo struct {
	name, uscc, rep, repID, idNo string
}

// pooledParty draws a reusable party, avoiding the same party, violation and
// act date twice (which would be a duplicate fine nobody planted).
func (g *gen) pooledParty(pk, sector int, s *slot, act calendar.Date) partyRef {
	for range 8 {
		ref := partyRef{kind: pk, sector: sector, idx: uint32(g.r.IntN(int(g.pools[pk][sector])))}
		key := uint64(ref.kind)<<60 | uint64(ref.sector)<<54 | uint64(ref.idx)<<30 | uint64(uint16(g.plans[s.org].viols[s.viol].v.id()))<<18 | uint64(act.Sub(g.from)+100000)&0x3ffff
		if _, dup := g.seen[key]; !dup {
			g.seen[key] = struct{}{}
			return ref
		}
	}
	return g.freshParty(pk, sector)
}

// id is a small number for a violation code, for the duplicate check key.
func (v *violation) id() int {
	h := 0
	for i := 0; i < len(v.code); i++ {
		h = h*31 + int(v.code[i])
	}
	return h & 0xfff
}

func (g *gen) freshParty(pk, sector int) partyRef {
	ref := partyRef{kind: pk, sector: sector, idx: g.fresh[pk][sector]}
	g.fresh[pk][sector]++
	return ref
}

func (g *gen) identity(tag, idx uint64) *rand.Rand {
	return rand.New(rand.NewPCG(g.seed^0x5deece66d^tag*0x9e3779b97f4a7c15, idx))
}

func (g *gen) party(ref partyRef) partyInfo {
	idx := uint64(ref.idx)
	switch ref.kind {
	case pkNatural:
		name, id := g.person(idx*4 + 0)
		return partyInfo{name: name, idNo: id}
	case pkIndiv:
		rep, repID := g.person(idx*4 + 2)
		r := g.identity(uint64(100+ref.sector), idx)
		words := sectorWords[ref.sector].shop
		var trade string
		if r.IntN(2) == 0 {
			trade = string([]rune(rep)[:1]) + "记"
		} else {
			trade = zihaoFirst[r.IntN(len(zihaoFirst))] + zihaoSecond[r.IntN(len(zihaoSecond))]
		}
		return partyInfo{name: "江州市青岚区" + trade + words[r.IntN(len(words))], uscc: creditCode('2', "440703", uint64(ref.sector)<<24|idx, 7), rep: rep, repID: repID}
	case pkSocial:
		rep, repID := g.person(idx*4 + 3)
		name := "江州市青岚区" + companyName(ref.sector, idx, false)
		return partyInfo{name: name, uscc: ident.MakeUSCC('5', '2', "440703", "MJ"+base31(perm(uint64(idx), 31*31*31*31*31*31, 11), 6)), rep: rep, repID: repID}
	}
	rep, repID := g.person(idx*4 + 1)
	r := g.identity(uint64(200+ref.sector), idx)
	region := "440703"
	switch w := r.IntN(10); {
	case w == 0:
		region = "440700"
	case w == 1:
		region = "440704"
	}
	return partyInfo{name: companyName(ref.sector, idx, true), uscc: creditCode('1', region, uint64(ref.sector)<<24|idx, 3), rep: rep, repID: repID}
}

// creditCode is a unique valid 统一社会信用代码 of category 9<cat> for key.
func creditCode(cat byte, region string, key uint64, salt uint64) string {
	return ident.MakeUSCC('9', cat, region, "MA"+base31(perm(key, 31*31*31*31*31*31, salt), 6))
}

// perm is a bijection of [0, m) (for the multiplier coprime to m), so
// distinct keys give distinct codes that do not look sequential.
func perm(x, m, salt uint64) uint64 {
	const a = 2654435761 // prime, coprime to every m used here
	return (x%m*a + salt*7919) % m
}

const usccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

func base31(x uint64, n int) string {
	b := make([]byte, n)
	for i := n - 1; i >= 0; i-- {
		b[i] = usccAlphabet[x%31]
		x /= 31
	}
	return string(b)
}

var (
	zihaoFirst  = []string{"恒", "鑫", "华", "宏", "盛", "兴", "隆", "泰", "祥", "瑞", "安", "达", "金", "海", "丰", "永", "广", "嘉", "佳", "信", "诚", "明", "康", "新", "富", "利", "宝", "荣", "德", "俊", "凯", "联", "通", "和", "顺", "润", "汇", "晟", "骏", "越", "昌", "正", "益", "万", "中", "天", "东", "南", "星", "创", "锦", "美", "乐", "福", "伟", "志", "粤", "江", "青", "岚"}
	zihaoSecond = []string{"达", "源", "发", "盛", "兴", "利", "泰", "丰", "华", "业", "通", "昌", "鑫", "成", "宇", "辉", "基", "宝", "隆", "瑞", "祥", "嘉", "景", "荣", "威", "腾", "润", "博", "科", "欣", "阳", "邦", "诚", "和", "远", "正", "运", "力", "安", "光", "峰", "林", "晖", "航"}
	zihaoThird  = []string{"鸿", "骏", "锋", "晨", "旭", "耀", "灿", "铭", "睿", "翔", "轩", "煌", "卓", "铖", "曦", "浩", "彬", "晋", "泓", "炜"}
	prefixes    = []string{"江州市", "江州市", "江州市", "江州市", "江州市青岚区", "广东"}
)

// companyName is a unique name for the idx-th company of a sector (unique up
// to hundreds of thousands per sector).
func companyName(sector int, idx uint64, limited bool) string {
	words := sectorWords[sector].company
	space := uint64(len(zihaoFirst) * len(zihaoSecond) * len(words) * len(prefixes))
	x := perm(idx%space, space, uint64(sector))
	wrap := idx / space
	w := words[x%uint64(len(words))]
	x /= uint64(len(words))
	second := zihaoSecond[x%uint64(len(zihaoSecond))]
	x /= uint64(len(zihaoSecond))
	first := zihaoFirst[x%uint64(len(zihaoFirst))]
	x /= uint64(len(zihaoFirst))
	prefix := prefixes[x%uint64(len(prefixes))]
	name := first + second
	if wrap > 0 {
		name += zihaoThird[(wrap-1)%uint64(len(zihaoThird))]
	}
	if !limited {
		return name + w
	}
	return prefix + name + w + "有限公司"
}

// Persons.

var (
	surnames = []string{"陈", "陈", "陈", "黄", "黄", "李", "李", "梁", "梁", "林", "张", "吴", "刘", "何", "谭", "冯", "余", "区", "甄", "司徒", "关", "周", "罗", "郑", "谢", "邓", "叶", "钟", "曾", "彭",
		"王", "杨", "赵", "徐", "孙", "朱", "胡", "郭", "高", "马", "潘", "袁", "蔡", "卢", "苏", "杜", "许", "莫", "麦", "伍", "容", "温", "方", "江", "汤", "邱", "侯", "龙"}
	maleNames   = []string{"伟", "强", "军", "勇", "杰", "涛", "明", "斌", "辉", "华", "建", "国", "志", "文", "俊", "峰", "健", "永", "海", "荣", "锦", "家", "嘉", "浩", "宇", "晓", "耀", "德", "振", "少", "冠", "子", "炳", "灿", "伟", "锐"}
	femaleNames = []string{"芳", "娟", "敏", "静", "丽", "艳", "玲", "婷", "雪", "霞", "燕", "红", "秀", "美", "惠", "淑", "慧", "洁", "琳", "颖", "萍", "莹", "嘉", "欣", "雅", "诗", "晓", "佩", "凤", "桂", "玉", "翠"}
	regions     = []string{"440703", "440703", "440703", "440704", "440705", "440781", "440783", "440784", "440785",
		"445202", "441402", "440881", "441781", "440902", "441202", "450821", "450881", "430521", "431121", "360732", "511321", "421281"}
	birthFirst = day(1950, time.January, 1)
	birthDays  = uint64(day(2005, time.January, 1).Sub(birthFirst)) // births 1950-01-01 … 2004-12-31
)

// person returns the name and resident ID number of person pg: the birth date
// and sequence code come from a bijection of pg, so no two persons share a
// number.
func (g *gen) person(pg uint64) (name, id string) {
	x := perm(pg, birthDays*1000, 3)
	birth := birthFirst.AddDays(int(x / 1000))
	seq := x % 1000
	r := g.identity(7, pg)
	region := regions[r.IntN(len(regions))]
	y, m, dd := birth.Date()
	first17 := fmt.Sprintf("%s%04d%02d%02d%03d", region, y, int(m), dd, seq)
	c, _ := ident.ResidentIDCheckChar(first17)
	names := femaleNames
	if seq%2 == 1 {
		names = maleNames
	}
	name = surnames[r.IntN(len(surnames))] + names[r.IntN(len(names))]
	if r.IntN(10) < 7 {
		name += names[r.IntN(len(names))]
	}
	return name, first17 + string(c)
}

// ---------------------------------------------------------------------------
// Working days: the embedded holiday notices where they exist (calendar),
// Monday–Friday outside them (the demo window starts in November 2023, when
// the 2023 notice had no more holidays or make-up days).

type workdays struct {
	base calendar.Date
	w    []bool
}

func newWorkdays(from, to calendar.Date) workdays {
	t := workdays{base: from, w: make([]bool, to.Sub(from)+1)}
	for i := range t.w {
		d := from.AddDays(i)
		if calendar.Covered(d.Year()) {
			if ok, err := calendar.IsWorkingDay(d); err == nil {
				t.w[i] = ok
				continue
			}
		}
		t.w[i] = d.Weekday() != time.Saturday && d.Weekday() != time.Sunday
	}
	return t
}

func (t workdays) is(d calendar.Date) bool {
	if i := d.Sub(t.base); i >= 0 && i < len(t.w) {
		return t.w[i]
	}
	return d.Weekday() != time.Saturday && d.Weekday() != time.Sunday
}

// add returns the n-th working day after d.
func (t workdays) add(d calendar.Date, n int) calendar.Date {
	for n > 0 {
		d = d.AddDays(1)
		if t.is(d) {
			n--
		}
	}
	return d
}

// roll returns d or the first working day after it.
func (t workdays) roll(d calendar.Date) calendar.Date {
	for !t.is(d) {
		d = d.AddDays(1)
	}
	return d
}

// prev returns d or the last working day before it.
func (t workdays) prev(d calendar.Date) calendar.Date {
	for !t.is(d) {
		d = d.AddDays(-1)
	}
	return d
}
