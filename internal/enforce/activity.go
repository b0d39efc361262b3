package enforce

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/xingjian/xingjian/internal/tabular"
)

// Inspections (行政检查) and compulsory measures (行政强制措施) are described
// by a spec: a field table (ids, headers, synonyms, how each cell reads, the
// struct field it fills and the column it is stored in), from which the
// header recognition, the row validator, the storage and the search of both
// kinds are derived. Penalties keep their own hand-written code (mapping.go,
// validate.go); the two share the cell cleaners, the party and identifier
// rules, the flags and the batch runner.

// Record kinds: the values of import_batches.kind.
const (
	KindPenalty    = "penalty"
	KindInspection = "inspection"
	KindMeasure    = "measure"
)

// valueType says how a cell of a spec field is read.
type valueType int

const (
	vText        valueType = iota // short text: NormalizeText, placeholders blank
	vProse                        // free text: trimmed, full-width punctuation and line breaks kept
	vDocNo                        // the natural key: normalised document number, unique in a file
	vRefDocNo                     // another document's number, normalised
	vPartyName                    // 行政相对人名称
	vPartyKind                    // 行政相对人类别
	vPartyUSCC                    // 统一社会信用代码
	vPartyIDType                  // 证件类型
	vPartyIDNo                    // 证件号码
	vDateEvent                    // a date that has happened: from 1990, not after today
	vDatePlain                    // a date from 1990 (deadlines)
	vAmount                       // money, unit from the header (元 / 万元), stored in fen
	vDays                         // a whole number of days, 0 = not given
	vBool                         // 是 / 否
	vEnum                         // one of a closed list (codes stored, Chinese labels read)
	vDomain                       // 执法领域, a code of the domains dictionary
)

// EnumValue is one value of a closed list: the stored code, the Chinese label
// and the other ways agencies write it.
type EnumValue struct {
	Code     string   `json:"code"`
	Label    string   `json:"label"`
	Synonyms []string `json:"-"`
}

// ActivityParty is the party of an inspection or a measure, read and
// normalised exactly like a penalty's party (USCC, resident ID, flags).
type ActivityParty struct {
	PartyName   string `json:"party_name"`    // 行政相对人名称
	PartyKind   string `json:"party_kind"`    // PartyLegalPerson | PartyNaturalPerson | PartyIndividualBusiness
	PartyUSCC   string `json:"party_uscc"`    // 统一社会信用代码 (normalised)
	PartyIDType string `json:"party_id_type"` // 证件类型
	PartyIDNo   string `json:"party_id_no"`   // 证件号码 (18-digit normalised when a resident ID)
}

// specField is one field of a spec.
type specField[R any] struct {
	Field
	col  string // stored column, Field.ID unless set
	typ  valueType
	enum []EnumValue
	ptr  func(*R) any // the struct field it fills
}

// activitySpec describes one record kind.
type activitySpec[R any] struct {
	kind, label        string // "inspection", "行政检查"
	table, revTable    string // "inspections", "inspection_revisions"
	revKey             string // the revision table's reference column: "inspection_id"
	dateCol            string // the list order's date: "inspection_date"
	typeCol, resultCol string // the summary's kind and result columns
	fields             []specField[R]
	docNo              func(*R) *string
	party              func(*R) *ActivityParty
	flags              func(*R) *[]string
	// check runs after every field is read, for rules across fields.
	check func(v *actValidator[R])

	byID     map[string]int
	synExact map[string]int
	synBase  map[string]int
	known    []string
	stored   []int    // indexes of the stored fields (all but the document number), in column order
	columns  []string // their columns, then "flags"
}

