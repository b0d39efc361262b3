package enforce

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/xingjian/xingjian/internal/ident"
	"github.com/xingjian/xingjian/internal/tabular"
)

// Identifiers below pass their checks (computed with ident.MakeUSCC and
// ident.ResidentIDCheckChar) unless the name says otherwise.
const (
	usccRongxing    = "914407037629018A0W" // 江门市蓬江区荣兴五金制品有限公司
	usccChenji      = "92440703MA4X7D6N4B" // 个体工商户
	usccShunda      = "91440705MA53LJ9B2N"
	usccShundaBad   = "91440705MA53LJ9B2M" // check character should be N
	usccEcoBureau   = "11440700MB2C3861XR" // 江门市生态环境局
	usccMarketPJ    = "11440703MB2D44172Q" // 江门市蓬江区市场监督管理局
	idZhang         = "44070319850312452X"
	idLi            = "440705197811300415"
	idOld15         = "440703650403001" // → 440703196504030016
	idOld15As18     = "440703196504030016"
	idBadCheck      = "440703199909300883" // check character should be 2
	idWithUnknownRg = "990101199001011230" // region 990101 unknown, check holds
)

// domains are the seeded directory domains (migration 0001).
var testDomains = map[string]string{
	"public_security": "公安", "natural_resources": "自然资源", "ecology": "生态环境", "market": "市场监管", "urban": "城市管理",
	"emergency": "应急管理", "agriculture": "农业农村", "health": "卫生健康", "forestry": "林业", "civil_affairs": "民政",
	"hrss": "人力资源社会保障", "transport": "交通运输", "water": "水务", "housing": "住房城乡建设", "tax": "税务",
	"culture_tourism": "文化旅游", "education": "教育", "medical_insurance": "医疗保障", "comprehensive": "综合行政执法",
}

var testToday = tabular.Date{Year: 2024, Month: time.December, Day: 31}

// testHeader is the national legal-person layout, the natural-person
// columns and the supervision columns in one header.
var testHeader = headerOf(append(append(append([]string{}, nationalLegal...), "证件类型", "证件号码"), supervisionHeaders...)...)

var testMapping, _ = AutoMap(testHeader)

// goodRow is an acceptable legal-person row, by header.
func goodRow() map[string]string {
	return map[string]string{
		"行政相对人名称": "江门市蓬江区荣兴五金制品有限公司", "行政相对人类别": "法人及非法人组织",
		"行政相对人代码_1（统一社会信用代码）": usccRongxing, "法定代表人": "张建华", "法定代表人证件类型": "身份证",
		"法定代表人证件号码": idZhang, "行政处罚决定书文号": "江环罚〔2024〕15号", "违法行为类型": "超标排放水污染物",
		"违法事实": "当事人通过雨水排放口排放电镀废水，总镍超标8.3倍。", "处罚依据": "《中华人民共和国水污染防治法》第八十三条第（二）项",
		"处罚类别": "罚款", "处罚内容": "处罚款人民币壹拾伍万元整", "罚款金额（万元）": "15", "处罚决定日期": "2024/04/18",
		"处罚有效期": "2027/04/18", "公示截止期": "2027/04/18", "处罚机关": "江门市生态环境局", "处罚机关统一社会信用代码": usccEcoBureau,
		"数据来源单位": "江门市生态环境局", "数据来源单位统一社会信用代码": usccEcoBureau,
	}
}

func rowOf(h tabular.Header, line int, vals map[string]string) tabular.Row {
	r := tabular.Row{Line: line, Cells: make([]string, len(h.Columns))}
	for _, c := range h.Columns {
		r.Cells[c.Index] = vals[c.Raw]
	}
	return r
}

func testCtx() RowContext {
	return RowContext{AgencyName: "江门市生态环境局", AgencyUSCC: usccEcoBureau, Domains: testDomains, Today: testToday}
}

func parse(vals map[string]string, ctx RowContext) (Penalty, []RowError) {
	return ParseRow(testMapping, testHeader, rowOf(testHeader, 7, vals), ctx)
}

