package enforce

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/ident"
	"github.com/xingjian/xingjian/internal/store"
	"github.com/xingjian/xingjian/internal/store/storetest"
	"github.com/xingjian/xingjian/internal/tabular"
)

// BenchmarkSearch1M times typical records-list searches over 1,000,000
// penalties on each engine (PostgreSQL when XJ_TEST_PG is set). Loading the
// rows takes minutes, so it runs only when asked:
//
//	XJ_BENCH_1M=1 XJ_TEST_PG='postgres://…' go test -run '^$' -bench Search1M -benchtime 20x -timeout 60m ./internal/enforce/
//
// XJ_BENCH_EXPLAIN=FILE appends each search's query plans to FILE.
// XJ_BENCH_DB_DIR=DIR keeps the loaded databases (SQLite in DIR, PostgreSQL
// in the schema xj_bench_search) and reuses them on the next run.
func BenchmarkSearch1M(b *testing.B) {
	if os.Getenv("XJ_BENCH_1M") != "1" {
		b.Skip("set XJ_BENCH_1M=1 to load 1,000,000 penalties and time searches")
	}
	n := 1_000_000
	if s := os.Getenv("XJ_BENCH_ROWS"); s != "" { // a smaller run while tuning
		var err error
		if n, err = strconv.Atoi(s); err != nil || n < 1 {
			b.Fatalf("XJ_BENCH_ROWS=%q", s)
		}
	}
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		b.Run(string(d), func(b *testing.B) {
			if d == store.Postgres && os.Getenv(storetest.PGEnv) == "" {
				b.Skip(storetest.PGEnv + " not set")
			}
			ctx := context.Background()
			db, agencies := benchDB(b, d, n)
			district := auth.Scope{District: true}
			fine := func(yuan int64) *int64 { f := yuan * 100; return &f }
			cases := []struct {
				name  string
				scope auth.Scope
				f     RecordFilter
			}{
				{"Newest", district, RecordFilter{}},
				{"CompanyFragment", district, RecordFilter{Q: benchCompanyFragment}},
				{"CompanyFragmentPages1And2", district, RecordFilter{Q: "建材有限"}},
				{"CommonWord", district, RecordFilter{Q: "有限公司"}},
				{"TwoChars", district, RecordFilter{Q: "顺发"}},
				{"TwoCharName", district, RecordFilter{Q: "张伟"}},
				{"OneChar", district, RecordFilter{Q: "鑫"}},
				{"DocNoFragment", district, RecordFilter{Q: "环罚〔2023〕31"}},
				{"FactsFragment", district, RecordFilter{Q: "超标排放"}},
				{"DomainDateRange", district, RecordFilter{Domain: "ecology", From: benchDate(2023, 4, 1), To: benchDate(2023, 6, 30)}},
				{"FineRange", district, RecordFilter{MinFineFen: fine(100_000), MaxFineFen: fine(200_000)}},
				{"FineAtLeast", district, RecordFilter{MinFineFen: fine(500_000)}},
				{"AgencyScope", auth.Scope{OrgID: agencies[3]}, RecordFilter{}},
				{"AgencyScopeFragment", auth.Scope{OrgID: agencies[3]}, RecordFilter{Q: "建材有限"}},
				// Adversarial: a word in 60 % of the agency's records, and an
				// ecology term searched among the market agency's.
				{"AgencyScopeCommonWord", auth.Scope{OrgID: agencies[3]}, RecordFilter{Q: "有限公司", From: benchDate(2024, 1, 1)}},
				{"AgencyScopeOtherDomainText", auth.Scope{OrgID: agencies[3]}, RecordFilter{Q: "超标排放"}},
				{"Flag", district, RecordFilter{Flag: FlagBadPartyID}},
				{"Procedure+PartyKind", district, RecordFilter{Procedure: ProcedureSimple, PartyKind: PartyNaturalPerson}},
			}
			for _, c := range cases {
				b.Run(c.name, func(b *testing.B) {
					if path := os.Getenv("XJ_BENCH_EXPLAIN"); path != "" {
						appendExplain(b, path, db, c.name, c.scope, c.f)
					}
					var total, rows int
					for b.Loop() {
						page, tot, next, err := Search(ctx, db, c.scope, c.f)
						if err != nil {
							b.Fatal(err)
						}
						rows, total = len(page), tot
						if c.name == "CompanyFragmentPages1And2" && next != "" {
							cur, err := ParseCursor(next)
							if err != nil {
								b.Fatal(err)
							}
							f := c.f
							f.Before = cur
							if _, _, _, err := Search(ctx, db, c.scope, f); err != nil {
								b.Fatal(err)
							}
						}
					}
					b.ReportMetric(float64(total), "total")
					b.ReportMetric(float64(rows), "rows")
					b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/search")
				})
			}
		})
	}
}

