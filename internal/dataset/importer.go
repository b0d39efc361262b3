package dataset

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/xingjian/xingjian/internal/apperr"
	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/batch"
	"github.com/xingjian/xingjian/internal/ident"
	"github.com/xingjian/xingjian/internal/store"
	"github.com/xingjian/xingjian/internal/tabular"
)

// BatchKind is the import_batches.kind of a dataset's batches.
func BatchKind(name string) string { return "dataset:" + name }

// FileImport describes one file of a dataset to import.
type FileImport struct {
	AgencyID int64 // the org that supplies the rows
	FileName string
	File     io.ReaderAt
	Size     int64
	// Progress, when set, is called after every chunk of rows with the rows
	// done (stored or refused).
	Progress func(rows int)
	// BytesRead, when set, follows how far into a CSV file reading has got;
	// it is set to -1 for workbooks, which cannot be measured so.
	BytesRead *atomic.Int64
}

// ImportFile imports a CSV/XLSX/XLS file of a dataset for an agency; see
// Import.
func ImportFile(ctx context.Context, db *store.DB, p *auth.Principal, kindName string, agencyID int64, name string,
	r io.ReaderAt, size int64, progress func(int)) (batch.Report, error) {
	return Import(ctx, db, p, kindName, FileImport{AgencyID: agencyID, FileName: name, File: r, Size: size, Progress: progress})
}

// Import validates every row of a file of a dataset kind and stores the good
// ones, in one transaction with the batch record and every refused row's
// reasons (batch.Run): a failure at any point leaves nothing behind. The
// header is found and read like an enforcement file's (title rows, two-row
// headers, labels or synonyms, units); a file lacking a key column, or a
// required one, is refused whole before anything is written. A re-import of
// the same rows changes nothing; a row whose key exists with other content
// is updated in place. Needs dataset.import and the agency in the caller's
// scope.
func Import(ctx context.Context, db *store.DB, p *auth.Principal, kindName string, in FileImport) (batch.Report, error) {
	k, err := prepare(ctx, db, p, kindName, in.AgencyID)
	if err != nil {
		return batch.Report{}, err
	}
	sum, err := fileHash(in.File, in.Size)
	if err != nil {
		return batch.Report{}, apperr.Wrap(err, "invalid_file", "无法读取上传的文件")
	}
	var r io.ReaderAt = in.File
	if in.BytesRead != nil {
		r = countingReaderAt{in.File, in.BytesRead}
	}
	book, err := tabular.Open(r, in.Size, in.FileName)
	if err != nil {
		return batch.Report{}, fileError(err)
	}
	defer book.Close()
	if book.Format != tabular.FormatCSV && in.BytesRead != nil {
		in.BytesRead.Store(-1)
	}
	sheet, err := book.Rows(0)
	if err != nil {
		return batch.Report{}, fileError(err)
	}
	defer sheet.Close()
	h, rows, err := tabular.ScanHeader(sheet, k.headerTexts(), tabular.DefaultHeaderScan)
	if err != nil {
		if errors.Is(err, &tabular.Error{Code: tabular.CodeNoHeader}) {
			return batch.Report{}, apperr.Wrap(err, "invalid_file", fmt.Sprintf("未能识别表头：文件前 %d 行中找不到“%s”的列名，应包含：%s",
				tabular.DefaultHeaderScan, k.Label, k.expectedColumns()))
		}
		return batch.Report{}, fileError(err)
	}
	lay, err := bindHeader(k, h)
	if err != nil {
		return batch.Report{}, err
	}
	pr := newRowParser(k, lay, book.Date1904)
	meta := batch.Meta{Kind: BatchKind(k.Name), AgencyID: in.AgencyID, Source: "file", FileName: in.FileName, SHA256: sum, Size: in.Size}
	return run(ctx, db, p, k, meta, in.Progress, func(ctx context.Context, emit func(int, dsRow, []batch.RowError) error) error {
		for {
			row, err := rows.Next()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return fileError(err)
			}
			if tabular.IsBlank(row) || tabular.IsTotalRow(row) {
				continue
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			rec, errs := pr.parse(row)
			if err := emit(row.Line, rec, errs); err != nil {
				return err
			}
		}
	})
}

