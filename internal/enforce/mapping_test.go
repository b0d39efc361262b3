package enforce

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/xingjian/xingjian/internal/tabular"
)

// nationalLegal is the national 双公示 legal-person layout (DOMAIN.md §3).
var nationalLegal = []string{
	"行政相对人名称", "行政相对人类别", "行政相对人代码_1（统一社会信用代码）", "行政相对人代码_2（工商注册号）",
	"行政相对人代码_3（组织机构代码）", "行政相对人代码_4（税务登记号）", "行政相对人代码_5（事业单位证书号）",
	"行政相对人代码_6（社会组织登记证号）", "法定代表人", "法定代表人证件类型", "法定代表人证件号码",
	"行政处罚决定书文号", "违法行为类型", "违法事实", "处罚依据", "处罚类别", "处罚内容", "罚款金额（万元）",
	"没收违法所得、没收非法财物的金额（万元）", "暂扣或吊销证照名称及编号", "处罚决定日期", "处罚有效期",
	"公示截止期", "处罚机关", "处罚机关统一社会信用代码", "数据来源单位", "数据来源单位统一社会信用代码", "备注",
}

// nationalNatural is the natural-person template: name, ID type and number,
// then the same fields from the document number on.
var nationalNatural = append([]string{"行政相对人名称", "证件类型", "证件号码"}, nationalLegal[11:]...)

// supervisionHeaders are the supervision fields' usual names.
var supervisionHeaders = []string{"执法领域", "违法行为编码", "裁量等级", "程序类型", "立案日期", "送达日期", "缴款期限",
	"缴款日期", "是否告知听证", "是否告知救济途径", "移送公安日期", "移送回执", "申请法院强制执行日期", "状态", "违法行为发生日期",
	"加处罚款金额（万元）"}

// headerOf builds a one-row header from texts, as FindHeader would.
func headerOf(names ...string) tabular.Header {
	h := tabular.Header{Line: 1, Rows: 1}
	for i, n := range names {
		h.Columns = append(h.Columns, tabular.Column{Index: i, Name: tabular.NormalizeHeader(n), Raw: strings.TrimSpace(n)})
	}
	return h
}

func TestAutoMap(t *testing.T) {
	t.Run("MapsEveryNationalLegalPersonColumn", func(t *testing.T) {
		m, missing := AutoMap(headerOf(append(append([]string{}, nationalLegal...), supervisionHeaders...)...))
		if len(missing) != 0 {
			t.Fatalf("missing = %v", missing)
		}
		for _, f := range Fields() {
			if f.ID == "party_id_type" || f.ID == "party_id_no" {
				if _, ok := m[f.ID]; ok {
					t.Errorf("%s mapped to %q in a legal-person layout", f.ID, m[f.ID])
				}
				continue
			}
			if m[f.ID] == "" {
				t.Errorf("%s (%s) not mapped", f.ID, f.Label)
			}
		}
		if m["party_uscc"] != "行政相对人代码_1（统一社会信用代码）" || m["legal_rep_id_no"] != "法定代表人证件号码" ||
			m["agency_uscc"] != "处罚机关统一社会信用代码" || m["source_uscc"] != "数据来源单位统一社会信用代码" {
			t.Errorf("identifier columns: %v", m)
		}
	})
	t.Run("MapsNaturalPersonTemplate", func(t *testing.T) {
		m, missing := AutoMap(headerOf(nationalNatural...))
		if len(missing) != 0 {
			t.Fatalf("missing = %v", missing)
		}
		if m["party_id_type"] != "证件类型" || m["party_id_no"] != "证件号码" || m["legal_rep_id_no"] != "" {
			t.Errorf("mapping = %v", m)
		}
	})
	t.Run("MapsAgencySynonyms", func(t *testing.T) {
		cases := map[string]string{
			"当事人名称": "party_name", "被处罚人": "party_name", "决定书文号": "doc_no", "处罚文号": "doc_no",
			"罚款金额（元）": "fine", "罚款数额": "fine", "罚款金额(人民币元)": "fine", "统一社会信用代码": "party_uscc",
			"行政相对人代码_1": "party_uscc", "身份证号": "party_id_no", "证件号码": "party_id_no", "决定日期": "decision_date",
			"作出处罚决定日期": "decision_date", "处罚决定日期（格式：2024/1/1）": "decision_date", " 违法\n事实 *": "facts",
			"处罚种类": "penalty_kinds", "案由": "violation_type", "适用程序": "procedure", "移送回执号": "transfer_receipt",
			"已告知听证权利": "hearing_notice", "ＢＺ备注": "", "法定代表人（负责人）": "legal_rep", "没收金额（元）": "confiscation",
		}
		for header, want := range cases {
			m, _ := AutoMap(headerOf(header))
			got := ""
			for id := range m {
				got = id
			}
			if got != want {
				t.Errorf("%q → %q, want %q", header, got, want)
			}
		}
	})
	t.Run("PrefersGroupLabelInTwoRowHeader", func(t *testing.T) {
		h := tabular.Header{Line: 3, Rows: 2, Columns: []tabular.Column{
			{Index: 0, Group: "行政相对人", Name: "名称", Raw: "行政相对人/名称"},
			{Index: 1, Group: "行政相对人", Name: "统一社会信用代码", Raw: "行政相对人/统一社会信用代码"},
			{Index: 2, Group: "法定代表人", Name: "证件号码", Raw: "法定代表人/证件号码"},
			{Index: 3, Group: "处罚机关", Name: "统一社会信用代码", Raw: "处罚机关/统一社会信用代码"},
			{Index: 4, Group: "处罚金额", Name: "罚款金额(万元)", Raw: "处罚金额/罚款金额（万元）"},
		}}
		m, _ := AutoMap(h)
		want := Mapping{"party_name": "行政相对人/名称", "party_uscc": "行政相对人/统一社会信用代码",
			"legal_rep_id_no": "法定代表人/证件号码", "agency_uscc": "处罚机关/统一社会信用代码", "fine": "处罚金额/罚款金额（万元）"}
		if !reflect.DeepEqual(m, want) {
			t.Errorf("mapping = %v\nwant %v", m, want)
		}
	})
	t.Run("FirstColumnWinsAndEachColumnServesOneField", func(t *testing.T) {
		m, _ := AutoMap(headerOf("当事人名称", "行政相对人名称", "文号"))
		if m["party_name"] != "当事人名称" || m["doc_no"] != "文号" || len(m) != 2 {
			t.Errorf("mapping = %v", m)
		}
	})
	t.Run("ListsMissingRequiredColumns", func(t *testing.T) {
		_, missing := AutoMap(headerOf("序号", "当事人名称", "违法行为", "违法事实", "处罚依据", "处罚种类", "处罚内容", "处罚日期", "统一社会信用代码"))
		if !reflect.DeepEqual(missing, []string{"doc_no"}) {
			t.Errorf("missing = %v", missing)
		}
	})
	t.Run("NeedsAKindOrAnIdentifierColumn", func(t *testing.T) {
		_, missing := AutoMap(headerOf("当事人名称", "文号", "违法行为", "违法事实", "处罚依据", "处罚种类", "处罚内容", "处罚日期"))
		if !reflect.DeepEqual(missing, []string{"party_kind"}) {
			t.Errorf("missing = %v", missing)
		}
	})
}

