package ident

import (
	"fmt"
	"unicode/utf8"
)

// USCC is a parsed 统一社会信用代码 (GB 32100-2015).
type USCC struct {
	Code         string // normalised 18 characters; as given, even when the check fails
	Dept         string // position 1, 登记管理部门码, e.g. "9"
	DeptName     string // e.g. "工商"; "" if the department is not in the known table
	Category     string // positions 1–2, department + 机构类别码, e.g. "91"
	CategoryName string // e.g. "企业"; "" if the pair is not in the known table
	Region       string // positions 3–8, 登记管理机关行政区划码
	RegionName   string // full name of Region (GB/T 2260 incl. historical); "" if unknown, e.g. 100000
	OrgCode      string // positions 9–17, 主体标识码 (GB 11714 organisation code without hyphen)
	OrgCodeValid bool   // OrgCode passes the GB 11714 check (informational, never an error)
}

// usccChars is the GB 32100 character set; the index of a character is its value (0–30).
const usccChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// usccValue maps an ASCII byte to its GB 32100 value, or -1.
var usccValue = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for i := 0; i < len(usccChars); i++ {
		t[usccChars[i]] = int8(i)
	}
	return t
}()

type category struct{ code, name string }

// usccDepts lists 登记管理部门码 with their 机构类别码. 1, 5, 9 and Y are in GB 32100-2015 itself; the
// others were added later and appear in current validators (DOMAIN.md §4.2; issuing document
// unconfirmed). Unknown departments and categories are not errors.
var usccDepts = map[byte]struct {
	name string
	cats []category
}{
	'1': {"机构编制", []category{{"1", "机关"}, {"2", "事业单位"}, {"3", "中央编办直接管理机构编制的群众团体"}, {"9", "其他"}}},
	'2': {"外交", []category{{"1", "外国常驻新闻机构"}, {"9", "其他"}}},
	'3': {"司法行政", []category{{"1", "律师执业机构"}, {"2", "公证处"}, {"3", "基层法律服务所"}, {"4", "司法鉴定机构"}, {"5", "仲裁委员会"}, {"9", "其他"}}},
	'4': {"文化", []category{{"1", "外国在华文化中心"}, {"9", "其他"}}},
	'5': {"民政", []category{{"1", "社会团体"}, {"2", "民办非企业单位"}, {"3", "基金会"}, {"9", "其他"}}},
	'6': {"旅游", []category{{"1", "外国旅游部门常驻代表机构"}, {"2", "港澳台地区旅游部门常驻内地（大陆）代表机构"}, {"9", "其他"}}},
	'7': {"宗教", []category{{"1", "宗教活动场所"}, {"2", "宗教院校"}, {"9", "其他"}}},
	'8': {"工会", []category{{"1", "基层工会"}, {"9", "其他"}}},
	'9': {"工商", []category{{"1", "企业"}, {"2", "个体工商户"}, {"3", "农民专业合作社"}}},
	'A': {"中央军委改革和编制办公室", []category{{"1", "军队事业单位"}, {"9", "其他"}}},
	'N': {"农业", []category{{"1", "组级集体经济组织"}, {"2", "村级集体经济组织"}, {"3", "乡镇级集体经济组织"}, {"9", "其他"}}},
	'Y': {"其他", []category{{"1", "其他"}}},
}

// USCCCategoryName returns the names of a department code and a department+category pair, e.g.
// ('9','1') → "工商", "企业"; unknown values give "".
func USCCCategoryName(dept, cat byte) (deptName, catName string) {
	d, ok := usccDepts[dept]
	if !ok {
		return "", ""
	}
	for _, c := range d.cats {
		if c.code[0] == cat {
			return d.name, c.name
		}
	}
	return d.name, ""
}

// USCCCheckChar computes the GB 32100 check character of the first 17 characters, which must be
// exactly 17 characters of the upper-case set 0-9 A-Y without I O Z S V (no normalisation).
// It does not allocate on success.
func USCCCheckChar(first17 string) (byte, error) {
	if len(first17) != 17 {
		return 0, newError(CodeBadLength, fmt.Sprintf("计算统一社会信用代码校验位需要17个字符，实际为%d个字节", len(first17)))
	}
	c, bad := usccCheck(first17)
	if bad >= 0 {
		pos, r := runeAt(first17, bad)
		return 0, usccCharError(pos, r)
	}
	return c, nil
}

