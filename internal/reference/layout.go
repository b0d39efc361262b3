package reference

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode"

	"github.com/xingjian/xingjian/internal/tabular"
)

// Column roles of a discretion table and the header texts that name them.
// The first entry of each list is the Jiangmen layout's
// (序号 | 违法行为 | 法律依据 | 类别 | 裁量情节 | 裁量标准 | 备注).
var headerNames = map[string][]string{
	"code":            {"序号", "编号", "违法行为编号", "违法行为代码", "违法行为编码", "事项编码", "裁量编号"},
	"name":            {"违法行为", "违法行为名称", "违法事项", "事项名称"},
	"legal_basis":     {"法律依据", "法律法规依据", "依据"},
	"violation_basis": {"违法依据", "违法条款", "违则"},
	"penalty_basis":   {"处罚依据", "处罚条款", "罚则"},
	"level":           {"类别", "裁量阶次", "裁量等级", "裁量档次", "违法程度", "裁量阶段", "阶次"},
	"circumstance":    {"裁量情节", "情节", "违法情节", "适用条件", "具体情形"},
	"standard":        {"裁量标准", "处罚标准", "处罚裁量标准", "裁量幅度", "处罚幅度"},
	"remarks":         {"备注", "说明"},
}

func knownHeaders() ([]string, map[string]string) {
	var known []string
	role := map[string]string{}
	for r, names := range headerNames {
		for _, n := range names {
			known = append(known, n)
			role[n] = r
		}
	}
	return known, role
}

// SheetStat counts what one sheet gave.
type SheetStat struct {
	Sheet    string `json:"sheet"`
	Category string `json:"category"`
	Rows     int    `json:"rows"`     // benchmark rows read (accepted)
	Items    int    `json:"items"`    // distinct violation codes
	Rejected int    `json:"rejected"` // rows refused
	Skipped  bool   `json:"skipped"`  // no table on this sheet
}

// Reject is a refused row: where and why, in Chinese.
type Reject struct {
	Sheet  string `json:"sheet"`
	Line   int    `json:"line"`
	Column string `json:"column"`
	Value  string `json:"value"`
	Reason string `json:"reason"`
}

// MaxRows bounds the rows of one discretion table (all sheets): real tables
// have hundreds to a few thousand.
const MaxRows = 100_000

// parsedRow is one benchmark row read from a file, before it is stored.
type parsedRow struct {
	Sheet, Category                   string
	Line                              int
	Code, Name, LegalBasis            string
	ViolationBasis, PenaltyBasis      string
	Level, Circumstance, Std, Remarks string
	levelColumn                       bool
	continues                         bool // same violation item as the row above
}

