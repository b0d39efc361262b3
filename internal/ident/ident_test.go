package ident

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// testNow is the fixed "today" used for future-date checks: 2026-11-22 12:00 China time.
var testNow = time.Date(2026, 11, 22, 12, 0, 0, 0, chinaZone)

func date(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

// withCheck returns first17 followed by its correct check character.
func withCheck(t testing.TB, first17 string) string {
	t.Helper()
	c, err := ResidentIDCheckChar(first17)
	if err != nil {
		t.Fatalf("ResidentIDCheckChar(%q): %v", first17, err)
	}
	return first17 + string(c)
}

func TestParseResidentID_Valid(t *testing.T) {
	tests := []struct {
		name, in string
		want     ResidentID
	}{
		// DOMAIN.md §4.1 valid examples.
		{"GB11643 appendix A example", "11010519491231002X",
			ResidentID{Number: "11010519491231002X", Region: "110105", RegionName: "北京市朝阳区", Birth: date(1949, 12, 31), Male: false}},
		{"GB11643 example with historical region 1880", "440524188001010014",
			ResidentID{Number: "440524188001010014", Region: "440524", RegionName: "广东省汕头市潮阳县", Birth: date(1880, 1, 1), Male: true}},
		{"public test suite X check", "11010219840406970X",
			ResidentID{Number: "11010219840406970X", Region: "110102", RegionName: "北京市西城区", Birth: date(1984, 4, 6), Male: false}},
		{"public code 1920", "53010219200508011X",
			ResidentID{Number: "53010219200508011X", Region: "530102", RegionName: "云南省昆明市五华区", Birth: date(1920, 5, 8), Male: true}},
		{"public unit test 1", "110101199003077838",
			ResidentID{Number: "110101199003077838", Region: "110101", RegionName: "北京市东城区", Birth: date(1990, 3, 7), Male: true}},
		{"public unit test 2 (abolished 成都市东城区)", "510102198512014567",
			ResidentID{Number: "510102198512014567", Region: "510102", RegionName: "四川省成都市东城区", Birth: date(1985, 12, 1), Male: false}},
		{"public unit test 3", "420111198203251029",
			ResidentID{Number: "420111198203251029", Region: "420111", RegionName: "湖北省武汉市洪山区", Birth: date(1982, 3, 25), Male: false}},
		{"public unit test 4", "310101198511170038",
			ResidentID{Number: "310101198511170038", Region: "310101", RegionName: "上海市黄浦区", Birth: date(1985, 11, 17), Male: true}},
		// Normalisation.
		{"lower-case x becomes X", "11010519491231002x",
			ResidentID{Number: "11010519491231002X", Region: "110105", RegionName: "北京市朝阳区", Birth: date(1949, 12, 31)}},
		{"full-width digits and X with ideographic spaces", "\u3000１１０１０５１９４９１２３１００２Ｘ\u3000",
			ResidentID{Number: "11010519491231002X", Region: "110105", RegionName: "北京市朝阳区", Birth: date(1949, 12, 31)}},
		{"full-width lower-case x", "11010519491231002ｘ",
			ResidentID{Number: "11010519491231002X", Region: "110105", RegionName: "北京市朝阳区", Birth: date(1949, 12, 31)}},
		{"surrounding NBSP, tab and zero-width space", "\u00a0\t\u200b11010519491231002X\n",
			ResidentID{Number: "11010519491231002X", Region: "110105", RegionName: "北京市朝阳区", Birth: date(1949, 12, 31)}},
		// Legacy 15-digit form.
		{"15-digit converted (DOMAIN.md worked example)", "110105491231002",
			ResidentID{Number: "11010519491231002X", Region: "110105", RegionName: "北京市朝阳区", Birth: date(1949, 12, 31), Converted: true}},
		{"15-digit full-width", "１１０１０５４９１２３１００２",
			ResidentID{Number: "11010519491231002X", Region: "110105", RegionName: "北京市朝阳区", Birth: date(1949, 12, 31), Converted: true}},
		// Dates at the edges.
		{"born today is not future", withCheck(t, "11010520261122001"),
			ResidentID{Number: withCheck(t, "11010520261122001"), Region: "110105", RegionName: "北京市朝阳区", Birth: date(2026, 11, 22), Male: true}},
		{"born 1850-01-01 is the earliest accepted", withCheck(t, "11010518500101002"),
			ResidentID{Number: withCheck(t, "11010518500101002"), Region: "110105", RegionName: "北京市朝阳区", Birth: date(1850, 1, 1)}},
		{"29 February in a leap year", withCheck(t, "11010520000229003"),
			ResidentID{Number: withCheck(t, "11010520000229003"), Region: "110105", RegionName: "北京市朝阳区", Birth: date(2000, 2, 29), Male: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseResidentIDAsOf(tt.in, testNow)
			if err != nil {
				t.Fatalf("ParseResidentIDAsOf(%q) error %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("ParseResidentIDAsOf(%q)\n got %+v\nwant %+v", tt.in, got, tt.want)
			}
			c, err := ResidentIDCheckChar(got.Number[:17])
			if err != nil || c != got.Number[17] {
				t.Errorf("ResidentIDCheckChar(%q) = %c, %v; want %c", got.Number[:17], c, err, got.Number[17])
			}
		})
	}
}

func TestParseResidentID_Rejected(t *testing.T) {
	unknownRegion := withCheck(t, "99999919800101001")
	tests := []struct {
		name, in string
		code     string
		msg      string // substring of the message; "" = don't care
		soft     bool   // value returned populated
	}{
		// DOMAIN.md §4.1 invalid controls.
		{"check should be X", "110105194912310021", CodeBadCheck, "身份证号校验位错误，应为 X", true},
		{"claimed valid but fails check (…0014)", "110105195001010014", CodeBadCheck, "应为 2", true},
		{"claimed valid but fails check (…0027)", "110105195001010027", CodeBadCheck, "应为 0", true},
		{"unknown region code", unknownRegion, CodeUnknownRegion, "999999", true},
		{"empty", "", CodeEmpty, "为空", false},
		{"only spaces", " \u3000\u00a0\t", CodeEmpty, "为空", false},
		{"17 digits", "11010519491231002", CodeBadLength, "实际为17位", false},
		{"19 characters", "11010519491231002X1", CodeBadLength, "实际为19位", false},
		{"16 digits", "1101054912310021", CodeBadLength, "", false},
		{"inner space", "110105 19491231002X", CodeBadLength, "", false},
		{"inner space keeping 18 runes", "110105 1949123102X", CodeBadChar, "第7位", false},
		{"letter inside", "1101051949A231002X", CodeBadChar, "第11位“A”不是数字", false},
		{"X not last", "1101051949123100X2", CodeBadChar, "第17位", false},
		{"last char Y", "11010519491231002Y", CodeBadChar, "第18位“Y”应为数字或X", false},
		{"X in 15-digit form", "11010549123100X", CodeBadChar, "第15位", false},
		{"Chinese character", "11010519491231002号", CodeBadChar, "第18位“号”", false},
		{"invalid UTF-8", "11010519491231002\xff", CodeBadChar, "U+FFFD", false},
		{"19990230 does not exist", withCheck(t, "11010519990230001"), CodeBadDate, "19990230 不是有效日期", false},
		{"19000229 not a leap year", withCheck(t, "11010519000229001"), CodeBadDate, "不是有效日期", false},
		{"month 13", withCheck(t, "11010519991301001"), CodeBadDate, "不是有效日期", false},
		{"day 00", withCheck(t, "11010519990100001"), CodeBadDate, "不是有效日期", false},
		{"April 31", withCheck(t, "11010519990431001"), CodeBadDate, "不是有效日期", false},
		{"before 1850", withCheck(t, "11010518491231001"), CodeBadDate, "早于1850年", false},
		{"year 0000", withCheck(t, "11010500000101001"), CodeBadDate, "", false},
		{"born tomorrow is future", withCheck(t, "11010520261123001"), CodeBadDate, "晚于当前日期", false},
		{"future year", withCheck(t, "11010520990101001"), CodeBadDate, "晚于当前日期", false},
		{"15-digit bad date 990230", "110105990230002", CodeBadDate, "19990230", false},
		{"bad date reported before bad check", "110105199902300010", CodeBadDate, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseResidentIDAsOf(tt.in, testNow)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("ParseResidentIDAsOf(%q) error %v (%T), want *Error %s", tt.in, err, err, tt.code)
			}
			if e.Code != tt.code {
				t.Errorf("code %q (%s), want %q", e.Code, e.Message, tt.code)
			}
			if !strings.Contains(e.Message, tt.msg) {
				t.Errorf("message %q does not contain %q", e.Message, tt.msg)
			}
			if e.Error() != e.Message {
				t.Errorf("Error() = %q, want the message", e.Error())
			}
			if IsSoft(err) != tt.soft {
				t.Errorf("IsSoft = %v, want %v", IsSoft(err), tt.soft)
			}
			if tt.soft {
				if got.Number != normalizeCode(tt.in) || got.Region != got.Number[:6] || got.Birth.IsZero() {
					t.Errorf("soft error must return the populated value, got %+v", got)
				}
			} else if got != (ResidentID{}) {
				t.Errorf("hard error must return the zero value, got %+v", got)
			}
		})
	}
}

