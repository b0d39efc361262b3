package enforce

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/xingjian/xingjian/internal/tabular"
)

// Need says what a missing column or a missing value does to an import.
type Need string

// The requirement levels of a field.
const (
	// NeedOptional: the column may be absent and the value blank.
	NeedOptional Need = "optional"
	// NeedValue: every record needs the value, but it has a fallback when the
	// column is absent or the cell blank (the party kind is inferred from the
	// identifiers; the deciding agency defaults to the importing agency), so
	// a file without the column is still accepted.
	NeedValue Need = "value"
	// NeedColumn: a file without the column is refused as a whole (every row
	// would fail), and a row with a blank cell is refused.
	NeedColumn Need = "column"
)

// Field is one canonical field of a penalty record as it appears in
// spreadsheets.
type Field struct {
	ID      string   `json:"id"`      // stable English snake_case, the key of a Mapping
	Label   string   `json:"label"`   // the national-layout header, or the usual name of a supervision field
	Headers []string `json:"headers"` // Label first, then the synonyms seen in agency spreadsheets
	Need    Need     `json:"need"`
}

// Field indexes. The order is the order of Fields and of the national
// layout, supervision fields last.
const (
	fPartyName = iota
	fPartyKind
	fPartyUSCC
	fPartyRegNo
	fPartyOrgCode
	fPartyTaxNo
	fPartyInstCert
	fPartySocCert
	fLegalRep
	fLegalRepIDType
	fLegalRepIDNo
	fPartyIDType
	fPartyIDNo
	fDocNo
	fViolationType
	fFacts
	fLegalBasis
	fPenaltyKinds
	fPenaltyContent
	fFine
	fConfiscation
	fLicenceAction
	fDecisionDate
	fValidUntil
	fPublishUntil
	fAgencyName
	fAgencyUSCC
	fSourceName
	fSourceUSCC
	fRemarks
	fDomain
	fViolationCode
	fDiscretionLevel
	fProcedure
	fFiledDate
	fServedDate
	fPaymentDue
	fPaidDate
	fHearingNotice
	fRemedyNotice
	fTransferDate
	fTransferReceipt
	fCourtApplyDate
	fStatus
	fActDate
	fSurcharge
	numFields
)

