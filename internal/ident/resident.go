package ident

import (
	"fmt"
	"time"
	"unicode/utf8"
)

// ResidentID is a parsed 公民身份号码 (GB 11643-1999).
type ResidentID struct {
	Number     string    // normalised 18-character number (upper-case X); as given, even when the check fails
	Region     string    // address code, digits 1–6
	RegionName string    // full name of Region from GB/T 2260 1981–2024 incl. historical codes; "" if unknown
	Birth      time.Time // birth date at 00:00 UTC; use Year/Month/Day
	Male       bool      // sequence code (digits 15–17) odd = male, even = female
	Converted  bool      // input was a legacy 15-digit number, converted by inserting "19" and a check character
}

// Masked returns the number with the birth date hidden (110105********002X), for display and logs.
// It returns "" for a zero ResidentID.
func (id ResidentID) Masked() string {
	if len(id.Number) != 18 {
		return ""
	}
	return id.Number[:6] + "********" + id.Number[14:]
}

var residentWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const residentCheckChars = "10X98765432" // indexed by S mod 11

// minBirthYear is the earliest accepted birth year.
const minBirthYear = 1850

// chinaZone is UTC+8 (China has no DST); used to decide what "today" is for the future-date check.
var chinaZone = time.FixedZone("CST", 8*60*60)

// ResidentIDCheckChar computes the GB 11643 check character (ISO 7064 MOD 11-2) of the first 17
// characters, which must be exactly 17 ASCII digits (no normalisation). It does not allocate on success.
func ResidentIDCheckChar(first17 string) (byte, error) {
	if len(first17) != 17 {
		return 0, newError(CodeBadLength, fmt.Sprintf("计算身份证号校验位需要17位数字，实际为%d个字节", len(first17)))
	}
	c, bad := residentCheck(first17)
	if bad >= 0 {
		pos, r := runeAt(first17, bad)
		return 0, newError(CodeBadChar, fmt.Sprintf("身份证号第%d位“%s”不是数字", pos, printable(r)))
	}
	return c, nil
}

// residentCheck computes the check character of 17 digits; bad is the index of the first non-digit,
// or -1.
func residentCheck[T ~string | ~[]byte](first17 T) (check byte, bad int) {
	sum := 0
	for i := 0; i < 17; i++ {
		c := first17[i]
		if c < '0' || c > '9' {
			return 0, i
		}
		sum += int(c-'0') * residentWeights[i]
	}
	return residentCheckChars[sum%11], -1
}

// ParseResidentID parses and validates a resident ID number, judging "future" birth dates against the
// current time. See [ParseResidentIDAsOf].
func ParseResidentID(s string) (ResidentID, error) {
	return ParseResidentIDAsOf(s, time.Now())
}

// ParseResidentIDAsOf parses and validates a resident ID number; asOf is the moment used to reject
// birth dates in the future (the date is taken in China time, UTC+8); a zero asOf skips that check.
//
// Input is normalised with [NormalizeText] (full-width digits, surrounding spaces) and a lower-case x
// is accepted. Two forms are accepted:
//   - 18 characters: 17 digits and a check digit or X;
//   - legacy 15 digits (YYMMDD birth date, no check character): converted to 18 by inserting "19"
//     before YY and computing the check character; Converted is set. (GB 11643-1999 abolished the old
//     centenarian sequence codes 996–999, so no "18xx" rule is applied.)
//
// Checks, in this order, with the first failure returned:
//
//	empty, bad_length, bad_char    hard: zero ResidentID returned
//	bad_date                       hard: not a real date, in the future, or before 1850
//	bad_check                      soft: all fields filled from the input, Number keeps the given check character
//	unknown_region                 soft: all fields filled, RegionName ""
//
// Soft errors ([IsSoft]) let an importer store the well-formed number and flag it. A number that fails
// the check is nevertheless wrong; an unknown region may be a code missing from the 1981–2024 table.
func ParseResidentIDAsOf(s string, asOf time.Time) (ResidentID, error) {
	n := normalizeCode(s)
	if n == "" {
		return ResidentID{}, newError(CodeEmpty, "身份证号为空")
	}
	l := utf8.RuneCountInString(n)
	if l != 18 && l != 15 {
		return ResidentID{}, newError(CodeBadLength, fmt.Sprintf("身份证号应为18位（旧版15位），实际为%d位", l))
	}
	k := 0 // rune position
	for _, r := range n {
		switch {
		case r >= '0' && r <= '9', l == 18 && k == 17 && r == 'X':
		case l == 18 && k == 17:
			return ResidentID{}, newError(CodeBadChar, fmt.Sprintf("身份证号第18位“%s”应为数字或X", printable(r)))
		default:
			return ResidentID{}, newError(CodeBadChar, fmt.Sprintf("身份证号第%d位“%s”不是数字", k+1, printable(r)))
		}
		k++
	}
	// Every rune is now an ASCII digit or X, so len(n) == l.

	id := ResidentID{}
	var number [18]byte
	if len(n) == 15 {
		copy(number[:6], n[:6])
		number[6], number[7] = '1', '9'
		copy(number[8:17], n[6:15])
		id.Converted = true
	} else {
		copy(number[:], n)
	}
	check, _ := residentCheck(number[:17]) // all digits, checked above
	if len(n) == 15 {
		number[17] = check
	}
	id.Number = string(number[:])
	id.Region = id.Number[:6]
	id.Male = (id.Number[16]-'0')%2 == 1

	birth, err := birthDate(id.Number[6:14], asOf)
	if err != nil {
		return ResidentID{}, err
	}
	id.Birth = birth
	id.RegionName, _ = RegionName(id.Region)

	if number[17] != check {
		return id, newError(CodeBadCheck, fmt.Sprintf("身份证号校验位错误，应为 %c", check))
	}
	if id.RegionName == "" {
		return id, newError(CodeUnknownRegion, fmt.Sprintf("身份证号前6位地址码 %s 不是已知的行政区划代码", id.Region))
	}
	return id, nil
}

// birthDate validates an 8-digit YYYYMMDD (ASCII digits guaranteed by the caller).
func birthDate(ymd string, asOf time.Time) (time.Time, error) {
	num := func(s string) int {
		n := 0
		for i := 0; i < len(s); i++ {
			n = n*10 + int(s[i]-'0')
		}
		return n
	}
	y, m, d := num(ymd[:4]), num(ymd[4:6]), num(ymd[6:8])
	if m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return time.Time{}, newError(CodeBadDate, fmt.Sprintf("身份证号中的出生日期 %s 不是有效日期", ymd))
	}
	if y < minBirthYear {
		return time.Time{}, newError(CodeBadDate, fmt.Sprintf("身份证号中的出生日期 %s 早于%d年", ymd, minBirthYear))
	}
	if !asOf.IsZero() {
		ty, tm, td := asOf.In(chinaZone).Date()
		if y*10000+m*100+d > ty*10000+int(tm)*100+td {
			return time.Time{}, newError(CodeBadDate, fmt.Sprintf("身份证号中的出生日期 %s 晚于当前日期", ymd))
		}
	}
	return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC), nil
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// printable renders a rune for an error message, escaping invisible ones.
func printable(r rune) string {
	if r == utf8.RuneError || r < 0x20 || r == 0x7F || (r >= 0x80 && r < 0xA0) {
		return fmt.Sprintf("%U", r)
	}
	return string(r)
}
