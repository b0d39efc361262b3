package tabular

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime/debug"
	"slices"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/richardlehane/mscfb"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/transform"
)

// This file reads legacy Excel workbooks: the BIFF8 "Workbook" stream that
// Excel 97–2003 and WPS write, and the older BIFF5/7 "Book" stream (Excel
// 5.0/95), found inside an OLE2 compound file (opened with mscfb). Only cell
// values are read — formatting, formulas' expressions, drawings and charts
// are skipped — following [MS-XLS] (https://learn.microsoft.com/openspecs/office_file_formats/ms-xls).
//
// The file is untrusted. Every length and offset is checked against the
// data actually present; every loop consumes input; counts claimed by the
// file never size an allocation beyond what the remaining bytes could hold;
// a sheet is limited to xlsMaxCells cells and the workbook to xlsMaxStrings
// shared strings; and the entry points recover from panics (reported as
// ErrCorrupt with an *xlsPanic cause, which the fuzz tests look for).

// BIFF record types ([MS-XLS] 2.3).
const (
	recFormula     = 0x0006
	recEOF         = 0x000A
	recDateMode    = 0x0022
	recFilePass    = 0x002F
	recContinue    = 0x003C
	recCodePage    = 0x0042
	recBoundSheet  = 0x0085
	recMulRK       = 0x00BD
	recRString     = 0x00D6
	recMergedCells = 0x00E5
	recSST         = 0x00FC
	recLabelSST    = 0x00FD
	recNumber      = 0x0203
	recLabel       = 0x0204
	recBoolErr     = 0x0205
	recString      = 0x0207
	recDimensions  = 0x0200
	recArray       = 0x0221
	recTable       = 0x0236
	recRK          = 0x027E
	recShrFmla     = 0x04BC
	recBOF         = 0x0809
)

// BOF substream types and BIFF versions.
const (
	bofGlobals   = 0x0005
	bofWorksheet = 0x0010
	biff5        = 0x0500
	biff8        = 0x0600
)

// xlsMaxCol is the last column a .xls can hold (IV).
const xlsMaxCol = 255

// Limits against hostile files. Variables so that tests can lower them.
var (
	// xlsMaxCells bounds the cells (plus merged ranges) of one sheet: a
	// full 65,536-row sheet of 64 columns. At about 24 bytes a cell plus its
	// text this keeps one sheet's reading near 100–200 MB at worst.
	xlsMaxCells = 1 << 22
	// xlsMaxStrings bounds the shared-string table.
	xlsMaxStrings = 1 << 22
)

// xlsBook is an opened legacy workbook: the whole Workbook stream (no larger
// than the file), the shared strings and where each worksheet starts.
type xlsBook struct {
	stream   []byte
	biff8    bool
	codepage uint16
	date1904 bool
	sst      []string
	sheets   []xlsSheet
}

type xlsSheet struct {
	name   string
	offset int // of the sheet's BOF record in stream
	end    int // where the next substream starts, or the stream ends
}

// xlsRange is a merged area, 0-based and inclusive.
type xlsRange struct {
	FirstRow, LastRow, FirstCol, LastCol int
}

// xlsPanic is the cause of an ErrCorrupt made from a panic in this reader.
type xlsPanic struct {
	value any
	stack string
}

func (p *xlsPanic) Error() string { return fmt.Sprintf("xls reader panic: %v", p.value) }

// errXLS is a structural defect, wrapped into ErrCorrupt with the row it was
// found at (0 in the workbook globals).
type errXLS struct {
	row int // 1-based, 0 if none
	msg string
}

func (e *errXLS) Error() string {
	if e.row > 0 {
		return fmt.Sprintf("xls: row %d: %s", e.row, e.msg)
	}
	return "xls: " + e.msg
}

func xlsErr(row int, format string, args ...any) *errXLS {
	return &errXLS{row: row, msg: fmt.Sprintf(format, args...)}
}

var (
	errXLSTooManyCells   = errors.New("xls: too many cells in one sheet")
	errXLSTooManyStrings = errors.New("xls: too many shared strings")
	errXLSEncrypted      = errors.New("xls: FILEPASS (workbook is encrypted)")
	errXLSVersion        = errors.New("xls: BIFF version older than 5")
)

