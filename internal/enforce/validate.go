package enforce

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/xingjian/xingjian/internal/ident"
	"github.com/xingjian/xingjian/internal/tabular"
)

// RowContext is what ParseRow needs to know beyond the row itself.
type RowContext struct {
	// AgencyName and AgencyUSCC identify the importing agency: they fill a
	// blank 处罚机关 / 数据来源单位, and a 处罚机关统一社会信用代码 in the file
	// that differs from AgencyUSCC flags the record FlagAgencyMismatch.
	AgencyName string
	AgencyUSCC string
	// Domains are the known enforcement domains (directory table domains),
	// code → Chinese name: 执法领域 may be written either way and is stored
	// as the code. With nil Domains the text is kept as written.
	Domains map[string]string
	// Today is the date against which "in the future" is judged; zero means
	// the current date in China (UTC+8).
	Today tabular.Date
	// Date1904 is the workbook's 1904 date system (tabular.Book.Date1904):
	// Excel serial numbers in date cells count from 1904-01-01.
	Date1904 bool
	// File, when set, holds what ParseRow remembers across the rows of one
	// file: the document numbers seen, for the duplicate check, and the
	// mapping resolved against the header, which makes ParseRow fast. Use
	// one NewFileState per file; nil skips the duplicate check.
	File *FileState
}

// FileState is ParseRow's memory of one file (see RowContext.File). It is
// not safe for concurrent use. It holds every document number of the file
// (about 80 bytes each).
type FileState struct {
	seen map[string]int // normalised document number → line of its first row

	// the last compiled plan and what it was compiled from
	plan    *plan
	mapping Mapping
	header  []tabular.Column

	domains    map[string]string // the RowContext.Domains domainMemo is for
	domainMemo map[string]string // 执法领域 text → code

	// Values repeat down a file (the agency's code, a handful of dates):
	// what parsed well once is not parsed again.
	dates map[string]tabular.Date
	usccs map[string]struct{}
}

// memoLimit bounds each memo of a FileState; a full memo starts afresh.
const memoLimit = 4096

func (fs *FileState) date(s string) (tabular.Date, bool) {
	if fs == nil {
		return tabular.Date{}, false
	}
	d, ok := fs.dates[s]
	return d, ok
}

func (fs *FileState) rememberDate(s string, d tabular.Date) {
	if fs == nil {
		return
	}
	if fs.dates == nil || len(fs.dates) >= memoLimit {
		fs.dates = make(map[string]tabular.Date, 64)
	}
	fs.dates[strings.Clone(s)] = d // not the whole record s may share memory with
}

func (fs *FileState) validUSCC(s string) bool {
	if fs == nil {
		return false
	}
	_, ok := fs.usccs[s]
	return ok
}

func (fs *FileState) rememberUSCC(s string) {
	if fs == nil {
		return
	}
	if fs.usccs == nil || len(fs.usccs) >= memoLimit {
		fs.usccs = make(map[string]struct{}, 64)
	}
	fs.usccs[strings.Clone(s)] = struct{}{} // not the whole record s may share memory with
}

// NewFileState returns the state for reading a new file.
func NewFileState() *FileState { return &FileState{seen: map[string]int{}} }

// MinDecisionYear is the earliest year accepted for a decision or any
// other date: the 行政处罚法 dates from 1996 and shared records from much
// later, so an earlier year is a typing error.
const MinDecisionYear = 1990

// longTerm is what 长期 / 永久 in a validity column becomes: the common
// 2099/12/31 convention of 双公示 systems (DOMAIN.md §3, unconfirmed).
var longTerm = tabular.Date{Year: 2099, Month: time.December, Day: 31}

