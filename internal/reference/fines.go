package reference

import (
	"math/big"
	"regexp"
	"strings"
	"unicode"
)

// Fine kinds: how the fine of a discretion standard was read.
const (
	FineRange    = "range"    // 处X元以上Y元以下罚款: min and max
	FineFixed    = "fixed"    // 处X元罚款: min = max
	FineMaxOnly  = "max_only" // 处X元以下罚款: max only
	FineMinOnly  = "min_only" // 处X元以上罚款: min only
	FineMultiple = "multiple" // 处货值金额一倍以上三倍以下罚款: no amounts
	FineRatio    = "ratio"    // 处总投资额百分之一以上百分之五以下罚款: no amounts
	FineNone     = "none"     // no fine in the standard (警告, 责令改正 …)
	FineUnparsed = "unparsed" // a fine the reader could not place
	FineManual   = "manual"   // bounds entered by hand
)

// FineKinds lists the kinds with their Chinese names (for the UI and docs).
var FineKinds = map[string]string{
	FineRange: "区间", FineFixed: "定额", FineMaxOnly: "仅上限", FineMinOnly: "仅下限", FineMultiple: "倍数（未换算）",
	FineRatio: "比例（未换算）", FineNone: "无罚款", FineUnparsed: "未能解析", FineManual: "手工填写",
}

// amountRE is an amount of money: Arabic or Chinese numerals, then 元.
var amountRE = regexp.MustCompile(`([0-9０-９.．,，零〇一二两三四五六七八九十百千万亿]+)元`)

// Fine is the fine range read from a standard's text.
type Fine struct {
	Kind   string
	MinFen *int64
	MaxFen *int64
}

// ParseFine reads the principal fine of a discretion standard such as
// "责令改正，处二万元以上五万元以下罚款". It takes the first amount of money in
// the text and what follows it: "以上 … 以下" (or 至, -, ～) a range, "以下" /
// "以内" an upper bound, "以上" alone a lower bound, anything else a fixed
// amount. A second fine in the same text (e.g. "并对直接负责的主管人员处…")
// is not read: the first is the one against the party. Fines stated as
// multiples (倍) or shares (百分之, %) of another sum, or standards whose
// first amount comes after such a multiple, give no amounts.
func ParseFine(text string) Fine {
	s := strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '\u3000' {
			return -1
		}
		return r
	}, text)
	if !strings.Contains(s, "罚") {
		return Fine{Kind: FineNone}
	}
	locs := amountRE.FindAllStringSubmatchIndex(s, -1)
	// The first amount that parses.
	first := -1
	var v1 int64
	for i, l := range locs {
		if v, ok := parseYuanFen(s[l[2]:l[3]]); ok {
			first, v1 = i, v
			break
		}
	}
	prefix := s
	if first >= 0 {
		prefix = s[:locs[first][0]]
	}
	switch {
	case strings.Contains(prefix, "倍"):
		return Fine{Kind: FineMultiple}
	case strings.Contains(prefix, "百分之") || strings.Contains(prefix, "%") || strings.Contains(prefix, "％"):
		return Fine{Kind: FineRatio}
	case first < 0:
		return Fine{Kind: FineUnparsed}
	}
	rest := s[locs[first][1]:]
	min1, max1 := v1, v1
	switch {
	case strings.HasPrefix(rest, "以上") || hasRangeSep(rest):
		// A range needs the second amount at once: "以上" and at most a
		// separator between the two.
		if first+1 < len(locs) {
			next := locs[first+1]
			gap := strings.TrimPrefix(s[locs[first][1]:next[0]], "以上")
			for _, sep := range append([]string{"、", "，", ","}, rangeSeps...) {
				gap = strings.TrimPrefix(gap, sep)
			}
			if gap == "" {
				if v2, ok := parseYuanFen(s[next[2]:next[3]]); ok && v2 >= v1 {
					return Fine{Kind: FineRange, MinFen: &min1, MaxFen: &v2}
				}
			}
		}
		if strings.HasPrefix(rest, "以上") {
			return Fine{Kind: FineMinOnly, MinFen: &min1}
		}
		return Fine{Kind: FineUnparsed}
	case strings.HasPrefix(rest, "以下") || strings.HasPrefix(rest, "以内"):
		return Fine{Kind: FineMaxOnly, MaxFen: &max1}
	}
	return Fine{Kind: FineFixed, MinFen: &min1, MaxFen: &max1}
}

var rangeSeps = []string{"至", "到", "-", "—", "－", "～", "~"}

func hasRangeSep(rest string) bool {
	for _, sep := range rangeSeps {
		if strings.HasPrefix(rest, sep) {
			return true
		}
	}
	return false
}

var cnDigits = map[rune]int64{'零': 0, '〇': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}
var cnUnits = map[rune]int64{'十': 10, '百': 100, '千': 1000}

// parseYuanFen reads an amount in 元 written with Arabic digits ("20000",
// "1.5万", "5千"), Chinese numerals ("二万", "一百五十万", "十三万") or both, and
// returns it in 分. Only whole 分 are accepted.
func parseYuanFen(t string) (int64, bool) {
	t = strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return '0' + (r - '０')
		case r == '．':
			return '.'
		case r == ',' || r == '，':
			return -1
		}
		return r
	}, t)
	if t == "" {
		return 0, false
	}
	total := new(big.Rat)   // completed 万 / 亿 groups
	section := new(big.Rat) // the current group below 万
	var number *big.Rat     // the last number read, not yet placed
	runes := []rune(t)
	for i := 0; i < len(runes); {
		r := runes[i]
		switch {
		case r >= '0' && r <= '9' || r == '.':
			j := i
			for j < len(runes) && (runes[j] >= '0' && runes[j] <= '9' || runes[j] == '.') {
				j++
			}
			v, ok := new(big.Rat).SetString(string(runes[i:j]))
			if !ok || number != nil {
				return 0, false
			}
			number, i = v, j
			continue
		case cnDigits[r] != 0 || r == '零' || r == '〇':
			if number != nil && r != '零' && r != '〇' {
				return 0, false
			}
			if r != '零' && r != '〇' {
				number = big.NewRat(cnDigits[r], 1)
			}
		case cnUnits[r] != 0:
			n := number
			if n == nil {
				n = big.NewRat(1, 1) // 十万 = 一十万
			}
			section.Add(section, new(big.Rat).Mul(n, big.NewRat(cnUnits[r], 1)))
			number = nil
		case r == '万' || r == '亿':
			unit := int64(10000)
			if r == '亿' {
				unit = 100000000
			}
			if number != nil {
				section.Add(section, number)
				number = nil
			}
			if section.Sign() == 0 && total.Sign() == 0 {
				return 0, false
			}
			if r == '亿' {
				total.Add(total, section)
				total.Mul(total, big.NewRat(unit, 1))
			} else {
				total.Add(total, new(big.Rat).Mul(section, big.NewRat(unit, 1)))
			}
			section = new(big.Rat)
		default:
			return 0, false
		}
		i++
	}
	if number != nil {
		section.Add(section, number)
	}
	total.Add(total, section)
	fen := new(big.Rat).Mul(total, big.NewRat(100, 1))
	if !fen.IsInt() || fen.Sign() <= 0 || !fen.Num().IsInt64() {
		return 0, false
	}
	return fen.Num().Int64(), true
}