func TestParseRow(t *testing.T) {
	type tc struct {
		name   string
		edit   func(v map[string]string)
		ctx    func(c *RowContext)
		errs   []string // substrings of the reasons, in order; nil: accepted
		column string   // header of the first error, when errs is set
		flags  []string
		check  func(t *testing.T, p Penalty)
	}
	cases := []tc{
		{name: "AcceptsCleanLegalPerson", check: func(t *testing.T, p Penalty) {
			want := Penalty{DocNo: "江环罚〔2024〕15号", PartyName: "江门市蓬江区荣兴五金制品有限公司", PartyKind: PartyLegalPerson,
				PartyUSCC: usccRongxing, LegalRep: "张建华", LegalRepIDType: "身份证", LegalRepIDNo: idZhang, ViolationType: "超标排放水污染物",
				Facts: "当事人通过雨水排放口排放电镀废水，总镍超标8.3倍。", LegalBasis: "《中华人民共和国水污染防治法》第八十三条第（二）项",
				PenaltyKinds: "罚款", PenaltyContent: "处罚款人民币壹拾伍万元整", FineFen: 15_000_000,
				DecisionDate: tabular.Date{Year: 2024, Month: 4, Day: 18}, ValidUntil: tabular.Date{Year: 2027, Month: 4, Day: 18},
				PublishUntil: tabular.Date{Year: 2027, Month: 4, Day: 18}, AgencyName: "江门市生态环境局", AgencyUSCC: usccEcoBureau,
				SourceName: "江门市生态环境局", SourceUSCC: usccEcoBureau}
			if !reflect.DeepEqual(p, want) {
				t.Errorf("got  %+v\nwant %+v", p, want)
			}
		}},

		// Party kind.
		{name: "ReadsKindVariants", check: nil, edit: func(v map[string]string) { v["行政相对人类别"] = "法人及其他组织" }},
		{name: "ReadsIndividualBusinessVariant", edit: func(v map[string]string) {
			v["行政相对人类别"], v["行政相对人代码_1（统一社会信用代码）"] = " 个体户 ", usccChenji
		}, check: wantKind(PartyIndividualBusiness)},
		{name: "InfersLegalPersonFromUSCC", edit: func(v map[string]string) { v["行政相对人类别"] = "" }, check: wantKind(PartyLegalPerson)},
		{name: "InfersIndividualBusinessFrom92", edit: func(v map[string]string) {
			v["行政相对人类别"], v["行政相对人代码_1（统一社会信用代码）"] = "", usccChenji
		}, check: wantKind(PartyIndividualBusiness)},
		{name: "InfersNaturalPersonFromIDNumber", edit: func(v map[string]string) {
			natural(v)
			v["行政相对人类别"] = ""
		}, check: wantKind(PartyNaturalPerson)},
		{name: "KeepsStatedKindOverCodePrefix", edit: func(v map[string]string) {
			v["行政相对人代码_1（统一社会信用代码）"] = usccChenji
		}, check: wantKind(PartyLegalPerson)},
		{name: "RejectsUnknownPartyKind", edit: func(v map[string]string) { v["行政相对人类别"] = "外星人" },
			errs: []string{"无法识别的“行政相对人类别”“外星人”，应为 法人及非法人组织、自然人 或 个体工商户"}, column: "行政相对人类别"},
		{name: "RejectsRowWithoutKindOrIdentifier", edit: func(v map[string]string) {
			v["行政相对人类别"], v["行政相对人代码_1（统一社会信用代码）"] = "", ""
		}, errs: []string{"无法确定行政相对人类别"}, column: "行政相对人类别"},
		{name: "AcceptsLegalPersonWithoutCreditCode", edit: func(v map[string]string) {
			v["行政相对人代码_1（统一社会信用代码）"] = ""
			v["行政相对人代码_3（组织机构代码）"] = "7629018a-0"
		}, check: func(t *testing.T, p Penalty) {
			if p.PartyUSCC != "" || p.PartyOrgCode != "7629018A0" {
				t.Errorf("uscc %q org %q", p.PartyUSCC, p.PartyOrgCode)
			}
		}},

		// Required values.
		{name: "RejectsBlankDocNo", edit: func(v map[string]string) { v["行政处罚决定书文号"] = "  " },
			errs: []string{"“行政处罚决定书文号”不能为空"}, column: "行政处罚决定书文号"},
		{name: "RejectsPlaceholderFacts", edit: func(v map[string]string) { v["违法事实"] = "／" },
			errs: []string{"“违法事实”不能为空"}, column: "违法事实"},
		{name: "RejectsEveryBlankRequiredValueInColumnOrder", edit: func(v map[string]string) {
			for _, k := range []string{"行政相对人名称", "违法行为类型", "处罚依据", "处罚类别", "处罚内容", "处罚决定日期"} {
				v[k] = ""
			}
		}, errs: []string{"“行政相对人名称”不能为空", "“违法行为类型”不能为空", "“处罚依据”不能为空", "“处罚类别”不能为空",
			"“处罚内容”不能为空", "“处罚决定日期”不能为空"}, column: "行政相对人名称"},
		{name: "RejectsPlaceholderDecisionDate", edit: func(v map[string]string) { v["处罚决定日期"] = "/" },
			errs: []string{"“处罚决定日期”不能为空"}, column: "处罚决定日期"},

		// Document numbers.
		{name: "NormalisesDocNoBracketsAndSpaces", edit: func(v map[string]string) { v["行政处罚决定书文号"] = "江环罚 【２０２４】 15 号" },
			check: func(t *testing.T, p Penalty) {
				if p.DocNo != "江环罚〔2024〕15号" {
					t.Errorf("doc no %q", p.DocNo)
				}
			}},

		// Credit codes.
		{name: "FlagsPartyUSCCWithBadCheck", edit: func(v map[string]string) { v["行政相对人代码_1（统一社会信用代码）"] = usccShundaBad },
			flags: []string{FlagBadPartyUSCC}, check: func(t *testing.T, p Penalty) {
				if p.PartyUSCC != usccShundaBad {
					t.Errorf("uscc %q", p.PartyUSCC)
				}
			}},
		{name: "NormalisesFullWidthLowerCaseUSCC", edit: func(v map[string]string) {
			v["行政相对人代码_1（统一社会信用代码）"] = "９１４４０７０３７６２９０１８ａ０ｗ"
		}, check: func(t *testing.T, p Penalty) {
			if p.PartyUSCC != usccRongxing {
				t.Errorf("uscc %q", p.PartyUSCC)
			}
		}},
		{name: "RejectsMalformedUSCC", edit: func(v map[string]string) {
			v["行政相对人代码_1（统一社会信用代码）"] = "91440703MA4W3EQ7"
		},
			errs:   []string{"“行政相对人代码_1（统一社会信用代码）”“91440703MA4W3EQ7”不是有效的统一社会信用代码：统一社会信用代码应为18位，实际为16位"},
			column: "行政相对人代码_1（统一社会信用代码）"},
		{name: "RejectsRegistrationNumberInUSCCColumnWithHint", edit: func(v map[string]string) {
			v["行政相对人代码_1（统一社会信用代码）"] = "440703000123456"
		}, errs: []string{"15 位数字可能是工商注册号"}},
		{name: "RejectsOrgCodeInUSCCColumnWithHint", edit: func(v map[string]string) {
			v["行政相对人代码_1（统一社会信用代码）"] = "7629018A-0"
		}, errs: []string{"9 位代码可能是组织机构代码"}},
		{name: "RejectsUSCCStoredAsNumberWithHint", edit: func(v map[string]string) {
			v["行政相对人代码_1（统一社会信用代码）"] = "9.14407037629018E+17"
		}, errs: []string{"单元格被存成了数字"}},

		// Resident IDs: kept and flagged, never refused.
		{name: "AcceptsNaturalPersonWithResidentID", edit: natural, check: func(t *testing.T, p Penalty) {
			if p.PartyKind != PartyNaturalPerson || p.PartyIDNo != idLi || p.PartyIDType != "身份证" || p.PartyUSCC != "" {
				t.Errorf("%+v", p)
			}
		}},
		{name: "ConvertsID15AndFlags", edit: func(v map[string]string) { natural(v); v["证件号码"] = idOld15 },
			flags: []string{FlagConvertedID15}, check: func(t *testing.T, p Penalty) {
				if p.PartyIDNo != idOld15As18 {
					t.Errorf("id %q", p.PartyIDNo)
				}
			}},
		{name: "KeepsAndFlagsIDWithBadCheck", edit: func(v map[string]string) { natural(v); v["证件号码"] = idBadCheck },
			flags: []string{FlagBadPartyID}, check: func(t *testing.T, p Penalty) {
				if p.PartyIDNo != idBadCheck {
					t.Errorf("id %q", p.PartyIDNo)
				}
			}},
		{name: "KeepsAndFlagsMalformedID", edit: func(v map[string]string) { natural(v); v["证件号码"] = "4407031985031245" },
			flags: []string{FlagBadPartyID}, check: func(t *testing.T, p Penalty) {
				if p.PartyIDNo != "4407031985031245" {
					t.Errorf("id %q", p.PartyIDNo)
				}
			}},
		{name: "AcceptsIDWithUnknownRegionUnflagged", edit: func(v map[string]string) { natural(v); v["证件号码"] = idWithUnknownRg }},
		{name: "UpperCasesCheckX", edit: func(v map[string]string) { natural(v); v["证件号码"] = strings.ToLower(idZhang) },
			check: func(t *testing.T, p Penalty) {
				if p.PartyIDNo != idZhang {
					t.Errorf("id %q", p.PartyIDNo)
				}
			}},
		{name: "DoesNotValidatePassport", edit: func(v map[string]string) {
			natural(v)
			v["证件类型"], v["证件号码"] = "护照", "E12345678"
		}, check: func(t *testing.T, p Penalty) {
			if p.PartyIDNo != "E12345678" || p.PartyIDType != "护照" {
				t.Errorf("%q %q", p.PartyIDType, p.PartyIDNo)
			}
		}},
		{name: "DoesNotValidateForeignerPermanentResidenceCard", edit: func(v map[string]string) {
			natural(v)
			v["证件类型"], v["证件号码"] = "外国人永久居留身份证", "USA440070101001"
		}},
		{name: "InfersIDTypeWhenBlank", edit: func(v map[string]string) { natural(v); v["证件类型"] = "" },
			check: func(t *testing.T, p Penalty) {
				if p.PartyIDType != "身份证" {
					t.Errorf("type %q", p.PartyIDType)
				}
			}},
		{name: "RejectsNaturalPersonWithoutID", edit: func(v map[string]string) { natural(v); v["证件号码"] = "" },
			errs: []string{"自然人的“证件号码”不能为空"}, column: "证件号码"},
		{name: "TakesNaturalPersonIDFromCreditCodeColumn", edit: func(v map[string]string) {
			natural(v)
			v["证件号码"], v["行政相对人代码_1（统一社会信用代码）"] = "", idLi
		}, check: func(t *testing.T, p Penalty) {
			if p.PartyIDNo != idLi || p.PartyUSCC != "" {
				t.Errorf("id %q uscc %q", p.PartyIDNo, p.PartyUSCC)
			}
		}},
		{name: "FlagsLegalRepIDWithBadCheck", edit: func(v map[string]string) { v["法定代表人证件号码"] = idBadCheck },
			flags: []string{FlagBadLegalRepID}},

		// Amounts.
		{name: "ReadsWanYuan", edit: func(v map[string]string) {
			v["罚款金额（万元）"], v["没收违法所得、没收非法财物的金额（万元）"] = "０.３", "0.30000000000000004"
		}, check: func(t *testing.T, p Penalty) {
			if p.FineFen != 300_000 || p.ConfiscateFen != 300_000 {
				t.Errorf("fine %d confiscation %d", p.FineFen, p.ConfiscateFen)
			}
		}},
		{name: "CellUnitWinsOverHeader", edit: func(v map[string]string) { v["罚款金额（万元）"] = "5,000元" },
			check: func(t *testing.T, p Penalty) {
				if p.FineFen != 500_000 {
					t.Errorf("fine %d", p.FineFen)
				}
			}},
		{name: "ReadsBlankAmountAsZero", edit: func(v map[string]string) { v["罚款金额（万元）"] = "—" },
			check: func(t *testing.T, p Penalty) {
				if p.FineFen != 0 {
					t.Errorf("fine %d", p.FineFen)
				}
			}},
		{name: "RejectsNegativeFine", edit: func(v map[string]string) { v["罚款金额（万元）"] = "-0.5" },
			errs: []string{"“罚款金额（万元）”：金额“-0.5”不能为负数"}, column: "罚款金额（万元）"},
		{name: "RejectsTextAmount", edit: func(v map[string]string) { v["罚款金额（万元）"] = "壹万元" },
			errs: []string{"无法识别的金额"}},

		// Dates.
		{name: "RejectsDecisionInTheFuture", edit: func(v map[string]string) { v["处罚决定日期"] = "2025-01-01" },
			errs: []string{"“处罚决定日期”2025-01-01 晚于今天（2024-12-31），请核对"}, column: "处罚决定日期"},
		{name: "AcceptsDecisionToday", edit: func(v map[string]string) { v["处罚决定日期"] = "2024年12月31日" }},
		{name: "RejectsDecisionBefore1990", edit: func(v map[string]string) { v["处罚决定日期"] = "1989/12/31" },
			errs: []string{"“处罚决定日期”1989-12-31 早于 1990 年，请核对"}},
		{name: "RejectsImpossibleDate", edit: func(v map[string]string) { v["处罚决定日期"] = "2024-02-30" },
			errs: []string{"“处罚决定日期”：日期“2024-02-30”不存在：2024年2月没有30日"}},
		{name: "RejectsDayFirstDate", edit: func(v map[string]string) { v["立案日期"] = "06/05/2024" },
			errs: []string{"无法确定是日/月/年还是月/日/年"}, column: "立案日期"},
		{name: "KeepsOutOfOrderDates", edit: func(v map[string]string) {
			v["立案日期"], v["送达日期"], v["缴款日期"] = "2024-05-01", "2024-04-01", "2024-03-01"
		}, check: func(t *testing.T, p Penalty) {
			if p.FiledDate.String() != "2024-05-01" || p.ServedDate.String() != "2024-04-01" || p.PaidDate.String() != "2024-03-01" {
				t.Errorf("%v %v %v", p.FiledDate, p.ServedDate, p.PaidDate)
			}
		}},
		{name: "RejectsServiceInTheFuture", edit: func(v map[string]string) { v["送达日期"] = "2025-01-02" },
			errs: []string{"“送达日期”2025-01-02 晚于今天"}},
		{name: "AcceptsFuturePaymentDueAndValidity", edit: func(v map[string]string) {
			v["缴款期限"], v["处罚有效期"] = "2025-01-15", "2099/12/31"
		}},
		{name: "ReadsLongTermValidity", edit: func(v map[string]string) { v["处罚有效期"], v["公示截止期"] = "长期", " 永久有效 " },
			check: func(t *testing.T, p Penalty) {
				if p.ValidUntil.String() != "2099-12-31" || p.PublishUntil.String() != "2099-12-31" {
					t.Errorf("%v %v", p.ValidUntil, p.PublishUntil)
				}
			}},
		{name: "ReadsExcelSerialDate", edit: func(v map[string]string) { v["处罚决定日期"] = "45418" },
			check: wantDecision("2024-05-06")},
		{name: "ReadsExcelSerialIn1904System", edit: func(v map[string]string) { v["处罚决定日期"] = "43956" },
			ctx: func(c *RowContext) { c.Date1904 = true }, check: wantDecision("2024-05-06")},

		// Procedure, yes/no, domain.
		{name: "ReadsProcedureVariants", edit: func(v map[string]string) { v["程序类型"] = "简易程序" },
			check: func(t *testing.T, p Penalty) {
				if p.Procedure != ProcedureSimple {
					t.Errorf("procedure %q", p.Procedure)
				}
			}},
		{name: "RejectsUnknownProcedure", edit: func(v map[string]string) { v["程序类型"] = "特别程序" },
			errs: []string{"无法识别的“程序类型”“特别程序”，应为 简易 或 普通"}, column: "程序类型"},
		{name: "ReadsYesNoVariants", edit: func(v map[string]string) { v["是否告知听证"], v["是否告知救济途径"] = "√", "未告知" },
			check: func(t *testing.T, p Penalty) {
				if p.HearingNotice == nil || !*p.HearingNotice || p.RemedyNotice == nil || *p.RemedyNotice {
					t.Errorf("%v %v", p.HearingNotice, p.RemedyNotice)
				}
			}},
		{name: "ReadsNotApplicableAsUnknown", edit: func(v map[string]string) { v["是否告知听证"] = "/" },
			check: func(t *testing.T, p Penalty) {
				if p.HearingNotice != nil {
					t.Errorf("%v", *p.HearingNotice)
				}
			}},
		{name: "RejectsUnknownYesNo", edit: func(v map[string]string) { v["是否告知听证"] = "待定" },
			errs: []string{"无法识别的“是否告知听证”“待定”，应为 是 或 否"}},
		{name: "ReadsDomainByName", edit: func(v map[string]string) { v["执法领域"] = "生态环境" }, check: wantDomain("ecology")},
		{name: "ReadsDomainByCode", edit: func(v map[string]string) { v["执法领域"] = "Ecology" }, check: wantDomain("ecology")},
		{name: "ReadsDomainWithSuffix", edit: func(v map[string]string) { v["执法领域"] = "市场监管领域" }, check: wantDomain("market")},
		{name: "ReadsDomainByUniquePart", edit: func(v map[string]string) { v["执法领域"] = "应急" }, check: wantDomain("emergency")},
		{name: "RejectsAmbiguousDomainPart", edit: func(v map[string]string) { v["执法领域"] = "管理" },
			errs: []string{"无法识别的“执法领域”“管理”"}},
		{name: "ReadsDomainInLongerName", edit: func(v map[string]string) { v["执法领域"] = "生态环境保护" }, check: wantDomain("ecology")},
		{name: "RejectsUnknownDomain", edit: func(v map[string]string) { v["执法领域"] = "外星管理" },
			errs: []string{"无法识别的“执法领域”“外星管理”，应为：农业农村、民政、综合行政执法"}},
		{name: "KeepsDomainTextWithoutDirectory", edit: func(v map[string]string) { v["执法领域"] = "外星管理" },
			ctx: func(c *RowContext) { c.Domains = nil }, check: wantDomain("外星管理")},

		// Agencies.
		{name: "DefaultsAgencyAndSourceToImporter", edit: func(v map[string]string) {
			for _, k := range []string{"处罚机关", "处罚机关统一社会信用代码", "数据来源单位", "数据来源单位统一社会信用代码"} {
				v[k] = ""
			}
		}, check: func(t *testing.T, p Penalty) {
			if p.AgencyName != "江门市生态环境局" || p.AgencyUSCC != usccEcoBureau || p.SourceName != "江门市生态环境局" || p.SourceUSCC != usccEcoBureau {
				t.Errorf("%+v", p)
			}
		}},
		{name: "FlagsAgencyMismatch", ctx: func(c *RowContext) { c.AgencyUSCC = usccMarketPJ },
			flags: []string{FlagAgencyMismatch}},
		{name: "FlagsAgencyUSCCWithBadCheck", edit: func(v map[string]string) { v["处罚机关统一社会信用代码"] = "11440700MB2C3861XQ" },
			flags: []string{FlagAgencyMismatch, FlagBadAgencyUSCC}},
		{name: "RejectsMalformedAgencyUSCC", edit: func(v map[string]string) { v["处罚机关统一社会信用代码"] = "11440700MB2C3861" },
			errs: []string{"不是有效的统一社会信用代码"}, column: "处罚机关统一社会信用代码"},
		{name: "RejectsRowWithoutAnyAgency", edit: func(v map[string]string) { v["处罚机关"] = "" },
			ctx: func(c *RowContext) { c.AgencyName = "" }, errs: []string{"“处罚机关”不能为空"}},

		// Text and flags.
		{name: "NormalisesText", edit: func(v map[string]string) {
			v["行政相对人名称"] = "\u3000江门市蓬江区荣兴五金制品有限公司（杜阮分公司）\u200b "
			v["处罚类别"] = "罚款、没收违法所得，暂扣许可证件"
		}, check: func(t *testing.T, p Penalty) {
			if p.PartyName != "江门市蓬江区荣兴五金制品有限公司(杜阮分公司)" || p.PenaltyKinds != "罚款;没收违法所得;暂扣许可证件" {
				t.Errorf("%q %q", p.PartyName, p.PenaltyKinds)
			}
		}},
		{name: "KeepsProsePunctuationAndLineBreaks", edit: func(v map[string]string) {
			v["违法事实"] = " 经查：\r\n  1. 当事人超标排放，  情节较重；\u200b\n\n\u30002. 拒不改正。 "
			v["备注"] = "—"
		}, check: func(t *testing.T, p Penalty) {
			if p.Facts != "经查：\n1. 当事人超标排放， 情节较重；\n2. 拒不改正。" || p.Remarks != "" {
				t.Errorf("facts %q remarks %q", p.Facts, p.Remarks)
			}
		}},
		{name: "SortsAndDedupesFlags", edit: func(v map[string]string) {
			v["行政相对人代码_1（统一社会信用代码）"] = usccShundaBad
			v["法定代表人证件号码"] = "440703650403001"
			v["处罚机关统一社会信用代码"] = "11440700MB2C3861XQ"
		}, ctx: func(c *RowContext) { c.AgencyUSCC = usccMarketPJ },
			flags: []string{FlagAgencyMismatch, FlagBadAgencyUSCC, FlagBadPartyUSCC, FlagConvertedID15}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			vals := goodRow()
			if c.edit != nil {
				c.edit(vals)
			}
			ctx := testCtx()
			if c.ctx != nil {
				c.ctx(&ctx)
			}
			p, errs := parse(vals, ctx)
			if len(c.errs) == 0 {
				if len(errs) != 0 {
					t.Fatalf("refused: %+v", errs)
				}
			} else {
				if len(errs) != len(c.errs) {
					t.Fatalf("errors %+v, want %d", errs, len(c.errs))
				}
				for i, want := range c.errs {
					if !strings.Contains(errs[i].Reason, want) {
						t.Errorf("error %d: %q, want it to contain %q", i, errs[i].Reason, want)
					}
					if errs[i].Line != 7 {
						t.Errorf("error %d line %d", i, errs[i].Line)
					}
				}
				if c.column != "" && errs[0].Column != c.column {
					t.Errorf("column %q, want %q", errs[0].Column, c.column)
				}
			}
			if !reflect.DeepEqual(p.Flags, c.flags) {
				t.Errorf("flags %v, want %v", p.Flags, c.flags)
			}
			if c.check != nil && len(c.errs) == 0 {
				c.check(t, p)
			}
		})
	}
}