// build completes the spec's lookup tables. A duplicate id or a header naming
// two fields is a programming error in the table and panics.
func (s *activitySpec[R]) build() *activitySpec[R] {
	s.byID, s.synExact, s.synBase = map[string]int{}, map[string]int{}, map[string]int{}
	for i := range s.fields {
		f := &s.fields[i]
		f.Label = f.Headers[0]
		if f.Need == "" {
			f.Need = NeedOptional
		}
		if f.col == "" {
			f.col = f.ID
		}
		if _, dup := s.byID[f.ID]; dup {
			panic("enforce: duplicate field id " + f.ID)
		}
		s.byID[f.ID] = i
		for _, h := range f.Headers {
			k := headerKey(h)
			if prev, dup := s.synExact[k]; dup && prev != i {
				panic("enforce: header " + h + " names two fields of " + s.kind)
			}
			s.synExact[k] = i
		}
		s.known = append(s.known, f.Headers...)
		if f.typ != vDocNo {
			s.stored = append(s.stored, i)
			s.columns = append(s.columns, f.col)
		}
	}
	s.columns = append(s.columns, "flags")
	for k, i := range s.synExact {
		for _, b := range []string{k, headerBase(k)} {
			if b == "" {
				continue
			}
			if prev, seen := s.synBase[b]; seen && prev != i {
				s.synBase[b] = -1
			} else {
				s.synBase[b] = i
			}
		}
	}
	return s
}

// publicFields is the field list for the UI and the API documentation.
func (s *activitySpec[R]) publicFields() []Field {
	out := make([]Field, len(s.fields))
	for i, f := range s.fields {
		g := f.Field
		g.Headers = append([]string(nil), f.Headers...)
		out[i] = g
	}
	return out
}

// fieldLabel is the layout's name of field f.
func (s *activitySpec[R]) fieldLabel(f int) string { return s.fields[f].Label }

func (s *activitySpec[R]) field(id string) (specField[R], bool) {
	i, ok := s.byID[id]
	if !ok {
		return specField[R]{}, false
	}
	return s.fields[i], true
}

