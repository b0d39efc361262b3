package demo

// Demo inspections (行政检查) and compulsory measures (行政强制措施):
// SeedActivities fills the demo district with a few thousand inspections of
// every agency and town government and a few hundred compulsory measures of
// the agencies that take them (market supervision, ecology, emergency
// management, natural resources, agriculture, tax), over the three years up
// to RecordsToday, generated deterministically, with a small planted share of
// irregularities: measures kept beyond the statutory period (行政强制法
// 第二十五条、第三十二条), measures without the notice of rights (第十八条第五项),
// and inspections ordering rectification (责令整改) that were never followed
// up. Inspections that led to a case name a demo penalty of the same agency.

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/xingjian/xingjian/internal/audit"
	"github.com/xingjian/xingjian/internal/enforce"
	"github.com/xingjian/xingjian/internal/ident"
	"github.com/xingjian/xingjian/internal/store"
	"github.com/xingjian/xingjian/internal/tabular"
)

// activitiesKey marks the demo activities as seeded (settings).
const activitiesKey = "demo_activities"

// Planted activity irregularities: the keys of ActivitySummary.Planted.
const (
	PlantMeasureOverPeriod     = "measure_over_period"      // 强制措施超期
	PlantMeasureNoRightsNotice = "measure_no_rights_notice" // 未告知权利
	PlantRectifyNoFollowUp     = "rectify_no_followup"      // 责令整改后未跟进
)

// ActivitySummary reports what SeedActivities stored.
type ActivitySummary struct {
	Created     bool
	Inspections int
	Measures    int
	// Planted maps a Plant* key to the document numbers of the planted
	// records (sorted; demo document numbers are unique across agencies).
	Planted map[string][]string
}

// domainActivity is what an agency of a domain inspects, and the compulsory
// measures it takes (none when measures is empty).
type domainActivity struct {
	items    []string
	basis    string
	measures []demoMeasure
}

type demoMeasure struct {
	kind, object, basis, status string
	minYuan, maxYuan            int64
}