// ImportRows imports rows given as strings under a header (the demo seeder,
// tests, a future push API) with exactly the validation of a file: the
// header is line 1 and the rows lines 2, 3, ….
func ImportRows(ctx context.Context, db *store.DB, p *auth.Principal, kindName string, agencyID int64, header []string, rows [][]string) (batch.Report, error) {
	k, err := prepare(ctx, db, p, kindName, agencyID)
	if err != nil {
		return batch.Report{}, err
	}
	h, err := tabular.FindHeader([]tabular.Row{{Line: 1, Cells: header}}, k.headerTexts())
	if err != nil {
		return batch.Report{}, apperr.Wrap(err, "invalid_file", fmt.Sprintf("未能识别表头：找不到“%s”的列名，应包含：%s", k.Label, k.expectedColumns()))
	}
	lay, err := bindHeader(k, h)
	if err != nil {
		return batch.Report{}, err
	}
	pr := newRowParser(k, lay, false)
	meta := batch.Meta{Kind: BatchKind(k.Name), AgencyID: agencyID, Source: "api"}
	return run(ctx, db, p, k, meta, nil, func(ctx context.Context, emit func(int, dsRow, []batch.RowError) error) error {
		for i, cells := range rows {
			row := tabular.Row{Line: i + 2, Cells: cells}
			if tabular.IsBlank(row) {
				continue
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			rec, errs := pr.parse(row)
			if err := emit(row.Line, rec, errs); err != nil {
				return err
			}
		}
		return nil
	})
}

// prepare checks that p may import rows of kindName for agencyID and returns
// the kind.
func prepare(ctx context.Context, db *store.DB, p *auth.Principal, kindName string, agencyID int64) (Kind, error) {
	if !p.Can(auth.PermDatasetImport) {
		return Kind{}, apperr.Forbidden()
	}
	if !p.Scope().Allows(agencyID) {
		return Kind{}, apperr.New("forbidden", "只能为本单位导入数据")
	}
	k, err := lookupKind(ctx, db, kindName)
	if err != nil {
		return Kind{}, err
	}
	if k.Enforcement {
		return Kind{}, apperr.New("validation_failed", fmt.Sprintf("“%s”是执法数据，请在“执法数据导入”中导入", k.Label))
	}
	if ok, err := tableExists(ctx, db, k.Table()); err != nil {
		return Kind{}, err
	} else if !ok {
		// A database that has not been synced since the kind was embedded
		// (a test, a seeder run before serve): create the tables now.
		if err := Sync(ctx, db); err != nil {
			return Kind{}, err
		}
	}
	var disabled bool
	if err := db.QueryRowContext(ctx, "SELECT disabled FROM orgs WHERE id = ?", agencyID).Scan(&disabled); err != nil {
		return Kind{}, apperr.NotFound("报送单位")
	}
	if disabled {
		return Kind{}, apperr.New("validation_failed", "报送单位已停用，不能导入数据")
	}
	return k, nil
}

func run(ctx context.Context, db *store.DB, p *auth.Principal, k Kind, meta batch.Meta, progress func(int), src batch.Source[dsRow]) (batch.Report, error) {
	return batch.Run(ctx, db, func() int64 { return time.Now().UnixMilli() }, p, meta, progress, src,
		func(batchID, now int64) batch.Sink[dsRow] {
			return &sink{kind: k, agencyID: meta.AgencyID, batchID: batchID, now: now}
		})
}

// headerTexts are the header texts of the kind's columns: labels, then
// synonyms.
func (k Kind) headerTexts() []string {
	var out []string
	for _, c := range k.Columns {
		if c.Expr == "" {
			out = append(out, c.Label)
			out = append(out, c.Synonyms...)
		}
	}
	return out
}

// expectedColumns names the key columns and then the required ones, for an
// error message.
func (k Kind) expectedColumns() string {
	var parts []string
	for _, c := range k.Columns {
		switch {
		case k.IsKey(c.Name):
			parts = append(parts, "“"+c.Label+"”（标识列）")
		case c.Required:
			parts = append(parts, "“"+c.Label+"”")
		}
	}
	return strings.Join(parts, "、")
}

// headerKey is the matching form of a header text.
func headerKey(s string) string { return strings.ToLower(tabular.NormalizeHeader(s)) }

// headerBase drops a trailing parenthesised note: "金额(万元)" → "金额"; ""
// when there is none.
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

// slot is where a kind's column is in the file.
type slot struct {
	index  int    // cell index, -1 when the file lacks the column
	header string // the file's header text, for the reject report
	unit   tabular.Unit
}

// bindHeader finds each of the kind's columns in a located header by its
// label or a synonym. A missing key column, or a missing required column,
// refuses the file with every missing column named and the header found.
func bindHeader(k Kind, h tabular.Header) ([]slot, error) {
	lay := make([]slot, len(k.Columns))
	for i := range lay {
		lay[i] = slot{index: -1}
	}
	// The header texts of each column, exact and without a trailing
	// parenthesised note (a unit): "发放金额（万元）" finds the column
	// labelled "发放金额（元）" even when "发放金额" is also its synonym
	// (which makes the reader's own match ambiguous).
	exact, base := map[string]int{}, map[string]int{}
	for i, c := range k.Columns {
		if c.Expr != "" {
			continue
		}
		for _, text := range append([]string{c.Label}, c.Synonyms...) {
			key := headerKey(text)
			if key == "" {
				continue
			}
			if _, dup := exact[key]; !dup {
				exact[key] = i
			}
			for _, b := range []string{key, headerBase(key)} {
				if b == "" {
					continue
				}
				if prev, seen := base[b]; seen && prev != i {
					base[b] = -1
				} else {
					base[b] = i
				}
			}
		}
	}
	assign := func(i int, hc tabular.Column) {
		lay[i] = slot{index: hc.Index, header: strings.TrimSpace(hc.Raw)}
		if k.Columns[i].Type == Money {
			lay[i].unit = tabular.UnitFromHeader(hc.Raw)
			if lay[i].unit == tabular.UnitUnknown {
				lay[i].unit = tabular.UnitFromHeader(k.Columns[i].Label)
			}
			if lay[i].unit == tabular.UnitUnknown {
				lay[i].unit = tabular.Yuan // the platform's money is written in 元 unless a header says 万元
			}
		}
	}
	used := map[int]bool{}
	for pass := 0; pass < 2; pass++ {
		for _, hc := range h.Columns {
			if used[hc.Index] {
				continue
			}
			key := headerKey(hc.Name)
			if hc.Known != "" && pass == 0 {
				key = headerKey(hc.Known)
			}
			i, ok := exact[key]
			if pass == 1 {
				b := headerBase(key)
				if b == "" {
					b = key
				}
				i, ok = base[b]
			}
			if !ok || i < 0 || lay[i].index >= 0 {
				continue
			}
			used[hc.Index] = true
			assign(i, hc)
		}
	}
	var missing []string
	for i, c := range k.Columns {
		if lay[i].index >= 0 || c.Expr != "" {
			continue
		}
		what := ""
		switch {
		case k.IsKey(c.Name):
			what = "标识列"
		case c.Required:
			what = "必填列"
		default:
			continue
		}
		s := fmt.Sprintf("缺少%s“%s”", what, c.Label)
		if len(c.Synonyms) > 0 {
			s += "（也可写作：" + strings.Join(c.Synonyms, "、") + "）"
		}
		missing = append(missing, s)
	}
	if len(missing) == 0 {
		return lay, nil
	}
	msg := k.Label + "：" + strings.Join(missing, "；") + "，文件未导入"
	var found []string
	for _, c := range h.Columns {
		if t := strings.TrimSpace(c.Raw); t != "" {
			found = append(found, t)
		}
	}
	if len(found) > 0 {
		msg += fmt.Sprintf("。文件第 %d 行的表头为：%s", max(h.Line, 1), strings.Join(found, "、"))
	}
	return nil, apperr.New("invalid_file", msg)
}

// dsRow is a validated row ready to store.
type dsRow struct {
	key   string // the keys' canonical text, for matching stored rows
	vals  []any  // in kind column order (expression columns left out)
	flags string
	hash  string
}

// rowParser reads the rows of one batch.
type rowParser struct {
	kind     Kind
	cols     []Column // stored columns
	lay      []slot   // their places in the file
	keyIdx   []int    // indexes into cols of the keys, in key order
	date1904 bool
	seen     map[string]int // key → line of the first row stored with it
}

func newRowParser(k Kind, lay []slot, date1904 bool) *rowParser {
	p := &rowParser{kind: k, date1904: date1904, seen: map[string]int{}}
	for i, c := range k.Columns {
		if c.Expr != "" {
			continue
		}
		p.cols = append(p.cols, c)
		p.lay = append(p.lay, lay[i])
	}
	for _, key := range k.Keys {
		for i, c := range p.cols {
			if c.Name == key {
				p.keyIdx = append(p.keyIdx, i)
			}
		}
	}
	return p
}

// placeholders are what clerks write in an empty cell.
var placeholders = map[string]bool{
	"-": true, "--": true, "---": true, "—": true, "——": true, "/": true, "//": true, "\\": true,
	"无": true, "空": true, "暂无": true, "null": true, "NULL": true, "Null": true, "N/A": true, "n/a": true, "NA": true,
}

// parse validates one row: every refused cell with its reason, or the
// stored values. It never panics on input.
func (p *rowParser) parse(row tabular.Row) (dsRow, []batch.RowError) {
	var errs []batch.RowError
	var flags []string
	vals := make([]any, len(p.cols))
	empty := make([]bool, len(p.cols))
	for i, c := range p.cols {
		sl := p.lay[i]
		fail := func(reason string) {
			errs = append(errs, batch.RowError{Line: row.Line, Column: sl.header, Value: row.Cell(sl.index), Reason: reason})
		}
		raw := ""
		if sl.index >= 0 {
			raw = row.Cell(sl.index)
		}
		text := ident.NormalizeText(raw)
		if placeholders[text] {
			text = ""
		}
		empty[i] = text == ""
		var v any
		switch c.Type {
		case Text:
			v = text
			if text != "" && len(c.Values) > 0 {
				if canon, ok := matchValue(c.Values, text); ok {
					v = canon
				} else {
					fail(fmt.Sprintf("“%s”的值“%s”不在允许范围内，应为：%s", c.Label, text, strings.Join(c.Values, "、")))
				}
			}
		case IDNo:
			v = text
			if text != "" {
				id, err := ident.ParseResidentID(text)
				switch {
				case err == nil:
					v = id.Number
				case ident.IsSoft(err):
					v = id.Number
					flags = append(flags, "bad_"+c.Name)
				default:
					flags = append(flags, "bad_"+c.Name)
				}
			}
		case USCC:
			v = text
			if text != "" {
				u, err := ident.ParseUSCC(text)
				switch {
				case err == nil:
					v = u.Code
				case ident.IsSoft(err):
					v = u.Code
					flags = append(flags, "bad_"+c.Name)
				default:
					flags = append(flags, "bad_"+c.Name)
				}
			}
		case Date:
			if text != "" {
				d, err := p.date(text)
				if err != nil {
					fail(fmt.Sprintf("“%s”：%s", c.Label, err.Error()))
					empty[i] = false // refused already; not "missing" too
				} else {
					v = d.String()
				}
			}
		case Money:
			if text != "" {
				fen, ok, err := tabular.ParseAmount(raw, sl.unit)
				switch {
				case err != nil:
					fail(fmt.Sprintf("“%s”：%s", c.Label, err.Error()))
					empty[i] = false
				case ok:
					v = fen
				default:
					empty[i] = true
				}
			}
		case Int:
			if text != "" {
				n, err := parseInt(text)
				if err != nil {
					fail(fmt.Sprintf("“%s”的值“%s”应为整数", c.Label, text))
					empty[i] = false
				} else {
					v = n
				}
			}
		case Bool:
			if text != "" {
				b, ok := parseBool(text)
				if !ok {
					fail(fmt.Sprintf("“%s”的值“%s”应为 是 或 否", c.Label, text))
					empty[i] = false
				} else {
					v = b
				}
			}
		}
		vals[i] = v
	}
	for i, c := range p.cols {
		if !empty[i] {
			continue
		}
		switch {
		case p.kind.IsKey(c.Name):
			errs = append(errs, batch.RowError{Line: row.Line, Column: p.lay[i].header, Reason: fmt.Sprintf("标识列“%s”不能为空", c.Label)})
		case c.Required:
			errs = append(errs, batch.RowError{Line: row.Line, Column: p.lay[i].header, Reason: fmt.Sprintf("“%s”不能为空", c.Label)})
		}
	}
	if len(errs) > 0 {
		return dsRow{}, errs
	}
	key := p.keyOf(vals)
	if first, dup := p.seen[key]; dup {
		labels := make([]string, len(p.keyIdx))
		for j, i := range p.keyIdx {
			labels[j] = p.cols[i].Label
		}
		return dsRow{}, []batch.RowError{{Line: row.Line, Reason: fmt.Sprintf("标识列（%s）与第 %d 行重复", strings.Join(labels, "、"), first)}}
	}
	p.seen[strings.Clone(key)] = row.Line
	sort.Strings(flags)
	r := dsRow{key: key, vals: vals, flags: strings.Join(flags, ",")}
	r.hash = contentHash(vals, r.flags)
	return r, nil
}

func (p *rowParser) keyOf(vals []any) string {
	var b strings.Builder
	for j, i := range p.keyIdx {
		if j > 0 {
			b.WriteByte(0x1f)
		}
		b.WriteString(canon(p.cols[i].Type, vals[i]))
	}
	return b.String()
}

// date reads a date cell; a workbook in the 1904 date system has its serial
// numbers read in that system.
func (p *rowParser) date(s string) (tabular.Date, error) {
	if p.date1904 && !strings.ContainsAny(s, "eE-/.年") && len(s) < 12 {
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return tabular.DateFromSerial(f, true)
		}
	}
	return tabular.ParseDate(s)
}