// headerTexts are the names to locate a file's header with: every known
// header, and a saved mapping's own texts.
func (s *activitySpec[R]) headerTexts(m Mapping) []string {
	out := append([]string(nil), s.known...)
	for _, f := range s.fields {
		if t := strings.TrimSpace(m[f.ID]); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// autoMap derives a Mapping from a header, as AutoMap does for penalties.
func (s *activitySpec[R]) autoMap(h tabular.Header) Mapping {
	return autoMapColumns(h, s.synExact, s.synBase, make([]bool, len(s.fields)), func(f int) string { return s.fields[f].ID })
}

// checkMapping refuses a file whose mapping names unknown fields or absent
// columns, or lacks a column every file must have; the message is Chinese
// and names what was found.
func (s *activitySpec[R]) checkMapping(m Mapping, h tabular.Header) error {
	var parts, unknown []string
	have := make([]bool, len(s.fields))
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		i, ok := s.byID[id]
		if !ok {
			unknown = append(unknown, id)
			continue
		}
		if strings.TrimSpace(m[id]) == "" {
			continue
		}
		if findColumn(h, m[id]) < 0 {
			parts = append(parts, fmt.Sprintf("列映射中的“%s”列在文件中不存在", m[id]))
			continue
		}
		have[i] = true
	}
	var missing []string
	partyKnown := false
	for i, f := range s.fields {
		if f.Need == NeedColumn && !have[i] {
			s := fmt.Sprintf("未找到“%s”列", f.Label)
			if alt := f.Headers[1:min(4, len(f.Headers))]; len(alt) > 0 {
				s += "（也可写作：" + strings.Join(alt, "、") + "）"
			}
			missing = append(missing, s)
		}
		if have[i] && (f.typ == vPartyKind || f.typ == vPartyUSCC || f.typ == vPartyIDNo) {
			partyKnown = true
		}
	}
	if !partyKnown {
		missing = append(missing, "未找到“行政相对人类别”列，也没有“统一社会信用代码”或“证件号码”列，无法判断相对人类别")
	}
	parts = append(missing, parts...)
	if len(unknown) > 0 {
		parts = append(parts, "列映射中有未知字段："+strings.Join(unknown, "、"))
	}
	if len(parts) == 0 {
		return nil
	}
	msg := strings.Join(parts, "；")
	var found []string
	for _, c := range h.Columns {
		if t := columnText(c); t != "" {
			found = append(found, t)
		}
	}
	if len(found) > 0 {
		if h.Line > 0 {
			msg += fmt.Sprintf("。文件第 %d 行的表头为：", h.Line)
		} else {
			msg += "。文件的表头为："
		}
		msg += strings.Join(found, "、")
	}
	return &activityMappingError{msg: s.label + "：" + msg}
}

type activityMappingError struct{ msg string }

func (e *activityMappingError) Error() string { return e.msg }

// compile resolves a mapping against a header: each field's column.
func (s *activitySpec[R]) compile(m Mapping, h tabular.Header) []column {
	cols := make([]column, len(s.fields))
	for i, f := range s.fields {
		cols[i] = mappedColumn(h, m[f.ID], f.typ == vAmount)
	}
	return cols
}

// actValidator reads one row of a spec's kind.
type actValidator[R any] struct {
	cellReader
	spec *activitySpec[R]
	rec  R
}

// parseActivity validates one data row; a non-empty error list means the row
// is refused and the record must not be stored. It never panics on input.
func parseActivity[R any](s *activitySpec[R], cols []column, row tabular.Row, rc *RowContext) (R, []RowError) {
	v := &actValidator[R]{cellReader: newCellReader(row, rc, cols, s.fieldLabel), spec: s}
	if tabular.IsBlank(row) {
		v.fail(-1, "", "该行为空行")
		return v.rec, v.result()
	}
	v.parse()
	return v.rec, v.result()
}

// idx is the index of a field id (a programming error if unknown).
func (v *actValidator[R]) idx(id string) int {
	i, ok := v.spec.byID[id]
	if !ok {
		panic("enforce: no field " + id + " in " + v.spec.kind)
	}
	return i
}

func (v *actValidator[R]) parse() {
	for i, f := range v.spec.fields {
		switch f.typ {
		case vText:
			*f.ptr(&v.rec).(*string) = v.text(i)
		case vProse:
			*f.ptr(&v.rec).(*string) = v.prose(i)
		case vDocNo:
			*f.ptr(&v.rec).(*string) = v.docNo(i)
		case vRefDocNo:
			*f.ptr(&v.rec).(*string) = normalizeDocNo(v.text(i))
		case vDateEvent, vDatePlain:
			kind := datePlain
			if f.typ == vDateEvent {
				kind = dateEvent
			}
			*f.ptr(&v.rec).(*tabular.Date) = v.date(i, kind)
		case vAmount:
			*f.ptr(&v.rec).(*int64) = v.amount(i)
		case vDays:
			*f.ptr(&v.rec).(*int) = v.days(i)
		case vBool:
			*f.ptr(&v.rec).(**bool) = v.yesNo(i, activityYesNo)
		case vEnum:
			*f.ptr(&v.rec).(*string) = v.enum(i)
		case vDomain:
			*f.ptr(&v.rec).(*string) = v.domain(i)
		}
		if f.Need == NeedColumn && f.typ != vPartyName && !v.failed(i) && v.isZero(i) {
			v.required(i)
		}
	}
	v.party()
	if v.spec.check != nil {
		v.spec.check(v)
	}
	*v.spec.flags(&v.rec) = sortedUnique(v.flags)
}

// isZero reports a field left empty.
func (v *actValidator[R]) isZero(i int) bool {
	switch x := v.spec.fields[i].ptr(&v.rec).(type) {
	case *string:
		return *x == ""
	case *tabular.Date:
		return x.IsZero()
	case *int64:
		return *x == 0 && v.raw(i) == ""
	case *int:
		return *x == 0
	case **bool:
		return *x == nil
	}
	return false
}

func (v *actValidator[R]) required(i int) { v.need(i, "") }

func (v *actValidator[R]) docNo(i int) string {
	return v.uniqueDocNo(i, normalizeDocNo(v.text(i)))
}

// days reads a whole number of days: "30", "30天", "30日", "30 日".
func (v *actValidator[R]) days(i int) int {
	s := strings.ReplaceAll(v.text(i), " ", "")
	if s == "" {
		return 0
	}
	t := strings.TrimSuffix(strings.TrimSuffix(s, "天"), "日")
	if f, err := strconv.ParseFloat(t, 64); err == nil && f == float64(int(f)) && strings.Contains(t, ".") {
		t = strconv.Itoa(int(f)) // "30.0" from a number cell
	}
	n, err := strconv.Atoi(t)
	if err != nil || n <= 0 || n > 3650 {
		v.fail(i, v.raw(i), fmt.Sprintf("“%s”“%s”应为天数（1–3650 的整数）", v.name(i), s))
		return 0
	}
	return n
}

// activityYesNo are the yes/no words of inspection and measure tables
// beside the penalty ones.
var activityYesNo = map[string]bool{
	"已制作": true, "已延长": true, "延长": true,
	"未制作": false, "未延长": false, "不延长": false,
}

// enumKey is the comparable form of an enum text.
func enumKey(s string) string {
	return strings.ToLower(strings.Map(func(r rune) rune {
		switch r {
		case ' ', '、', '，', ',', '/', '（', '）', '(', ')', '；', ';':
			return -1
		}
		return r
	}, s))
}

func matchEnum(vals []EnumValue, s string) (string, bool) {
	k := enumKey(s)
	for _, e := range vals {
		if k == enumKey(e.Code) || k == enumKey(e.Label) {
			return e.Code, true
		}
		for _, syn := range e.Synonyms {
			if k == enumKey(syn) {
				return e.Code, true
			}
		}
	}
	return "", false
}

func (v *actValidator[R]) enum(i int) string {
	s := v.text(i)
	if s == "" {
		return ""
	}
	f := v.spec.fields[i]
	if code, ok := matchEnum(f.enum, s); ok {
		return code
	}
	labels := make([]string, len(f.enum))
	for j, e := range f.enum {
		labels[j] = e.Label
	}
	v.fail(i, v.raw(i), fmt.Sprintf("无法识别的“%s”“%s”，应为：%s", v.name(i), s, strings.Join(labels, "、")))
	return ""
}

// party reads the party's name, kind and identifiers with the rules of
// penalties (rowValidator.party): the kind inferred from the identifiers when
// not given, a credit code with a wrong check character kept and flagged, an
// invalid resident ID kept and flagged, a 15-digit one converted.
func (v *actValidator[R]) party() {
	p := v.spec.party(&v.rec)
	fName, fKind, fUSCC, fIDType, fIDNo := -1, -1, -1, -1, -1
	for i, f := range v.spec.fields {
		switch f.typ {
		case vPartyName:
			fName = i
		case vPartyKind:
			fKind = i
		case vPartyUSCC:
			fUSCC = i
		case vPartyIDType:
			fIDType = i
		case vPartyIDNo:
			fIDNo = i
		}
	}
	p.PartyName = v.text(fName)
	if p.PartyName == "" {
		v.required(fName)
	}
	var kindKnown bool
	p.PartyKind, kindKnown = v.partyKind(fKind)
	uscc := strings.ToUpper(v.identText(fUSCC))
	idNo := v.identText(fIDNo)
	if p.PartyKind == PartyNaturalPerson && idNo == "" && uscc != "" {
		idNo, uscc = uscc, ""
	}
	if p.PartyKind == "" && kindKnown {
		switch {
		case len(uscc) == 18 && strings.HasPrefix(uscc, "92"):
			p.PartyKind = PartyIndividualBusiness
		case uscc != "":
			p.PartyKind = PartyLegalPerson
		case idNo != "":
			p.PartyKind = PartyNaturalPerson
		default:
			v.fail(fKind, "", fmt.Sprintf("无法确定行政相对人类别：“%s”为空，也没有统一社会信用代码或证件号码", v.name(fKind)))
		}
	}
	if uscc != "" {
		p.PartyUSCC = v.uscc(fUSCC, uscc, FlagBadPartyUSCC, false)
	}
	p.PartyIDType = v.text(fIDType)
	p.PartyIDNo, p.PartyIDType = v.personID(idNo, p.PartyIDType, FlagBadPartyID)
	if p.PartyKind == PartyNaturalPerson && p.PartyIDNo == "" {
		v.needPersonID(fIDNo)
	}
}

// civilDays counts the days from a to b (negative when b is earlier).
func civilDays(a, b tabular.Date) int {
	ta := time.Date(a.Year, a.Month, a.Day, 0, 0, 0, 0, time.UTC)
	tb := time.Date(b.Year, b.Month, b.Day, 0, 0, 0, 0, time.UTC)
	return int(tb.Sub(ta).Hours() / 24)
}