// parseBook reads every worksheet of a discretion table: finds the header
// (under a title row naming the statute), fills merged areas with their
// top-left value (so values hidden under a merge are replaced by what Excel
// shows), carries a violation item's cells down to the rows that continue it,
// and returns the rows with the refused ones.
func parseBook(data []byte, name string) ([]parsedRow, []Reject, []SheetStat, error) {
	b, err := tabular.Open(bytes.NewReader(data), int64(len(data)), name)
	if err != nil {
		return nil, nil, nil, err
	}
	defer b.Close()
	merges := readMerges(data, b)
	haveMerges := b.Format != tabular.FormatCSV
	known, role := knownHeaders()
	var out []parsedRow
	var rejects []Reject
	var stats []SheetStat
	found := false
	total := 0
	for i, sheet := range b.Sheets {
		rs, err := b.Rows(i)
		if err != nil {
			return nil, nil, nil, err
		}
		var rows []tabular.Row
		for {
			r, err := rs.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				var te *tabular.Error
				if errors.As(err, &te) && te.Code == tabular.CodeMalformedCSV {
					rejects = append(rejects, Reject{Sheet: sheet, Line: te.Line, Reason: te.Message})
					continue
				}
				rs.Close()
				return nil, nil, nil, err
			}
			if total++; total > MaxRows {
				rs.Close()
				return nil, nil, nil, &tabular.Error{Code: tabular.CodeTooLarge,
					Message: fmt.Sprintf("裁量基准表过大（超过 %d 行），请拆分后导入", MaxRows)}
			}
			rows = append(rows, r)
		}
		rs.Close()
		st := SheetStat{Sheet: sheet}
		if len(rows) == 0 {
			st.Skipped = true
			stats = append(stats, st)
			continue
		}
		h, err := tabular.FindHeader(rows, known)
		cols := map[string]int{}
		if err == nil {
			for _, c := range h.Columns {
				if r := role[c.Known]; r != "" {
					if _, dup := cols[r]; !dup {
						cols[r] = c.Index
					}
				}
			}
		}
		_, hasName := cols["name"]
		_, hasStd := cols["standard"]
		if err != nil || !hasName || !hasStd {
			st.Skipped = true
			stats = append(stats, st)
			if !allBlank(rows) {
				rejects = append(rejects, Reject{Sheet: sheet, Reason: "未找到裁量基准表头（需含“违法行为”和“裁量标准”列），本工作表未导入"})
			}
			continue
		}
		found = true
		// Grid by line, then merged areas filled from their top-left cell.
		lastLine := rows[len(rows)-1].Line
		grid := make([][]string, lastLine+1)
		for _, r := range rows {
			grid[r.Line] = r.Cells
		}
		if i < len(merges) {
			for _, m := range merges[i] {
				top := m.FirstRow + 1
				if top <= h.Line || top > lastLine {
					continue
				}
				v := cell(grid[top], m.FirstCol)
				// Only the table's own columns are filled: a forged merge
				// over a whole sheet costs no more than its rows.
				for _, c := range cols {
					if c < m.FirstCol || c > m.LastCol {
						continue
					}
					for line := top; line <= m.LastRow+1 && line <= lastLine; line++ {
						grid[line] = setCell(grid[line], c, v)
					}
				}
			}
		}
		st.Category = categoryOf(rows[:h.Index+1-(h.Rows-1)])
		items := map[string]bool{}
		var prev *parsedRow
		for _, r := range rows[h.Index+1:] {
			cells := grid[r.Line]
			get := func(role string) (string, bool) {
				c, ok := cols[role]
				if !ok {
					return "", false
				}
				return strings.TrimSpace(cell(cells, c)), true
			}
			if allBlank([]tabular.Row{{Cells: cells}}) || tabular.IsTotalRow(tabular.Row{Cells: cells}) {
				continue
			}
			p := parsedRow{Sheet: sheet, Category: st.Category, Line: r.Line}
			p.Code, _ = get("code")
			p.Name, _ = get("name")
			p.LegalBasis, _ = get("legal_basis")
			p.ViolationBasis, _ = get("violation_basis")
			p.PenaltyBasis, _ = get("penalty_basis")
			p.Level, p.levelColumn = get("level")
			p.Circumstance, _ = get("circumstance")
			p.Std, _ = get("standard")
			p.Remarks, _ = get("remarks")
			// A row whose item cells are blank (or, merged, repeat the
			// item above) continues that item.
			if prev != nil && (p.Code == "" && p.Name == "" || p.Code == prev.Code && p.Name == prev.Name) {
				p.Code, p.Name = prev.Code, prev.Name
				if p.LegalBasis == "" && p.ViolationBasis == "" && p.PenaltyBasis == "" {
					p.LegalBasis, p.ViolationBasis, p.PenaltyBasis = prev.LegalBasis, prev.ViolationBasis, prev.PenaltyBasis
				}
				// Without merge information (CSV) a blank remark belongs
				// to the item, as a merged one would.
				if !haveMerges && p.Remarks == "" {
					p.Remarks = prev.Remarks
				}
				// A circumstance listed under the level above with
				// neither level nor standard (blank, not merged) shares
				// them: 固废 4-17 lists 擅自转移 tonnages that way.
				if p.Level == "" && p.Std == "" && p.Circumstance != "" {
					p.Level, p.Std = prev.Level, prev.Std
				}
				p.continues = true
			}
			if reason, col, val := validateRow(p, cols); reason != "" {
				rejects = append(rejects, Reject{Sheet: sheet, Line: r.Line, Column: col, Value: val, Reason: reason})
				st.Rejected++
				continue
			}
			if p.Code == "" {
				// Tables without an item number: the name is the key.
				p.Code = p.Name
			}
			out = append(out, p)
			prev = &out[len(out)-1]
			items[p.Code] = true
			st.Rows++
		}
		st.Items = len(items)
		stats = append(stats, st)
	}
	if !found {
		return nil, nil, nil, &tabular.Error{Code: tabular.CodeNoHeader, Message: "文件中没有裁量基准表：未找到含“违法行为”“裁量标准”等列名的表头"}
	}
	return out, rejects, stats, nil
}