// matchValue finds s in a closed list, tolerant of spaces and case.
func matchValue(vals []string, s string) (string, bool) {
	k := valueKey(s)
	for _, v := range vals {
		if valueKey(v) == k {
			return v, true
		}
	}
	return "", false
}

func valueKey(s string) string {
	return strings.ToLower(strings.ReplaceAll(ident.NormalizeText(s), " ", ""))
}

// intUnits are what clerks write after a count.
var intUnits = []string{"个月", "月", "天", "日", "年", "人", "次", "个", "件", "元"}

// parseInt reads a whole number: "36", "36.0" (a number cell), "1,200",
// "36个月".
func parseInt(s string) (int64, error) {
	t := strings.ReplaceAll(strings.ReplaceAll(s, " ", ""), ",", "")
	for _, u := range intUnits {
		if strings.HasSuffix(t, u) {
			t = strings.TrimSuffix(t, u)
			break
		}
	}
	if n, err := strconv.ParseInt(t, 10, 64); err == nil {
		return n, nil
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, errors.New("not an integer")
	}
	return int64(f), nil
}

var boolWords = map[string]bool{
	"是": true, "否": false, "y": true, "n": false, "yes": true, "no": false, "1": true, "0": false,
	"true": true, "false": false, "有": true, "√": true, "×": false, "对": true,
}