func TestParseResidentID_UsesClock(t *testing.T) {
	if _, err := ParseResidentID("11010519491231002X"); err != nil {
		t.Fatalf("ParseResidentID: %v", err)
	}
	future := withCheck(t, fmt.Sprintf("110105%d0101001", time.Now().Year()+1))
	if _, err := ParseResidentID(future); ErrorCode(err) != CodeBadDate {
		t.Errorf("ParseResidentID(%q) error %v, want bad_date", future, err)
	}
	// A zero asOf skips the future check.
	if _, err := ParseResidentIDAsOf(future, time.Time{}); err != nil {
		t.Errorf("ParseResidentIDAsOf(%q, zero) error %v", future, err)
	}
}

func TestParseResidentID_FutureJudgedInChinaTime(t *testing.T) {
	// 2026-11-22 20:00 UTC is already 2026-11-23 in China: someone born on the 23rd exists.
	asOf := time.Date(2026, 11, 22, 20, 0, 0, 0, time.UTC)
	if _, err := ParseResidentIDAsOf(withCheck(t, "11010520261123001"), asOf); err != nil {
		t.Errorf("born on China's today rejected: %v", err)
	}
}

func TestResidentIDCheckChar_Rejected(t *testing.T) {
	for _, tt := range []struct{ in, code string }{
		{"", CodeBadLength},
		{"1101051949123100", CodeBadLength},
		{"11010519491231002X", CodeBadLength},
		{"1101051949123100X", CodeBadChar},
		{"１１０１０５１９４９１２３１００２", CodeBadLength}, // no normalisation here
	} {
		if _, err := ResidentIDCheckChar(tt.in); ErrorCode(err) != tt.code {
			t.Errorf("ResidentIDCheckChar(%q) error %v, want %s", tt.in, err, tt.code)
		}
	}
}

