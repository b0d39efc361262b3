package reference

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"strings"

	"github.com/richardlehane/mscfb"
	"github.com/xuri/excelize/v2"

	"github.com/xingjian/xingjian/internal/tabular"
)

// cellRange is a merged area of a sheet, 0-based and inclusive.
type cellRange struct{ FirstRow, LastRow, FirstCol, LastCol int }

// readMerges returns the merged areas of every worksheet of a workbook, in
// the order of tabular's Book.Sheets. internal/tabular parses merged areas
// of .xls sheets but does not expose them yet, so this reads them itself:
// for .xls the MERGEDCELLS records of each worksheet substream (BIFF8/BIFF5),
// for .xlsx excelize's GetMergeCells. A CSV has none. A workbook tabular
// could open but whose merges cannot be read gives no merges (the import
// then falls back to filling blank item cells down, as for CSV).
func readMerges(data []byte, b *tabular.Book) (out [][]cellRange) {
	out = make([][]cellRange, len(b.Sheets))
	defer func() {
		if recover() != nil {
			out = make([][]cellRange, len(b.Sheets))
		}
	}()
	switch b.Format {
	case tabular.FormatXLS:
		if m, err := xlsMerges(data); err == nil && len(m) == len(b.Sheets) {
			return m
		}
	case tabular.FormatXLSX:
		// The same bounds against ZIP bombs as the upload's reading.
		f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: 1 << 30, UnzipXMLSizeLimit: 64 << 20})
		if err != nil {
			return out
		}
		defer f.Close()
		for i, name := range b.Sheets {
			mcs, err := f.GetMergeCells(name)
			if err != nil {
				continue
			}
			for _, mc := range mcs {
				c1, r1, err1 := excelize.CellNameToCoordinates(mc.GetStartAxis())
				c2, r2, err2 := excelize.CellNameToCoordinates(mc.GetEndAxis())
				if err1 != nil || err2 != nil {
					continue
				}
				out[i] = append(out[i], cellRange{r1 - 1, r2 - 1, c1 - 1, c2 - 1})
			}
		}
	}
	return out
}

// xlsMerges walks the Workbook stream: BOUNDSHEET records of the globals
// name the worksheets' substreams; each substream's MERGEDCELLS records list
// its merged areas ([MS-XLS] 2.4.168). Every length is checked against the
// bytes present.
func xlsMerges(data []byte) ([][]cellRange, error) {
	doc, err := mscfb.New(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	var stream []byte
	for e, err := doc.Next(); err == nil; e, err = doc.Next() {
		if len(e.Path) == 0 && (strings.EqualFold(e.Name, "Workbook") || strings.EqualFold(e.Name, "Book")) {
			if e.Size <= 0 || e.Size > int64(len(data)) {
				return nil, fmt.Errorf("workbook stream size %d", e.Size)
			}
			stream = make([]byte, e.Size)
			if _, err := io.ReadFull(e, stream); err != nil {
				return nil, err
			}
			break
		}
	}
	if stream == nil {
		return nil, fmt.Errorf("no workbook stream")
	}
	next := func(pos int) (typ uint16, body []byte, end int, ok bool) {
		if pos+4 > len(stream) {
			return 0, nil, 0, false
		}
		typ = binary.LittleEndian.Uint16(stream[pos:])
		n := int(binary.LittleEndian.Uint16(stream[pos+2:]))
		if pos+4+n > len(stream) {
			return 0, nil, 0, false
		}
		return typ, stream[pos+4 : pos+4+n], pos + 4 + n, true
	}
	const (
		recEOF         = 0x000A
		recBOF         = 0x0809
		recBoundSheet  = 0x0085
		recMergedCells = 0x00E5
	)
	var offsets []int
	for pos := 0; ; {
		typ, body, end, ok := next(pos)
		if !ok {
			return nil, fmt.Errorf("globals truncated")
		}
		pos = end
		if typ == recEOF {
			break
		}
		if typ == recBoundSheet && len(body) >= 6 && body[5] == 0 { // worksheets only, as tabular lists them
			offsets = append(offsets, int(binary.LittleEndian.Uint32(body)))
		}
	}
	out := make([][]cellRange, len(offsets))
	for i, pos := range offsets {
		depth := 0
		for {
			typ, body, end, ok := next(pos)
			if !ok {
				return nil, fmt.Errorf("sheet %d truncated", i)
			}
			pos = end
			if typ == recBOF {
				depth++
				continue
			}
			if typ == recEOF {
				depth--
				if depth <= 0 {
					break
				}
				continue
			}
			if typ != recMergedCells || depth != 1 || len(body) < 2 {
				continue
			}
			n := min(int(binary.LittleEndian.Uint16(body)), (len(body)-2)/8)
			for k := range n {
				b := body[2+8*k:]
				m := cellRange{int(binary.LittleEndian.Uint16(b)), int(binary.LittleEndian.Uint16(b[2:])),
					int(binary.LittleEndian.Uint16(b[4:])), int(binary.LittleEndian.Uint16(b[6:]))}
				if m.FirstRow <= m.LastRow && m.FirstCol <= m.LastCol {
					out[i] = append(out[i], m)
				}
			}
		}
	}
	return out, nil
}