// openXLS reads the Workbook (or Book) stream f of the compound file and its
// globals; sheets are parsed when [Book.Rows] asks for them.
func (b *Book) openXLS(f *mscfb.File) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = newErr(ErrCorrupt, 0, &xlsPanic{value: p, stack: string(debug.Stack())})
		}
	}()
	if b.size > b.opts.MaxXLSXBytes {
		return withMessage(ErrTooLarge, 0, nil, "Excel 文件过大（%d MB，上限 %d MB），请拆分后上传，或另存为 CSV 后上传",
			b.size>>20, b.opts.MaxXLSXBytes>>20)
	}
	// A stream's bytes all come from the container's sectors: a size beyond
	// the file's is a lie, and reading it would only follow a cyclic chain.
	if f.Size <= 0 || f.Size > b.size {
		return newErr(ErrCorrupt, 0, xlsErr(0, "workbook stream size %d in a %d-byte file", f.Size, b.size))
	}
	stream := make([]byte, f.Size)
	if _, rerr := io.ReadFull(f, stream); rerr != nil {
		return newErr(ErrCorrupt, 0, rerr)
	}
	x, perr := parseXLS(stream)
	if perr != nil {
		return xlsError(perr, "")
	}
	b.Format = FormatXLS
	b.xls = x
	b.Date1904 = x.date1904
	b.Sheets = make([]string, len(x.sheets))
	for i, s := range x.sheets {
		b.Sheets[i] = s.name
	}
	return nil
}

// xlsError turns a reading failure into the *Error a user sees.
func xlsError(err error, sheet string) *Error {
	switch {
	case errors.Is(err, errXLSEncrypted):
		return newErr(ErrEncrypted, 0, err)
	case errors.Is(err, errXLSVersion):
		return newErr(ErrLegacyXLS, 0, err)
	case errors.Is(err, errXLSTooManyCells):
		return withMessage(ErrTooLarge, 0, err, "Excel 工作表“%s”过大（超过 %d 个单元格），请拆分后上传，或另存为 CSV 后上传", sheet, xlsMaxCells)
	case errors.Is(err, errXLSTooManyStrings):
		return withMessage(ErrTooLarge, 0, err, "Excel 文件过大（超过 %d 个不同的文字），请拆分后上传，或另存为 CSV 后上传", xlsMaxStrings)
	}
	var xe *errXLS
	if errors.As(err, &xe) && xe.row > 0 {
		return withMessage(ErrCorrupt, xe.row, err, "Excel 文件已损坏，无法读取（工作表“%s”第 %d 行附近）", sheet, xe.row)
	}
	if sheet != "" {
		return withMessage(ErrCorrupt, 0, err, "Excel 文件已损坏，无法读取（工作表“%s”）", sheet)
	}
	return newErr(ErrCorrupt, 0, err)
}