// ParseRow validates one data row read with header h through mapping m
// and returns the record. A non-empty error list means the row is refused;
// the returned Penalty is then incomplete and must not be stored. Each
// RowError carries the row's line, the file's own header text of the
// column at fault ("" for the whole row) and a Chinese reason naming that
// column. Values that are suspect but possible are kept and listed in
// Penalty.Flags (sorted, without duplicates). The caller skips blank and
// total rows (tabular.IsBlank, tabular.IsTotalRow); a blank row given
// anyway is refused as such. ParseRow never panics.
//
// Refused (row errors):
//   - a blank 行政处罚决定书文号, 行政相对人名称, 违法行为类型, 违法事实,
//     处罚依据, 处罚类别, 处罚内容 or 处罚决定日期 (placeholders such as
//     "无", "/" and "-" count as blank), and a document number already used
//     by an earlier row of the file ("与第 N 行文号重复");
//   - a party kind that cannot be read or inferred, and a natural person
//     without 证件号码;
//   - a unified social credit code that is not one (wrong length or
//     characters) — party, agency or data source;
//   - an amount that is not a number, is negative, or lacks a unit;
//   - a date that cannot be read, is before 1990, or — for the decision and
//     the events that follow it (filing, service, payment, transfer to the
//     police, application to the court) — lies after ctx.Today;
//   - a procedure, yes/no answer or domain that cannot be understood.
//
// Kept and flagged: a credit code with a wrong check character
// (FlagBadPartyUSCC, FlagBadAgencyUSCC), an invalid resident ID number
// (FlagBadPartyID, FlagBadLegalRepID), a 15-digit one converted to 18
// digits (FlagConvertedID15), and a deciding agency's credit code other
// than the importing agency's (FlagAgencyMismatch). Dates out of the usual
// order (decided before filed, served before decided, …) are kept
// unflagged: the supervision models look for exactly those.
//
// Cleaning: names, document numbers, codes and other short values go
// through ident.NormalizeText (full-width forms to ASCII, white space
// collapsed); document numbers also lose their spaces and have the year's
// brackets written 〔2024〕. Prose (违法事实, 处罚依据, 处罚内容, 暂扣或吊销
// 证照名称及编号, 备注) keeps its full-width punctuation and line breaks,
// only trimmed and collapsed. Penalty kinds are joined with ";". 长期 and
// 永久 in 处罚有效期 / 公示截止期 become 2099-12-31. An identifier column
// holding only a placeholder ("无", "/", "-") is blank.
func ParseRow(m Mapping, h tabular.Header, row tabular.Row, ctx RowContext) (Penalty, []RowError) {
	v := rowValidator{cellReader: newCellReader(row, &ctx, planFor(m, h, ctx.File).cols[:], penaltyLabel)}
	if tabular.IsBlank(row) {
		v.fail(-1, "", "该行为空行")
		return v.p, v.result()
	}
	v.parse()
	return v.p, v.result()
}

// planFor returns m compiled against h, reusing the file state's plan
// while the same Mapping and Header (by identity: the same map, the same
// Columns slice) are passed. Both must not be modified while a FileState
// reads with them; passing another Mapping or Header compiles anew.
func planFor(m Mapping, h tabular.Header, fs *FileState) *plan {
	if fs == nil {
		return compile(m, h)
	}
	if fs.plan != nil && sameMap(fs.mapping, m) && sameSlice(fs.header, h.Columns) {
		return fs.plan
	}
	fs.plan = compile(m, h)
	fs.mapping, fs.header = m, h.Columns // held, so that their addresses stay theirs
	return fs.plan
}

func sameMap(a, b Mapping) bool {
	return len(a) == len(b) && reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer()
}

func sameSlice(a, b []tabular.Column) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

var chinaZone = time.FixedZone("CST", 8*3600)

func todayInChina() tabular.Date {
	t := time.Now().In(chinaZone)
	return tabular.Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}
}

// cellReader reads and checks the cells of one row: the part of a row
// validator that penalties (rowValidator) and the other enforcement kinds
// (actValidator) share — cleaning, dates, amounts, yes/no, identifiers,
// errors and flags.
type cellReader struct {
	row   tabular.Row
	ctx   *RowContext
	cols  []column           // by field index
	label func(f int) string // the layout's name of field f
	today tabular.Date
	errs  []indexedError
	flags []string // Flag* values, unsorted
}

func newCellReader(row tabular.Row, ctx *RowContext, cols []column, label func(int) string) cellReader {
	c := cellReader{row: row, ctx: ctx, cols: cols, label: label, today: ctx.Today}
	if c.today.IsZero() {
		c.today = todayInChina()
	}
	return c
}

type rowValidator struct {
	cellReader
	p Penalty
}

func penaltyLabel(f int) string { return fields[f].Label }

type indexedError struct {
	col int // cell index for ordering, -1 for the whole row
	RowError
}

func (v *cellReader) result() []RowError {
	if len(v.errs) == 0 {
		return nil
	}
	sort.SliceStable(v.errs, func(i, j int) bool { return v.errs[i].col < v.errs[j].col })
	out := make([]RowError, len(v.errs))
	for i, e := range v.errs {
		out[i] = e.RowError
	}
	return out
}

// fail records a row error against field f (-1: the whole row).
// Texts are made valid UTF-8 here, for the report and the database: the
// readers guarantee valid cells, API pushes may not.
func (v *cellReader) fail(f int, value, reason string) {
	e := indexedError{col: -1, RowError: RowError{Line: v.row.Line, Value: validUTF8(value), Reason: validUTF8(reason)}}
	if f >= 0 {
		if c := v.cols[f]; c.index >= 0 {
			e.col, e.Column = c.index, validUTF8(c.header)
		}
	}
	v.errs = append(v.errs, e)
}

