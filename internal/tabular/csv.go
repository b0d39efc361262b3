package tabular

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Encoding is the text encoding of a CSV file.
type Encoding string

// The encodings [NewCSVReader] recognises. GBK files read as GB18030, its
// superset.
const (
	// EncodingASCII means every byte seen so far was ASCII, which all the
	// others agree on; the choice is made at the first non-ASCII byte.
	EncodingASCII   Encoding = "ASCII"
	EncodingUTF8    Encoding = "UTF-8"
	EncodingUTF8BOM Encoding = "UTF-8-BOM"
	EncodingGB18030 Encoding = "GB18030"
	EncodingUTF16LE Encoding = "UTF-16LE" // Excel's "Unicode 文本", recognised by its BOM
	EncodingUTF16BE Encoding = "UTF-16BE"
)

// CSVReader streams the records of delimited text. It implements [Rows].
type CSVReader struct {
	delim     rune
	r         *csv.Reader
	auto      *autoDecoder // nil when a BOM decided the encoding
	fixed     Encoding
	lim       *limitReader
	maxRecord int
	endLine   int // physical line on which the last returned record ended
	sanitize  bool
	err       error // sticky, final
}

// NewCSVReader prepares to stream delimited text from r, holding at most a
// few hundred KiB of it at a time (plus the current record, up to
// Options.MaxRecordBytes; see [OpenWithOptions]).
//
// Encoding: a BOM decides (UTF-8, UTF-16LE, UTF-16BE). Without one, bytes
// pass through unchanged while they are ASCII, which every candidate encoding
// shares; at the first non-ASCII byte the next 64 KiB decide:
//
//   - valid UTF-8 and not valid GB18030 → UTF-8; the reverse → GB18030;
//   - valid as both (short texts can be: GBK "联通" is valid UTF-8) → the
//     one whose non-ASCII characters are more plausibly Chinese text (CJK
//     ideographs, CJK and full-width punctuation), UTF-8 on a tie;
//   - valid as neither → the one with fewer invalid sequences if those are
//     at most 1% of the non-ASCII characters (they read as U+FFFD), else
//     [ErrEncoding].
//
// A later byte sequence invalid in the chosen encoding reads as U+FFFD, so
// cells are always valid UTF-8.
//
// Delimiter: among comma, tab, semicolon and vertical bar, the one that
// splits the most of the first 100 lines (outside quotes) into the same
// number of fields; comma on a tie or when none occurs.
//
// Records follow RFC 4180 leniently: quoted fields may hold delimiters,
// newlines and doubled quotes; a stray quote inside an unquoted field is
// kept as text; rows may differ in length; blank lines are skipped.
func NewCSVReader(r io.Reader) (*CSVReader, error) {
	return newCSVReader(r, Options{}.withDefaults())
}

func newCSVReader(r io.Reader, opts Options) (*CSVReader, error) {
	raw := bufio.NewReaderSize(r, 2*sniffSize)
	head, err := raw.Peek(sniffSize)
	atEOF := err != nil
	if err != nil && err != io.EOF {
		if len(head) == 0 {
			return nil, withMessage(ErrNotTable, 0, err, "无法读取文件内容")
		}
	}
	if err := checkText(head, atEOF); err != nil {
		return nil, err
	}
	c := &CSVReader{maxRecord: opts.MaxRecordBytes}
	var text io.Reader
	switch {
	case bytes.HasPrefix(head, []byte("\xEF\xBB\xBF")):
		_, _ = raw.Discard(3)
		c.fixed, c.sanitize, text = EncodingUTF8BOM, true, raw
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}):
		c.fixed = EncodingUTF16LE
		text = transform.NewReader(raw, unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder())
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		c.fixed = EncodingUTF16BE
		text = transform.NewReader(raw, unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder())
	default:
		c.auto = &autoDecoder{br: raw}
		c.sanitize, text = true, c.auto
	}
	c.lim = &limitReader{r: text, max: int64(opts.MaxRecordBytes)}
	decoded := bufio.NewReaderSize(c.lim, 2*sniffSize)
	sample, err := decoded.Peek(sniffSize)
	if err != nil && err != io.EOF {
		var te *Error
		if errors.As(err, &te) {
			return nil, te
		}
		if len(sample) == 0 {
			return nil, withMessage(ErrNotTable, 0, err, "无法读取文件内容")
		}
	}
	if len(bytes.Trim(sample, " \t\r\n\x00")) == 0 && err == io.EOF {
		return nil, newErr(ErrEmpty, 0, nil)
	}
	c.delim = sniffDelimiter(sample, err == io.EOF)
	c.r = csv.NewReader(decoded)
	c.r.Comma = c.delim
	c.r.FieldsPerRecord = -1
	c.r.LazyQuotes = true
	c.lim.reset()
	return c, nil
}

