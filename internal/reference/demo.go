package reference

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"time"

	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/store"
)

// JiangmenTable is the real discretion table of 江门市生态环境局
// (行政处罚自由裁量权裁量标准参照表（试行）, 2020-03-01; see
// testdata/SOURCE.md): 12 sheets, 872 rows, 165 violation items.
//
//go:embed testdata/jmzyclb.xls
var JiangmenTable []byte

// JiangmenFile is the table's file name as published.
const JiangmenFile = "jmzyclb.xls"

// demoCases are typical cases of the demo district (fictional parties).
var demoCases = []struct {
	title, domain, agency, summary, body, points, source, date string
	tags                                                       []string
}{
	{"某生态环境分局对超标排放企业罚款低于裁量基准下限监督案", "ecology", "STHJ",
		"行政检察监督平台将生态环境分局的行政处罚数据与共享的裁量基准比对，发现一起超标排放案件罚款额低于对应裁量阶次的下限。",
		"2025年9月，江州市青岚区人民检察院通过“罚款额超出裁量基准区间”监督模型，发现生态环境分局对某化工企业废气超标排放（超标0.5倍，一个因子）作出罚款8万元的决定，而该情节对应裁量阶次的标准为“处十万元以上二十万元以下罚款”，决定书未载明从轻或减轻处罚的理由。检察院经调查核实，向该分局制发检察建议。该分局复查后认定原决定适用裁量基准错误，依法重新作出处罚决定，并对全局近两年同类案件开展自查，修订了裁量说理模板。",
		"裁量基准是规范行使行政处罚裁量权的依据；罚款低于所适用裁量阶次的下限，又未载明从轻、减轻处罚的事实和理由的，属于裁量不当，可以通过检察建议督促纠正。",
		"江州市青岚区人民检察院", "2025-11-20", []string{"裁量基准", "大数据监督", "检察建议"}},
	{"醉驾人员驾驶证未依法吊销行政检察监督案", "public_security", "GAQL",
		"检察机关比对危险驾驶罪刑事判决与驾驶证状态数据，发现多名醉驾被判刑人员驾驶证仍处于有效状态。",
		"青岚区人民检察院在办理危险驾驶案件中发现，部分醉驾被判处刑罚人员的机动车驾驶证未被吊销。检察院调取近三年危险驾驶罪判决信息，与公安交管部门驾驶证状态数据比对，筛查出驾驶证仍有效的人员线索7条，经核实后向公安分局制发检察建议。公安分局全部采纳，依法吊销驾驶证，并建立判决信息定期推送机制。",
		"道路交通安全法第九十一条第二款：醉酒驾驶机动车的，由公安机关交通管理部门约束至酒醒，吊销机动车驾驶证，依法追究刑事责任；五年内不得重新取得机动车驾驶证。",
		"江州市青岚区人民检察院", "2025-08-06", []string{"醉驾", "驾驶证", "大数据监督"}},
	{"市场监管部门适用简易程序超出法定限额监督案", "market", "SCJG",
		"平台规则筛查发现，市场监督管理局多起案件适用简易程序对法人处以超过3000元的罚款。",
		"检察院依据行政处罚法第五十一条，对共享的行政处罚数据开展简易程序适用情况筛查，发现市场监督管理局对4家企业当场作出罚款5000元至1万元的决定。经与司法局会商，检察院向该局制发检察建议，建议依法纠正程序违法问题、完善执法人员培训。该局已整改并回复。",
		"行政处罚法第五十一条：违法事实确凿并有法定依据，对公民处以二百元以下、对法人或者其他组织处以三千元以下罚款或者警告的行政处罚的，可以当场作出行政处罚决定。",
		"江州市青岚区司法局", "2026-01-15", []string{"简易程序", "程序违法"}},
	{"环境违法行为“首违不罚”行政争议实质性化解案", "ecology", "STHJ",
		"当事人对拟作出的高额环保罚款强烈不服，检察机关早介入，推动行政机关依法适用“首违不罚”，争议实质性化解。",
		"某企业因环境违法行为被拟处罚款100万元，当事人强烈不服。检察院在行政复议阶段即与司法局联合介入，一方面督促企业及时纠正违法行为并公开道歉，另一方面结合企业系初次违法、危害后果轻微并及时改正等情节，推动行政机关依照行政处罚法第三十三条不予处罚。案件办结后，检察院开展回访，企业已完成整改。本案参照广东省江门市蓬江区“行政检察+镇街综合行政执法”实践编写。",
		"行政处罚法第三十三条第一款：初次违法且危害后果轻微并及时改正的，可以不予行政处罚。",
		"江州市青岚区人民检察院", "2026-03-02", []string{"首违不罚", "争议化解", "检司协作"}},
}