// parseXLS reads the workbook globals: the substream from the first BOF to
// its EOF.
func parseXLS(stream []byte) (*xlsBook, error) {
	x := &xlsBook{stream: stream}
	r := biffReader{data: stream}
	typ, body, err := r.next()
	if err != nil {
		return nil, xlsErr(0, "no BOF record: %v", err)
	}
	if typ != recBOF {
		// BIFF2–4 BOF records (0x0009, 0x0209, 0x0409) in a Book stream.
		if typ&0xFF == 0x09 && typ < recBOF {
			return nil, errXLSVersion
		}
		return nil, xlsErr(0, "stream starts with record 0x%04X, not BOF", typ)
	}
	if len(body) < 4 {
		return nil, xlsErr(0, "short BOF record")
	}
	switch vers, dt := le16(body), le16(body[2:]); {
	case dt != bofGlobals:
		return nil, xlsErr(0, "first substream has type 0x%04X, not workbook globals", dt)
	case vers >= biff8:
		x.biff8 = true
	case vers == biff5:
	default:
		return nil, errXLSVersion
	}

	type rawSheet struct {
		name   []byte
		wide   bool // BIFF8 name stored as UTF-16
		offset uint32
	}
	var raw []rawSheet
	var others []int // where chart, macro and module sheets start
	for {
		typ, body, err := r.next()
		if err == io.EOF {
			return nil, xlsErr(0, "workbook globals end without an EOF record")
		}
		if err != nil {
			return nil, err
		}
		if typ == recEOF {
			break
		}
		switch typ {
		case recFilePass:
			return nil, errXLSEncrypted
		case recCodePage:
			if len(body) >= 2 {
				x.codepage = le16(body)
			}
		case recDateMode:
			if len(body) >= 2 {
				x.date1904 = le16(body) == 1
			}
		case recBoundSheet:
			// lbPlyPos(4) hsState(1) dt(1) name
			if len(body) < 7 {
				return nil, xlsErr(0, "short BOUNDSHEET record")
			}
			if body[5] != 0 { // 1 macro sheet, 2 chart, 6 VBA module
				others = append(others, int(min(le32(body), math.MaxInt32)))
				continue
			}
			s := rawSheet{offset: le32(body)}
			n := int(body[6])
			name := body[7:]
			if x.biff8 {
				if len(name) < 1 {
					return nil, xlsErr(0, "short BOUNDSHEET record")
				}
				s.wide = name[0]&1 != 0
				name = name[1:]
				if s.wide {
					n *= 2
				}
			}
			if n > len(name) {
				return nil, xlsErr(0, "sheet name runs past its BOUNDSHEET record")
			}
			s.name = name[:n]
			raw = append(raw, s)
		case recSST:
			if !x.biff8 {
				continue
			}
			if x.sst != nil {
				return nil, xlsErr(0, "second SST record")
			}
			if x.sst, err = parseSST(stream, body, r.pos); err != nil {
				return nil, err
			}
		}
	}
	if len(raw) == 0 {
		return nil, xlsErr(0, "workbook has no worksheets")
	}
	// Substreams follow the globals and do not overlap: each worksheet is
	// read only up to the next substream's start, so reading every sheet
	// costs one pass over the stream however the offsets are forged.
	// Worksheets must start inside the stream, each at its own offset; the
	// other sheets' offsets, never read, only bound them when plausible.
	var starts []int
	for _, s := range raw {
		starts = append(starts, int(s.offset))
	}
	slices.Sort(starts)
	for k, o := range starts {
		switch {
		case o < r.pos || o >= len(stream):
			return nil, xlsErr(0, "a sheet starts at %d, outside %d–%d", o, r.pos, len(stream))
		case k > 0 && o == starts[k-1]:
			return nil, xlsErr(0, "two sheets start at %d", o)
		}
	}
	for _, o := range others {
		if o >= r.pos && o < len(stream) {
			starts = append(starts, o)
		}
	}
	slices.Sort(starts)
	starts = slices.Compact(starts)
	x.sheets = make([]xlsSheet, len(raw))
	for i, s := range raw {
		end := len(stream)
		if k, _ := slices.BinarySearch(starts, int(s.offset)); k+1 < len(starts) {
			end = starts[k+1]
		}
		x.sheets[i].end = end
		name := ""
		if s.wide {
			name = decodeUTF16(s.name)
		} else if x.biff8 {
			name = decodeLatin1(s.name)
		} else {
			name = x.decode8(s.name)
		}
		if name == "" {
			name = "Sheet" + strconv.Itoa(i+1)
		}
		x.sheets[i].name, x.sheets[i].offset = name, int(s.offset)
	}
	return x, nil
}

// biffReader walks the records of a stream.
type biffReader struct {
	data []byte
	pos  int
}

var errTruncated = errors.New("xls: record runs past the end of the stream")

// next returns the record at pos and moves past it: io.EOF at the end of
// the data, errTruncated when the record does not fit in what is left.
func (r *biffReader) next() (typ uint16, body []byte, err error) {
	rest := len(r.data) - r.pos
	if rest <= 0 {
		return 0, nil, io.EOF
	}
	if rest < 4 {
		return 0, nil, xlsErr(0, "%v", errTruncated)
	}
	typ = le16(r.data[r.pos:])
	n := int(le16(r.data[r.pos+2:]))
	if n > rest-4 {
		return 0, nil, xlsErr(0, "record 0x%04X at %d: %v", typ, r.pos, errTruncated)
	}
	body = r.data[r.pos+4 : r.pos+4+n]
	r.pos += 4 + n
	return typ, body, nil
}

// segReader reads a record body and the bodies of the CONTINUE records that
// follow it as one sequence of segments, in place: data is the stream, next
// the offset of the record after the current segment.
type segReader struct {
	data  []byte
	seg   []byte
	next  int
	units []uint16 // scratch: the UTF-16 code units of the string being read
	utf8  []byte   // scratch: its UTF-8 form
}

// advance moves to the next segment, which must be a CONTINUE record.
func (s *segReader) advance() bool {
	rest := len(s.data) - s.next
	if rest < 4 || le16(s.data[s.next:]) != recContinue {
		return false
	}
	n := int(le16(s.data[s.next+2:]))
	if n > rest-4 {
		return false
	}
	s.seg = s.data[s.next+4 : s.next+4+n]
	s.next += 4 + n
	return true
}