func parseBool(s string) (bool, bool) {
	b, ok := boolWords[strings.ToLower(strings.ReplaceAll(s, " ", ""))]
	return b, ok
}

// canon is the comparable text of a stored value of type t, whatever the
// driver scanned it as (PostgreSQL dates arrive as time.Time, SQLite
// booleans as integers).
func canon(t ColType, v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		if t == Date && len(x) > 10 {
			return x[:10]
		}
		return x
	case []byte:
		return canon(t, string(x))
	case time.Time:
		return x.Format("2006-01-02")
	case bool:
		if x {
			return "1"
		}
		return "0"
	case int64:
		return strconv.FormatInt(x, 10)
	}
	return fmt.Sprint(v)
}

// contentHash identifies a row's content: a re-import with the same hash
// changes nothing.
func contentHash(vals []any, flags string) string {
	h := sha256.New()
	for _, v := range vals {
		var tag byte = 'n'
		s := ""
		switch x := v.(type) {
		case string:
			tag, s = 's', x
		case int64:
			tag, s = 'i', strconv.FormatInt(x, 10)
		case bool:
			tag, s = 'b', strconv.FormatBool(x)
		}
		fmt.Fprintf(h, "%c%d:%s", tag, len(s), s)
	}
	fmt.Fprintf(h, "f%d:%s", len(flags), flags)
	return "d1" + hex.EncodeToString(h.Sum(nil))[:30]
}

func fileHash(r io.ReaderAt, size int64) (string, error) {
	h := sha256.New()
	if _, err := io.Copy(h, io.NewSectionReader(r, 0, size)); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// countingReaderAt records the furthest offset read.
type countingReaderAt struct {
	r   io.ReaderAt
	max *atomic.Int64
}

func (c countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	for end := off + int64(n); ; {
		cur := c.max.Load()
		if cur < 0 || end <= cur || c.max.CompareAndSwap(cur, end) {
			break
		}
	}
	return n, err
}

// fileError turns a reading problem into the user's error, keeping the
// reader's Chinese message.
func fileError(err error) error {
	var te *tabular.Error
	if errors.As(err, &te) {
		msg := te.Message
		if te.Line > 0 {
			msg = fmt.Sprintf("第 %d 行：%s", te.Line, msg)
		}
		return apperr.Wrap(err, "invalid_file", msg)
	}
	var ae *apperr.Error
	if errors.As(err, &ae) {
		return ae
	}
	return fmt.Errorf("dataset: read file: %w", err)
}