func natural(v map[string]string) {
	v["行政相对人名称"], v["行政相对人类别"], v["行政相对人代码_1（统一社会信用代码）"] = "李国强", "自然人", ""
	v["法定代表人"], v["法定代表人证件类型"], v["法定代表人证件号码"] = "", "", ""
	v["证件类型"], v["证件号码"] = "身份证", idLi
}

func wantKind(k string) func(*testing.T, Penalty) {
	return func(t *testing.T, p Penalty) {
		t.Helper()
		if p.PartyKind != k {
			t.Errorf("kind %q, want %q", p.PartyKind, k)
		}
	}
}

func wantDomain(d string) func(*testing.T, Penalty) {
	return func(t *testing.T, p Penalty) {
		t.Helper()
		if p.Domain != d {
			t.Errorf("domain %q, want %q", p.Domain, d)
		}
	}
}

func wantDecision(d string) func(*testing.T, Penalty) {
	return func(t *testing.T, p Penalty) {
		t.Helper()
		if p.DecisionDate.String() != d {
			t.Errorf("decision %v, want %s", p.DecisionDate, d)
		}
	}
}

func TestParseRowFileState(t *testing.T) {
	t.Run("RejectsDuplicateDocNoNamingFirstLine", func(t *testing.T) {
		ctx := testCtx()
		ctx.File = NewFileState()
		a := goodRow()
		if _, errs := ParseRow(testMapping, testHeader, rowOf(testHeader, 5, a), ctx); errs != nil {
			t.Fatal(errs)
		}
		b := goodRow()
		b["行政处罚决定书文号"] = "江环罚[2024]15号"
		_, errs := ParseRow(testMapping, testHeader, rowOf(testHeader, 9, b), ctx)
		if len(errs) != 1 || errs[0].Reason != "“行政处罚决定书文号”“江环罚〔2024〕15号”与第 5 行文号重复" ||
			errs[0].Line != 9 || errs[0].Column != "行政处罚决定书文号" || errs[0].Value != "江环罚[2024]15号" {
			t.Fatalf("%+v", errs)
		}
	})
	t.Run("RemembersDocNoOfRefusedRow", func(t *testing.T) {
		ctx := testCtx()
		ctx.File = NewFileState()
		a := goodRow()
		a["违法事实"] = ""
		if _, errs := ParseRow(testMapping, testHeader, rowOf(testHeader, 5, a), ctx); len(errs) != 1 {
			t.Fatal(errs)
		}
		_, errs := ParseRow(testMapping, testHeader, rowOf(testHeader, 6, goodRow()), ctx)
		if len(errs) != 1 || !strings.Contains(errs[0].Reason, "与第 5 行文号重复") {
			t.Fatalf("%+v", errs)
		}
	})
	t.Run("SkipsDuplicateCheckWithoutState", func(t *testing.T) {
		for line := 5; line < 7; line++ {
			if _, errs := ParseRow(testMapping, testHeader, rowOf(testHeader, line, goodRow()), testCtx()); errs != nil {
				t.Fatal(errs)
			}
		}
	})
	t.Run("RecompilesWhenMappingChanges", func(t *testing.T) {
		ctx := testCtx()
		ctx.File = NewFileState()
		if _, errs := ParseRow(testMapping, testHeader, rowOf(testHeader, 5, goodRow()), ctx); errs != nil {
			t.Fatal(errs)
		}
		m := Mapping{}
		for k, v := range testMapping {
			m[k] = v
		}
		m["party_name"] = "法定代表人"
		vals := goodRow()
		vals["行政处罚决定书文号"] = "江环罚〔2024〕16号"
		p, errs := ParseRow(m, testHeader, rowOf(testHeader, 6, vals), ctx)
		if errs != nil || p.PartyName != "张建华" {
			t.Fatalf("%q %+v", p.PartyName, errs)
		}
	})
}