func TestMappingCheck(t *testing.T) {
	t.Run("RefusesFileWithoutDocNoColumnInChinese", func(t *testing.T) {
		h := headerOf("序号", "当事人名称", "违法行为", "违法事实", "处罚依据", "处罚种类", "处罚内容", "罚款金额（元）", "处罚日期", "身份证号")
		m, missing := AutoMap(h)
		if len(missing) == 0 {
			t.Fatal("no missing column")
		}
		err := m.Check(h)
		var me *MappingError
		if !errors.As(err, &me) {
			t.Fatalf("Check = %v", err)
		}
		want := "未找到“行政处罚决定书文号”列（也可写作：处罚决定书文号、决定书文号、行政处罚决定文书号）。" +
			"文件第 1 行的表头为：序号、当事人名称、违法行为、违法事实、处罚依据、处罚种类、处罚内容、罚款金额（元）、处罚日期、身份证号"
		if err.Error() != want {
			t.Errorf("message:\n%s\nwant\n%s", err, want)
		}
	})
	t.Run("AcceptsAutoMapOfCompleteHeader", func(t *testing.T) {
		h := headerOf(nationalLegal...)
		m, _ := AutoMap(h)
		if err := m.Check(h); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("RefusesUnknownFieldsAndAbsentColumns", func(t *testing.T) {
		h := headerOf(nationalLegal...)
		m, _ := AutoMap(h)
		m["party_nmae"] = "当事人"
		m["remarks"] = "附注"
		err := m.Check(h)
		var me *MappingError
		if !errors.As(err, &me) || !reflect.DeepEqual(me.Unknown, []string{"party_nmae"}) || !reflect.DeepEqual(me.Absent, []string{"附注"}) {
			t.Fatalf("Check = %#v", err)
		}
		if !strings.Contains(err.Error(), "列映射中的“附注”列在文件中不存在") || !strings.Contains(err.Error(), "未知字段：party_nmae") {
			t.Errorf("message: %s", err)
		}
	})
	t.Run("RefusesSavedMappingLackingRequiredField", func(t *testing.T) {
		h := headerOf(nationalLegal...)
		m := Mapping{"party_name": "行政相对人名称", "doc_no": "行政处罚决定书文号"}
		err := m.Check(h)
		var me *MappingError
		if !errors.As(err, &me) {
			t.Fatalf("Check = %v", err)
		}
		want := []string{"violation_type", "facts", "legal_basis", "penalty_kinds", "penalty_content", "decision_date", "party_kind"}
		if !reflect.DeepEqual(me.Missing, want) {
			t.Errorf("missing = %v", me.Missing)
		}
	})
}

func TestMappingSavedAsJSON(t *testing.T) {
	t.Run("RoundTripsAndResolvesAgainstAnotherFile", func(t *testing.T) {
		saved := []byte(`{"party_name":"被罚主体","party_kind":"主体类别","party_uscc":"证照号码","doc_no":"处罚书编号",
			"violation_type":"案由","facts":"查明事实","legal_basis":"适用法条","penalty_kinds":"处罚方式",
			"penalty_content":"处罚决定","fine":"罚没款（元）","decision_date":"签发日期"}`)
		var m Mapping
		if err := json.Unmarshal(saved, &m); err != nil {
			t.Fatal(err)
		}
		out, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		var again Mapping
		if err := json.Unmarshal(out, &again); err != nil || !reflect.DeepEqual(m, again) {
			t.Fatalf("round trip: %v %v", again, err)
		}
		// Next month's file: a blank-padded header, a different column order.
		h := headerOf("签发日期", " 被罚主体 ", "主体类别", "证照号码", "处罚书编号", "案由", "查明事实", "适用法条", "处罚方式", "处罚决定", "罚没款")
		if err := m.Check(h); err != nil {
			t.Fatal(err)
		}
		p := compile(m, h)
		if p.cols[fFine].index != 10 || p.cols[fFine].unit != tabular.Yuan || p.cols[fDecisionDate].index != 0 {
			t.Errorf("plan: fine %+v, decision %+v", p.cols[fFine], p.cols[fDecisionDate])
		}
	})
	t.Run("LocatesHeaderOfLayoutWithFewNationalNames", func(t *testing.T) {
		m := Mapping{"party_name": "被罚主体", "doc_no": "处罚书编号", "facts": "查明事实", "decision_date": "签发日期"}
		rows := []tabular.Row{
			{Line: 1, Cells: []string{"数字城管系统导出"}},
			{Line: 2, Cells: []string{"案件编号", "被罚主体", "处罚书编号", "查明事实", "签发日期"}},
		}
		if _, err := tabular.FindHeader(rows, KnownHeaders()); err == nil {
			t.Fatal("national names alone found a header; the test needs a layout they miss")
		}
		h, err := tabular.FindHeader(rows, m.HeaderTexts())
		if err != nil || h.Line != 2 {
			t.Fatalf("header line %d, %v", h.Line, err)
		}
		var nilMapping Mapping
		if len(nilMapping.HeaderTexts()) != len(KnownHeaders()) {
			t.Error("nil mapping adds names")
		}
	})
	t.Run("FileUnitWinsOverMappingUnit", func(t *testing.T) {
		h := headerOf("罚没款（万元）")
		p := compile(Mapping{"fine": "罚没款（元）"}, h)
		if p.cols[fFine].index != 0 || p.cols[fFine].unit != tabular.WanYuan {
			t.Errorf("fine %+v", p.cols[fFine])
		}
	})
}

func TestFields(t *testing.T) {
	t.Run("CoverEveryPenaltyField", func(t *testing.T) {
		fs := Fields()
		if len(fs) != reflect.TypeOf(Penalty{}).NumField()-1 { // all but Flags
			t.Errorf("%d fields for %d Penalty fields", len(fs), reflect.TypeOf(Penalty{}).NumField()-1)
		}
		for _, f := range fs {
			if f.Label == "" || f.Label != f.Headers[0] || f.Need == "" {
				t.Errorf("field %+v", f)
			}
		}
	})
	t.Run("ReturnsCopies", func(t *testing.T) {
		Fields()[0].Headers[0] = "x"
		KnownHeaders()[0] = "x"
		if Fields()[0].Headers[0] != "行政相对人名称" || KnownHeaders()[0] != "行政相对人名称" {
			t.Error("shared slice")
		}
	})
	t.Run("KnownHeadersLocateHeaderUnderTitleRows", func(t *testing.T) {
		rows := []tabular.Row{
			{Line: 1, Cells: []string{"江门市生态环境局2024年行政处罚信息公示表"}},
			{Line: 2, Cells: []string{"填报日期：2024年7月1日"}},
			{Line: 3, Cells: nationalLegal},
		}
		h, err := tabular.FindHeader(rows, KnownHeaders())
		if err != nil || h.Line != 3 {
			t.Fatalf("header line %d, %v", h.Line, err)
		}
	})
}