func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// name is how a reason refers to field f: the file's header, else the
// national-layout name.
func (v *cellReader) name(f int) string {
	if c := v.cols[f]; c.index >= 0 && c.header != "" {
		return c.header
	}
	return v.label(f)
}

func (v *cellReader) has(f int) bool { return v.cols[f].index >= 0 }

// raw is the cell of field f, trimmed; "" when the file has no such
// column. It may be invalid UTF-8 (see fail).
func (v *cellReader) raw(f int) string {
	c := v.cols[f]
	if c.index < 0 {
		return ""
	}
	return trimCell(v.row.Cell(c.index))
}

// trimCell is strings.TrimSpace, quick for the usual cell that begins with
// a CJK ideograph or visible ASCII and ends with no space.
func trimCell(s string) string {
	if s == "" {
		return s
	}
	first, last := s[0], s[len(s)-1]
	if (first > ' ' && first < utf8.RuneSelf || first >= 0xE4 && first <= 0xE9) && last > ' ' {
		if last < utf8.RuneSelf {
			return s
		}
		if r, _ := utf8.DecodeLastRuneInString(s); !unicode.IsSpace(r) {
			return s
		}
	}
	return strings.TrimSpace(s)
}

// text is the cell of field f cleaned with ident.NormalizeText, "" for a
// placeholder meaning "nothing" (无, /, -, …).
func (v *cellReader) text(f int) string {
	s := normalizeText(v.raw(f))
	if isPlaceholder(s) {
		return ""
	}
	return s
}

// prose is the cell of a free-text field (facts, legal basis, content,
// remarks): cleaned like text but keeping the full-width punctuation of
// Chinese prose as written (“第（二）项”, “，”) and its line breaks.
func (v *cellReader) prose(f int) string {
	s := cleanProse(v.raw(f))
	if len(s) <= 8 && isPlaceholder(normalizeText(s)) {
		return ""
	}
	return s
}

// normalizeText is ident.NormalizeText, returning s itself at no cost
// when it is already clean, as nearly every cell is.
func normalizeText(s string) string {
	if isNormalText(s) {
		return s
	}
	return ident.NormalizeText(s)
}

// isNormalText reports s that ident.NormalizeText leaves unchanged, for
// certain: valid UTF-8 without full-width ASCII forms, zero-width
// characters or white space other than single inner ASCII spaces.
func isNormalText(s string) bool {
	prevSpace := true
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == ' ':
				if prevSpace {
					return false
				}
				prevSpace = true
			case c >= '\t' && c <= '\r':
				return false
			default:
				prevSpace = false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r >= 0xFF01 && r <= 0xFF5E || spaceOrInvisible(r) {
			return false
		}
		prevSpace = false
		i += size
	}
	return !prevSpace || s == ""
}

// spaceOrInvisible reports a non-ASCII rune unicode.IsSpace accepts, or a
// zero-width character or joiner the cleaners drop or trim.
func spaceOrInvisible(r rune) bool {
	switch {
	case r >= 0x2000 && r <= 0x200D, r == 0x2028, r == 0x2029, r == 0x202F, r == 0x205F, r == 0x2060,
		r == 0x3000, r == 0xFEFF, r == 0x85, r == 0xA0, r == 0x1680:
		return true
	}
	return false
}

// cleanProse trims each line, collapses runs of white space within it to
// one space, drops zero-width characters and joiners and blank lines, and
// makes invalid UTF-8 U+FFFD.
func cleanProse(s string) string {
	if isCleanProse(s) {
		return s
	}
	return cleanProseSlow(s)
}

func cleanProseSlow(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space, lineHasText, pendingBreak := false, false, false
	for _, r := range s {
		switch {
		case r == 0x200B || r == 0x200C || r == 0x200D || r == 0x2060 || r == 0xFEFF:
			continue
		case r == '\n' || r == '\r' || r == 0x2028 || r == 0x2029:
			if lineHasText {
				pendingBreak = true
			}
			space, lineHasText = false, false
			continue
		case unicode.IsSpace(r):
			space = lineHasText
			continue
		}
		if pendingBreak {
			b.WriteByte('\n')
			pendingBreak = false
		} else if space {
			b.WriteByte(' ')
		}
		space, lineHasText = false, true
		b.WriteRune(r)
	}
	return b.String()
}

// isCleanProse reports s that cleanProse leaves unchanged, for certain.
func isCleanProse(s string) bool {
	prevSpace := true // at a line start
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == ' ' || c == '\n':
				if prevSpace {
					return false
				}
				prevSpace = true
			case c >= '\t' && c <= '\r':
				return false
			default:
				prevSpace = false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || spaceOrInvisible(r) {
			return false
		}
		prevSpace = false
		i += size
	}
	return !prevSpace || s == ""
}