// validateRow says why a row cannot be stored, naming the column.
func validateRow(p parsedRow, cols map[string]int) (reason, col, val string) {
	_, hasCode := cols["code"]
	switch {
	case p.Name == "":
		return "缺少违法行为（该行之上也没有可延续的违法行为）", "违法行为", ""
	case hasCode && p.Code == "":
		return "缺少序号（违法行为编号）", "序号", ""
	case p.Std == "" && p.Circumstance == "":
		return "裁量情节和裁量标准均为空", "裁量标准", ""
	case p.Std == "":
		return "缺少裁量标准", "裁量标准", ""
	case p.levelColumn && p.Level == "":
		return "缺少裁量阶次（类别）", "类别", ""
	case len([]rune(p.Code)) > 64:
		return "序号过长（超过 64 个字符）", "序号", p.Code
	case len([]rune(p.Level)) > 32:
		return "裁量阶次过长（超过 32 个字符）", "类别", p.Level
	}
	return "", "", ""
}

func cell(cells []string, i int) string {
	if i < 0 || i >= len(cells) {
		return ""
	}
	return cells[i]
}

func setCell(cells []string, i int, v string) []string {
	for len(cells) <= i {
		cells = append(cells, "")
	}
	cells[i] = v
	return cells
}

func allBlank(rows []tabular.Row) bool {
	for _, r := range rows {
		if !tabular.IsBlank(r) {
			return false
		}
	}
	return true
}

// ordinalRE strips a title's ordinal: "二、", "十二、", "1." …
var ordinalRE = regexp.MustCompile(`^\s*(?:[一二三四五六七八九十百]+|[0-9]+)\s*[、.．]\s*`)

// categoryOf is the sheet's title above its header (the statute the
// section covers), without its ordinal; "" when there is none.
func categoryOf(above []tabular.Row) string {
	for i := len(above) - 2; i >= 0; i-- { // the header itself is last
		var texts []string
		for _, c := range above[i].Cells {
			if t := strings.TrimSpace(c); t != "" {
				texts = append(texts, t)
			}
		}
		if len(texts) == 1 {
			return strings.TrimSpace(ordinalRE.ReplaceAllString(texts[0], ""))
		}
	}
	return ""
}

// citationRE finds statute citations: 《name》, an optional version note in
// brackets, then the article with its paragraph and item.
var citationRE = regexp.MustCompile(`《[^》]{2,60}》(?:[（(][^）)]{1,20}[）)])?(?:第[零〇一二三四五六七八九十百千0-9]+条(?:第[零〇一二三四五六七八九十百千0-9]+款)?(?:第?[（(][零〇一二三四五六七八九十0-9]+[）)]项)?(?:、第?[零〇一二三四五六七八九十百千0-9]+[条款])*)`)

// Citations lists the distinct statute citations in a legal-basis text, in
// order, e.g. "《中华人民共和国水污染防治法》（2017年修订）第八十一条".
func Citations(text string) []string {
	clean := strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, text)
	// A basis that opens without its 《 ("中华人民共和国放射性污染防治法》第五十五条")
	// gets it back.
	if open, end := strings.Index(clean, "《"), strings.Index(clean, "》"); end > 0 && end < 180 && (open < 0 || open > end) {
		clean = "《" + clean
	}
	var out []string
	seen := map[string]bool{}
	for _, m := range citationRE.FindAllString(clean, -1) {
		if !seen[m] {
			seen[m] = true
			out = append(out, m)
		}
	}
	return out
}