// atEnd reports that no byte is left in this segment or any CONTINUE after it.
func (s *segReader) atEnd() bool {
	for len(s.seg) == 0 {
		if !s.advance() {
			return true
		}
	}
	return false
}

// read fills p, crossing segment boundaries.
func (s *segReader) read(p []byte) bool {
	for len(p) > 0 {
		if len(s.seg) == 0 && !s.advance() {
			return false
		}
		n := copy(p, s.seg)
		p, s.seg = p[n:], s.seg[n:]
	}
	return true
}

// skip passes over n bytes, crossing segment boundaries.
func (s *segReader) skip(n int) bool {
	for n > 0 {
		if len(s.seg) == 0 && !s.advance() {
			return false
		}
		k := min(n, len(s.seg))
		n, s.seg = n-k, s.seg[k:]
	}
	return true
}

// chars reads n characters, one byte each ("compressed": the low byte of a
// UTF-16 unit, i.e. Latin-1) or two when wide. A string's characters may
// continue in the next CONTINUE record, which then starts with a new option
// byte whose bit 0 says whether the rest is wide ([MS-XLS] 2.5.293, 2.5.294).
func (s *segReader) chars(n int, wide bool) (string, error) {
	units := s.units[:0]
	for len(units) < n {
		if len(s.seg) == 0 {
			if !s.advance() {
				return "", xlsErr(0, "string cut short: %d of %d characters", len(units), n)
			}
			if len(s.seg) == 0 {
				return "", xlsErr(0, "CONTINUE record without the option byte of a continued string")
			}
			wide = s.seg[0]&1 != 0
			s.seg = s.seg[1:]
			continue
		}
		if wide {
			k := min(n-len(units), len(s.seg)/2)
			if k == 0 {
				return "", xlsErr(0, "odd byte at the end of a segment inside a UTF-16 string")
			}
			for i := range k {
				units = append(units, le16(s.seg[2*i:]))
			}
			s.seg = s.seg[2*k:]
		} else {
			k := min(n-len(units), len(s.seg))
			for _, c := range s.seg[:k] {
				units = append(units, uint16(c))
			}
			s.seg = s.seg[k:]
		}
	}
	s.units = units
	s.utf8 = appendUTF16(s.utf8[:0], units)
	return string(s.utf8), nil
}

// richString reads an XLUnicodeRichExtendedString ([MS-XLS] 2.5.293): the
// form of shared strings, with formatting runs and East Asian phonetic data
// that are skipped.
func (s *segReader) richString() (string, error) {
	var hdr [4]byte
	if !s.read(hdr[:3]) {
		return "", xlsErr(0, "string header cut short")
	}
	n, flags := int(le16(hdr[:])), hdr[2]
	runs, ext := 0, 0
	if flags&0x08 != 0 { // fRichSt
		if !s.read(hdr[:2]) {
			return "", xlsErr(0, "string header cut short")
		}
		runs = int(le16(hdr[:]))
	}
	if flags&0x04 != 0 { // fExtSt
		if !s.read(hdr[:4]) {
			return "", xlsErr(0, "string header cut short")
		}
		ext = int(int32(le32(hdr[:])))
		if ext < 0 {
			return "", xlsErr(0, "negative phonetic block size %d", ext)
		}
	}
	str, err := s.chars(n, flags&0x01 != 0)
	if err != nil {
		return "", err
	}
	if !s.skip(4 * runs) {
		return "", xlsErr(0, "formatting runs cut short")
	}
	if !s.skip(ext) {
		return "", xlsErr(0, "phonetic block cut short")
	}
	return str, nil
}

// parseSST reads the shared-string table: body is the SST record's, next the
// offset of the record after it (the first CONTINUE, if any).
func parseSST(stream, body []byte, next int) ([]string, error) {
	if len(body) < 8 {
		return nil, xlsErr(0, "short SST record")
	}
	claimed := int64(le32(body[4:])) // cstUnique
	// The count only sizes the first allocation, within what the remaining
	// bytes could hold (3 or more a string); append grows the rest.
	sst := make([]string, 0, max(0, min(claimed, int64(len(stream)-next+len(body))/3, 1<<16)))
	s := segReader{data: stream, seg: body[8:], next: next}
	for i := int64(0); i < claimed; i++ {
		if s.atEnd() {
			// Fewer strings than claimed, ending cleanly between two:
			// accepted, as some writers miscount; a cell using a missing
			// string is reported when read.
			break
		}
		if len(sst) >= xlsMaxStrings {
			return nil, errXLSTooManyStrings
		}
		str, err := s.richString()
		if err != nil {
			return nil, xlsErr(0, "shared string %d: %v", i, err)
		}
		sst = append(sst, str)
	}
	return sst, nil
}