func TestParseRowEdges(t *testing.T) {
	t.Run("RejectsBlankRow", func(t *testing.T) {
		_, errs := ParseRow(testMapping, testHeader, tabular.Row{Line: 4, Cells: []string{"", " ", "\u3000"}}, testCtx())
		if len(errs) != 1 || errs[0].Reason != "该行为空行" || errs[0].Line != 4 || errs[0].Column != "" {
			t.Fatalf("%+v", errs)
		}
	})
	t.Run("ReadsShortRowAsBlankCells", func(t *testing.T) {
		_, errs := ParseRow(testMapping, testHeader, tabular.Row{Line: 4, Cells: []string{"江门市蓬江区荣兴五金制品有限公司"}}, testCtx())
		if len(errs) == 0 {
			t.Fatal("accepted")
		}
		for _, e := range errs {
			if e.Line != 4 || e.Reason == "" {
				t.Errorf("%+v", e)
			}
		}
	})
	t.Run("NamesMissingRequiredColumnWhenMappingLacksIt", func(t *testing.T) {
		m := Mapping{"party_name": "行政相对人名称", "party_uscc": "行政相对人代码_1（统一社会信用代码）", "doc_no": "行政处罚决定书文号",
			"violation_type": "违法行为类型", "facts": "违法事实", "legal_basis": "处罚依据", "penalty_kinds": "处罚类别", "penalty_content": "处罚内容"}
		_, errs := ParseRow(m, testHeader, rowOf(testHeader, 4, goodRow()), testCtx())
		if len(errs) != 1 || errs[0].Column != "" || errs[0].Reason != "“处罚决定日期”不能为空：文件中没有该列" {
			t.Fatalf("%+v", errs)
		}
	})
	t.Run("JudgesFutureByTodayInChinaByDefault", func(t *testing.T) {
		ctx := testCtx()
		ctx.Today = tabular.Date{}
		vals := goodRow()
		vals["处罚决定日期"] = "2100-01-01"
		_, errs := parse(vals, ctx)
		if len(errs) != 1 || !strings.Contains(errs[0].Reason, "晚于今天") {
			t.Fatalf("%+v", errs)
		}
	})
	t.Run("ReportsCleanedHeaderText", func(t *testing.T) {
		h := headerOf("当事人名称", "统一社会信用代码", "决定书\n文号", "违法行为", "违法事实", "处罚依据", "处罚种类", "处罚内容", "决定日期")
		m, missing := AutoMap(h)
		if missing != nil {
			t.Fatal(missing)
		}
		if m["doc_no"] != "决定书文号" {
			t.Errorf("mapping %q", m["doc_no"])
		}
		row := tabular.Row{Line: 12, Cells: []string{"江门市蓬江区荣兴五金制品有限公司", usccRongxing, "", "a", "b", "c", "罚款", "d", "2024-01-01"}}
		_, errs := ParseRow(m, h, row, testCtx())
		if len(errs) != 1 || errs[0].Column != "决定书文号" || errs[0].Reason != "“决定书文号”不能为空" || errs[0].Line != 12 {
			t.Fatalf("%+v", errs)
		}
	})
}

