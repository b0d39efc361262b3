package ident

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// NormalizeText cleans a name or identifier typed or pasted by a person:
//
//   - full-width ASCII forms U+FF01–U+FF5E become their ASCII counterparts (ＡＢＣ１２３ → ABC123),
//     and the ideographic space U+3000 becomes a space;
//   - the invisible characters U+200B (zero-width space), U+2060 (word joiner) and U+FEFF (BOM) are
//     removed everywhere;
//   - runs of Unicode white space (unicode.IsSpace: ASCII space and controls \t\n\v\f\r, NBSP U+00A0,
//     U+2000–U+200A, U+3000, …) become one ASCII space;
//   - leading and trailing white space and zero-width (non-)joiners U+200C/U+200D are trimmed
//     (inside the text the joiners are kept, they matter in some scripts and emoji);
//   - invalid UTF-8 bytes become U+FFFD.
//
// Note that U+FF01–U+FF5E includes the full-width punctuation common in Chinese text, so
// "（有限公司）" becomes "(有限公司)" and "，" becomes ","; other CJK punctuation (、。《》·) and
// letter case are left alone, as is everything else.
// NormalizeText is idempotent, and returns s itself without allocating when s is already clean ASCII.
func NormalizeText(s string) string {
	if cleanASCII(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	pendingSpace := false
	for _, r := range s { // invalid bytes arrive as utf8.RuneError
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			r -= 0xFEE0
		case r == 0x200B || r == 0x2060 || r == 0xFEFF:
			continue
		}
		if unicode.IsSpace(r) {
			pendingSpace = b.Len() > 0
			continue
		}
		if pendingSpace {
			b.WriteByte(' ')
			pendingSpace = false
		}
		b.WriteRune(r)
	}
	return strings.TrimFunc(b.String(), isEdgeJunk)
}

// isEdgeJunk reports the runes trimmed at both ends of a normalised text.
func isEdgeJunk(r rune) bool { return r == ' ' || r == 0x200C || r == 0x200D }

// cleanASCII reports whether s is printable ASCII with single inner spaces only, i.e. already normal.
func cleanASCII(s string) bool {
	if s == "" {
		return true
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	prevSpace := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ' ' {
			if prevSpace {
				return false
			}
			prevSpace = true
			continue
		}
		if c < 0x21 || c > 0x7E {
			return false
		}
		prevSpace = false
	}
	return true
}

// normalizeCode normalises an identifier: NormalizeText, then ASCII upper case.
// Only ASCII letters are folded: strings.ToUpper would turn e.g. U+017F ſ into an ASCII S.
func normalizeCode(s string) string {
	s = NormalizeText(s)
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'a' && c <= 'z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'a' && b[j] <= 'z' {
					b[j] -= 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// runeAt returns the 1-based position of byte offset i in s and the rune there, for error messages.
func runeAt(s string, i int) (pos int, r rune) {
	r, _ = utf8.DecodeRuneInString(s[i:])
	return utf8.RuneCountInString(s[:i]) + 1, r
}
