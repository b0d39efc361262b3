package tabular

import (
	"errors"
	"io"
	"strings"
)

// DefaultHeaderScan is how many rows [ScanHeader] reads looking for the
// header when given no limit.
const DefaultHeaderScan = 30

// Column is one column of a located header.
type Column struct {
	Index int    // 0-based cell index in each row
	Name  string // normalised name (see NormalizeHeader); for two-row headers, see FindHeader
	Group string // normalised group label from the row above, for two-row headers
	Raw   string // the header text as written, "group/name" for two-row headers
	Known string // the entry of the known list this column matched, "" if none
}

// Header is the located header of a sheet.
type Header struct {
	Index   int // index in the scanned rows of the last header row; data follows it
	Line    int // that row's line in the file
	Rows    int // 1, or 2 for a group row above a name row
	Columns []Column
	Matched int // how many distinct known names were found
}

// Column returns the first column that matched the known name k.
func (h Header) Column(k string) (Column, bool) {
	for _, c := range h.Columns {
		if c.Known == k {
			return c, true
		}
	}
	return Column{}, false
}

// matcher finds known names in header text, tolerant of whitespace, width,
// bracket style, required-markers, ASCII case and, failing an exact match, of
// a differing trailing parenthesised note ("罚款金额（元）" matches
// "罚款金额（万元）": the unit is the caller's business, see UnitFromHeader).
type matcher struct {
	exact map[string]string
	base  map[string]string // "" value: ambiguous
}

func newMatcher(known []string) matcher {
	m := matcher{exact: map[string]string{}, base: map[string]string{}}
	for _, k := range known {
		key := headerKey(k)
		if key == "" {
			continue
		}
		if _, dup := m.exact[key]; !dup {
			m.exact[key] = k
		}
		b := headerBase(key)
		if b == "" {
			b = key
		}
		if prev, seen := m.base[b]; seen && prev != k {
			m.base[b] = ""
		} else {
			m.base[b] = k
		}
	}
	return m
}

func (m matcher) match(text string) string {
	key := headerKey(text)
	if key == "" {
		return ""
	}
	if k, ok := m.exact[key]; ok {
		return k
	}
	b := headerBase(key)
	if b == "" {
		b = key
	}
	return m.base[b]
}

// FindHeader locates the header among the first rows of a sheet: the row —
// or pair of rows — whose cells match the most distinct names in known.
// Title rows ("2024年行政处罚信息公示表"), notes and blank rows above the
// header match nothing and are passed over. Matching is by [NormalizeHeader]
// and is tolerant as described there.
//
// A two-row header, where merged cells in the upper row label groups of
// columns named in the lower row (处罚金额 over 罚款金额（万元） and
// 没收金额（万元）) and columns without a group are merged down from the upper
// row, is read column by column: an upper label carries right over the
// blank cells of its merged span (where the lower row continues), the lower
// name alone is used when it is known, else upper+lower when that is known,
// else the upper label alone when the lower cell is blank, else upper+lower.
// A pair is preferred to a single row only when it matches strictly more, so
// a title row over the header is never mistaken for a group row.
//
// Rows beyond the first DefaultHeaderScan are not considered. If no
// candidate matches at least min(2, len(known)) names, the error is
// [ErrNoHeader].
func FindHeader(rows []Row, known []string) (Header, error) {
	m := newMatcher(known)
	need := min(2, len(m.exact))
	if need == 0 {
		need = 1
	}
	n := min(len(rows), DefaultHeaderScan)
	singles := make([]Header, n)
	for i := range n {
		singles[i] = singleHeader(rows[i], i, m)
	}
	best := Header{Index: -1}
	for i := range n {
		cand := singles[i]
		if i > 0 {
			if d := doubleHeader(rows[i-1], rows[i], i, m); d.Matched > singles[i].Matched && d.Matched > singles[i-1].Matched {
				cand = d
			}
		}
		if cand.Matched > best.Matched {
			best = cand
		}
	}
	if best.Index < 0 || best.Matched < need {
		return Header{}, newErr(ErrNoHeader, 0, nil)
	}
	return best, nil
}

func singleHeader(r Row, i int, m matcher) Header {
	h := Header{Index: i, Line: r.Line, Rows: 1}
	seen := map[string]bool{}
	for c, text := range r.Cells {
		col := Column{Index: c, Name: NormalizeHeader(text), Raw: strings.TrimSpace(text), Known: m.match(text)}
		if col.Known != "" && !seen[col.Known] {
			seen[col.Known] = true
			h.Matched++
		}
		h.Columns = append(h.Columns, col)
	}
	trimColumns(&h)
	return h
}