// required returns text(f), failing the row when it is blank.
func (v *rowValidator) required(f int) string {
	return v.need(f, v.text(f))
}

// requiredProse returns prose(f), failing the row when it is blank.
func (v *rowValidator) requiredProse(f int) string {
	return v.need(f, v.prose(f))
}

func (v *cellReader) need(f int, s string) string {
	if s == "" {
		if v.has(f) {
			v.fail(f, v.raw(f), fmt.Sprintf("“%s”不能为空", v.name(f)))
		} else {
			v.fail(f, "", fmt.Sprintf("“%s”不能为空：文件中没有该列", v.name(f)))
		}
	}
	return s
}

// failed reports whether an error was recorded against field f's column.
func (v *cellReader) failed(f int) bool {
	c := v.cols[f]
	for _, e := range v.errs {
		if c.index >= 0 && e.col == c.index {
			return true
		}
	}
	return false
}

func (v *cellReader) flag(f string) { v.flags = append(v.flags, f) }

var placeholders = map[string]bool{
	"-": true, "--": true, "---": true, "—": true, "——": true, "/": true, "//": true, "\\": true,
	"无": true, "空": true, "暂无": true, "null": true, "NULL": true, "Null": true, "N/A": true, "n/a": true, "NA": true,
}

func isPlaceholder(s string) bool { return len(s) <= 6 && placeholders[s] }

func (v *rowValidator) parse() {
	p := &v.p
	p.DocNo = v.docNo()
	p.PartyName = v.required(fPartyName)
	v.party()

	p.ViolationType = v.required(fViolationType)
	p.Facts = v.requiredProse(fFacts)
	p.LegalBasis = v.requiredProse(fLegalBasis)
	p.PenaltyKinds = normalizeKinds(v.required(fPenaltyKinds))
	p.PenaltyContent = v.requiredProse(fPenaltyContent)
	p.FineFen = v.amount(fFine)
	p.ConfiscateFen = v.amount(fConfiscation)
	p.LicenceAction = v.prose(fLicenceAction)

	p.DecisionDate = v.date(fDecisionDate, dateEvent)
	if p.DecisionDate.IsZero() && !v.failed(fDecisionDate) {
		v.required(fDecisionDate)
	}
	p.ValidUntil = v.date(fValidUntil, dateLongTerm)
	p.PublishUntil = v.date(fPublishUntil, dateLongTerm)

	v.agency()
	p.Remarks = v.prose(fRemarks)

	p.Domain = v.domain(fDomain)
	p.ViolationCode = strings.ToUpper(v.text(fViolationCode))
	p.DiscretionLevel = v.text(fDiscretionLevel)
	p.Procedure = v.procedure()
	p.FiledDate = v.date(fFiledDate, dateEvent)
	p.ServedDate = v.date(fServedDate, dateEvent)
	p.PaymentDueDate = v.date(fPaymentDue, datePlain)
	p.PaidDate = v.date(fPaidDate, dateEvent)
	p.HearingNotice = v.yesNo(fHearingNotice, nil)
	p.RemedyNotice = v.yesNo(fRemedyNotice, nil)
	p.TransferDate = v.date(fTransferDate, dateEvent)
	p.TransferReceipt = v.text(fTransferReceipt)
	p.CourtApplyDate = v.date(fCourtApplyDate, dateEvent)
	p.Status = v.text(fStatus)
	p.ActDate = v.date(fActDate, dateEvent)
	if !p.ActDate.IsZero() && !p.DecisionDate.IsZero() && dateAfter(p.ActDate, p.DecisionDate) {
		v.fail(fActDate, v.raw(fActDate), fmt.Sprintf("“%s”%s 晚于处罚决定日期 %s，请核对", v.name(fActDate), p.ActDate, p.DecisionDate))
		p.ActDate = tabular.Date{}
	}
	p.SurchargeFen = v.amount(fSurcharge)

	p.Flags = sortedUnique(v.flags)
}

func sortedUnique(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	sort.Strings(s)
	out := s[:1]
	for _, f := range s[1:] {
		if f != out[len(out)-1] {
			out = append(out, f)
		}
	}
	return out
}

// docNo reads and normalises the document number — spaces removed, the
// year's brackets written 〔〕 whatever the clerk typed ([2024], (2024),
// 【2024】) — and refuses a number an earlier row of the file used.
func (v *rowValidator) docNo() string {
	return v.uniqueDocNo(fDocNo, normalizeDocNo(v.required(fDocNo)))
}