// Encoding reports the encoding in use: [EncodingASCII] until the first
// non-ASCII byte has been read and the choice made.
func (c *CSVReader) Encoding() Encoding {
	if c.auto == nil {
		return c.fixed
	}
	if c.auto.enc == "" {
		return EncodingASCII
	}
	return c.auto.enc
}

// Delimiter reports the field separator in use.
func (c *CSVReader) Delimiter() rune { return c.delim }

// Next returns the next record; see [Rows].
func (c *CSVReader) Next() (Row, error) {
	if c.err != nil {
		return Row{}, c.err
	}
	rec, err := c.r.Read()
	if err != nil {
		return Row{}, c.fail(err)
	}
	c.lim.reset()
	line, _ := c.r.FieldPos(0)
	last, _ := c.r.FieldPos(len(rec) - 1)
	c.endLine = last + strings.Count(rec[len(rec)-1], "\n")
	// GB18030 and UTF-16 decoders only produce valid UTF-8; raw UTF-8 input
	// may not be valid.
	if c.sanitize && (c.auto == nil || c.auto.enc != EncodingGB18030) {
		for i, f := range rec {
			if !utf8.ValidString(f) {
				rec[i] = strings.ToValidUTF8(f, "\uFFFD")
			}
		}
	}
	return Row{Line: line, Cells: rec}, nil
}

func (c *CSVReader) fail(err error) error {
	if err == io.EOF {
		c.err = io.EOF
		return err
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) && (errors.Is(pe.Err, csv.ErrQuote) || errors.Is(pe.Err, csv.ErrBareQuote) || errors.Is(pe.Err, csv.ErrFieldCount)) {
		// Not final: the csv.Reader resumes at the next record.
		c.lim.reset()
		return withMessage(ErrMalformedCSV, pe.StartLine, err, "第 %d 行：CSV 格式错误（引号不配对）", pe.StartLine)
	}
	var te *Error
	switch {
	case errors.As(err, &te) && te.Code == CodeRecordTooBig:
		c.err = withMessage(ErrRecordTooBig, c.endLine+1, nil,
			"第 %d 行起的一条记录超过 %d MB，可能是引号未闭合；请检查该行附近的英文双引号", c.endLine+1, max(1, c.maxRecord>>20))
	case errors.As(err, &te):
		c.err = &Error{Code: te.Code, Message: te.Message, Line: c.endLine + 1, Err: te.Err}
	default:
		c.err = withMessage(ErrNotTable, c.endLine+1, err, "读取文件第 %d 行附近时出错", c.endLine+1)
	}
	return c.err
}

// Close does nothing: the reader does not own its source. It exists to
// satisfy [Rows].
func (c *CSVReader) Close() error { return nil }

// limitReader fails once more than max bytes have been read since the last
// reset, which the CSV reader does after every record: so one record can
// never grow without bound. Read-ahead buffering makes the bound approximate
// (within a few hundred KiB), which is all a memory bound needs.
type limitReader struct {
	r       io.Reader
	n, base int64
	max     int64
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.n-l.base > l.max {
		return 0, ErrRecordTooBig
	}
	n, err := l.r.Read(p)
	l.n += int64(n)
	return n, err
}