// xlsCell is one non-empty cell: pos is row<<8 | column.
type xlsCell struct {
	pos  uint32
	text string
}

// sheetReader collects the cells of one worksheet substream.
type sheetReader struct {
	x       *xlsBook
	data    []byte // the stream up to the end of this sheet's substream
	cells   []xlsCell
	merges  []xlsRange
	sorted  bool
	pending int // 1 + index in cells of a FORMULA awaiting its STRING record; 0 if none
	seg     segReader
}

// readSheet parses worksheet i into cells sorted by row and column (a later
// record for the same cell wins) and its merged areas.
func (x *xlsBook) readSheet(i int) ([]xlsCell, []xlsRange, error) {
	data := x.stream[:x.sheets[i].end]
	r := biffReader{data: data, pos: x.sheets[i].offset}
	typ, body, err := r.next()
	if err != nil {
		return nil, nil, err
	}
	if typ != recBOF || len(body) < 4 {
		return nil, nil, xlsErr(0, "sheet does not start with a BOF record")
	}
	if dt := le16(body[2:]); dt != bofWorksheet {
		return nil, nil, xlsErr(0, "sheet substream has type 0x%04X, not a worksheet", dt)
	}
	sr := &sheetReader{x: x, data: data, sorted: true, seg: segReader{data: data}}
	depth := 0 // of substreams nested in the sheet (embedded charts)
	for {
		typ, body, err := r.next()
		if err == io.EOF {
			return nil, nil, xlsErr(0, "sheet ends without an EOF record")
		}
		if err != nil {
			return nil, nil, err
		}
		if depth > 0 {
			switch typ {
			case recBOF:
				depth++
			case recEOF:
				depth--
			}
			continue
		}
		switch typ {
		case recEOF:
			sr.finish()
			return sr.cells, sr.merges, nil
		case recBOF:
			depth = 1
			sr.pending = 0
		case recShrFmla, recArray, recTable, recContinue:
			// May sit between a FORMULA and its STRING.
		default:
			if err := sr.record(typ, body, r.pos); err != nil {
				return nil, nil, err
			}
		}
	}
}