// uniqueDocNo returns the document number s of field f, refusing it when an
// earlier row of the file used it.
func (v *cellReader) uniqueDocNo(f int, s string) string {
	fs := v.ctx.File
	if s == "" || fs == nil {
		return s
	}
	if fs.seen == nil {
		fs.seen = map[string]int{}
	}
	if first, dup := fs.seen[s]; dup && first != v.row.Line {
		v.fail(f, v.raw(f), fmt.Sprintf("“%s”“%s”与第 %d 行文号重复", v.name(f), s, first))
	} else if !dup {
		// A copy: s may share the memory of the whole CSV record it came
		// from, which the map would otherwise keep alive for every row of
		// the file (measured: 800 bytes a row, 2 GB at a million rows).
		fs.seen[strings.Clone(s)] = v.row.Line
	}
	return s
}

func normalizeDocNo(s string) string {
	if strings.IndexByte(s, ' ') >= 0 {
		s = strings.ReplaceAll(s, " ", "")
	}
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		j := i + size
		if isOpenBracket(r) && j+4 < len(s) && isDigits(s[j:j+4]) {
			r2, size2 := utf8.DecodeRuneInString(s[j+4:])
			if isCloseBracket(r2) {
				if r != '〔' || r2 != '〕' {
					if b.Cap() == 0 {
						b.Grow(len(s) + 4)
					}
					b.WriteString(s[last:i])
					b.WriteRune('〔')
					b.WriteString(s[j : j+4])
					b.WriteRune('〕')
					last = j + 4 + size2
				}
				i = j + 4 + size2
				continue
			}
		}
		i = j
	}
	if b.Cap() == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

func isOpenBracket(r rune) bool {
	switch r {
	case '(', '[', '〔', '【', '［', '（', '﹝', '〖', '{':
		return true
	}
	return false
}

func isCloseBracket(r rune) bool {
	switch r {
	case ')', ']', '〕', '】', '］', '）', '﹞', '〗', '}':
		return true
	}
	return false
}

// normalizeKinds writes a list of penalty kinds with ";" between them,
// whatever separators the clerk used.
func normalizeKinds(s string) string {
	if s == "" {
		return ""
	}
	parts := strings.FieldsFunc(s, func(r rune) bool {
		switch r {
		case '、', ',', '，', ';', '；', '/', '|', ' ':
			return true
		}
		return false
	})
	return strings.Join(parts, ";")
}

// party reads the party's kind and identifiers.
func (v *rowValidator) party() {
	p := &v.p
	var kindKnown bool
	p.PartyKind, kindKnown = v.partyKind(fPartyKind)
	uscc := strings.ToUpper(v.identText(fPartyUSCC))
	idNo := v.identText(fPartyIDNo)
	// A natural person's ID number written in the credit-code column (one
	// 证件号码 column for everyone) is the ID number.
	if p.PartyKind == PartyNaturalPerson && idNo == "" && uscc != "" {
		idNo, uscc = uscc, ""
	}
	if p.PartyKind == "" && kindKnown {
		switch {
		case len(uscc) == 18 && strings.HasPrefix(uscc, "92"):
			p.PartyKind = PartyIndividualBusiness
		case len(uscc) == 18:
			p.PartyKind = PartyLegalPerson
		case uscc == "" && idNo != "":
			p.PartyKind = PartyNaturalPerson
		case uscc == "" && idNo == "" && v.has(fPartyIDNo) && !v.has(fPartyUSCC) && !v.has(fPartyKind):
			// natural-person template: no credit code column at all
			p.PartyKind = PartyNaturalPerson
		case uscc != "":
			p.PartyKind = PartyLegalPerson // the malformed code is reported below
		default:
			v.fail(fPartyKind, "", fmt.Sprintf("无法确定行政相对人类别：“%s”为空，也没有统一社会信用代码或证件号码", v.name(fPartyKind)))
		}
	}

	if uscc != "" {
		p.PartyUSCC = v.uscc(fPartyUSCC, uscc, FlagBadPartyUSCC, true)
	}
	p.PartyRegNo = strings.ToUpper(v.identText(fPartyRegNo))
	p.PartyOrgCode = strings.ToUpper(v.identText(fPartyOrgCode))
	if p.PartyOrgCode != "" {
		if o, err := ident.ParseOrgCode(p.PartyOrgCode); err == nil || ident.IsSoft(err) {
			p.PartyOrgCode = o.Code
		}
	}
	p.PartyTaxNo = strings.ToUpper(v.identText(fPartyTaxNo))
	p.PartyInstCert = v.identText(fPartyInstCert)
	p.PartySocCert = v.identText(fPartySocCert)

	p.LegalRep = v.text(fLegalRep)
	p.LegalRepIDType = v.text(fLegalRepIDType)
	p.LegalRepIDNo, p.LegalRepIDType = v.personID(v.identText(fLegalRepIDNo), p.LegalRepIDType, FlagBadLegalRepID)

	p.PartyIDType = v.text(fPartyIDType)
	p.PartyIDNo, p.PartyIDType = v.personID(idNo, p.PartyIDType, FlagBadPartyID)
	if p.PartyKind == PartyNaturalPerson && p.PartyIDNo == "" {
		v.needPersonID(fPartyIDNo)
	}
}