func TestResidentID_Masked(t *testing.T) {
	id, _ := ParseResidentIDAsOf("11010519491231002X", testNow)
	if got := id.Masked(); got != "110105********002X" {
		t.Errorf("Masked() = %q", got)
	}
	if got := (ResidentID{}).Masked(); got != "" {
		t.Errorf("zero Masked() = %q", got)
	}
}

func TestParseUSCC_Valid(t *testing.T) {
	tests := []struct {
		name, in string
		want     USCC
	}{
		{"GB 32100 sample", "91350100M000100Y43", USCC{Code: "91350100M000100Y43", Dept: "9", DeptName: "工商", Category: "91", CategoryName: "企业",
			Region: "350100", RegionName: "福建省福州市", OrgCode: "M000100Y4", OrgCodeValid: true}},
		{"全聚德", "91110000101623741K", USCC{Code: "91110000101623741K", Dept: "9", DeptName: "工商", Category: "91", CategoryName: "企业",
			Region: "110000", RegionName: "北京市", OrgCode: "101623741", OrgCodeValid: true}},
		{"北京长峰医院 (digit check)", "911101066976941872", USCC{Code: "911101066976941872", Dept: "9", DeptName: "工商", Category: "91", CategoryName: "企业",
			Region: "110106", RegionName: "北京市丰台区", OrgCode: "697694187", OrgCodeValid: true}},
		{"湖北省药品监督管理局 (government agency)", "11420000MB15291767", USCC{Code: "11420000MB15291767", Dept: "1", DeptName: "机构编制", Category: "11", CategoryName: "机关",
			Region: "420000", RegionName: "湖北省", OrgCode: "MB1529176", OrgCodeValid: true}},
		{"lower case and full-width with spaces", "\u3000９１３５０１００ｍ０００１００ｙ４３ ", USCC{Code: "91350100M000100Y43", Dept: "9", DeptName: "工商", Category: "91", CategoryName: "企业",
			Region: "350100", RegionName: "福建省福州市", OrgCode: "M000100Y4", OrgCodeValid: true}},
		{"lower case", "91350100m000100y43", USCC{Code: "91350100M000100Y43", Dept: "9", DeptName: "工商", Category: "91", CategoryName: "企业",
			Region: "350100", RegionName: "福建省福州市", OrgCode: "M000100Y4", OrgCodeValid: true}},
	}
	for _, code := range []string{"91440300708461136T", "91110108551385082Q", "91110105771583283D", "91110000802100433B"} {
		tests = append(tests, struct {
			name, in string
			want     USCC
		}{"public test data " + code, code, USCC{}})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseUSCC(tt.in)
			if err != nil {
				t.Fatalf("ParseUSCC(%q) error %v", tt.in, err)
			}
			if tt.want != (USCC{}) && got != tt.want {
				t.Errorf("ParseUSCC(%q)\n got %+v\nwant %+v", tt.in, got, tt.want)
			}
			if !got.OrgCodeValid { // DOMAIN.md §4.3: positions 9–17 of every valid example pass GB 11714
				t.Errorf("embedded org code %s fails GB 11714", got.OrgCode)
			}
			if _, err := ParseOrgCode(got.OrgCode); err != nil {
				t.Errorf("ParseOrgCode(%q) error %v", got.OrgCode, err)
			}
			if c, err := USCCCheckChar(got.Code[:17]); err != nil || c != got.Code[17] {
				t.Errorf("USCCCheckChar = %c, %v", c, err)
			}
		})
	}
}