// benchCompanyFragment is the 字号 and trade of one generated company, the
// kind of fragment a prosecutor types.
const benchCompanyFragment = "顺发建材"

func benchDate(y int, m time.Month, d int) tabular.Date {
	return tabular.Date{Year: y, Month: m, Day: d}
}

// benchDB returns a database holding n generated penalties, and the ids of
// their agencies.
func benchDB(b *testing.B, d store.Dialect, n int) (*store.DB, []int64) {
	ctx := context.Background()
	dir := os.Getenv("XJ_BENCH_DB_DIR")
	var db *store.DB
	if dir == "" {
		db = storetest.Open(b, d, true)
	} else {
		var err error
		opts := store.Options{DataDir: dir}
		if d == store.Postgres {
			const schema = "xj_bench_search"
			admin, err := store.Open(ctx, store.Options{DSN: os.Getenv(storetest.PGEnv)})
			if err != nil {
				b.Fatal(err)
			}
			_, err = admin.ExecContext(ctx, "CREATE SCHEMA IF NOT EXISTS "+schema)
			admin.Close()
			if err != nil {
				b.Fatal(err)
			}
			u, err := url.Parse(os.Getenv(storetest.PGEnv))
			if err != nil {
				b.Fatal(err)
			}
			q := u.Query()
			q.Set("search_path", schema)
			u.RawQuery = q.Encode()
			opts = store.Options{DSN: u.String()}
		}
		if db, err = store.Open(ctx, opts); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.Close() })
		if err := db.Migrate(ctx); err != nil {
			b.Fatal(err)
		}
		var have int
		if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM penalties").Scan(&have); err != nil {
			b.Fatal(err)
		}
		if have == n {
			ids := make([]int64, len(benchAgencies))
			for i, a := range benchAgencies {
				if err := db.QueryRowContext(ctx, "SELECT id FROM orgs WHERE code = ?", a.code).Scan(&ids[i]); err != nil {
					b.Fatal(err)
				}
			}
			b.Logf("%s: reusing %d penalties in %s", d, n, db.Where)
			return db, ids
		}
		if have != 0 {
			b.Fatalf("%s holds %d penalties, not %d: remove it", db.Where, have, n)
		}
	}
	start := time.Now()
	agencies := loadPenalties(b, db, n, 1)
	b.Logf("%s: loaded %d penalties with their search indexes in %s (%.0f rows/s)", d, n, time.Since(start).Round(time.Second),
		float64(n)/time.Since(start).Seconds())
	if d == store.Postgres {
		// After a bulk load autovacuum soon analyses the table and moves the
		// GIN indexes' pending entries into the index proper; do it now
		// instead of timing searches against a half-maintained table.
		if _, err := db.ExecContext(ctx, "VACUUM ANALYZE penalties"); err != nil {
			b.Fatal(err)
		}
	}
	return db, agencies
}