// partyKind reads the 行政相对人类别 field f: "" when blank; known is false
// when the text cannot be understood (the row then fails).
func (v *cellReader) partyKind(f int) (kind string, known bool) {
	kindText := v.text(f)
	if kindText == "" {
		return "", true
	}
	k, ok := parsePartyKind(kindText)
	if !ok {
		v.fail(f, v.raw(f), fmt.Sprintf("无法识别的“%s”“%s”，应为 法人及非法人组织、自然人 或 个体工商户", v.name(f), kindText))
	}
	return k, ok
}

// needPersonID fails a natural person's row without an ID number in field f.
func (v *cellReader) needPersonID(f int) {
	if v.has(f) {
		v.fail(f, v.raw(f), fmt.Sprintf("自然人的“%s”不能为空", v.name(f)))
	} else {
		v.fail(f, "", fmt.Sprintf("自然人须填写证件号码，文件中没有“%s”列", v.label(f)))
	}
}

// identText is the cell of an identifier field: NormalizeText, inner
// spaces removed, placeholders blank.
func (v *cellReader) identText(f int) string {
	s := v.text(f)
	if strings.Contains(s, " ") {
		s = strings.ReplaceAll(s, " ", "")
	}
	return s
}

// parsePartyKind reads the 行政相对人类别 column, tolerant of the variants
// agencies write.
func parsePartyKind(s string) (string, bool) {
	switch s {
	case "法人及非法人组织":
		return PartyLegalPerson, true
	case "自然人":
		return PartyNaturalPerson, true
	case "个体工商户":
		return PartyIndividualBusiness, true
	}
	t := strings.ToLower(strings.ReplaceAll(s, " ", ""))
	switch t {
	case PartyLegalPerson, PartyNaturalPerson, PartyIndividualBusiness:
		return t, true
	}
	switch {
	case strings.Contains(t, "个体"):
		return PartyIndividualBusiness, true
	case strings.Contains(t, "自然人"), t == "个人", t == "公民", t == "居民":
		return PartyNaturalPerson, true
	case strings.Contains(t, "法人"), strings.Contains(t, "组织"), strings.Contains(t, "单位"),
		strings.Contains(t, "企业"), strings.Contains(t, "公司"), t == "机关":
		return PartyLegalPerson, true
	}
	return "", false
}

// uscc validates a unified social credit code (already upper-cased): a
// wrong check character keeps the code with flag; anything else that is
// not a credit code fails the row, with a hint at a number cell and, for
// the national penalty layout (layoutHints), at the usual column mix-ups.
func (v *cellReader) uscc(f int, s, flag string, layoutHints bool) string {
	if v.ctx.File.validUSCC(s) {
		return s
	}
	u, err := ident.ParseUSCC(s)
	switch {
	case err == nil:
		if u.Code == s {
			v.ctx.File.rememberUSCC(s)
		}
		return u.Code
	case ident.IsSoft(err):
		if flag != "" {
			v.flag(flag)
		}
		return u.Code
	}
	reason := fmt.Sprintf("“%s”“%s”不是有效的统一社会信用代码：%s", v.name(f), s, err.Error())
	switch {
	case strings.ContainsAny(s, "Ee") && strings.ContainsAny(s, "+.") && isNumber(s):
		reason += "（单元格被存成了数字，请把该列设为文本格式后重新填写）"
	case !layoutHints:
	case len(s) == 15 && isDigits(s):
		reason += "（15 位数字可能是工商注册号，应填入“行政相对人代码_2（工商注册号）”列）"
	case len(s) == 9 || (len(s) == 10 && s[8] == '-'):
		reason += "（9 位代码可能是组织机构代码，应填入“行政相对人代码_3（组织机构代码）”列）"
	}
	v.fail(f, v.raw(f), reason)
	return ""
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}

// personID validates the ID number of a person when its type is a resident
// ID — or not given and the number is made of digits (and X), as resident
// ID numbers are. It returns the number (18-digit normalised when valid or
// converted from 15 digits, else as written) and the type, "身份证" when it
// was blank and the number is a resident ID. Invalid numbers are kept and
// flagged, never refused.
func (v *cellReader) personID(s, typ, badFlag string) (string, string) {
	if s == "" {
		return "", typ
	}
	if !isResidentIDType(typ, s) {
		return s, typ
	}
	asOf := v.today.Time(chinaZone).Add(12 * time.Hour)
	id, err := ident.ParseResidentIDAsOf(s, asOf)
	switch {
	case err == nil:
	case ident.ErrorCode(err) == ident.CodeUnknownRegion:
		// The check character holds; the region table (1981–2024) may
		// lack the code. Not flagged.
	case ident.IsSoft(err):
		v.flag(badFlag)
	default:
		v.flag(badFlag)
		return strings.ToUpper(s), typ
	}
	if id.Converted {
		v.flag(FlagConvertedID15)
	}
	if typ == "" {
		typ = "身份证"
	}
	return id.Number, typ
}

