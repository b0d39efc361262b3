package ident

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

var knownCodes = map[string]bool{
	CodeEmpty: true, CodeBadLength: true, CodeBadChar: true, CodeBadDate: true, CodeBadCheck: true, CodeUnknownRegion: true,
}

// checkErr verifies the error contract shared by all parsers and returns the error code.
func checkErr(t *testing.T, in string, err error) string {
	t.Helper()
	if err == nil {
		return ""
	}
	e, ok := err.(*Error)
	if !ok || e == nil {
		t.Fatalf("%q: error %v is %T, want *Error", in, err, err)
	}
	if !knownCodes[e.Code] || e.Message == "" || !utf8.ValidString(e.Message) {
		t.Fatalf("%q: bad error %#v", in, e)
	}
	return e.Code
}

func FuzzParseResidentID(f *testing.F) {
	for _, s := range []string{
		"11010519491231002X", "440524188001010014", "11010219840406970X", "53010219200508011X",
		"110101199003077838", "510102198512014567", "420111198203251029", "310101198511170038",
		"110105194912310021", "110105195001010014", "110105195001010027", "110105491231002",
		"11010519491231002x", "１１０１０５１９４９１２３１００２Ｘ", "110105199902300012", "", " ",
		"999999198001010010", "11010520991231002X", "11010518491231002X", "\u3000110105491231002\u00a0",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		id, err := ParseResidentIDAsOf(in, testNow)
		code := checkErr(t, in, err)
		if code != "" && !IsSoft(err) {
			if id != (ResidentID{}) {
				t.Fatalf("%q: hard error %s with non-zero value %+v", in, code, id)
			}
			return
		}
		// Success or soft error: the value is complete and consistent.
		if len(id.Number) != 18 || id.Region != id.Number[:6] || id.Masked() == "" {
			t.Fatalf("%q: inconsistent %+v", in, id)
		}
		if id.Birth.Year() < minBirthYear || id.Birth.After(testNow) || id.Birth.Format("20060102") != id.Number[6:14] {
			t.Fatalf("%q: birth %v out of range or inconsistent with %s", in, id.Birth, id.Number)
		}
		if id.Male != ((id.Number[16]-'0')%2 == 1) {
			t.Fatalf("%q: sex flag wrong for %s", in, id.Number)
		}
		_, known := RegionName(id.Region)
		if known != (id.RegionName != "") {
			t.Fatalf("%q: RegionName %q vs table %v", in, id.RegionName, known)
		}
		c, cerr := ResidentIDCheckChar(id.Number[:17])
		if cerr != nil || (c == id.Number[17]) != (code != CodeBadCheck) {
			t.Fatalf("%q: check char %c (%v) disagrees with parse result %q", in, c, cerr, code)
		}
		// Re-parsing the normalised number gives the same value and outcome (Converted aside).
		again, err2 := ParseResidentIDAsOf(id.Number, testNow)
		want := id
		want.Converted = false
		if again != want || ErrorCode(err2) != code {
			t.Fatalf("%q: re-parse of %q = %+v, %v; want %+v, %s", in, id.Number, again, err2, want, code)
		}
	})
}

func FuzzParseUSCC(f *testing.F) {
	for _, s := range []string{
		"91350100M000100Y43", "91110000101623741K", "911101066976941872", "91440300708461136T",
		"91110108551385082Q", "91110105771583283D", "91110000802100433B", "11420000MB15291767",
		"91350211M0000XUF46", "91310115MA1H8R7C6D", "91350100m000100y43", "９１３５０１００Ｍ０００１００Ｙ４３",
		"91350100MO00100Y43", "", "91350100M000100Y4ſ",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		u, err := ParseUSCC(in)
		code := checkErr(t, in, err)
		if code != "" && code != CodeBadCheck {
			if u != (USCC{}) || IsSoft(err) {
				t.Fatalf("%q: hard error %s with value %+v", in, code, u)
			}
			return
		}
		if len(u.Code) != 18 || u.Dept != u.Code[:1] || u.Category != u.Code[:2] || u.Region != u.Code[2:8] || u.OrgCode != u.Code[8:17] {
			t.Fatalf("%q: inconsistent %+v", in, u)
		}
		c, cerr := USCCCheckChar(u.Code[:17])
		if cerr != nil || (c == u.Code[17]) != (code == "") {
			t.Fatalf("%q: USCCCheckChar %c %v vs parse %q", in, c, cerr, code)
		}
		again, err2 := ParseUSCC(u.Code)
		if again != u || ErrorCode(err2) != code {
			t.Fatalf("%q: re-parse = %+v, %v; want %+v, %s", in, again, err2, u, code)
		}
		if code == "" && u.OrgCodeValid && strings.Trim(u.Region, "0123456789") == "" {
			if m := MakeUSCC(u.Code[0], u.Code[1], u.Region, u.OrgCode[:8]); m != u.Code {
				t.Fatalf("%q: MakeUSCC rebuilt %q", u.Code, m)
			}
		}
	})
}

func FuzzParseOrgCode(f *testing.F) {
	for _, s := range []string{"59467239-9", "M000100Y-4", "594672399", "59467239－9", "m000100y-4", "59467239-8", "59467239_9", "", "5946723-99"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		o, err := ParseOrgCode(in)
		code := checkErr(t, in, err)
		if code != "" && code != CodeBadCheck {
			if o != (OrgCode{}) {
				t.Fatalf("%q: hard error %s with value %+v", in, code, o)
			}
			return
		}
		if len(o.Code) != 9 || len(o.String()) != 10 {
			t.Fatalf("%q: bad value %+v", in, o)
		}
		c, cerr := OrgCodeCheckChar(o.Code[:8])
		if cerr != nil || (c == o.Code[8]) != (code == "") {
			t.Fatalf("%q: OrgCodeCheckChar %c %v vs parse %q", in, c, cerr, code)
		}
		for _, form := range []string{o.Code, o.String()} {
			again, err2 := ParseOrgCode(form)
			if again != o || ErrorCode(err2) != code {
				t.Fatalf("%q: re-parse of %q = %+v, %v; want %+v, %s", in, form, again, err2, o, code)
			}
		}
	})
}

func FuzzNormalizeText(f *testing.F) {
	for _, s := range []string{
		"", "abc", " a  b ", "\u3000张\u3000\u3000三\u3000", "ＡＢＣ１２３", "\u200b\ufeffx\u2060", "a\u200db",
		"\u200c \u200d", "a\xffb", "\xef\xbc\u200b\xa1", "（有限公司）", "\t\n\r\v\f\u0085\u00a0",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := NormalizeText(in)
		if again := NormalizeText(out); again != out {
			t.Fatalf("not idempotent: %q → %q → %q", in, out, again)
		}
		if !utf8.ValidString(out) {
			t.Fatalf("%q → invalid UTF-8 %q", in, out)
		}
		if strings.Contains(out, "  ") {
			t.Fatalf("%q → double space %q", in, out)
		}
		if out != strings.TrimFunc(out, func(r rune) bool { return unicode.IsSpace(r) || isEdgeJunk(r) }) {
			t.Fatalf("%q → untrimmed %q", in, out)
		}
		for _, r := range out {
			if (r >= 0xFF01 && r <= 0xFF5E) || r == 0x200B || r == 0x2060 || r == 0xFEFF || (unicode.IsSpace(r) && r != ' ') {
				t.Fatalf("%q → %q still contains %U", in, out, r)
			}
		}
		if len(out) > 3*len(in) { // U+FFFD for an invalid byte is the only growth
			t.Fatalf("%q → %q grew too much", in, out)
		}
	})
}