var domainActivities = map[string]domainActivity{
	"public_security": {items: []string{"旅馆业治安管理检查", "娱乐场所治安检查", "寄递物流实名登记检查", "易制爆危险化学品治安管理检查"},
		basis: "《中华人民共和国治安管理处罚法》"},
	"natural_resources": {items: []string{"耕地保护动态巡查", "违法用地卫片图斑核查", "采矿权人开采情况检查", "建设用地批后监管检查"},
		basis:    "《中华人民共和国土地管理法》第六十七条",
		measures: []demoMeasure{{"seize", "非法采矿挖掘机 1 台", "《中华人民共和国矿产资源法》", "", 150000, 600000}}},
	"ecology": {items: []string{"污染源日常监督检查", "污染防治设施运行情况检查", "危险废物规范化管理检查", "排污许可执行情况检查"},
		basis: "《中华人民共和国环境保护法》第二十四条",
		measures: []demoMeasure{
			{"seal", "污染物排放设施、设备", "《中华人民共和国环境保护法》第二十五条", "", 50000, 800000},
			{"seize", "排污泵及管道", "《中华人民共和国环境保护法》第二十五条", "", 5000, 60000}}},
	"market": {items: []string{"食品经营许可及进货查验记录检查", "产品质量监督抽查", "计量器具使用检查", "价格公示检查", "特种设备使用登记检查"},
		basis: "《中华人民共和国食品安全法》第一百一十条",
		measures: []demoMeasure{
			{"seize", "不符合食品安全标准的食品", "《中华人民共和国食品安全法》第一百一十条第四项", "", 2000, 80000},
			{"seal", "生产不合格产品的原辅材料及生产工具", "《中华人民共和国产品质量法》第十八条", "", 10000, 300000},
			{"seize", "涉嫌侵犯注册商标专用权的商品", "《中华人民共和国商标法》第六十二条", "", 5000, 200000}}},
	"urban": {items: []string{"占道经营巡查", "违法建设巡查", "户外广告设置检查", "建筑垃圾运输检查"},
		basis: "《城市市容和环境卫生管理条例》"},
	"housing": {items: []string{"建筑施工安全检查", "商品房销售行为检查"}, basis: "《建设工程安全生产管理条例》"},
	"emergency": {items: []string{"危险化学品储存安全检查", "粉尘防爆专项检查", "有限空间作业检查", "安全生产责任制落实检查"},
		basis: "《中华人民共和国安全生产法》第六十五条",
		measures: []demoMeasure{
			{"seal", "不符合安全生产标准的设施、设备", "《中华人民共和国安全生产法》第六十五条第一款第四项", "", 20000, 500000},
			{"seize", "违法储存的危险物品", "《中华人民共和国安全生产法》第六十五条第一款第四项", "", 3000, 90000}}},
	"agriculture": {items: []string{"农药经营门店检查", "兽药经营检查", "种子质量检查", "农产品质量安全检查"},
		basis:    "《农药管理条例》第四十一条",
		measures: []demoMeasure{{"seize", "违法经营的农药", "《农药管理条例》第四十一条", "", 1000, 40000}}},
	"health":        {items: []string{"医疗机构依法执业检查", "公共场所卫生检查", "生活饮用水卫生检查"}, basis: "《医疗机构管理条例》"},
	"forestry":      {items: []string{"林木采伐检查", "野生动物经营利用检查", "森林防火检查"}, basis: "《中华人民共和国森林法》"},
	"civil_affairs": {items: []string{"养老机构服务安全检查", "殡葬服务检查", "社会组织年度检查"}, basis: "《养老机构管理办法》"},
	"hrss":          {items: []string{"劳动用工书面审查", "工资支付情况检查", "社会保险参保检查"}, basis: "《劳动保障监察条例》"},
	"transport":     {items: []string{"道路运输企业安全检查", "货运车辆超限超载检查", "出租汽车经营检查"}, basis: "《中华人民共和国道路运输条例》"},
	"water":         {items: []string{"河道采砂检查", "取水许可执行检查", "水土保持检查"}, basis: "《中华人民共和国水法》"},
	"tax": {items: []string{"发票使用检查", "纳税申报情况检查"}, basis: "《中华人民共和国税收征收管理法》第五十四条",
		measures: []demoMeasure{{"freeze", "纳税人银行存款", "《中华人民共和国税收征收管理法》第三十八条", "", 50000, 2000000}}},
	"culture_tourism":   {items: []string{"网吧经营检查", "旅行社经营检查", "娱乐场所经营检查"}, basis: "《互联网上网服务营业场所管理条例》"},
	"education":         {items: []string{"校外培训机构检查", "民办学校办学检查"}, basis: "《中华人民共和国民办教育促进法》"},
	"medical_insurance": {items: []string{"定点医药机构医保基金使用检查"}, basis: "《医疗保障基金使用监督管理条例》"},
	"comprehensive":     {items: []string{"占道经营巡查", "违法建设巡查", "农村人居环境检查", "燃气使用安全检查"}, basis: "《江州市城乡容貌和环境卫生管理条例》"},
}

// demo names.
// orgAbbr abbreviates an org in its document numbers (青市监检〔2026〕1001号).
var orgAbbr = map[string]string{"GAQL": "公", "ZRZY": "自然", "STHJ": "环", "SCJG": "市监", "CGZF": "城管", "YJGL": "应急", "NYNC": "农",
	"WSJK": "卫", "LYJ": "林", "MZJ": "民", "RSJ": "人社", "JTYS": "交", "SWU": "水", "ZJJ": "建", "SWJ": "税", "WGLT": "文旅", "JYJ": "教",
	"YBJ": "医保", "XFJY": "消", "YCZM": "烟", "CDJD": "城东", "CXJD": "城西", "BSZ": "白沙", "LWZ": "龙湾", "GAQL-BS": "白沙派"}