func (l *limitReader) reset() { l.base = l.n }

// checkText rejects binary data before it is mistaken for a one-column CSV:
// text has no NUL bytes (UTF-16, which does, is recognised by its BOM) and
// almost no other C0 control characters. whole says head is the entire file.
func checkText(head []byte, whole bool) error {
	if bytes.HasPrefix(head, []byte{0xFF, 0xFE}) || bytes.HasPrefix(head, []byte{0xFE, 0xFF}) {
		if whole && len(bytes.Trim(head[2:], "\x00 \t\r\n")) == 0 {
			return newErr(ErrEmpty, 0, nil)
		}
		return nil
	}
	body := bytes.TrimPrefix(head, []byte("\xEF\xBB\xBF"))
	if len(bytes.Trim(body, " \t\r\n")) == 0 {
		if whole {
			return newErr(ErrEmpty, 0, nil)
		}
		return nil
	}
	controls := 0
	for _, c := range body {
		switch {
		case c == 0:
			return newErr(ErrNotTable, 0, nil)
		case c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x1A:
			controls++
		}
	}
	if controls*100 > len(body) {
		return newErr(ErrNotTable, 0, nil)
	}
	return nil
}

// autoDecoder passes ASCII through and, at the first non-ASCII byte, picks
// UTF-8 or GB18030 from the next sniffSize bytes (see NewCSVReader).
type autoDecoder struct {
	br  *bufio.Reader
	r   io.Reader // set once decided
	enc Encoding
	err error
}

func (d *autoDecoder) Read(p []byte) (int, error) {
	if d.r != nil {
		return d.r.Read(p)
	}
	if d.err != nil {
		return 0, d.err
	}
	if len(p) == 0 {
		return 0, nil
	}
	if _, err := d.br.Peek(1); err != nil {
		return 0, err
	}
	buf, _ := d.br.Peek(d.br.Buffered())
	n := 0
	for n < len(buf) && n < len(p) && buf[n] < utf8.RuneSelf {
		n++
	}
	if n > 0 {
		copy(p, buf[:n])
		_, _ = d.br.Discard(n)
		return n, nil
	}
	win, err := d.br.Peek(sniffSize)
	enc, derr := detectEncoding(win, err != nil)
	if derr != nil {
		d.err = derr
		return 0, derr
	}
	d.enc = enc
	if enc == EncodingGB18030 {
		d.r = transform.NewReader(d.br, newGBDecoder())
	} else {
		d.r = d.br
	}
	return d.r.Read(p)
}

// detectEncoding decides between UTF-8 and GB18030 for a window of bytes
// starting at a non-ASCII byte; atEOF says the window ends the file (else a
// character cut by the window's end is not counted as invalid).
func detectEncoding(win []byte, atEOF bool) (Encoding, error) {
	uBad, uChars, uScore := scanUTF8(win, atEOF)
	gBad, gChars, gScore := scanGB18030(win, atEOF)
	switch {
	case uBad == 0 && (gBad > 0 || uScore*gChars >= gScore*uChars):
		return EncodingUTF8, nil
	case gBad == 0:
		return EncodingGB18030, nil
	case uBad <= gBad && uBad*100 <= uChars:
		return EncodingUTF8, nil
	case gBad < uBad && gBad*100 <= gChars:
		return EncodingGB18030, nil
	}
	return "", newErr(ErrEncoding, 0, fmt.Errorf("invalid sequences: %d as UTF-8, %d as GB18030", uBad, gBad))
}

// plausible reports a character typical of Chinese administrative text.
func plausible(r rune) bool {
	switch {
	case r >= 0x4E00 && r <= 0x9FFF, // CJK unified ideographs
		r >= 0x3400 && r <= 0x4DBF, // extension A
		r >= 0x3000 && r <= 0x303F, // CJK punctuation 、。《》【】〔〕
		r >= 0xFF01 && r <= 0xFF5E, // full-width ASCII （），：；
		r >= 0x2010 && r <= 0x2027, // ‐ – — ‘ ’ “ ” …
		r >= 0x2460 && r <= 0x24FF, // ① ⑴ ⒈
		r == 0x00B7, r == 0x00D7, r == 0x00B0, r == 0x00A5, r == 0xFFE5, r == 0x2103, r == 0x3001:
		return true
	}
	return false
}