// fields is the canonical field list. Synonyms come from agency ledgers
// (台账) and provincial templates; a header not listed here can still be
// mapped by an agency's saved Mapping.
var fields = [numFields]Field{
	fPartyName: {ID: "party_name", Need: NeedColumn, Headers: []string{"行政相对人名称",
		"相对人名称", "行政相对人", "当事人名称", "当事人", "当事人姓名或名称", "当事人名称或姓名", "被处罚人", "被处罚人名称",
		"被处罚单位", "被处罚对象", "被处罚人姓名或名称", "处罚对象", "行政管理相对人名称", "相对人"}},
	fPartyKind: {ID: "party_kind", Need: NeedValue, Headers: []string{"行政相对人类别",
		"相对人类别", "行政相对人类型", "相对人类型", "当事人类别", "当事人类型", "主体类别", "主体类型", "被处罚人类型"}},
	fPartyUSCC: {ID: "party_uscc", Headers: []string{"行政相对人代码_1（统一社会信用代码）",
		"行政相对人代码_1", "行政相对人代码1", "统一社会信用代码", "社会信用代码", "信用代码", "相对人统一社会信用代码",
		"行政相对人统一社会信用代码", "当事人统一社会信用代码", "被处罚人统一社会信用代码", "行政相对人名称统一社会信用代码"}},
	fPartyRegNo: {ID: "party_reg_no", Headers: []string{"行政相对人代码_2（工商注册号）",
		"行政相对人代码_2", "行政相对人代码2", "工商注册号", "工商登记注册号", "注册号"}},
	fPartyOrgCode: {ID: "party_org_code", Headers: []string{"行政相对人代码_3（组织机构代码）",
		"行政相对人代码_3", "行政相对人代码3", "组织机构代码"}},
	fPartyTaxNo: {ID: "party_tax_no", Headers: []string{"行政相对人代码_4（税务登记号）",
		"行政相对人代码_4", "行政相对人代码4", "税务登记号", "税务登记证号"}},
	fPartyInstCert: {ID: "party_inst_cert", Headers: []string{"行政相对人代码_5（事业单位证书号）",
		"行政相对人代码_5", "行政相对人代码5", "事业单位证书号"}},
	fPartySocCert: {ID: "party_soc_cert", Headers: []string{"行政相对人代码_6（社会组织登记证号）",
		"行政相对人代码_6", "行政相对人代码6", "社会组织登记证号"}},
	fLegalRep: {ID: "legal_rep", Headers: []string{"法定代表人",
		"法定代表人姓名", "法定代表人（负责人）", "法定代表人或负责人", "法定代表人/负责人", "法人代表", "负责人", "经营者", "经营者姓名"}},
	fLegalRepIDType: {ID: "legal_rep_id_type", Headers: []string{"法定代表人证件类型",
		"法人代表证件类型", "负责人证件类型", "经营者证件类型"}},
	fLegalRepIDNo: {ID: "legal_rep_id_no", Headers: []string{"法定代表人证件号码",
		"法定代表人证件号", "法定代表人身份证号", "法定代表人身份证号码", "法人代表证件号码", "法人代表身份证号", "负责人证件号码",
		"负责人身份证号", "经营者证件号码", "经营者身份证号"}},
	fPartyIDType: {ID: "party_id_type", Headers: []string{"证件类型",
		"相对人证件类型", "行政相对人证件类型", "当事人证件类型", "被处罚人证件类型"}},
	fPartyIDNo: {ID: "party_id_no", Headers: []string{"证件号码",
		"证件号", "身份证号", "身份证号码", "公民身份号码", "相对人证件号码", "行政相对人证件号码", "当事人证件号码",
		"当事人身份证号", "当事人身份证号码", "被处罚人证件号码", "被处罚人身份证号"}},
	fDocNo: {ID: "doc_no", Need: NeedColumn, Headers: []string{"行政处罚决定书文号",
		"处罚决定书文号", "决定书文号", "行政处罚决定文书号", "处罚决定文书号", "决定文书号", "处罚文号", "行政处罚文号",
		"文书号", "文号", "处罚决定书编号", "决定书编号"}},
	fViolationType: {ID: "violation_type", Need: NeedColumn, Headers: []string{"违法行为类型",
		"违法行为", "违法行为名称", "违法类型", "违法行为种类", "案由"}},
	fFacts: {ID: "facts", Need: NeedColumn, Headers: []string{"违法事实",
		"主要违法事实", "违法事实描述", "违法事实及证据", "案情简介", "简要案情", "基本案情"}},
	fLegalBasis: {ID: "legal_basis", Need: NeedColumn, Headers: []string{"处罚依据",
		"行政处罚依据", "法律依据", "处罚依据条款", "处罚的依据", "法律条款"}},
	fPenaltyKinds: {ID: "penalty_kinds", Need: NeedColumn, Headers: []string{"处罚类别",
		"处罚种类", "处罚类型", "行政处罚种类", "行政处罚类别"}},
	fPenaltyContent: {ID: "penalty_content", Need: NeedColumn, Headers: []string{"处罚内容",
		"处罚结果", "处罚决定内容", "处罚决定", "行政处罚内容"}},
	fFine: {ID: "fine", Headers: []string{"罚款金额（万元）",
		"罚款金额（元）", "罚款金额", "罚款数额（万元）", "罚款数额（元）", "罚款数额", "罚款（元）", "罚款（万元）", "罚款"}},
	fConfiscation: {ID: "confiscation", Headers: []string{"没收违法所得、没收非法财物的金额（万元）",
		"没收违法所得、没收非法财物的金额（元）", "没收违法所得、没收非法财物的金额", "没收违法所得、没收非法财物金额（万元）",
		"没收违法所得、没收非法财物金额（元）", "没收金额（万元）", "没收金额（元）", "没收金额", "没收违法所得（元）",
		"没收违法所得（万元）", "没收违法所得金额", "没收违法所得"}},
	fLicenceAction: {ID: "licence_action", Headers: []string{"暂扣或吊销证照名称及编号",
		"暂扣或者吊销证照名称及编号", "暂扣或吊销证照名称及证号", "吊销证照名称及编号"}},
	fDecisionDate: {ID: "decision_date", Need: NeedColumn, Headers: []string{"处罚决定日期",
		"决定日期", "作出处罚决定日期", "作出行政处罚决定日期", "处罚决定时间", "行政处罚决定日期", "处罚日期", "决定时间"}},
	fValidUntil: {ID: "valid_until", Headers: []string{"处罚有效期",
		"处罚有效期至", "有效期", "有效期至"}},
	fPublishUntil: {ID: "publish_until", Headers: []string{"公示截止期",
		"公示截止日期", "公示截止时间", "公示期限"}},
	fAgencyName: {ID: "agency_name", Need: NeedValue, Headers: []string{"处罚机关",
		"处罚机关名称", "作出处罚决定机关", "作出处罚决定的机关", "执法机关", "处罚单位", "实施机关", "决定机关"}},
	fAgencyUSCC: {ID: "agency_uscc", Headers: []string{"处罚机关统一社会信用代码",
		"处罚机关代码", "处罚机关社会信用代码", "执法机关统一社会信用代码", "处罚单位统一社会信用代码", "决定机关统一社会信用代码"}},
	fSourceName: {ID: "source_name", Headers: []string{"数据来源单位",
		"数据来源单位名称", "数据来源", "来源单位", "数据报送单位"}},
	fSourceUSCC: {ID: "source_uscc", Headers: []string{"数据来源单位统一社会信用代码",
		"数据来源单位代码", "数据来源单位社会信用代码"}},
	fRemarks: {ID: "remarks", Headers: []string{"备注", "说明"}},
	fDomain: {ID: "domain", Headers: []string{"执法领域",
		"领域", "所属领域", "行业领域", "执法类别"}},
	fViolationCode: {ID: "violation_code", Headers: []string{"违法行为编码",
		"违法行为代码", "违法行为编号", "事项编码", "职权编码"}},
	fDiscretionLevel: {ID: "discretion_level", Headers: []string{"裁量等级",
		"裁量档次", "裁量阶次", "裁量情形", "裁量基准等级", "违法程度"}},
	fProcedure: {ID: "procedure", Headers: []string{"程序类型",
		"适用程序", "办案程序", "处罚程序", "程序"}},
	fFiledDate: {ID: "filed_date", Headers: []string{"立案日期", "立案时间"}},
	fServedDate: {ID: "served_date", Headers: []string{"送达日期",
		"送达时间", "决定书送达日期", "处罚决定书送达日期"}},
	fPaymentDue: {ID: "payment_due_date", Headers: []string{"缴款期限",
		"缴款截止日期", "缴纳期限", "缴款期限日期"}},
	fPaidDate: {ID: "paid_date", Headers: []string{"缴款日期",
		"缴纳日期", "实际缴款日期", "缴款时间", "罚款缴纳日期"}},
	fHearingNotice: {ID: "hearing_notice", Headers: []string{"是否告知听证",
		"是否告知听证权利", "告知听证权利", "听证告知", "已告知听证权利"}},
	fRemedyNotice: {ID: "remedy_notice", Headers: []string{"是否告知救济途径",
		"告知救济途径", "救济途径告知", "是否告知复议诉讼权利", "已告知救济途径"}},
	fTransferDate: {ID: "transfer_date", Headers: []string{"移送公安日期",
		"移送公安机关日期", "移送日期", "涉嫌犯罪移送日期"}},
	fTransferReceipt: {ID: "transfer_receipt", Headers: []string{"移送回执",
		"移送回执号", "移送回执编号", "公安受案回执", "受案回执号"}},
	fCourtApplyDate: {ID: "court_apply_date", Headers: []string{"申请法院强制执行日期",
		"申请强制执行日期", "申请人民法院强制执行日期", "申请法院执行日期"}},
	fStatus: {ID: "status", Headers: []string{"状态",
		"执行状态", "案件状态", "处罚状态", "执行情况", "履行情况"}},
	fActDate: {ID: "act_date", Headers: []string{"违法行为发生日期",
		"违法行为发生时间", "违法发生日期", "违法发生时间", "违法日期", "违法时间", "案发日期", "案发时间", "发案日期", "发案时间"}},
	fSurcharge: {ID: "surcharge", Headers: []string{"加处罚款金额（元）",
		"加处罚款金额（万元）", "加处罚款金额", "加处罚款（元）", "加处罚款（万元）", "加处罚款", "滞纳金（元）", "滞纳金"}},
}