// ---- Fixture files and their expected import reports ----
//
// Every messy agency spreadsheet we have seen stays in testdata/ with the
// report its import must produce (testdata/<name>.report.json for
// testdata/<name>.csv, .tsv or .xlsx; an agency's saved column mapping, when
// the file needs one, is testdata/<name>.mapping.json). After a
// deliberate change of behaviour, regenerate the reports with
//
//	go test ./internal/enforce/ -run TestFixtures -update
//
// and read the diff before committing it.

var update = flag.Bool("update", false, "rewrite testdata/*.report.json and testdata/merged_header.xlsx")

// fixtureReport is what the import of one file produced.
type fixtureReport struct {
	File         string            `json:"file"`
	Format       string            `json:"format"`
	Encoding     string            `json:"encoding,omitempty"`
	HeaderLine   int               `json:"header_line,omitempty"`
	HeaderRows   int               `json:"header_rows,omitempty"`
	Mapping      Mapping           `json:"mapping,omitempty"`
	FileError    string            `json:"file_error,omitempty"`
	Rows         int               `json:"rows"` // data rows validated
	SkippedBlank int               `json:"skipped_blank"`
	SkippedTotal int               `json:"skipped_total"`
	Accepted     int               `json:"accepted"`
	Rejected     int               `json:"rejected"`
	Flags        map[string]int    `json:"flags"`  // flag → accepted records carrying it
	Errors       []RowError        `json:"errors"` // every reason of every refused row
	Records      []json.RawMessage `json:"records"`
}

type fixtureCase struct {
	file   string
	agency string
	uscc   string
}

var fixtureCases = []fixtureCase{
	{"clean_national.csv", "江门市生态环境局", usccEcoBureau},
	{"messy_gbk.csv", "江门市蓬江区市场监督管理局", usccMarketPJ},
	{"natural_person.csv", "江门市新会区综合行政执法局", "11440705MB2D556053"},
	{"custom_layout.tsv", "江门市新会区综合行政执法局", "11440705MB2D556053"}, // with custom_layout.mapping.json
	{"no_doc_no.csv", "江门市蓬江区市场监督管理局", usccMarketPJ},
	{"merged_header.xlsx", "江门市蓬江区应急管理局", usccEmergencyPJ}, // written by mergedHeaderXLSX
}