func doubleHeader(top, bottom Row, i int, m matcher) Header {
	h := Header{Index: i, Line: bottom.Line, Rows: 2}
	seen := map[string]bool{}
	width := max(len(top.Cells), len(bottom.Cells))
	prevGroup, prevHadName := "", false
	for c := 0; c < width; c++ {
		rawA, rawB := strings.TrimSpace(top.Cell(c)), strings.TrimSpace(bottom.Cell(c))
		a, b := NormalizeHeader(rawA), NormalizeHeader(rawB)
		if a == "" && b != "" && prevGroup != "" && prevHadName {
			a = prevGroup // inside a horizontally merged group label
		}
		col := Column{Index: c}
		switch {
		case a == "":
			col.Name, col.Raw, col.Known = b, rawB, m.match(b)
		case b == "":
			col.Name, col.Raw, col.Known = a, rawA, m.match(a)
		default:
			col.Group, col.Raw = a, a+"/"+rawB
			if k := m.match(b); k != "" {
				col.Name, col.Known = b, k
			} else {
				col.Name, col.Known = a+b, m.match(a+b)
			}
		}
		if col.Known != "" && !seen[col.Known] {
			seen[col.Known] = true
			h.Matched++
		}
		h.Columns = append(h.Columns, col)
		prevGroup, prevHadName = a, b != ""
	}
	trimColumns(&h)
	return h
}

// trimColumns drops trailing nameless columns.
func trimColumns(h *Header) {
	for len(h.Columns) > 0 && h.Columns[len(h.Columns)-1].Name == "" {
		h.Columns = h.Columns[:len(h.Columns)-1]
	}
}

// ScanHeader reads up to maxRows rows (DefaultHeaderScan if maxRows ≤ 0)
// from rs, locates the header with [FindHeader], and returns it with a Rows
// that yields the data rows: those read past the header, then the rest of
// rs. Closing the returned Rows closes rs.
func ScanHeader(rs Rows, known []string, maxRows int) (Header, Rows, error) {
	if maxRows <= 0 {
		maxRows = DefaultHeaderScan
	}
	var buf []Row
	for len(buf) < maxRows {
		r, err := rs.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var te *Error
			if errors.As(err, &te) && te.Code == CodeMalformedCSV {
				continue
			}
			return Header{}, nil, err
		}
		buf = append(buf, r)
	}
	h, err := FindHeader(buf, known)
	if err != nil {
		return Header{}, nil, err
	}
	return h, &replayRows{pending: buf[h.Index+1:], rest: rs}, nil
}

type replayRows struct {
	pending []Row
	rest    Rows
}

func (p *replayRows) Next() (Row, error) {
	if len(p.pending) > 0 {
		r := p.pending[0]
		p.pending = p.pending[1:]
		return r, nil
	}
	return p.rest.Next()
}

func (p *replayRows) Close() error { return p.rest.Close() }

// IsBlank reports a row whose cells are all empty or whitespace (including
// full-width spaces and line breaks).
func IsBlank(r Row) bool {
	for _, c := range r.Cells {
		if !blankCell(c) {
			return false
		}
	}
	return true
}

func blankCell(s string) bool {
	for _, r := range s {
		if !isSpaceLike(r) {
			return false
		}
	}
	return true
}

// totalWords mark summary rows under a table.
var totalWords = []string{"合计", "总计", "小计", "共计", "总合计"}

// IsTotalRow reports a summary row: one of its first two non-empty cells,
// with whitespace removed, begins with 合计, 总计, 小计 or 共计 ("合  计",
// "合计：", "总计（共15条）") and is short (at most 20 characters), so that a
// fact description mentioning 合计 is not taken for one.
func IsTotalRow(r Row) bool {
	seen := 0
	for _, c := range r.Cells {
		if blankCell(c) {
			continue
		}
		if !strings.Contains(c, "计") {
			if seen++; seen == 2 {
				break
			}
			continue
		}
		f := fold(c)
		if len([]rune(f)) <= 20 {
			for _, w := range totalWords {
				if strings.HasPrefix(f, w) {
					return true
				}
			}
		}
		if seen++; seen == 2 {
			break
		}
	}
	return false
}
