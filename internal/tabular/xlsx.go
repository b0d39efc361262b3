package tabular

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// xlsxRows streams one worksheet through excelize's row iterator, which
// decodes the sheet XML incrementally (spilling it to a temporary file when
// large) rather than loading the sheet.
type xlsxRows struct {
	rows *excelize.Rows
	line int
	err  error
}

func (b *Book) xlsxRows(sheet string) (_ Rows, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = newErr(ErrCorrupt, 0, fmt.Errorf("excelize panic: %v", p))
		}
	}()
	if b.xlsx == nil {
		return nil, withMessage(ErrCorrupt, 0, nil, "工作簿已关闭")
	}
	rows, rerr := b.xlsx.Rows(sheet)
	if rerr != nil {
		return nil, newErr(ErrCorrupt, 0, rerr)
	}
	return &xlsxRows{rows: rows}, nil
}

// Next returns the next row. The iterator yields every row number from 1 to
// the last stored row, gaps included (as rows with no cells), so Line is
// always the spreadsheet's row number.
func (x *xlsxRows) Next() (row Row, err error) {
	if x.err != nil {
		return Row{}, x.err
	}
	defer func() {
		if p := recover(); p != nil {
			x.err = withMessage(ErrCorrupt, x.line, fmt.Errorf("excelize panic: %v", p), "Excel 文件已损坏，无法读取（第 %d 行附近）", x.line)
			row, err = Row{}, x.err
		}
	}()
	if !x.rows.Next() {
		if e := x.rows.Error(); e != nil {
			x.err = withMessage(ErrCorrupt, x.line+1, e, "Excel 文件已损坏，无法读取（第 %d 行附近）", x.line+1)
			return Row{}, x.err
		}
		x.err = io.EOF
		return Row{}, io.EOF
	}
	x.line++
	cells, cerr := x.rows.Columns(excelize.Options{RawCellValue: true})
	if cerr != nil {
		x.err = withMessage(ErrCorrupt, x.line, cerr, "Excel 文件已损坏，无法读取（第 %d 行）", x.line)
		return Row{}, x.err
	}
	return Row{Line: x.line, Cells: cells}, nil
}

// Close releases the worksheet's temporary file, if any.
func (x *xlsxRows) Close() error {
	if x.rows == nil {
		return nil
	}
	r := x.rows
	x.rows = nil
	if x.err == nil {
		x.err = io.EOF
	}
	err := r.Close()
	if err != nil {
		return newErr(ErrCorrupt, 0, err)
	}
	return nil
}