// record handles one record of the sheet substream; next is the offset of
// the record after it.
func (sr *sheetReader) record(typ uint16, body []byte, next int) error {
	pending := sr.pending
	sr.pending = 0
	switch typ {
	case recString:
		if pending == 0 {
			return nil // a STRING not after a FORMULA: ignored
		}
		c := &sr.cells[pending-1]
		text, err := sr.string16(body, next)
		if err != nil {
			return xlsErr(int(c.pos>>8)+1, "STRING record: %v", err)
		}
		c.text = text
		return nil
	case recMergedCells:
		if len(body) < 2 {
			return nil
		}
		n := min(int(le16(body)), (len(body)-2)/8)
		for k := range n {
			b := body[2+8*k:]
			m := xlsRange{int(le16(b)), int(le16(b[2:])), int(le16(b[4:])), int(le16(b[6:]))}
			if m.FirstRow > m.LastRow || m.FirstCol > m.LastCol || m.FirstCol > xlsMaxCol {
				continue
			}
			m.LastCol = min(m.LastCol, xlsMaxCol)
			if len(sr.cells)+len(sr.merges) >= xlsMaxCells {
				return errXLSTooManyCells
			}
			sr.merges = append(sr.merges, m)
		}
		return nil
	case recDimensions:
		sr.reserve(body, next)
		return nil
	case recNumber, recRK, recLabelSST, recLabel, recRString, recBoolErr, recFormula, recMulRK:
	default:
		return nil
	}

	// Cell records start with rw(2) col(2).
	if len(body) < 6 {
		return xlsErr(0, "short cell record 0x%04X", typ)
	}
	row, col := int(le16(body)), int(le16(body[2:]))
	line := row + 1
	short := func() error { return xlsErr(line, "short cell record 0x%04X", typ) }
	switch typ {
	case recNumber:
		if len(body) < 14 {
			return short()
		}
		return sr.add(row, col, formatXLSNumber(math.Float64frombits(le64(body[6:]))), false)
	case recRK:
		if len(body) < 10 {
			return short()
		}
		return sr.add(row, col, formatXLSNumber(rkValue(le32(body[6:]))), false)
	case recMulRK:
		// rw colFirst {ixfe(2) rk(4)}… colLast(2)
		if len(body) < 12 {
			return short()
		}
		n := (len(body) - 6) / 6
		last := int(le16(body[len(body)-2:]))
		if last < col || last-col+1 != n {
			return xlsErr(line, "MULRK columns %d–%d for %d values", col, last, n)
		}
		for k := range n {
			if err := sr.add(row, col+k, formatXLSNumber(rkValue(le32(body[4+6*k+2:]))), false); err != nil {
				return err
			}
		}
		return nil
	case recLabelSST:
		if len(body) < 10 {
			return short()
		}
		k := le32(body[6:])
		if int64(k) >= int64(len(sr.x.sst)) {
			return xlsErr(line, "shared string %d of %d", k, len(sr.x.sst))
		}
		return sr.add(row, col, sr.x.sst[k], false)
	case recLabel, recRString:
		text, err := sr.string16(body[6:], next)
		if err != nil {
			return xlsErr(line, "LABEL: %v", err)
		}
		return sr.add(row, col, text, false)
	case recBoolErr:
		if len(body) < 8 {
			return short()
		}
		return sr.add(row, col, boolErrText(body[6], body[7] != 0), false)
	case recFormula:
		// rw col ixfe value(8) grbit(2) chn(4) cce(2) rgce
		if len(body) < 14 {
			return short()
		}
		v := body[6:14]
		if le16(v[6:]) != 0xFFFF {
			return sr.add(row, col, formatXLSNumber(math.Float64frombits(le64(v))), true)
		}
		switch v[0] {
		case 0: // string: in the STRING record that follows
			if err := sr.add(row, col, "", true); err != nil {
				return err
			}
			sr.pending = len(sr.cells)
			return nil
		case 1:
			return sr.add(row, col, boolErrText(v[2], false), true)
		case 2:
			return sr.add(row, col, boolErrText(v[2], true), true)
		}
		return sr.add(row, col, "", true) // 3: empty string
	}
	return nil
}

// string16 reads the string of a LABEL, RSTRING or STRING record: in BIFF8 an
// XLUnicodeString (cch(2) flags(1) characters, which may continue in
// CONTINUE records); in BIFF5 cch(2) and bytes in the workbook's code page.
// Formatting runs after it (RSTRING) are ignored.
func (sr *sheetReader) string16(b []byte, next int) (string, error) {
	if len(b) < 2 {
		return "", errors.New("string header cut short")
	}
	n := int(le16(b))
	if !sr.x.biff8 {
		if n > len(b)-2 {
			return "", errors.New("string runs past its record")
		}
		return sr.x.decode8(b[2 : 2+n]), nil
	}
	if len(b) < 3 {
		return "", errors.New("string header cut short")
	}
	s := &sr.seg
	s.seg, s.next = b[3:], next
	return s.chars(n, b[2]&1 != 0)
}

// reserve sizes the cell list from the DIMENSIONS record, believing it only
// as far as the rest of the stream could hold cells (10 bytes or more each).
func (sr *sheetReader) reserve(body []byte, next int) {
	if sr.cells != nil {
		return
	}
	var rows, cols int
	switch {
	case sr.x.biff8 && len(body) >= 12: // rwMic(4) rwMac(4) colMic(2) colMac(2)
		rows = int(le32(body[4:])) - int(le32(body))
		cols = int(le16(body[10:])) - int(le16(body[8:]))
	case !sr.x.biff8 && len(body) >= 8: // rwMic(2) rwMac(2) colMic(2) colMac(2)
		rows = int(le16(body[2:])) - int(le16(body))
		cols = int(le16(body[6:])) - int(le16(body[4:]))
	}
	if rows <= 0 || cols <= 0 {
		return
	}
	n := min(int64(rows)*int64(cols), int64(len(sr.data)-next)/10, int64(xlsMaxCells))
	sr.cells = make([]xlsCell, 0, n)
}