func isResidentIDType(typ, number string) bool {
	if typ == "" {
		for _, r := range number {
			if (r < '0' || r > '9') && r != 'X' && r != 'x' {
				return false
			}
		}
		return true
	}
	return strings.Contains(typ, "身份证") && !strings.Contains(typ, "外国人") && !strings.Contains(typ, "永久居留") &&
		!strings.Contains(typ, "港澳") && !strings.Contains(typ, "台湾")
}

// amount reads a money column in the unit of its header (or of the
// mapping), 0 when blank.
func (v *cellReader) amount(f int) int64 {
	s := v.raw(f)
	if s == "" {
		return 0
	}
	fen, ok, err := tabular.ParseAmount(s, v.cols[f].unit)
	if err != nil {
		v.fail(f, s, fmt.Sprintf("“%s”：%s", v.name(f), err.Error()))
		return 0
	}
	if !ok {
		return 0
	}
	return fen
}

type dateKind int

const (
	datePlain    dateKind = iota // any date from 1990 on (payment due)
	dateEvent                    // something that has happened: not after today
	dateLongTerm                 // a validity end: 长期 / 永久 allowed
)

func (v *cellReader) date(f int, kind dateKind) tabular.Date {
	s := v.raw(f)
	if s == "" || isPlaceholder(normalizeText(s)) {
		return tabular.Date{}
	}
	if kind == dateLongTerm {
		switch strings.ReplaceAll(normalizeText(s), " ", "") {
		case "长期", "长期有效", "永久", "永久有效", "无期限":
			return longTerm
		}
	}
	var d tabular.Date
	var err error
	if v.ctx.Date1904 && isNumber(s) && !strings.ContainsAny(s, "eE") && len(s) < 12 {
		f, _ := strconv.ParseFloat(s, 64)
		d, err = tabular.DateFromSerial(f, true)
	} else if memo, ok := v.ctx.File.date(s); ok {
		d = memo
	} else {
		d, err = tabular.ParseDate(s)
		if err == nil {
			v.ctx.File.rememberDate(s, d)
		}
	}
	if err != nil {
		v.fail(f, s, fmt.Sprintf("“%s”：%s", v.name(f), err.Error()))
		return tabular.Date{}
	}
	if d.Year < MinDecisionYear {
		v.fail(f, s, fmt.Sprintf("“%s”%s 早于 %d 年，请核对", v.name(f), d, MinDecisionYear))
		return tabular.Date{}
	}
	if kind == dateEvent && dateAfter(d, v.today) {
		v.fail(f, s, fmt.Sprintf("“%s”%s 晚于今天（%s），请核对", v.name(f), d, v.today))
		return tabular.Date{}
	}
	return d
}

func dateAfter(a, b tabular.Date) bool {
	if a.Year != b.Year {
		return a.Year > b.Year
	}
	if a.Month != b.Month {
		return a.Month > b.Month
	}
	return a.Day > b.Day
}

// agency fills the deciding agency and the data source, defaulting to the
// importing agency.
func (v *rowValidator) agency() {
	p, ctx := &v.p, v.ctx
	p.AgencyName = v.text(fAgencyName)
	if p.AgencyName == "" {
		p.AgencyName = ident.NormalizeText(ctx.AgencyName)
	}
	if p.AgencyName == "" {
		v.fail(fAgencyName, v.raw(fAgencyName), fmt.Sprintf("“%s”不能为空", v.name(fAgencyName)))
	}
	own := strings.ToUpper(strings.ReplaceAll(ident.NormalizeText(ctx.AgencyUSCC), " ", ""))
	if s := strings.ToUpper(v.identText(fAgencyUSCC)); s != "" {
		p.AgencyUSCC = v.uscc(fAgencyUSCC, s, FlagBadAgencyUSCC, true)
		if p.AgencyUSCC != "" && own != "" && p.AgencyUSCC != own {
			v.flag(FlagAgencyMismatch)
		}
	} else {
		p.AgencyUSCC = own
	}

	p.SourceName = v.text(fSourceName)
	if p.SourceName == "" {
		p.SourceName = ident.NormalizeText(ctx.AgencyName)
	}
	if s := strings.ToUpper(v.identText(fSourceUSCC)); s != "" {
		p.SourceUSCC = v.uscc(fSourceUSCC, s, "", true)
	} else {
		p.SourceUSCC = own
	}
}