// scanUTF8 counts invalid sequences, non-ASCII characters and plausible ones.
func scanUTF8(b []byte, atEOF bool) (bad, chars, score int) {
	for len(b) > 0 {
		if b[0] < utf8.RuneSelf {
			b = b[1:]
			continue
		}
		if !atEOF && !utf8.FullRune(b) {
			break
		}
		r, size := utf8.DecodeRune(b)
		chars++
		if r == utf8.RuneError && size == 1 {
			bad++
		} else if plausible(r) {
			score++
		}
		b = b[size:]
	}
	return bad, chars, score
}

// scanGB18030 is scanUTF8 for GB18030 (and so GBK), by its byte structure:
// lead 81–FE then trail 40–7E/80–FE, or lead 81–FE, 30–39, 81–FE, 30–39.
func scanGB18030(b []byte, atEOF bool) (bad, chars, score int) {
	dec := simplifiedchinese.GB18030.NewDecoder()
	var out [8]byte
	for len(b) > 0 {
		c := b[0]
		if c < 0x80 {
			b = b[1:]
			continue
		}
		size := 0
		switch {
		case c == 0x80 || c == 0xFF:
		case len(b) < 2:
			if !atEOF {
				return bad, chars, score
			}
		case (b[1] >= 0x40 && b[1] <= 0x7E) || (b[1] >= 0x80 && b[1] <= 0xFE):
			size = 2
		case b[1] >= 0x30 && b[1] <= 0x39:
			if len(b) < 4 {
				if !atEOF {
					return bad, chars, score
				}
				break
			}
			if b[2] >= 0x81 && b[2] <= 0xFE && b[3] >= 0x30 && b[3] <= 0x39 {
				size = 4
			}
		}
		chars++
		if size == 0 {
			bad++
			b = b[1:]
			continue
		}
		nDst, _, err := dec.Transform(out[:], b[:size], true)
		dec.Reset()
		if r, _ := utf8.DecodeRune(out[:nDst]); err == nil && r != utf8.RuneError && plausible(r) {
			score++
		}
		b = b[size:]
	}
	return bad, chars, score
}

// sniffDelimiter picks the separator; see NewCSVReader.
func sniffDelimiter(sample []byte, atEOF bool) rune {
	cands := []byte{',', '\t', ';', '|'}
	var counts [4][]int
	var cur [4]int
	inQuote, lines, nonEmpty := false, 0, false
	endLine := func() {
		if nonEmpty {
			for i := range cands {
				counts[i] = append(counts[i], cur[i])
			}
		}
		cur, nonEmpty = [4]int{}, false
		lines++
	}
	for _, c := range sample {
		if lines >= 100 {
			break
		}
		switch {
		case c == '"':
			inQuote = !inQuote
			nonEmpty = true
		case inQuote:
		case c == '\n':
			endLine()
		case c == '\r' || c == ' ':
		default:
			nonEmpty = true
			for i, d := range cands {
				if c == d {
					cur[i]++
				}
			}
		}
	}
	if atEOF && lines < 100 && !inQuote {
		endLine()
	}
	best, bestScore, bestFields := ',', 0, 0
	for i, d := range cands {
		freq := map[int]int{}
		for _, n := range counts[i] {
			if n > 0 {
				freq[n]++
			}
		}
		score, fields := 0, 0
		for n, f := range freq {
			if f > score || (f == score && n > fields) {
				score, fields = f, n
			}
		}
		if score > bestScore || (score == bestScore && score > 0 && fields > bestFields) {
			best, bestScore, bestFields = rune(d), score, fields
		}
	}
	return best
}