// add records a cell. Cells with empty text are dropped unless they hold a
// formula, as excelize does for XLSX.
func (sr *sheetReader) add(row, col int, text string, formula bool) error {
	if col > xlsMaxCol {
		return xlsErr(row+1, "column %d beyond the last column of a .xls", col+1)
	}
	if text == "" && !formula {
		return nil
	}
	if len(sr.cells)+len(sr.merges) >= xlsMaxCells {
		return errXLSTooManyCells
	}
	pos := uint32(row)<<8 | uint32(col)
	if n := len(sr.cells); n > 0 && pos <= sr.cells[n-1].pos {
		sr.sorted = false
	}
	sr.cells = append(sr.cells, xlsCell{pos: pos, text: text})
	return nil
}

// finish sorts the cells by position, keeping the last record of each.
func (sr *sheetReader) finish() {
	if sr.sorted {
		return
	}
	slices.SortStableFunc(sr.cells, func(a, b xlsCell) int { return int(a.pos) - int(b.pos) })
	out := sr.cells[:0]
	for i, c := range sr.cells {
		if i+1 < len(sr.cells) && sr.cells[i+1].pos == c.pos {
			continue
		}
		out = append(out, c)
	}
	clear(sr.cells[len(out):])
	sr.cells = out
}

// xlsRows yields the rows of a parsed sheet: every row from 1 to the last
// one holding a cell, gaps included as rows without cells, like xlsxRows.
type xlsRows struct {
	cells  []xlsCell
	merges []xlsRange
	i      int
	line   int
	last   int
	err    error
}

func (b *Book) xlsRows(i int) (_ Rows, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = newErr(ErrCorrupt, 0, &xlsPanic{value: p, stack: string(debug.Stack())})
		}
	}()
	if b.xls == nil {
		return nil, withMessage(ErrCorrupt, 0, nil, "工作簿已关闭")
	}
	cells, merges, perr := b.xls.readSheet(i)
	if perr != nil {
		return nil, xlsError(perr, b.xls.sheets[i].name)
	}
	x := &xlsRows{cells: cells, merges: merges}
	if len(cells) > 0 {
		x.last = int(cells[len(cells)-1].pos>>8) + 1
	}
	return x, nil
}

// Next returns the next row.
func (x *xlsRows) Next() (row Row, err error) {
	if x.err != nil {
		return Row{}, x.err
	}
	defer func() {
		if p := recover(); p != nil {
			x.err = withMessage(ErrCorrupt, x.line, &xlsPanic{value: p, stack: string(debug.Stack())},
				"Excel 文件已损坏，无法读取（第 %d 行附近）", x.line)
			row, err = Row{}, x.err
		}
	}()
	if x.line >= x.last {
		x.err = io.EOF
		x.cells = nil
		return Row{}, io.EOF
	}
	x.line++
	rw := uint32(x.line - 1)
	j := x.i
	for j < len(x.cells) && x.cells[j].pos>>8 == rw {
		j++
	}
	var cells []string
	if j > x.i {
		cells = make([]string, x.cells[j-1].pos&0xFF+1)
		for _, c := range x.cells[x.i:j] {
			cells[c.pos&0xFF] = c.text
		}
	}
	x.i = j
	return Row{Line: x.line, Cells: cells}, nil
}

// Close releases the sheet's cells.
func (x *xlsRows) Close() error {
	x.cells = nil
	if x.err == nil {
		x.err = io.EOF
	}
	return nil
}

// rkValue decodes an RK number ([MS-XLS] 2.5.217): a 30-bit integer or the
// top 30 bits of a double, optionally to be divided by 100.
func rkValue(rk uint32) float64 {
	var v float64
	if rk&0x02 != 0 {
		v = float64(int32(rk) >> 2)
	} else {
		v = math.Float64frombits(uint64(rk&^3) << 32)
	}
	if rk&0x01 != 0 {
		v /= 100
	}
	return v
}