// The lookup tables, built from fields (package variables, not init, so
// that other package variables may call AutoMap).
var (
	fieldIndex   map[string]int // Field.ID → index
	synExact     map[string]int // headerKey(synonym) → field
	synBase      map[string]int // synonym key or its base (trailing note dropped) → field, -1 if ambiguous
	knownHeaders []string
	_            = buildTables()
)

func buildTables() bool {
	fieldIndex, synExact, synBase = map[string]int{}, map[string]int{}, map[string]int{}
	for i := range fields {
		fields[i].Label = fields[i].Headers[0]
		if fields[i].Need == "" {
			fields[i].Need = NeedOptional
		}
	}
	for i, f := range fields {
		if _, dup := fieldIndex[f.ID]; dup {
			panic("enforce: duplicate field id " + f.ID) // a programming error in the table above
		}
		fieldIndex[f.ID] = i
		for _, h := range f.Headers {
			k := headerKey(h)
			if prev, dup := synExact[k]; dup && prev != i {
				panic("enforce: header " + h + " names two fields")
			}
			synExact[k] = i
		}
		knownHeaders = append(knownHeaders, f.Headers...)
	}
	// A trailing bracketed note is ignored only where that leaves a name
	// of a single field ("处罚决定日期（格式：2024/1/1）").
	for k, i := range synExact {
		for _, b := range []string{k, headerBase(k)} {
			if b == "" {
				continue
			}
			if prev, seen := synBase[b]; seen && prev != i {
				synBase[b] = -1
			} else {
				synBase[b] = i
			}
		}
	}
	return true
}