// appendExplain appends the query plans of a search's page and count
// queries to the file at path.
func appendExplain(b *testing.B, path string, db *store.DB, name string, scope auth.Scope, f RecordFilter) {
	ctx := context.Background()
	var out strings.Builder
	fmt.Fprintf(&out, "== %s %s %+v\n", db.Dialect(), name, f)
	plan, err := planSearch(ctx, db, scope, f)
	if err != nil {
		b.Fatal(err)
	}
	fmt.Fprintf(&out, "plan %s: from %s; total known: %d\n", plan.kind, plan.from, plan.total)
	page, pageArgs := plan.pageSQL(f.Before, SearchDefaultLimit)
	count, countArgs := plan.countSQL(SearchTotalCap)
	for _, q := range []struct {
		sql  string
		args []any
	}{{page, pageArgs}, {count, countArgs}} {
		prefix := "EXPLAIN QUERY PLAN "
		if db.Dialect() == store.Postgres {
			prefix = "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) "
		}
		rows, err := db.QueryContext(ctx, prefix+q.sql, q.args...)
		if err != nil {
			b.Fatal(err)
		}
		cols, _ := rows.Columns()
		out.WriteString("\n")
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				b.Fatal(err)
			}
			fmt.Fprintln(&out, vals...)
		}
		if err := rows.Err(); err != nil {
			b.Fatal(err)
		}
		rows.Close()
	}
	file, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		b.Fatal(err)
	}
	defer file.Close()
	if _, err := file.WriteString(out.String()); err != nil {
		b.Fatal(err)
	}
}