// formatXLSNumber writes a cell's number as Excel shows it in a General
// cell, to 15 significant digits, which drops binary noise (0.1+0.2 is
// "0.3", not "0.30000000000000004") but keeps every digit a user can have
// typed, such as a 15-digit registration number. Plain decimal notation is
// used unless the number is tiny or huge ("1E-20").
func formatXLSNumber(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "#NUM!"
	}
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatInt(int64(v), 10)
	}
	var buf [32]byte
	if e := strconv.AppendFloat(buf[:0], v, 'e', -1, 64); significantDigits(e) > 15 {
		e = strconv.AppendFloat(buf[:0], v, 'e', 14, 64)
		if r, err := strconv.ParseFloat(string(e), 64); err == nil {
			v = r
		}
	}
	if a := math.Abs(v); a != 0 && (a < 1e-9 || a >= 1e21) {
		return strconv.FormatFloat(v, 'E', -1, 64)
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// significantDigits counts the mantissa digits of a number in 'e' format.
func significantDigits(e []byte) int {
	n := 0
	for _, c := range e {
		if c == 'e' {
			break
		}
		if c >= '0' && c <= '9' {
			n++
		}
	}
	return n
}

// boolErrText is a BOOLERR or cached formula value: booleans as "1"/"0" (the
// raw XLSX form), errors as Excel shows them.
func boolErrText(v byte, isErr bool) string {
	if !isErr {
		if v != 0 {
			return "1"
		}
		return "0"
	}
	switch v {
	case 0x00:
		return "#NULL!"
	case 0x07:
		return "#DIV/0!"
	case 0x0F:
		return "#VALUE!"
	case 0x17:
		return "#REF!"
	case 0x1D:
		return "#NAME?"
	case 0x24:
		return "#NUM!"
	case 0x2A:
		return "#N/A"
	case 0x2B:
		return "#GETTING_DATA"
	}
	return "#N/A"
}

// decode8 decodes BIFF5 8-bit text in the workbook's code page. A workbook
// without a CODEPAGE record, or with one this reader does not know, is taken
// to be GBK (read as GB18030, its superset), which is what Chinese Excel and
// WPS write.
func (x *xlsBook) decode8(b []byte) string {
	ascii := true
	for _, c := range b {
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return string(b)
	}
	var enc encoding.Encoding
	switch x.codepage {
	case 1200: // UTF-16: not used for 8-bit strings; take them as Latin-1
		return decodeLatin1(b)
	case 932:
		enc = japanese.ShiftJIS
	case 949:
		enc = korean.EUCKR
	case 950:
		enc = traditionalchinese.Big5
	case 437:
		enc = charmap.CodePage437
	case 874:
		enc = charmap.Windows874
	case 1250:
		enc = charmap.Windows1250
	case 1251:
		enc = charmap.Windows1251
	case 1252, 0x8001:
		enc = charmap.Windows1252
	case 1253:
		enc = charmap.Windows1253
	case 1254:
		enc = charmap.Windows1254
	case 1255:
		enc = charmap.Windows1255
	case 1256:
		enc = charmap.Windows1256
	case 1257:
		enc = charmap.Windows1257
	case 1258:
		enc = charmap.Windows1258
	case 10000, 0x8000:
		enc = charmap.Macintosh
	}
	var t transform.Transformer
	if enc != nil {
		t = enc.NewDecoder()
	} else {
		t = newGBDecoder()
	}
	s, _, err := transform.Bytes(t, b)
	if err != nil || !utf8.Valid(s) {
		return decodeLatin1(b)
	}
	return string(s)
}

func decodeLatin1(b []byte) string {
	out := make([]byte, 0, len(b)*2)
	for _, c := range b {
		out = utf8.AppendRune(out, rune(c))
	}
	return string(out)
}

// decodeUTF16 decodes little-endian UTF-16 (an odd last byte is dropped).
func decodeUTF16(b []byte) string {
	units := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		units = append(units, le16(b[i:]))
	}
	return string(appendUTF16(nil, units))
}

// appendUTF16 appends the UTF-8 form of UTF-16 units; unpaired surrogates
// become U+FFFD.
func appendUTF16(dst []byte, units []uint16) []byte {
	for i := 0; i < len(units); i++ {
		u := rune(units[i])
		switch {
		case u < utf8.RuneSelf:
			dst = append(dst, byte(u))
			continue
		case utf16.IsSurrogate(u) && u < 0xDC00 && i+1 < len(units):
			if r := utf16.DecodeRune(u, rune(units[i+1])); r != utf8.RuneError {
				dst = utf8.AppendRune(dst, r)
				i++
				continue
			}
		}
		if utf16.IsSurrogate(u) {
			u = utf8.RuneError
		}
		dst = utf8.AppendRune(dst, u)
	}
	return dst
}

func le16(b []byte) uint16 { return binary.LittleEndian.Uint16(b) }
func le32(b []byte) uint32 { return binary.LittleEndian.Uint32(b) }
func le64(b []byte) uint64 { return binary.LittleEndian.Uint64(b) }