const usccEmergencyPJ = "11440703MB2D66929L" // 江门市蓬江区应急管理局

// importForTest runs the import loop the importer runs — locate the
// header, map it (AutoMap, or the agency's saved mapping), check it, then
// validate every row but blank and total rows — and reports the outcome.
func importForTest(t *testing.T, name string, data []byte, saved Mapping, fc fixtureCase) fixtureReport {
	t.Helper()
	rep := fixtureReport{File: name, Flags: map[string]int{}, Errors: []RowError{}, Records: []json.RawMessage{}}
	book, err := tabular.Open(bytes.NewReader(data), int64(len(data)), name)
	if err != nil {
		rep.FileError = err.Error()
		return rep
	}
	defer book.Close()
	rep.Format = book.Format.String()
	if book.Format == tabular.FormatCSV {
		rep.Encoding = string(book.Encoding)
	}
	rs, err := book.Rows(0)
	if err != nil {
		t.Fatal(err)
	}
	h, data2, err := tabular.ScanHeader(rs, saved.HeaderTexts(), 0)
	if err != nil {
		rep.FileError = err.Error()
		return rep
	}
	defer data2.Close()
	rep.HeaderLine, rep.HeaderRows = h.Line, h.Rows
	m := saved
	if m == nil {
		m, _ = AutoMap(h)
		rep.Mapping = m
	}
	if err := m.Check(h); err != nil {
		rep.FileError = err.Error()
		return rep
	}
	ctx := RowContext{AgencyName: fc.agency, AgencyUSCC: fc.uscc, Domains: testDomains, Today: testToday,
		Date1904: book.Date1904, File: NewFileState()}
	for {
		row, err := data2.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		switch {
		case tabular.IsBlank(row):
			rep.SkippedBlank++
			continue
		case tabular.IsTotalRow(row):
			rep.SkippedTotal++
			continue
		}
		rep.Rows++
		p, errs := ParseRow(m, h, row, ctx)
		if len(errs) > 0 {
			rep.Rejected++
			rep.Errors = append(rep.Errors, errs...)
			continue
		}
		rep.Accepted++
		for _, f := range p.Flags {
			rep.Flags[f]++
		}
		rep.Records = append(rep.Records, recordJSON(row.Line, p))
	}
	return rep
}

// recordJSON renders the non-zero fields of p in declaration order.
func recordJSON(line int, p Penalty) json.RawMessage {
	var b bytes.Buffer
	fmt.Fprintf(&b, `{"line":%d`, line)
	v := reflect.ValueOf(p)
	for i := 0; i < v.NumField(); i++ {
		if v.Field(i).IsZero() {
			continue
		}
		val, err := json.Marshal(v.Field(i).Interface())
		if err != nil {
			panic(err)
		}
		fmt.Fprintf(&b, `,%q:%s`, v.Type().Field(i).Name, val)
	}
	b.WriteByte('}')
	return b.Bytes()
}

func TestFixtures(t *testing.T) {
	// The generated workbook is stored once and then kept as it is, like
	// every other input: -update writes it only when it is missing.
	if xlsx := filepath.Join("testdata", "merged_header.xlsx"); *update {
		if _, err := os.Stat(xlsx); errors.Is(err, os.ErrNotExist) {
			data, err := mergedHeaderXLSX()
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(xlsx, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, fc := range fixtureCases {
		t.Run(fc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", fc.file))
			if err != nil {
				t.Fatal(err)
			}
			checkReport(t, fc, importForTest(t, fc.file, data, savedMapping(t, fc.file), fc))
		})
	}
	t.Run("GeneratedXLSXMatchesStoredReport", func(t *testing.T) {
		// The generator and the stored workbook must tell the same story, so
		// a change in excelize's output shows up here and not as a mystery.
		data, err := mergedHeaderXLSX()
		if err != nil {
			t.Fatal(err)
		}
		fc := fixtureCases[len(fixtureCases)-1]
		if *update {
			return
		}
		checkReport(t, fc, importForTest(t, fc.file, data, nil, fc))
	})
}

func savedMapping(t *testing.T, file string) Mapping {
	t.Helper()
	path := filepath.Join("testdata", strings.TrimSuffix(file, filepath.Ext(file))+".mapping.json")
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var m Mapping
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return m
}

func checkReport(t *testing.T, fc fixtureCase, rep fixtureReport) {
	t.Helper()
	got, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	golden := filepath.Join("testdata", strings.TrimSuffix(fc.file, filepath.Ext(fc.file))+".report.json")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("report of %s differs from %s (run with -update after checking):\n%s", fc.file, golden, lineDiff(string(want), string(got)))
	}
}

// lineDiff shows the first differing lines of two texts.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < max(len(w), len(g)) && shown < 20; i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d\n  want %s\n  got  %s\n", i+1, wl, gl)
			shown++
		}
	}
	return b.String()
}

