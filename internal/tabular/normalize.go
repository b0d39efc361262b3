package tabular

import (
	"strings"
	"unicode"
)

// foldRune maps full-width forms to their ASCII equivalents (（ → (, ０ → 0,
// ， → ,), the ideographic space to a space, and the other bracket shapes
// seen in headers to ( ) or [ ].
func foldRune(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		return r - 0xFEE0
	case r == 0x3000:
		return ' '
	}
	switch r {
	case '【', '〔', '［':
		return '['
	case '】', '〕', '］':
		return ']'
	case '﹙':
		return '('
	case '﹚':
		return ')'
	}
	return r
}

// isSpaceLike reports whitespace, including the ideographic space and line
// breaks, and the invisible characters that copy-paste leaves behind.
func isSpaceLike(r rune) bool {
	switch r {
	case 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF:
		return true
	}
	return unicode.IsSpace(r)
}

// fold applies foldRune to s and drops every space-like character.
func fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x80 || c == ' ' || (c >= '\t' && c <= '\r') {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		r = foldRune(r)
		if isSpaceLike(r) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// requiredMarkers are the notes templates put after a column name.
var requiredMarkers = []string{"(必填)", "(必填项)", "(必选)", "(选填)", "(非必填)", "(可选)", "(可空)"}

// NormalizeHeader returns the comparable form of a header cell: all
// whitespace removed (including full-width spaces and line breaks inside the
// cell), full-width ASCII letters, digits and punctuation made half-width
// (so （） become ()), 【】〔〕 made [], and "required" markers stripped: a
// leading or trailing "*" and a trailing "(必填)", "(选填)" and the like.
// Letters keep their case; [FindHeader] compares case-insensitively.
//
//	NormalizeHeader(" 罚款金额\n（万元）* ") == "罚款金额(万元)"
func NormalizeHeader(s string) string {
	s = fold(s)
	for {
		prev := s
		s = strings.Trim(s, "*")
		for _, m := range requiredMarkers {
			s = strings.TrimSuffix(s, m)
		}
		if s == prev {
			return s
		}
	}
}

// headerKey is the matching form: normalised and ASCII-lowercased.
func headerKey(s string) string {
	return strings.ToLower(NormalizeHeader(s))
}

// headerBase drops a trailing parenthesised note, usually a unit:
// "罚款金额(万元)" → "罚款金额". It returns "" when there is none.
func headerBase(key string) string {
	if !strings.HasSuffix(key, ")") {
		return ""
	}
	i := strings.LastIndex(key, "(")
	if i <= 0 {
		return ""
	}
	return key[:i]
}