// domain reads 执法领域 (field f) as a code or a name of ctx.Domains.
func (v *cellReader) domain(f int) string {
	s := v.text(f)
	if s == "" || v.ctx.Domains == nil {
		return s
	}
	fs := v.ctx.File
	if fs != nil {
		if !sameDomains(fs.domains, v.ctx.Domains) {
			fs.domains, fs.domainMemo = v.ctx.Domains, map[string]string{}
		}
		if code, ok := fs.domainMemo[s]; ok && code != "" {
			return code
		}
	}
	if code, ok := matchDomain(s, v.ctx.Domains); ok {
		if fs != nil && len(fs.domainMemo) < 1000 {
			fs.domainMemo[s] = code
		}
		return code
	}
	codes := make([]string, 0, len(v.ctx.Domains))
	for c := range v.ctx.Domains {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	names := make([]string, len(codes))
	for i, c := range codes {
		names[i] = v.ctx.Domains[c]
	}
	v.fail(f, v.raw(f), fmt.Sprintf("无法识别的“%s”“%s”，应为：%s", v.name(f), s, strings.Join(names, "、")))
	return ""
}

func sameDomains(a, b map[string]string) bool {
	return a != nil && len(a) == len(b) && reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer()
}

func matchDomain(s string, domains map[string]string) (string, bool) {
	t := strings.ReplaceAll(s, " ", "")
	lower := strings.ToLower(t)
	if _, ok := domains[lower]; ok {
		return lower, true
	}
	stripped := t
	for _, suf := range []string{"领域", "类", "执法"} {
		if x := strings.TrimSuffix(stripped, suf); x != "" {
			stripped = x
		}
	}
	for code, name := range domains {
		if name == t || name == stripped {
			return code, true
		}
	}
	// 生态环境保护 for 生态环境, 应急 for 应急管理: the only name in the
	// text, else the only name holding the text (two characters at least).
	found, n := "", 0
	for code, name := range domains {
		if name != "" && strings.Contains(t, name) {
			found, n = code, n+1
		}
	}
	if n == 1 {
		return found, true
	}
	if n == 0 && utf8.RuneCountInString(stripped) >= 2 {
		for code, name := range domains {
			if strings.Contains(name, stripped) {
				found, n = code, n+1
			}
		}
		if n == 1 {
			return found, true
		}
	}
	return "", false
}

var procedures = map[string]string{
	"简易": ProcedureSimple, "简易程序": ProcedureSimple, "当场": ProcedureSimple, "当场处罚": ProcedureSimple,
	"当场处罚程序": ProcedureSimple, "简易(当场)": ProcedureSimple, "简易程序(当场处罚)": ProcedureSimple, "simple": ProcedureSimple,
	"普通": ProcedureOrdinary, "普通程序": ProcedureOrdinary, "一般": ProcedureOrdinary, "一般程序": ProcedureOrdinary,
	"快速办理": ProcedureOrdinary, "快速办理程序": ProcedureOrdinary, "ordinary": ProcedureOrdinary,
}

func (v *rowValidator) procedure() string {
	s := v.text(fProcedure)
	if s == "" {
		return ""
	}
	if p, ok := procedures[s]; ok {
		return p
	}
	if p, ok := procedures[strings.ToLower(strings.ReplaceAll(s, " ", ""))]; ok {
		return p
	}
	v.fail(fProcedure, v.raw(fProcedure), fmt.Sprintf("无法识别的“%s”“%s”，应为 简易 或 普通", v.name(fProcedure), s))
	return ""
}

var yesNo = map[string]bool{
	"是": true, "已告知": true, "已": true, "告知": true, "有": true, "√": true, "✓": true, "✔": true,
	"y": true, "yes": true, "true": true, "1": true, "对": true,
	"否": false, "未告知": false, "未": false, "不告知": false, "没有": false, "×": false, "✗": false, "✘": false,
	"x": false, "n": false, "no": false, "false": false, "0": false,
}

// yesNo reads a yes/no column; blank and "/" (not applicable) are nil.
// more holds a kind's own words for yes and no, tried last.
func (v *cellReader) yesNo(f int, more map[string]bool) *bool {
	s := v.text(f)
	if s == "" || s == "不适用" {
		return nil
	}
	if b, ok := yesNo[s]; ok {
		return &b
	}
	if b, ok := yesNo[strings.ToLower(strings.ReplaceAll(s, " ", ""))]; ok {
		return &b
	}
	if b, ok := more[s]; ok {
		return &b
	}
	v.fail(f, v.raw(f), fmt.Sprintf("无法识别的“%s”“%s”，应为 是 或 否", v.name(f), s))
	return nil
}