func TestParseUSCC_Rejected(t *testing.T) {
	tests := []struct {
		name, in, code, msg string
	}{
		{"real company failing check is a warning", "91350211M0000XUF46", CodeBadCheck, "统一社会信用代码校验位错误，应为 R"},
		{"blog example failing check", "91310115MA1H8R7C6D", CodeBadCheck, "应为 7"},
		{"one character changed", "91350100M000100Y44", CodeBadCheck, "应为 3"},
		{"empty", "", CodeEmpty, "为空"},
		{"blank", "\u3000 \u200b", CodeEmpty, "为空"},
		{"17 characters", "91350100M000100Y4", CodeBadLength, "实际为17位"},
		{"19 characters", "91350100M000100Y431", CodeBadLength, "实际为19位"},
		{"letter O not allowed", "91350100MO00100Y43", CodeBadChar, "第10位“O”无效：代码中不使用字母 I、O、Z、S、V"},
		{"letter I not allowed", "9I350100M000100Y43", CodeBadChar, "第2位“I”"},
		{"lower-case s is S, not allowed", "91350100M000100Y4s", CodeBadChar, "第18位“S”"},
		{"hyphen", "91350100-000100Y43", CodeBadChar, "第9位“-”"},
		{"Chinese character", "91350100M000100Y4号", CodeBadChar, "第18位“号”"},
		{"long s U+017F is not folded to S", "91350100M000100Y4ſ", CodeBadChar, "第18位“ſ”"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseUSCC(tt.in)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("ParseUSCC(%q) error %v (%T), want *Error %s", tt.in, err, err, tt.code)
			}
			if e.Code != tt.code || !strings.Contains(e.Message, tt.msg) {
				t.Errorf("ParseUSCC(%q) = %s %q, want %s containing %q", tt.in, e.Code, e.Message, tt.code, tt.msg)
			}
			if tt.code == CodeBadCheck {
				if !IsSoft(err) || got.Code != normalizeCode(tt.in) || got.Category != got.Code[:2] || got.OrgCode != got.Code[8:17] {
					t.Errorf("bad_check must be soft and return the parsed USCC, got %+v", got)
				}
			} else if IsSoft(err) || got != (USCC{}) {
				t.Errorf("format error must be hard with zero value, got %+v", got)
			}
		})
	}
}

func TestParseUSCC_Names(t *testing.T) {
	tests := []struct {
		dept, cat            byte
		deptName, catName    string
		region, regionName   string
		wantOrgCodeFlagValid bool
	}{
		{'1', '3', "机构编制", "中央编办直接管理机构编制的群众团体", "440703", "广东省江门市蓬江区", true},
		{'3', '1', "司法行政", "律师执业机构", "440000", "广东省", true},
		{'5', '2', "民政", "民办非企业单位", "110105", "北京市朝阳区", true},
		{'9', '2', "工商", "个体工商户", "350100", "福建省福州市", true},
		{'9', '3', "工商", "农民专业合作社", "350100", "福建省福州市", true},
		{'A', '1', "中央军委改革和编制办公室", "军队事业单位", "110000", "北京市", true},
		{'N', '2', "农业", "村级集体经济组织", "440703", "广东省江门市蓬江区", true},
		{'Y', '1', "其他", "其他", "440703", "广东省江门市蓬江区", true},
		{'9', '9', "工商", "", "440703", "广东省江门市蓬江区", true}, // 99 not in the table: not an error
		{'B', '1', "", "", "100000", "", true},            // unknown department, central region 100000
	}
	for _, tt := range tests {
		code := MakeUSCC(tt.dept, tt.cat, tt.region, "MA4W1234")
		u, err := ParseUSCC(code)
		if err != nil {
			t.Fatalf("ParseUSCC(%q): %v", code, err)
		}
		if u.DeptName != tt.deptName || u.CategoryName != tt.catName || u.RegionName != tt.regionName {
			t.Errorf("%s: got %q %q %q, want %q %q %q", code, u.DeptName, u.CategoryName, u.RegionName, tt.deptName, tt.catName, tt.regionName)
		}
	}
}