// Generated data: a district's 20 agencies over three years, parties drawn
// with repeats (the same companies are penalised again), realistic names,
// document numbers, facts, fines, procedures and a few flags.
var (
	benchAgencies = []struct{ code, name, abbr, domain string }{
		{"GA", "江州市青岚区公安分局", "青公", "public_security"},
		{"ZRZY", "江州市青岚区自然资源局", "青自然资源", "natural_resources"},
		{"HB", "江州市生态环境局青岚分局", "青环", "ecology"},
		{"SCJG", "江州市青岚区市场监督管理局", "青市监", "market"},
		{"CG", "江州市青岚区城市管理和综合执法局", "青城管", "urban"},
		{"YJ", "江州市青岚区应急管理局", "青应急", "emergency"},
		{"NY", "江州市青岚区农业农村局", "青农", "agriculture"},
		{"WJ", "江州市青岚区卫生健康局", "青卫", "health"},
		{"LY", "江州市青岚区林业局", "青林", "forestry"},
		{"MZ", "江州市青岚区民政局", "青民", "civil_affairs"},
		{"RS", "江州市青岚区人力资源和社会保障局", "青人社", "hrss"},
		{"JT", "江州市青岚区交通运输局", "青交", "transport"},
		{"SW", "江州市青岚区水务局", "青水", "water"},
		{"ZJ", "江州市青岚区住房和城乡建设局", "青住建", "housing"},
		{"SWJ", "国家税务总局江州市青岚区税务局", "青税", "tax"},
		{"WL", "江州市青岚区文化广电旅游体育局", "青文旅", "culture_tourism"},
		{"JY", "江州市青岚区教育局", "青教", "education"},
		{"YB", "江州市青岚区医疗保障局", "青医保", "medical_insurance"},
		{"ZHZF", "江州市青岚区综合行政执法局", "青综执", "comprehensive"},
		{"SFZ", "江州市青岚区石峰镇人民政府", "石峰镇", "comprehensive"},
	}
	// Share of the penalties each agency decides (market, public security,
	// urban management and ecology dominate in practice).
	benchAgencyWeights = []int{18, 3, 9, 20, 12, 4, 3, 5, 2, 1, 3, 8, 2, 3, 2, 1, 1, 1, 1, 1}
	benchNameChars     = []rune("顺发鑫源华盛兴隆达通恒泰宏昌福瑞金银德永新荣利佳美辉丰祥和安康宁远航天宇博创嘉诚信邦万豪俊凯明亮光志海洋泉林森旺富贵强汇聚益众立伟中正广大东南西北明辰晨星月星")
	benchTrades        = []string{"建材", "餐饮", "食品", "物流", "科技", "五金", "化工", "服装", "建筑工程", "装饰工程", "汽车维修", "医药", "农资", "电子", "印刷", "家具", "塑料制品", "石材", "混凝土", "再生资源", "商贸", "酒店管理", "文化传媒", "教育咨询", "废旧金属回收", "水产养殖", "机械设备", "燃气", "运输", "房地产开发"}
	benchSuffixes      = []string{"有限公司", "有限公司", "有限公司", "有限责任公司", "股份有限公司", "厂", "经营部", "商行"}
	benchPlaces        = []string{"江州市", "江州市青岚区", "江州市青岚区", "江州市青岚区", "江州市东湖区", "广东", "江州"}
	benchSurnames      = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
	benchGiven         = []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红梅鑫斌宇浩凯健俊帆帅旭宁龙林欢阳建国志明海燕文")
	benchViolations    = map[string][]struct{ kind, basis, fact string }{
		"market": {
			{"销售不合格产品", "《中华人民共和国产品质量法》第四十九条", "销售经抽检不合格的%s产品，货值金额%d元"},
			{"虚假宣传", "《中华人民共和国反不正当竞争法》第二十条", "在经营场所及网络店铺对%s作虚假的商业宣传"},
			{"未按规定公示年度报告", "《企业信息公示暂行条例》第十八条", "未按规定期限公示年度报告，经责令仍未改正，涉及%s业务"},
			{"经营超过保质期的食品", "《中华人民共和国食品安全法》第一百二十四条", "经营超过保质期的%s类食品共%d件"},
		},
		"ecology": {
			{"超标排放污染物", "《中华人民共和国大气污染防治法》第九十九条", "废气排放口%s浓度超过排放标准%d%%，超标排放大气污染物"},
			{"未批先建", "《中华人民共和国环境影响评价法》第三十一条", "%s项目未依法报批环境影响评价文件擅自开工建设，投资约%d万元"},
			{"未按规定贮存危险废物", "《中华人民共和国固体废物污染环境防治法》第一百一十二条", "将%s等危险废物露天堆放%d吨，未设置识别标志"},
		},
		"public_security": {
			{"扰乱公共秩序", "《中华人民共和国治安管理处罚法》第二十三条", "在%s聚众起哄，扰乱公共场所秩序，持续约%d分钟"},
			{"殴打他人", "《中华人民共和国治安管理处罚法》第四十三条", "因琐事与他人在%s发生争执并殴打对方，致其轻微伤%d处"},
		},
		"urban": {
			{"占道经营", "《城市市容和环境卫生管理条例》第三十六条", "在%s占用城市道路摆摊经营，占地约%d平方米"},
			{"违法建设", "《中华人民共和国城乡规划法》第六十四条", "未取得建设工程规划许可证在%s擅自搭建建筑物约%d平方米"},
		},
	}
	benchDefaultViolation = []struct{ kind, basis, fact string }{
		{"违反安全生产规定", "《中华人民共和国安全生产法》第九十七条", "未按规定对%s从业人员进行安全生产教育和培训，涉及%d人"},
		{"未按规定办理许可", "《中华人民共和国行政许可法》第八十一条", "未取得许可擅自从事%s活动，持续%d天"},
		{"拒不配合监督检查", "《中华人民共和国行政处罚法》第五十五条", "在%s监督检查中拒绝提供有关资料，拖延%d日"},
	}
	benchFlags = []string{FlagBadPartyUSCC, FlagBadPartyID, FlagBadLegalRepID, FlagConvertedID15, FlagAgencyMismatch}
)