// demoNews are news items and announcements of the demo district.
var demoNews = []struct {
	org, kind, title, body, date string
	pinned                       bool
}{
	{"QLJCY", KindNotice, "关于在信息共享平台共享行政处罚裁量基准的通知",
		"各行政执法单位：为规范行政处罚裁量权行使，请各单位于本月底前将现行有效的行政处罚裁量基准上传至信息共享平台（参考资料 → 裁量基准），支持 .xls、.xlsx、.csv 格式。裁量基准修订后请及时重新导入，平台将自动更新。", "2026-03-10", true},
	{"STHJ", KindNews, "生态环境分局完成裁量基准导入",
		"生态环境分局已将《江门市生态环境局行政处罚自由裁量权裁量标准参照表（试行）》作为参照标准导入平台，共12部法律法规、165项违法行为，供检察机关和各执法单位查阅比对。", "2026-03-12", false},
	{"QLSFJ", KindNotice, "2026年第一季度行政执法案卷评查工作安排",
		"区司法局将会同区人民检察院于4月开展第一季度行政执法案卷联合评查，重点评查行政处罚裁量说理、简易程序适用和送达程序。请各单位做好案卷准备。", "2026-03-18", false},
	{"QLJCY", KindNews, "区检察院与司法局召开行政检察与行政执法监督衔接联席会议",
		"会议通报了第一季度大数据监督模型发现的线索情况，研究了罚款额偏离裁量基准、简易程序超限等问题的整改，明确建立典型案例共享机制。", "2026-03-25", false},
}

// SeedDemo adds the shared reference material to the demo district: the
// Jiangmen discretion table (imported for the district's 生态环境局, issuer
// 江门市生态环境局, as the reference standard), typical cases and news. It is
// idempotent: once done, the settings key demo_reference marks it and later
// calls (every start of serve --demo) return at once instead of parsing the
// workbook again — and items a user deleted stay deleted. It needs the demo
// district's orgs (internal/demo.Seed first).
func SeedDemo(ctx context.Context, db *store.DB) error {
	var done int
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM settings WHERE key = ?", demoKey).Scan(&done); err != nil {
		return fmt.Errorf("reference demo: read settings: %w", err)
	}
	if done > 0 {
		return nil
	}
	ids := map[string]int64{}
	for _, code := range []string{"QLJCY", "QLSFJ", "STHJ", "GAQL", "SCJG"} {
		var id int64
		if err := db.QueryRowContext(ctx, "SELECT id FROM orgs WHERE code = ?", code).Scan(&id); err != nil {
			return fmt.Errorf("reference demo: org %s (seed the demo district first): %w", code, err)
		}
		ids[code] = id
	}
	admin, ok := auth.LookupRole(auth.RoleAdmin)
	if !ok {
		return errors.New("reference demo: no admin role")
	}
	p := &auth.Principal{Username: "demo", OrgID: ids["QLJCY"], Role: admin}
	if _, err := ImportBenchmarks(ctx, db, p, JiangmenTable, ImportOptions{OrgID: ids["STHJ"], Issuer: "江门市生态环境局", Domain: "ecology",
		EffectiveFrom: "2020-03-01", FileName: JiangmenFile}); err != nil {
		return fmt.Errorf("reference demo: discretion table: %w", err)
	}
	for _, c := range demoCases {
		var n int
		if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM typical_cases WHERE title = ?", c.title).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			continue
		}
		agency := ids[c.agency]
		tags := c.tags
		if _, err := CreateCase(ctx, db, p, CaseInput{Title: &c.title, Domain: &c.domain, Summary: &c.summary, Body: &c.body, LegalPoints: &c.points,
			Source: &c.source, PublishedOn: &c.date, AgencyID: &agency, Tags: &tags}); err != nil {
			return fmt.Errorf("reference demo: case %s: %w", c.title, err)
		}
	}
	for _, it := range demoNews {
		var n int
		if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM reference_news WHERE title = ?", it.title).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			continue
		}
		org := ids[it.org]
		at := time.Date(0, 1, 1, 9, 30, 0, 0, auth.Shanghai)
		if d, err := time.ParseInLocation("2006-01-02", it.date, auth.Shanghai); err == nil {
			at = d.Add(9*time.Hour + 30*time.Minute)
		}
		when := at.Format(time.RFC3339)
		if _, err := CreateNews(ctx, db, p, NewsInput{Kind: &it.kind, Title: &it.title, Body: &it.body, OrgID: &org, PublishedAt: &when,
			Pinned: &it.pinned}); err != nil {
			return fmt.Errorf("reference demo: news %s: %w", it.title, err)
		}
	}
	return db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING", demoKey, time.Now().Format(time.RFC3339))
		return err
	})
}

// demoKey marks the reference demo material as seeded (settings).
const demoKey = "demo_reference"