func TestMakeUSCC(t *testing.T) {
	if got := MakeUSCC('9', '1', "350100", "M000100Y"); got != "91350100M000100Y43" {
		t.Errorf("MakeUSCC sample = %q, want 91350100M000100Y43", got)
	}
	if got := MakeUSCC('9', '1', "350100", "m000100y"); got != "91350100M000100Y43" {
		t.Errorf("MakeUSCC lower case = %q", got)
	}
	if got := MakeUSCC('1', '1', "420000", "MB152917"); got != "11420000MB15291767" {
		t.Errorf("MakeUSCC agency = %q", got)
	}
	for _, tt := range []struct {
		dept, cat    byte
		region, body string
		reason       string
	}{
		{'I', '1', "350100", "M000100Y", "dept I"},
		{'9', 'O', "350100", "M000100Y", "cat O"},
		{'9', '1', "35010", "M000100Y", "short region"},
		{'9', '1', "35010A", "M000100Y", "letter in region"},
		{'9', '1', "350100", "M000100", "short body"},
		{'9', '1', "350100", "M000100S", "S in body"},
		{'9', '1', "350100", "M00010-Y", "hyphen in body"},
		{0, '1', "350100", "M000100Y", "NUL dept"},
	} {
		if got := MakeUSCC(tt.dept, tt.cat, tt.region, tt.body); got != "" {
			t.Errorf("MakeUSCC %s = %q, want \"\"", tt.reason, got)
		}
	}
}

func TestParseOrgCode(t *testing.T) {
	valid := []struct{ name, in, want string }{
		{"worked example with hyphen", "59467239-9", "594672399"},
		{"embedded in 91350100M000100Y43", "M000100Y-4", "M000100Y4"},
		{"without hyphen", "594672399", "594672399"},
		{"full-width hyphen and digits", "５９４６７２３９－９", "594672399"},
		{"lower case", "m000100y-4", "M000100Y4"},
		{"surrounding spaces", "  59467239-9\u00a0", "594672399"},
		{"check X", "MA1H8R7C-X", ""},
		{"check 0 (sum ≡ 0 mod 11)", "00000000-0", "000000000"},
	}
	// Find a body whose check is X to cover that branch.
	for i := 0; ; i++ {
		body := fmt.Sprintf("%08d", i)
		if c, _ := OrgCodeCheckChar(body); c == 'X' {
			valid[6].in, valid[6].want = body+"-X", body+"X"
			break
		}
	}
	for _, tt := range valid {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseOrgCode(tt.in)
			if err != nil {
				t.Fatalf("ParseOrgCode(%q) error %v", tt.in, err)
			}
			if got.Code != tt.want || got.String() != tt.want[:8]+"-"+tt.want[8:] {
				t.Errorf("ParseOrgCode(%q) = %q / %q, want %q", tt.in, got.Code, got.String(), tt.want)
			}
		})
	}
	invalid := []struct{ name, in, code, msg string }{
		{"wrong check", "59467239-8", CodeBadCheck, "组织机构代码校验位错误，应为 9"},
		{"empty", " ", CodeEmpty, "为空"},
		{"8 characters", "59467239", CodeBadLength, "实际为8位"},
		{"11 characters", "59467239--9", CodeBadLength, "实际为11位"},
		{"underscore instead of hyphen", "59467239_9", CodeBadChar, "第9位“_”应为连字符"},
		{"hyphen in wrong place", "5946723-99", CodeBadChar, "第8位“-”"},
		{"check char A", "59467239-A", CodeBadChar, "校验位“A”应为数字或X"},
		{"symbol in body", "5946*239-9", CodeBadChar, "第5位“*”"},
		{"Chinese in body", "5946中239-9", CodeBadChar, "第5位“中”"},
	}
	for _, tt := range invalid {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseOrgCode(tt.in)
			if ErrorCode(err) != tt.code || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("ParseOrgCode(%q) error %v (%s), want %s containing %q", tt.in, err, ErrorCode(err), tt.code, tt.msg)
			}
			if tt.code == CodeBadCheck {
				if !IsSoft(err) || got.Code != "594672398" {
					t.Errorf("bad_check must return the parsed code, got %+v", got)
				}
			} else if got != (OrgCode{}) || got.String() != "" {
				t.Errorf("hard error must return zero OrgCode, got %+v", got)
			}
		})
	}
}