// usccCheck computes the GB 32100 check character of 17 characters; bad is the index of the first
// character outside the set, or -1.
func usccCheck[T ~string | ~[]byte](first17 T) (check byte, bad int) {
	sum := 0
	for i := 0; i < 17; i++ {
		v := usccValue[first17[i]]
		if v < 0 {
			return 0, i
		}
		sum += int(v) * usccWeights[i]
	}
	return usccChars[(31-sum%31)%31], -1
}

func usccCharError(pos int, r rune) error {
	switch r {
	case 'I', 'O', 'Z', 'S', 'V':
		return newError(CodeBadChar, fmt.Sprintf("统一社会信用代码第%d位“%c”无效：代码中不使用字母 I、O、Z、S、V", pos, r))
	}
	return newError(CodeBadChar, fmt.Sprintf("统一社会信用代码第%d位“%s”无效：只能是数字或大写字母", pos, printable(r)))
}

// ParseUSCC parses a unified social credit code. Input is normalised with [NormalizeText] and ASCII
// letters are upper-cased. Checks, with the first failure returned:
//
//	empty, bad_length, bad_char   hard (format): zero USCC returned
//	bad_check                     soft: the USCC is returned fully populated with the error
//
// Per DOMAIN.md §4.2 a failed check character is a warning, not a rejection (some registered codes
// fail it): store the code and flag it (uscc_valid=false). Departments outside 1/5/9/Y, unknown
// categories, non-digit or unknown region codes and a failing embedded organisation code are not errors;
// they only leave the corresponding name fields empty or OrgCodeValid false.
func ParseUSCC(s string) (USCC, error) {
	n := normalizeCode(s)
	if n == "" {
		return USCC{}, newError(CodeEmpty, "统一社会信用代码为空")
	}
	if l := utf8.RuneCountInString(n); l != 18 {
		return USCC{}, newError(CodeBadLength, fmt.Sprintf("统一社会信用代码应为18位，实际为%d位", l))
	}
	for i, r := range n {
		if r >= utf8.RuneSelf || usccValue[r] < 0 {
			pos, _ := runeAt(n, i)
			return USCC{}, usccCharError(pos, r)
		}
	}
	// All 18 runes are ASCII, so len(n) == 18.
	check, _ := usccCheck(n[:17]) // the characters were checked above
	u := USCC{
		Code:     n,
		Dept:     n[:1],
		Category: n[:2],
		Region:   n[2:8],
		OrgCode:  n[8:17],
	}
	u.DeptName, u.CategoryName = USCCCategoryName(n[0], n[1])
	u.RegionName, _ = RegionName(u.Region)
	if c, bad := orgCheck(n[8:16]); bad < 0 && c == n[16] {
		u.OrgCodeValid = true
	}
	if n[17] != check {
		return u, newError(CodeBadCheck, fmt.Sprintf("统一社会信用代码校验位错误，应为 %c", check))
	}
	return u, nil
}

// MakeUSCC builds a valid unified social credit code from department code dept, category code cat,
// a 6-digit region code and the 8-character organisation-code body: it appends the GB 11714 check
// character to the body and the GB 32100 check character to the whole. Lower-case letters are
// upper-cased. It returns "" if dept, cat or orgBody8 use a character outside the USCC set
// (0-9 A-Y without I O Z S V) or region is not 6 ASCII digits. The result always passes [ParseUSCC].
func MakeUSCC(dept, cat byte, region, orgBody8 string) string {
	if len(region) != 6 || len(orgBody8) != 8 {
		return ""
	}
	var b [18]byte
	b[0], b[1] = upperASCII(dept), upperASCII(cat)
	for i := 0; i < 6; i++ {
		if region[i] < '0' || region[i] > '9' {
			return ""
		}
		b[2+i] = region[i]
	}
	for i := 0; i < 8; i++ {
		b[8+i] = upperASCII(orgBody8[i])
	}
	for i := 0; i < 16; i++ {
		if usccValue[b[i]] < 0 {
			return ""
		}
	}
	b[16], _ = orgCheck(b[8:16]) // the USCC set is a subset of the organisation-code set
	b[17], _ = usccCheck(b[:17])
	return string(b[:])
}

func upperASCII(c byte) byte {
	if c >= 'a' && c <= 'z' {
		return c - ('a' - 'A')
	}
	return c
}
