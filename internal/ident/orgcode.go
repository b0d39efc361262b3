package ident

import (
	"fmt"
	"unicode/utf8"
)

// OrgCode is a parsed 组织机构代码 (GB 11714-1997).
type OrgCode struct {
	Code string // normalised 9 characters without hyphen, e.g. "594672399"; as given, even when the check fails
}

// String returns the conventional display form XXXXXXXX-Y ("" for the zero OrgCode).
func (o OrgCode) String() string {
	if len(o.Code) != 9 {
		return ""
	}
	return o.Code[:8] + "-" + o.Code[8:]
}

var orgWeights = [8]int{3, 7, 9, 10, 5, 8, 4, 2}

// orgValue returns the GB 11714 value of a body character: 0-9, A=10 … Z=35; -1 otherwise.
func orgValue(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10
	}
	return -1
}

// orgCheck computes the GB 11714 check character of an 8-character body. If a character is not a
// digit or upper-case letter it returns bad >= 0, the index of the first such byte; otherwise bad = -1.
func orgCheck[T ~string | ~[]byte](body T) (check byte, bad int) {
	sum := 0
	for i := 0; i < 8; i++ {
		v := orgValue(body[i])
		if v < 0 {
			return 0, i
		}
		sum += v * orgWeights[i]
	}
	switch c := 11 - sum%11; c {
	case 10:
		return 'X', -1
	case 11:
		return '0', -1
	default:
		return byte('0' + c), -1
	}
}

// OrgCodeCheckChar computes the GB 11714 check character ('0'–'9' or 'X') of an 8-character body of
// ASCII digits and upper-case letters (no normalisation). It does not allocate on success.
func OrgCodeCheckChar(body8 string) (byte, error) {
	if len(body8) != 8 {
		return 0, newError(CodeBadLength, fmt.Sprintf("计算组织机构代码校验位需要8个字符，实际为%d个字节", len(body8)))
	}
	c, bad := orgCheck(body8)
	if bad >= 0 {
		pos, r := runeAt(body8, bad)
		return 0, newError(CodeBadChar, fmt.Sprintf("组织机构代码第%d位“%s”无效：只能是数字或大写字母", pos, printable(r)))
	}
	return c, nil
}

// ParseOrgCode parses an organisation code written XXXXXXXX-Y or as 9 characters. Input is
// normalised with [NormalizeText] (a full-width hyphen becomes '-') and ASCII letters are upper-cased.
// Errors: empty, bad_length, bad_char (hard, zero OrgCode), bad_check (soft: the OrgCode is returned
// together with the error, like [ParseUSCC]).
func ParseOrgCode(s string) (OrgCode, error) {
	n := normalizeCode(s)
	if n == "" {
		return OrgCode{}, newError(CodeEmpty, "组织机构代码为空")
	}
	l := utf8.RuneCountInString(n)
	if l != 9 && l != 10 {
		return OrgCode{}, newError(CodeBadLength, fmt.Sprintf("组织机构代码应为9位（格式 XXXXXXXX-Y），实际为%d位", l))
	}
	var code [9]byte
	k := 0 // rune position
	j := 0 // index into code
	for _, r := range n {
		switch {
		case l == 10 && k == 8:
			if r != '-' {
				return OrgCode{}, newError(CodeBadChar, fmt.Sprintf("组织机构代码第9位“%s”应为连字符 -", printable(r)))
			}
		case k == l-1:
			if !(r >= '0' && r <= '9' || r == 'X') {
				return OrgCode{}, newError(CodeBadChar, fmt.Sprintf("组织机构代码校验位“%s”应为数字或X", printable(r)))
			}
			code[j] = byte(r)
			j++
		default:
			if r >= utf8.RuneSelf || orgValue(byte(r)) < 0 {
				return OrgCode{}, newError(CodeBadChar, fmt.Sprintf("组织机构代码第%d位“%s”无效：只能是数字或大写字母", k+1, printable(r)))
			}
			code[j] = byte(r)
			j++
		}
		k++
	}
	check, _ := orgCheck(code[:8]) // the body was checked above
	o := OrgCode{Code: string(code[:])}
	if code[8] != check {
		return o, newError(CodeBadCheck, fmt.Sprintf("组织机构代码校验位错误，应为 %c", check))
	}
	return o, nil
}