var (
	actTradeNames = []string{"顺发", "鑫源", "宏达", "安泰", "恒通", "华强", "金鼎", "永盛", "兴隆", "嘉和", "盛世", "瑞丰", "天成", "正邦", "利民",
		"德顺", "新城", "锦绣", "广源", "富康", "通达", "聚丰", "明辉", "汇丰", "青岚", "白沙", "龙湾", "江南", "东方", "远大"}
	actTrades   = []string{"建材", "食品", "五金", "化工", "物流", "餐饮", "商贸", "电子", "印染", "塑料制品", "家具", "汽车维修", "农资", "医药", "建筑工程"}
	actForms    = []string{"有限公司", "有限公司", "有限责任公司", "商行", "经营部", "厂"}
	actSurnames = []string{"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "梁"}
	actGivens   = []string{"伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "秀英", "建华", "志强", "海燕", "国庆"}
	actRoads    = []string{"建设路", "人民路", "解放路", "青岚大道", "滨江路", "工业路", "白沙街", "龙湾路", "东环路", "西山路"}
)

type actGen struct {
	r     *rand.Rand
	today time.Time
	from  time.Time
}

func (g *actGen) between(lo, hi int) int { return lo + g.r.IntN(hi-lo+1) }
func (g *actGen) chance(pct int) bool    { return g.r.IntN(100) < pct }
func actPick[T any](g *actGen, xs []T) T { return xs[g.r.IntN(len(xs))] }

func civil(t time.Time) tabular.Date {
	return tabular.Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}
}

// day returns a working day in the window (weekends moved to Monday).
func (g *actGen) day() time.Time {
	span := int(g.today.Sub(g.from).Hours() / 24)
	t := g.from.AddDate(0, 0, g.r.IntN(span+1))
	switch t.Weekday() {
	case time.Saturday:
		t = t.AddDate(0, 0, -1)
	case time.Sunday:
		t = t.AddDate(0, 0, -2)
	}
	return t
}

func (g *actGen) party() enforce.ActivityParty {
	if g.chance(18) {
		name := actPick(g, actSurnames) + actPick(g, actGivens)
		body := fmt.Sprintf("350102%04d%02d%02d%03d", g.between(1960, 2002), g.between(1, 12), g.between(1, 28), g.between(1, 999))
		c, _ := ident.ResidentIDCheckChar(body)
		return enforce.ActivityParty{PartyName: name, PartyKind: enforce.PartyNaturalPerson, PartyIDType: "身份证", PartyIDNo: body + string(c)}
	}
	for range 100 {
		kind := enforce.PartyLegalPerson
		prefix := "91"
		form := actPick(g, actForms)
		if form == "商行" || form == "经营部" {
			kind, prefix = enforce.PartyIndividualBusiness, "92"
		}
		body := fmt.Sprintf("%s350100MA%c%c%05d", prefix, 'A'+rune(g.r.IntN(8)), '0'+rune(g.r.IntN(10)), g.r.IntN(100000))
		c, err := ident.USCCCheckChar(body)
		if err != nil {
			continue
		}
		code := body + string(c)
		if _, err := ident.ParseUSCC(code); err != nil {
			continue // the check character fell on a letter the code does not use
		}
		return enforce.ActivityParty{PartyName: "江州市青岚区" + actPick(g, actTradeNames) + actPick(g, actTrades) + form, PartyKind: kind, PartyUSCC: code}
	}
	panic("demo: no valid credit code generated") // a programming error in the format above
}

// demoPenalty is a demo penalty an inspection may have led to.
type demoPenalty struct {
	docNo string
	date  time.Time
	used  bool
}

// SeedActivities stores the demo inspections and compulsory measures, once:
// a second call changes nothing (the settings key demo_activities marks
// them). It needs the demo district (Seed); the inspections that led to a
// case name demo penalties when SeedRecords has stored them.
func SeedActivities(ctx context.Context, db *store.DB) (ActivitySummary, error) {
	var seeded int
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM settings WHERE key = ?", seededKey).Scan(&seeded); err != nil {
		return ActivitySummary{}, fmt.Errorf("demo: read settings: %w", err)
	}
	if seeded == 0 {
		return ActivitySummary{}, ErrNoDemoDistrict
	}
	sum := ActivitySummary{Planted: map[string][]string{}}
	err := db.InTx(ctx, func(tx *store.Tx) error {
		res, err := tx.ExecContext(ctx, "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING", activitiesKey, RecordsToday.String())
		if err != nil {
			return fmt.Errorf("demo: mark activities: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err // already seeded (or the error)
		}
		ids := map[string]int64{}
		rows, err := tx.QueryContext(ctx, "SELECT id, code FROM orgs")
		if err != nil {
			return fmt.Errorf("demo: read orgs: %w", err)
		}
		for rows.Next() {
			var id int64
			var code string
			if err := rows.Scan(&id, &code); err != nil {
				rows.Close()
				return err
			}
			ids[code] = id
		}
		rows.Close()
		penalties := map[int64][]demoPenalty{}
		prows, err := tx.QueryContext(ctx, "SELECT agency_id, doc_no, decision_date FROM penalties WHERE batch_id IN (SELECT id FROM import_batches WHERE source = 'demo') ORDER BY id")
		if err != nil {
			return fmt.Errorf("demo: read penalties: %w", err)
		}
		for prows.Next() {
			var agency int64
			var doc string
			var d any
			if err := prows.Scan(&agency, &doc, &d); err != nil {
				prows.Close()
				return err
			}
			var t time.Time
			switch v := d.(type) {
			case time.Time:
				t = v
			case string:
				t, _ = time.Parse(time.DateOnly, v)
			case []byte:
				t, _ = time.Parse(time.DateOnly, string(v))
			}
			penalties[agency] = append(penalties[agency], demoPenalty{docNo: doc, date: t})
		}
		prows.Close()

		today := RecordsToday.Time(time.UTC)
		g := &actGen{r: rand.New(rand.NewPCG(uint64(DefaultSeed), 0x5eed_ac71)), today: today, from: today.AddDate(-3, 0, 1)}
		now := time.Now().UnixMilli()
		for oi, o := range Orgs {
			if len(o.Domains) == 0 {
				continue
			}
			agencyID := ids[o.Code]
			dom := domainActivities[o.Domains[0]]
			insps, meas := g.agencyActivities(o, oi, dom, penalties[agencyID], &sum)
			for _, kind := range []string{enforce.KindInspection, enforce.KindMeasure} {
				n := len(insps)
				if kind == enforce.KindMeasure {
					n = len(meas)
				}
				if n == 0 {
					continue
				}
				var batchID int64
				if err := tx.QueryRowContext(ctx, `INSERT INTO import_batches (kind, agency_id, source, file_name, rows_total, rows_inserted, actor, started_at, finished_at)
					VALUES (?, ?, 'demo', ?, ?, ?, 'demo', ?, ?) RETURNING id`, kind, agencyID, "演示数据", n, n, now, now).Scan(&batchID); err != nil {
					return fmt.Errorf("demo: batch for %s: %w", o.Code, err)
				}
				if kind == enforce.KindInspection {
					err = enforce.StoreInspections(ctx, tx, agencyID, batchID, now, insps)
				} else {
					err = enforce.StoreMeasures(ctx, tx, agencyID, batchID, now, meas)
				}
				if err != nil {
					return fmt.Errorf("demo: %s of %s: %w", kind, o.Code, err)
				}
			}
			sum.Inspections += len(insps)
			sum.Measures += len(meas)
		}
		for k := range sum.Planted {
			sort.Strings(sum.Planted[k])
		}
		planted := map[string]int{}
		for k, v := range sum.Planted {
			planted[k] = len(v)
		}
		sum.Created = true
		return audit.Record(ctx, tx, audit.System("demo"), audit.Entry{Action: "activity.demo_seed", ObjectType: "settings", ObjectID: activitiesKey,
			After: map[string]any{"inspections": sum.Inspections, "measures": sum.Measures, "planted": planted}})
	})
	if err != nil {
		return ActivitySummary{}, err
	}
	return sum, nil
}

// agencyActivities generates one agency's inspections and measures.
func (g *actGen) agencyActivities(o OrgSpec, oi int, dom domainActivity, pens []demoPenalty, sum *ActivitySummary) ([]enforce.Inspection, []enforce.Measure) {
	if len(dom.items) == 0 {
		dom = domainActivities["comprehensive"]
	}
	short := orgAbbr[o.Code]
	if short == "" {
		short = o.Code
	}
	nInsp := g.between(100, 220)
	if o.Domains[0] == "market" || o.Domains[0] == "emergency" || o.Domains[0] == "ecology" {
		nInsp += 120
	}
	var insps []enforce.Inspection
	inspectors := func() (string, string) {
		a, b := actPick(g, actSurnames)+actPick(g, actGivens), actPick(g, actSurnames)+actPick(g, actGivens)
		return a + "、" + b, fmt.Sprintf("350%02d%04d、350%02d%04d", oi, g.between(1, 9999), oi, g.between(1, 9999))
	}
	kinds := []string{"routine", "routine", "routine", "special", "random", "random", "complaint", "other"}
	for i := range nInsp {
		d := g.day()
		in := enforce.Inspection{DocNo: fmt.Sprintf("青%s检〔%d〕%d号", short, d.Year(), 1000+i), ActivityParty: g.party(),
			Address: fmt.Sprintf("江州市青岚区%s%d号", actPick(g, actRoads), g.between(1, 300)), InspectionDate: civil(d),
			InspectionKind: actPick(g, kinds), Items: actPick(g, dom.items), LegalBasis: dom.basis, Domain: o.Domains[0]}
		in.Inspectors, in.InspectorCerts = inspectors()
		switch r := g.r.IntN(100); {
		case r < 62:
			in.Result, in.Status = "no_issue", "已办结"
		case r < 88:
			in.Result = "rectify"
			deadline := d.AddDate(0, 0, g.between(7, 30))
			in.RectifyDeadline = civil(deadline)
			switch {
			case deadline.After(g.today):
				in.Status = "整改中"
			case deadline.Before(g.today.AddDate(0, 0, -60)) && g.chance(7):
				// Planted: the deadline passed long ago and nothing followed.
				in.Status = "整改中"
				in.Remarks = ""
				sum.Planted[PlantRectifyNoFollowUp] = append(sum.Planted[PlantRectifyNoFollowUp], in.DocNo)
			default:
				in.Status = "已整改（复查合格）"
				in.Remarks = fmt.Sprintf("%s 复查，已按要求整改", civil(deadline.AddDate(0, 0, g.between(1, 10))))
			}
		case r < 96 && len(pens) > 0:
			p := &pens[g.r.IntN(len(pens))]
			if p.used || p.date.Before(g.from.AddDate(0, 0, 60)) {
				in.Result, in.Status = "no_issue", "已办结"
				break
			}
			p.used = true
			in.InspectionDate = civil(p.date.AddDate(0, 0, -g.between(20, 75)))
			in.Result, in.Status, in.FollowupDocNo = "case_filed", "已立案", p.docNo
		case r < 98:
			in.Result, in.Status, in.Remarks = "transferred", "已移送", "涉嫌犯罪，移送公安机关"
		default:
			in.Result, in.Status = "other", "已办结"
		}
		in.DocNo = fmt.Sprintf("青%s检〔%d〕%d号", short, in.InspectionDate.Year, 1000+i)
		insps = append(insps, in)
	}

	if len(dom.measures) == 0 || o.Parent != "" {
		return insps, nil
	}
	nMeas := g.between(25, 45)
	if o.Domains[0] == "market" {
		nMeas += 30
	}
	var meas []enforce.Measure
	for i := range nMeas {
		dm := actPick(g, dom.measures)
		plantOver, plantNotice := g.chance(6), false
		if !plantOver {
			plantNotice = g.chance(5)
		}
		start := g.day()
		if start.After(g.today.AddDate(0, 0, -3)) {
			start = g.today.AddDate(0, 0, -g.between(3, 20))
		}
		if plantOver && start.After(g.today.AddDate(0, 0, -150)) {
			start = g.today.AddDate(0, 0, -g.between(150, 900))
		}
		approval := start
		if g.chance(20) {
			approval = start.AddDate(0, 0, 1) // 情况紧急，当场实施后补办批准（第十九条）
		}
		t, f := true, false
		m := enforce.Measure{DocNo: fmt.Sprintf("青%s强〔%d〕%d号", short, start.Year(), 100+i), ActivityParty: g.party(),
			MeasureKind: dm.kind, Object: dm.object, ValueFen: int64(g.between(int(dm.minYuan/100), int(dm.maxYuan/100))) * 10000,
			LegalBasis: dm.basis, ApprovedBy: actPick(g, actSurnames) + actPick(g, actGivens) + "（局长）", ApprovalDate: civil(approval),
			StartDate: civil(start), PeriodDays: 30, Extended: &f, RightsNotice: &t, OnsiteRecord: &t, Domain: o.Domains[0]}
		if approval.After(g.today) {
			m.ApprovalDate = m.StartDate
		}
		if m.ActivityParty.PartyKind == enforce.PartyNaturalPerson && dm.kind == "freeze" {
			m.ActivityParty = g.party()
		}
		days := g.between(8, 30)
		if g.chance(15) {
			m.Extended = &t
			m.ExtensionDays = g.between(15, 30)
			m.ExtensionDate = civil(start.AddDate(0, 0, g.between(25, 29)))
			days = g.between(31, 30+m.ExtensionDays)
		}
		switch {
		case plantOver:
			// Planted: kept beyond the statutory period.
			if g.chance(50) {
				m.PeriodDays = actPick(g, []int{45, 60, 90})
				days = g.between(m.PeriodDays-10, m.PeriodDays)
			} else {
				days = g.between(65, 140)
			}
			sum.Planted[PlantMeasureOverPeriod] = append(sum.Planted[PlantMeasureOverPeriod], m.DocNo)
		case plantNotice:
			m.RightsNotice = &f // Planted: rights not notified.
			sum.Planted[PlantMeasureNoRightsNotice] = append(sum.Planted[PlantMeasureNoRightsNotice], m.DocNo)
		}
		end := start.AddDate(0, 0, days)
		if m.ExtensionDate.Year != 0 && !end.After(m.ExtensionDate.Time(time.UTC)) {
			end = m.ExtensionDate.Time(time.UTC).AddDate(0, 0, 1)
		}
		if end.After(g.today) {
			m.Status = "实施中"
			if m.ExtensionDate.Year != 0 && m.ExtensionDate.Time(time.UTC).After(g.today) {
				m.Extended, m.ExtensionDate, m.ExtensionDays = &f, tabular.Date{}, 0
			}
		} else {
			m.EndDate = civil(end)
			switch r := g.r.IntN(100); {
			case r < 55:
				m.Outcome, m.Status = "released", "已解除"
			case r < 85:
				m.Outcome, m.Status = "confiscated", "已没收"
			default:
				m.Outcome, m.Status = "handled", "已处理"
			}
			if dm.kind == "freeze" && m.Outcome == "confiscated" {
				m.Outcome, m.Status = "handled", "已划缴税款"
			}
		}
		if g.chance(3) {
			m.OnsiteRecord = nil
		}
		if enforce.MeasurePeriodExceeded(&m) {
			m.Flags = []string{enforce.FlagMeasurePeriodExceeded}
		}
		meas = append(meas, m)
	}
	return insps, meas
}