// loadPenalties creates the agencies and n penalties with multi-row INSERTs
// in one transaction, and returns the agencies' org ids.
func loadPenalties(tb testing.TB, db *store.DB, n int, seed uint64) []int64 {
	tb.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(seed, 2024))
	agencyIDs := make([]int64, len(benchAgencies))
	var cum []int
	sum := 0
	for _, w := range benchAgencyWeights {
		sum += w
		cum = append(cum, sum)
	}
	pickAgency := func() int {
		x := rng.IntN(sum)
		for i, c := range cum {
			if x < c {
				return i
			}
		}
		return len(cum) - 1
	}

	type party struct{ name, kind, uscc, idNo, legalRep string }
	personName := func() string {
		g := string(benchGiven[rng.IntN(len(benchGiven))])
		if rng.IntN(2) == 0 {
			g += string(benchGiven[rng.IntN(len(benchGiven))])
		}
		return string(benchSurnames[rng.IntN(len(benchSurnames))]) + g
	}
	idNo := func() string {
		birth := time.Date(1950+rng.IntN(55), time.January, 1+rng.IntN(365), 0, 0, 0, 0, time.UTC)
		first17 := fmt.Sprintf("440703%s%03d", birth.Format("20060102"), rng.IntN(1000))
		c, _ := ident.ResidentIDCheckChar(first17)
		return first17 + string(c)
	}
	// 200,000 parties; a penalty picks one with a skew, so companies recur.
	parties := make([]party, 200_000)
	for i := range parties {
		switch k := rng.IntN(10); {
		case k < 7:
			name := benchPlaces[rng.IntN(len(benchPlaces))] + string(benchNameChars[rng.IntN(len(benchNameChars))]) +
				string(benchNameChars[rng.IntN(len(benchNameChars))]) + benchTrades[rng.IntN(len(benchTrades))] + benchSuffixes[rng.IntN(len(benchSuffixes))]
			parties[i] = party{name: name, kind: PartyLegalPerson, uscc: ident.MakeUSCC('9', '1', "440703", fmt.Sprintf("%08X", 0x10000000+i)), legalRep: personName()}
		case k < 9:
			parties[i] = party{name: personName(), kind: PartyNaturalPerson, idNo: idNo()}
		default:
			owner := personName()
			name := "江州市青岚区" + string(benchNameChars[rng.IntN(len(benchNameChars))]) + string(benchNameChars[rng.IntN(len(benchNameChars))]) +
				benchTrades[rng.IntN(len(benchTrades))] + []string{"店", "经营部", "商行", "门市部"}[rng.IntN(4)]
			parties[i] = party{name: name, kind: PartyIndividualBusiness, uscc: ident.MakeUSCC('9', '2', "440703", fmt.Sprintf("%08X", 0x20000000+i)), legalRep: owner}
		}
	}
	// The fragment the benchmark searches for belongs to a handful of companies.
	for i := range 6 {
		parties[i*31_337].name = "江州市青岚区" + benchCompanyFragment + []string{"有限公司", "经营部", "有限责任公司"}[i%3]
		parties[i*31_337].kind = PartyLegalPerson
	}

	now := time.Now().UnixMilli()
	err := db.InTx(ctx, func(tx *store.Tx) error {
		for i, a := range benchAgencies {
			if err := tx.QueryRowContext(ctx, "INSERT INTO orgs (code, name, kind, created_at, updated_at) VALUES (?, ?, 'agency', ?, ?) RETURNING id",
				a.code, a.name, now, now).Scan(&agencyIDs[i]); err != nil {
				return err
			}
		}
		cols := []string{"agency_id", "doc_no", "content_hash", "party_name", "party_kind", "party_uscc", "party_id_type", "party_id_no", "legal_rep",
			"violation_type", "facts", "legal_basis", "penalty_kinds", "penalty_content", "fine_fen", "decision_date", "agency_name", "domain",
			"procedure", "flags", "created_at", "updated_at"}
		const perInsert = 500
		tuple := "(" + store.Placeholders(len(cols)) + ")"
		full := "INSERT INTO penalties (" + strings.Join(cols, ", ") + ") VALUES " + strings.Repeat(tuple+", ", perInsert-1) + tuple
		seq := map[string]int{}
		start := time.Date(2022, time.January, 1, 0, 0, 0, 0, time.UTC)
		args := make([]any, 0, perInsert*len(cols))
		for i := range n {
			ai := pickAgency()
			a := benchAgencies[ai]
			day := start.AddDate(0, 0, rng.IntN(3*365))
			year := day.Year()
			key := fmt.Sprint(ai, year)
			seq[key]++
			docNo := fmt.Sprintf("%s罚〔%d〕%d号", a.abbr, year, seq[key])
			// Skewed choice: low indexes (frequent offenders) come up more often.
			p := parties[int(float64(len(parties))*math.Pow(rng.Float64(), 1.6))]
			vs := benchViolations[a.domain]
			if vs == nil {
				vs = benchDefaultViolation
			}
			v := vs[rng.IntN(len(vs))]
			trade := benchTrades[rng.IntN(len(benchTrades))]
			facts := fmt.Sprintf("经查，当事人%s于%d年%d月%d日", p.name, year, int(day.Month()), day.Day()) + fmt.Sprintf(v.fact, trade, 1+rng.IntN(500)) +
				"，违反了" + v.basis + "的规定。以上事实有现场检查笔录、询问笔录、现场照片等证据为证。"
			// Fines: log-uniform from 50 yuan to 1,000,000 yuan; a tenth are warnings.
			var fineFen int64
			kinds := "罚款"
			if rng.IntN(10) == 0 {
				kinds = "警告"
			} else {
				fineFen = int64(math.Exp(math.Log(50)+rng.Float64()*(math.Log(1_000_000)-math.Log(50)))) * 100
				if rng.IntN(5) == 0 {
					kinds = "罚款;没收违法所得"
				}
			}
			procedure := ProcedureOrdinary
			if fineFen <= 20_000 && p.kind == PartyNaturalPerson || fineFen <= 300_000 && p.kind != PartyNaturalPerson && rng.IntN(2) == 0 {
				procedure = ProcedureSimple
			}
			idType := ""
			if p.idNo != "" {
				idType = "身份证"
			}
			flags := ""
			if rng.IntN(100) < 3 {
				flags = benchFlags[rng.IntN(len(benchFlags))]
			}
			args = append(args, agencyIDs[ai], docNo, fmt.Sprintf("h%d", i), p.name, p.kind, p.uscc, idType, p.idNo, p.legalRep,
				v.kind, facts, v.basis, kinds, fmt.Sprintf("%s人民币%d元", kinds, fineFen/100), fineFen, day.Format("2006-01-02"), a.name, a.domain,
				procedure, flags, now, now)
			if len(args) == cap(args) || i == n-1 {
				q := full
				if len(args) != cap(args) {
					rows := len(args) / len(cols)
					q = "INSERT INTO penalties (" + strings.Join(cols, ", ") + ") VALUES " + strings.Repeat(tuple+", ", rows-1) + tuple
				}
				if _, err := tx.ExecContext(ctx, q, args...); err != nil {
					return err
				}
				args = args[:0]
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatalf("load penalties: %v", err)
	}
	return agencyIDs
}

// BenchmarkSearchIndexWriteCost measures what the search indexes of
// migration 0003 cost an import: 100,000 generated penalties inserted (one
// transaction, multi-row INSERTs) into a database migrated up to 0002 and
// into one with 0003. Runs with XJ_BENCH_1M=1, like BenchmarkSearch1M.
func BenchmarkSearchIndexWriteCost(b *testing.B) {
	if os.Getenv("XJ_BENCH_1M") != "1" {
		b.Skip("set XJ_BENCH_1M=1")
	}
	const n = 100_000
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		for _, version := range []int{2, 3} {
			b.Run(fmt.Sprintf("%s/migration%d", d, version), func(b *testing.B) {
				if d == store.Postgres && os.Getenv(storetest.PGEnv) == "" {
					b.Skip(storetest.PGEnv + " not set")
				}
				for b.Loop() {
					db := storetest.Open(b, d, false)
					if err := db.MigrateTo(context.Background(), version); err != nil {
						b.Fatal(err)
					}
					loadPenalties(b, db, n, 1)
				}
				b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			})
		}
	}
}