// mergedHeaderXLSX builds the workbook of a district emergency-management
// bureau: a merged title row, then a two-row header whose group labels
// (行政相对人, 法定代表人, 处罚金额) are merged across their columns and whose
// other headers are merged down; dates as Excel serial numbers, amounts as
// numbers (one with floating-point noise), an ID number Excel stored as a
// number, a text date that does not exist and a total row.
func mergedHeaderXLSX() ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	const sh = "2024年第三季度"
	if err := f.SetSheetName("Sheet1", sh); err != nil {
		return nil, err
	}
	set := func(cell string, v any) {
		if err := f.SetCellValue(sh, cell, v); err != nil {
			panic(err)
		}
	}
	merge := func(a, b string) {
		if err := f.MergeCell(sh, a, b); err != nil {
			panic(err)
		}
	}
	set("A1", "江门市蓬江区应急管理局行政处罚信息公示（2024年第三季度）")
	merge("A1", "S1")
	for _, g := range [][3]string{{"A2", "C2", "行政相对人"}, {"D2", "F2", "法定代表人"}, {"M2", "N2", "处罚金额"}} {
		set(g[0], g[2])
		merge(g[0], g[1])
	}
	for _, c := range [][2]string{{"A3", "名称"}, {"B3", "类别"}, {"C3", "统一社会信用代码"}, {"D3", "姓名"}, {"E3", "证件类型"},
		{"F3", "证件号码"}, {"M3", "罚款金额（万元）"}, {"N3", "没收违法所得（万元）"}} {
		set(c[0], c[1])
	}
	for _, c := range [][2]string{{"G", "行政处罚决定书文号"}, {"H", "违法行为类型"}, {"I", "违法事实"}, {"J", "处罚依据"},
		{"K", "处罚类别"}, {"L", "处罚内容"}, {"O", "处罚决定日期"}, {"P", "执法领域"}, {"Q", "程序类型"}, {"R", "处罚机关"},
		{"S", "处罚机关统一社会信用代码"}} {
		set(c[0]+"2", c[1])
		merge(c[0]+"2", c[0]+"3")
	}
	day := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	rows := [][]any{
		{"江门市蓬江区华盛建材贸易有限公司", "法人及非法人组织", "91440703MA4W3EQ70E", "黄志明", "身份证", idZhang,
			"蓬应急罚〔2024〕21号", "未按规定对从业人员进行安全生产教育和培训", "当事人未对新招录的5名仓储作业人员进行安全生产教育和培训即安排上岗作业。",
			"《中华人民共和国安全生产法》第九十七条第（三）项", "罚款", "处罚款人民币叁万元", 3, nil, day(2024, 7, 15), "应急管理", "普通",
			"江门市蓬江区应急管理局", usccEmergencyPJ},
		{"江门市新会区恒达塑料制品有限公司", "法人及非法人组织", "91440705MA4UQ2P16B", "李国强", "身份证", nil,
			"蓬应急罚〔2024〕25号", "未如实记录安全生产教育和培训情况", "当事人未建立安全生产教育和培训档案。",
			"《中华人民共和国安全生产法》第九十七条第（四）项", "罚款", "处罚款人民币叁仟元", 0.1 + 0.2, nil, day(2024, 8, 2), "应急", "普通",
			"江门市蓬江区应急管理局", usccEcoBureau},
		{"江门市江海区美佳餐饮管理有限公司", "法人及非法人组织", "91440704MA51C7H266", "何美玲", "身份证", "44070419830520172X",
			"蓬应急罚〔2024〕28号", "未按规定配备燃气泄漏报警装置", "当事人餐厅使用瓶装液化石油气未安装可燃气体报警装置。",
			"《广东省安全生产条例》第五十二条", "罚款", "处罚款人民币伍仟元", 0.5, nil, "2024/13/01", "应急管理", "普通",
			"江门市蓬江区应急管理局", usccEmergencyPJ},
		{"江门市蓬江区杜阮镇陈记大排档", "", "92440703MA4X7D6N4B", "陈伟明", "身份证", "440703199208152637",
			"蓬应急罚〔2024〕30号", "违规存放瓶装液化石油气", "当事人在厨房内存放液化石油气钢瓶3瓶，超过规定数量。",
			"《广东省安全生产条例》第五十二条", "罚款、没收违法所得", "处罚款人民币贰仟元，没收违法所得人民币伍佰元", 0.2, 0.05,
			day(2024, 9, 3), "应急管理", "简易", "江门市蓬江区应急管理局", usccEmergencyPJ},
		{"合计", nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, 3.95, 0.05},
	}
	for i, r := range rows {
		for j, v := range r {
			if v == nil {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(j+1, i+4)
			set(cell, v)
		}
	}
	// Excel keeps 15 significant digits of an ID number typed into a
	// number cell; this is what such a workbook stores.
	if err := f.SetCellDefault(sh, "F5", "4.4070519781130003E+17"); err != nil {
		return nil, err
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// ---- Fuzzing ----

func FuzzParseRow(f *testing.F) {
	vals := goodRow()
	natural(vals)
	for _, v := range []map[string]string{goodRow(), vals} {
		f.Add(strings.Join(rowOf(testHeader, 1, v).Cells, "\x1f"), 5)
	}
	f.Add("\x1f\x1f\x1f", 1)
	f.Add("合计\x1f１２３\x1f-5\x1f2024年2月30日\x1f91440705MA53LJ9B2M\x1f440703650403001\x1f是\x1f简易", -3)
	f.Add(strings.Repeat("\xff\xfe〔2024〕\x1f", 60), 1<<40)
	f.Fuzz(func(t *testing.T, data string, line int) {
		// The fast paths agree with the cleaners they skip.
		if isNormalText(data) && ident.NormalizeText(data) != data {
			t.Fatalf("isNormalText(%q) but NormalizeText changes it", data)
		}
		if isCleanProse(data) && cleanProseSlow(data) != data {
			t.Fatalf("isCleanProse(%q) but cleanProseSlow changes it", data)
		}
		if c := cleanProseSlow(data); cleanProseSlow(c) != c || !isCleanProse(c) {
			t.Fatalf("cleanProse(%q) = %q is not clean", data, c)
		}
		if line < 0 {
			line = -line
		}
		line = 1 + line%1_000_000
		row := tabular.Row{Line: line, Cells: strings.Split(data, "\x1f")}
		ctx := testCtx()
		ctx.Date1904 = len(data)%2 == 0
		ctx.File = NewFileState()
		p, errs := ParseRow(testMapping, testHeader, row, ctx)
		checkRowResult(t, row, p, errs)
		if len(errs) == 0 {
			if p.DocNo == "" || p.PartyName == "" || p.DecisionDate.IsZero() || p.PartyKind == "" {
				t.Fatalf("accepted without a required value: %+v", p)
			}
		}
		// The same row again, one line further on: its document number is a duplicate.
		row.Line++
		p2, errs2 := ParseRow(testMapping, testHeader, row, ctx)
		checkRowResult(t, row, p2, errs2)
		if p.DocNo != "" && !strings.Contains(fmt.Sprint(errs2), fmt.Sprintf("与第 %d 行文号重复", line)) {
			t.Fatalf("duplicate not refused: %+v", errs2)
		}
	})
}

func FuzzAutoMapAndParse(f *testing.F) {
	f.Add(strings.Join(nationalLegal, "\x1f"), strings.Join(rowOf(headerOf(nationalLegal...), 1, goodRow()).Cells, "\x1f"))
	f.Add(strings.Join(nationalNatural, "\x1f"), "a\x1fb\x1fc")
	f.Add("当事人\x1f决定书\n文号\x1f(\x1f()\x1f罚款金额（\x1f", "x\x1fy")
	f.Fuzz(func(t *testing.T, header, data string) {
		h := headerOf(strings.Split(header, "\x1f")...)
		m, missing := AutoMap(h)
		err := m.Check(h)
		if (len(missing) == 0) != (err == nil) {
			t.Fatalf("AutoMap missing %v but Check %v", missing, err)
		}
		if err != nil && !hasHan(err.Error()) {
			t.Fatalf("message %q", err)
		}
		if _, jerr := json.Marshal(m); jerr != nil {
			t.Fatal(jerr)
		}
		row := tabular.Row{Line: 2, Cells: strings.Split(data, "\x1f")}
		p, errs := ParseRow(m, h, row, RowContext{File: NewFileState()})
		checkRowResult(t, row, p, errs)
	})
}

func checkRowResult(t *testing.T, row tabular.Row, p Penalty, errs []RowError) {
	t.Helper()
	for _, e := range errs {
		if e.Line != row.Line || e.Line < 1 || !hasHan(e.Reason) || !utf8.ValidString(e.Reason) {
			t.Fatalf("bad RowError %+v for line %d", e, row.Line)
		}
	}
	if !sort.StringsAreSorted(p.Flags) {
		t.Fatalf("flags not sorted: %v", p.Flags)
	}
	for i := 1; i < len(p.Flags); i++ {
		if p.Flags[i] == p.Flags[i-1] {
			t.Fatalf("duplicate flag: %v", p.Flags)
		}
	}
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// BenchmarkParseRow measures validation alone, for the import speed goal
// (issue 3: ≥ 300k rows/s into PostgreSQL with parsing on one core).
func BenchmarkParseRow(b *testing.B) {
	vals := goodRow()
	for k, v := range map[string]string{"执法领域": "生态环境", "程序类型": "普通", "立案日期": "2024-03-01", "送达日期": "2024/4/20",
		"是否告知听证": "是", "是否告知救济途径": "是", "没收违法所得、没收非法财物的金额（万元）": "0.35"} {
		vals[k] = v
	}
	row := rowOf(testHeader, 2, vals)
	ctx := testCtx()
	ctx.File = NewFileState()
	docCol := 0
	for _, c := range testHeader.Columns {
		if c.Raw == "行政处罚决定书文号" {
			docCol = c.Index
		}
	}
	docs := make([]string, 4096)
	for i := range docs {
		docs[i] = fmt.Sprintf("江环罚〔2024〕%d号", i)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i%len(docs) == 0 {
			ctx.File = NewFileState()
		}
		row.Cells[docCol] = docs[i%len(docs)]
		row.Line = i + 2
		if _, errs := ParseRow(testMapping, testHeader, row, ctx); errs != nil {
			b.Fatal(errs)
		}
	}
}

// TestActDateAndSurcharge: the act date may not follow the decision; the
// surcharge is read in the header's unit.
func TestActDateAndSurcharge(t *testing.T) {
	vals := goodRow()
	vals["违法行为发生日期"] = "2022年1月5日"
	vals["加处罚款金额（万元）"] = "1.2"
	p, errs := parse(vals, testCtx())
	if errs != nil || p.ActDate.String() != "2022-01-05" || p.SurchargeFen != 1_200_000 {
		t.Fatalf("act %v surcharge %d errs %+v", p.ActDate, p.SurchargeFen, errs)
	}
	vals["违法行为发生日期"] = "2099-01-01"
	if _, errs := parse(vals, testCtx()); len(errs) != 1 || errs[0].Column != "违法行为发生日期" {
		t.Fatalf("future act date: %+v", errs)
	}
	vals["违法行为发生日期"] = vals["处罚决定日期"]
	if _, errs := parse(vals, testCtx()); errs != nil {
		t.Fatalf("act on the decision day: %+v", errs)
	}
	d, _ := tabular.ParseDate(vals["处罚决定日期"])
	vals["违法行为发生日期"] = tabular.Date{Year: d.Year, Month: d.Month, Day: d.Day + 1}.String()
	if _, errs := parse(vals, testCtx()); len(errs) != 1 || !strings.Contains(errs[0].Reason, "晚于处罚决定日期") {
		t.Fatalf("act after the decision: %+v", errs)
	}
}

func TestParseRowValueForms(t *testing.T) {
	t.Run("ReadsEveryDateForm", func(t *testing.T) {
		for _, s := range []string{"2024-05-06", "2024/5/6", "2024.5.6", "2024年5月6日", "20240506", "２０２４－０５－０６",
			"2024-05-06 00:00:00", "二〇二四年五月六日", "45418"} {
			vals := goodRow()
			vals["处罚决定日期"] = s
			p, errs := parse(vals, testCtx())
			if errs != nil || p.DecisionDate.String() != "2024-05-06" {
				t.Errorf("%q → %v %+v", s, p.DecisionDate, errs)
			}
		}
	})
	t.Run("ReadsEveryYesNoForm", func(t *testing.T) {
		for s, want := range map[string]bool{"是": true, "已告知": true, "√": true, "Y": true, "y": true, "1": true, "TRUE": true,
			"否": false, "未告知": false, "×": false, "N": false, "0": false, " 否 ": false} {
			vals := goodRow()
			vals["是否告知救济途径"] = s
			p, errs := parse(vals, testCtx())
			if errs != nil || p.RemedyNotice == nil || *p.RemedyNotice != want {
				t.Errorf("%q → %v %+v", s, p.RemedyNotice, errs)
			}
		}
	})
	t.Run("ReadsEveryProcedureForm", func(t *testing.T) {
		for s, want := range map[string]string{"简易": ProcedureSimple, "简易程序": ProcedureSimple, "当场": ProcedureSimple,
			"当场处罚": ProcedureSimple, "普通": ProcedureOrdinary, "普通程序": ProcedureOrdinary, "一般程序": ProcedureOrdinary} {
			vals := goodRow()
			vals["程序类型"] = s
			p, errs := parse(vals, testCtx())
			if errs != nil || p.Procedure != want {
				t.Errorf("%q → %q %+v", s, p.Procedure, errs)
			}
		}
	})
	t.Run("ReadsEveryPartyKindForm", func(t *testing.T) {
		for s, want := range map[string]string{"法人及非法人组织": PartyLegalPerson, "法人及其他组织": PartyLegalPerson, "法人": PartyLegalPerson,
			"非法人组织": PartyLegalPerson, "单位": PartyLegalPerson, "企业": PartyLegalPerson, "个体工商户": PartyIndividualBusiness,
			"个体户": PartyIndividualBusiness, "个体": PartyIndividualBusiness, "legal_person": PartyLegalPerson} {
			vals := goodRow()
			vals["行政相对人类别"] = s
			p, errs := parse(vals, testCtx())
			if errs != nil || p.PartyKind != want {
				t.Errorf("%q → %q %+v", s, p.PartyKind, errs)
			}
		}
		for _, s := range []string{"自然人", "个人", "公民"} {
			vals := goodRow()
			natural(vals)
			vals["行政相对人类别"] = s
			p, errs := parse(vals, testCtx())
			if errs != nil || p.PartyKind != PartyNaturalPerson {
				t.Errorf("%q → %q %+v", s, p.PartyKind, errs)
			}
		}
	})
	t.Run("ReadsYuanColumnWithThousandsSeparators", func(t *testing.T) {
		h := headerOf("当事人名称", "统一社会信用代码", "决定书文号", "违法行为", "违法事实", "处罚依据", "处罚种类", "处罚内容", "罚款金额（元）", "决定日期")
		m, _ := AutoMap(h)
		row := tabular.Row{Line: 3, Cells: []string{"江门市蓬江区荣兴五金制品有限公司", usccRongxing, "蓬市监罚〔2024〕1号", "a", "b", "c", "罚款", "d", "１２，３４５.６", "2024-01-01"}}
		p, errs := ParseRow(m, h, row, testCtx())
		if errs != nil || p.FineFen != 1_234_560 {
			t.Fatalf("%d %+v", p.FineFen, errs)
		}
	})
	t.Run("RejectsAmountInColumnWithoutUnit", func(t *testing.T) {
		h := headerOf("当事人名称", "统一社会信用代码", "决定书文号", "违法行为", "违法事实", "处罚依据", "处罚种类", "处罚内容", "罚款数额", "决定日期")
		m, _ := AutoMap(h)
		row := tabular.Row{Line: 3, Cells: []string{"江门市蓬江区荣兴五金制品有限公司", usccRongxing, "蓬市监罚〔2024〕1号", "a", "b", "c", "罚款", "d", "5000", "2024-01-01"}}
		_, errs := ParseRow(m, h, row, testCtx())
		if len(errs) != 1 || errs[0].Column != "罚款数额" || !strings.Contains(errs[0].Reason, "单位不明") {
			t.Fatalf("%+v", errs)
		}
		row.Cells[8] = "5000元"
		if p, errs := ParseRow(m, h, row, testCtx()); errs != nil || p.FineFen != 500_000 {
			t.Fatalf("%d %+v", p.FineFen, errs)
		}
	})
}