func TestCheckCharFunctions_Rejected(t *testing.T) {
	for _, tt := range []struct {
		name string
		f    func(string) (byte, error)
		in   string
		code string
	}{
		{"USCC short", USCCCheckChar, "91350100M000100Y", CodeBadLength},
		{"USCC lower case not normalised", USCCCheckChar, "91350100m000100Y4", CodeBadChar},
		{"USCC Z", USCCCheckChar, "9135010ZM000100Y4", CodeBadChar},
		{"org short", OrgCodeCheckChar, "5946723", CodeBadLength},
		{"org hyphen", OrgCodeCheckChar, "5946723-", CodeBadChar},
		{"org lower case not normalised", OrgCodeCheckChar, "m000100y", CodeBadChar},
	} {
		if _, err := tt.f(tt.in); ErrorCode(err) != tt.code {
			t.Errorf("%s: error %v, want %s", tt.name, err, tt.code)
		}
	}
}

func TestCheckCharFunctions_NoAllocs(t *testing.T) {
	allocs := testing.AllocsPerRun(100, func() {
		_, _ = ResidentIDCheckChar("11010519491231002")
		_, _ = USCCCheckChar("91350100M000100Y4")
		_, _ = OrgCodeCheckChar("59467239")
		_, _ = RegionName("440703")
		_ = NormalizeText("91350100M000100Y43")
	})
	if allocs != 0 {
		t.Errorf("hot path allocates %v times per run", allocs)
	}
}

func TestErrorHelpers(t *testing.T) {
	_, err := ParseUSCC("91350211M0000XUF46")
	wrapped := fmt.Errorf("row 7: %w", err)
	if ErrorCode(wrapped) != CodeBadCheck || !IsSoft(wrapped) {
		t.Errorf("helpers must see through wrapping: %q %v", ErrorCode(wrapped), IsSoft(wrapped))
	}
	if ErrorCode(nil) != "" || IsSoft(nil) || ErrorCode(errors.New("x")) != "" {
		t.Error("helpers on nil/foreign errors")
	}
	var nilErr *Error
	if nilErr.Soft() {
		t.Error("nil *Error is not soft")
	}
}

func TestNormalizeText(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty", "", ""},
		{"clean ASCII unchanged", "ABC 123", "ABC 123"},
		{"full-width ASCII", "ＡＢＣ１２３ａｂｃ！～", "ABC123abc!~"},
		{"ideographic space collapsed", "张\u3000\u3000三", "张 三"},
		{"trim spaces", "  江门市  ", "江门市"},
		{"trim NBSP and zero-width", "\u00a0\u200b\ufeff江门市\u200d\u200c\u2060\u00a0", "江门市"},
		{"zero-width space removed inside", "张\u200b三", "张三"},
		{"joiner kept inside", "a\u200db", "a\u200db"},
		{"collapse mixed whitespace", "a \t\n\r\u2003\u202f b", "a b"},
		{"full-width punctuation is ASCII too", "江门市（蓬江）：甲，乙", "江门市(蓬江):甲,乙"},
		{"other CJK punctuation untouched", "甲、乙。《丙》·丁", "甲、乙。《丙》·丁"},
		{"case unchanged", "Ab", "Ab"},
		{"invalid UTF-8 replaced", "a\xffb", "a\ufffdb"},
		{"full-width hyphen", "59467239－9", "59467239-9"},
		{"full-width space only", "\u3000", ""},
		{"control char kept", "a\x00b", "a\x00b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NormalizeText(tt.in); got != tt.want {
				t.Errorf("NormalizeText(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if got := NormalizeText(tt.want); got != tt.want {
				t.Errorf("not idempotent: NormalizeText(%q) = %q", tt.want, got)
			}
		})
	}
}