// Fields returns the canonical field list of Penalty, national-layout order
// first, supervision fields last. The result is a copy.
func Fields() []Field {
	out := make([]Field, len(fields))
	for i, f := range fields {
		f.Headers = append([]string(nil), f.Headers...)
		out[i] = f
	}
	return out
}

// KnownHeaders returns every header text Fields recognises, for
// tabular.ScanHeader to locate the header row of an upload.
func KnownHeaders() []string { return append([]string(nil), knownHeaders...) }

// headerKey is the comparable form of a header text.
func headerKey(s string) string { return strings.ToLower(tabular.NormalizeHeader(s)) }

// headerBase drops a trailing parenthesised note: "罚款金额(万元)" →
// "罚款金额"; "" when there is none.
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

// Mapping maps canonical field IDs (Field.ID: "doc_no", "party_name",
// "fine", …) to the header text of the file's column holding that field.
// AutoMap derives one from a header; an agency whose spreadsheets use
// other names saves one (it marshals as a JSON object) and reuses it for
// every upload. A header text may carry the unit of a money column that
// the file's own header leaves out: {"fine": "罚款数额（元）"} maps the
// column 罚款数额 and reads it in 元.
type Mapping map[string]string

// HeaderTexts returns the names to locate a file's header with when m is
// the agency's saved mapping: KnownHeaders and m's own header texts, so
// that a layout sharing few names with the national one is still found by
// tabular.ScanHeader.
func (m Mapping) HeaderTexts() []string {
	out := KnownHeaders()
	for _, f := range fields {
		if t := strings.TrimSpace(m[f.ID]); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// AutoMap derives a Mapping from a located header by the national-layout
// names and their synonyms (Fields), tolerant of whitespace, full-width
// characters, required-markers and a trailing note such as a unit. For a
// two-row header the group label is tried with the name first, so
// 法定代表人 over 证件号码 is the legal representative's ID, not the party's.
// Each field takes the first column naming it; each column serves one field.
//
// missing lists, in field order, the IDs of fields whose column a file
// must have (Need == NeedColumn) and that were not found, and "party_kind"
// when the file has neither a 行政相对人类别 column nor any identifier
// column to infer the kind from. A non-empty missing means the file is
// refused: Mapping.Check gives the Chinese message.
func AutoMap(h tabular.Header) (m Mapping, missing []string) {
	var have [numFields]bool
	m = autoMapColumns(h, synExact, synBase, have[:], func(f int) string { return fields[f].ID })
	return m, missingFields(have)
}

// autoMapColumns maps the columns of h to fields by their header keys: exact
// synonyms (exact) first, then base forms (base), each field taking the first
// column naming it and each column serving one field. have marks the fields
// found; id gives a field's id.
func autoMapColumns(h tabular.Header, exact, base map[string]int, have []bool, id func(f int) string) Mapping {
	m := Mapping{}
	taken := make([]bool, len(h.Columns))
	assign := func(lookup func(key string) (int, bool)) {
		for ci, c := range h.Columns {
			if taken[ci] {
				continue
			}
			for _, key := range columnKeys(c) {
				f, ok := lookup(key)
				if !ok || f < 0 || have[f] { // f < 0: a base form naming two fields
					continue
				}
				have[f], taken[ci] = true, true
				m[id(f)] = columnText(c)
				break
			}
		}
	}
	assign(func(k string) (int, bool) {
		f, ok := exact[k]
		return f, ok
	})
	assign(func(k string) (int, bool) {
		b := headerBase(k)
		if b == "" {
			return 0, false
		}
		f, ok := base[b]
		return f, ok
	})
	return m
}

// columnKeys are the texts a column may be known by, most specific first.
func columnKeys(c tabular.Column) []string {
	var keys []string
	add := func(s string) {
		if k := headerKey(s); k != "" {
			for _, have := range keys {
				if have == k {
					return
				}
			}
			keys = append(keys, k)
		}
	}
	if c.Group != "" {
		add(c.Group + c.Name)
	}
	add(c.Name)
	add(c.Raw)
	add(c.Known)
	return keys
}

// columnText is the header text a Mapping records for a column and a
// RowError names it by: as written, but with line breaks and other
// whitespace inside it dropped next to Chinese characters and collapsed
// to one space elsewhere ("决定书\n文号" → "决定书文号").
func columnText(c tabular.Column) string {
	t := strings.TrimSpace(c.Raw)
	if t == "" {
		return c.Name
	}
	words := strings.Fields(t)
	if len(words) == 1 {
		return t
	}
	var b strings.Builder
	for i, w := range words {
		if i > 0 {
			prev, _ := utf8.DecodeLastRuneInString(words[i-1])
			next, _ := utf8.DecodeRuneInString(w)
			if prev < utf8.RuneSelf && next < utf8.RuneSelf {
				b.WriteByte(' ')
			}
		}
		b.WriteString(w)
	}
	return b.String()
}

func missingFields(have [numFields]bool) []string {
	var missing []string
	for i, f := range fields {
		if f.Need == NeedColumn && !have[i] {
			missing = append(missing, f.ID)
		}
	}
	if !have[fPartyKind] && !have[fPartyUSCC] && !have[fPartyIDNo] {
		missing = append(missing, fields[fPartyKind].ID)
	}
	return missing
}

// MappingError refuses a file as a whole: columns a file must have are not
// found, or a saved Mapping names fields or columns that do not exist.
type MappingError struct {
	Line    int      // the header's line in the file
	Missing []string // field IDs whose required column was not found (see AutoMap)
	Unknown []string // Mapping keys that are not field IDs
	Absent  []string // Mapping header texts that name no column of the file
	Found   []string // the file's header texts, for the message
}

// Error returns the Chinese message for the clerk, e.g.
// 未找到“行政处罚决定书文号”列（也可写作：决定书文号、处罚文号）。文件第 1 行的表头为：序号、当事人、……
func (e *MappingError) Error() string {
	var parts []string
	for _, id := range e.Missing {
		i, ok := fieldIndex[id]
		if !ok {
			parts = append(parts, fmt.Sprintf("未找到“%s”列", id))
			continue
		}
		f := fields[i]
		s := fmt.Sprintf("未找到“%s”列", f.Label)
		if alt := f.Headers[1:min(4, len(f.Headers))]; len(alt) > 0 {
			s += "（也可写作：" + strings.Join(alt, "、") + "）"
		}
		if i == fPartyKind {
			s += "，也没有“统一社会信用代码”或“证件号码”列，无法判断相对人类别"
		}
		parts = append(parts, s)
	}
	for _, a := range e.Absent {
		parts = append(parts, fmt.Sprintf("列映射中的“%s”列在文件中不存在", a))
	}
	if len(e.Unknown) > 0 {
		parts = append(parts, "列映射中有未知字段："+strings.Join(e.Unknown, "、"))
	}
	msg := strings.Join(parts, "；")
	if msg == "" {
		msg = "列映射有误"
	}
	if len(e.Found) > 0 {
		if e.Line > 0 {
			msg += fmt.Sprintf("。文件第 %d 行的表头为：", e.Line)
		} else {
			msg += "。文件的表头为："
		}
		msg += strings.Join(e.Found, "、")
	}
	return msg
}

// Check reports whether the file with header h can be imported with m: it
// returns a *MappingError (Chinese message) when a key of m is not a
// field ID, a header text of m names no column of h, or a field whose
// column every file must have (see AutoMap) is not mapped. It returns nil
// otherwise. An agency's saved Mapping need not name every column; fields
// it leaves out are read as absent.
func (m Mapping) Check(h tabular.Header) error {
	e := &MappingError{Line: h.Line}
	var have [numFields]bool
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(a, b int) bool {
		ia, oka := fieldIndex[ids[a]]
		ib, okb := fieldIndex[ids[b]]
		if oka != okb {
			return oka
		}
		if oka && ia != ib {
			return ia < ib
		}
		return ids[a] < ids[b]
	})
	for _, id := range ids {
		f, ok := fieldIndex[id]
		if !ok {
			e.Unknown = append(e.Unknown, id)
			continue
		}
		if strings.TrimSpace(m[id]) == "" {
			continue
		}
		if findColumn(h, m[id]) < 0 {
			e.Absent = append(e.Absent, m[id])
			continue
		}
		have[f] = true
	}
	e.Missing = missingFields(have)
	if len(e.Missing) == 0 && len(e.Unknown) == 0 && len(e.Absent) == 0 {
		return nil
	}
	for _, c := range h.Columns {
		if t := columnText(c); t != "" {
			e.Found = append(e.Found, t)
		}
	}
	return e
}

// findColumn returns the index in h.Columns of the column a Mapping's
// header text names, or -1: the first column whose header text is the same
// (after NormalizeHeader, ignoring ASCII case), else whose name or
// group+name is, else whose name is the same but for a trailing
// parenthesised note on either side.
func findColumn(h tabular.Header, text string) int {
	k := headerKey(text)
	if k == "" {
		return -1
	}
	for i, c := range h.Columns {
		if headerKey(c.Raw) == k {
			return i
		}
	}
	for i, c := range h.Columns {
		if headerKey(c.Name) == k || (c.Group != "" && headerKey(c.Group+c.Name) == k) {
			return i
		}
	}
	stem := func(k string) string {
		if b := headerBase(k); b != "" {
			return b
		}
		return k
	}
	ks := stem(k)
	for i, c := range h.Columns {
		if c.Name != "" && stem(headerKey(c.Name)) == ks {
			return i
		}
	}
	return -1
}

// column is a resolved field: where it is in each row and how it reads.
type column struct {
	index  int // cell index, -1 when the file has no such column
	header string
	unit   tabular.Unit // money fields
}

// plan is a Mapping resolved against one header.
type plan struct {
	cols [numFields]column
}

func compile(m Mapping, h tabular.Header) *plan {
	p := &plan{}
	for f := range p.cols {
		p.cols[f] = mappedColumn(h, m[fields[f].ID], f == fFine || f == fConfiscation || f == fSurcharge)
	}
	return p
}

// mappedColumn is the column of h a mapping's text names (index -1 when
// there is none); a money column's unit comes from its header, else from
// the text.
func mappedColumn(h tabular.Header, text string, money bool) column {
	text = strings.TrimSpace(text)
	if text == "" {
		return column{index: -1}
	}
	ci := findColumn(h, text)
	if ci < 0 {
		return column{index: -1}
	}
	c := h.Columns[ci]
	col := column{index: c.Index, header: columnText(c)}
	if money {
		col.unit = tabular.UnitFromHeader(c.Raw)
		if col.unit == tabular.UnitUnknown {
			col.unit = tabular.UnitFromHeader(text)
		}
	}
	return col
}
