package tabular

import "fmt"

// Code is a stable identifier of a file-level reading failure.
type Code string

// The codes of [Error]. They are stable: callers may map them to HTTP statuses
// or report categories.
const (
	CodeEmpty        Code = "file_empty"         // zero bytes, or only a BOM and whitespace
	CodeNotTable     Code = "not_a_table"        // PDF, image, Word, a ZIP that is not XLSX, binary junk
	CodeCorrupt      Code = "corrupt_workbook"   // looks like XLSX but cannot be read
	CodeLegacyXLS    Code = "legacy_xls"         // BIFF2–4 .xls or a bare BIFF stream, not supported
	CodeEncrypted    Code = "encrypted_workbook" // password-protected workbook
	CodeEncoding     Code = "unknown_encoding"   // text that is neither UTF-8, UTF-16 nor GB18030
	CodeRecordTooBig Code = "record_too_large"   // one CSV record over the size limit (often an unclosed quote)
	CodeMalformedCSV Code = "malformed_csv"      // a CSV syntax error at a given line
	CodeNoSheet      Code = "no_such_sheet"      // sheet index out of range
	CodeNoHeader     Code = "header_not_found"   // FindHeader found no row matching the known names
	CodeTooLarge     Code = "workbook_too_large" // an XLSX over Options.MaxXLSXBytes
)

// Error is a reading failure a user may see. Message is Simplified Chinese and
// complete on its own; Line, when not zero, is the 1-based line (CSV) or row
// (Excel) it concerns; Err is the cause, for operators' logs.
//
// errors.Is(err, ErrEmpty) and the like match on Code alone, so callers can
// test for a kind of failure without caring about the line or cause.
type Error struct {
	Code    Code
	Message string
	Line    int
	Err     error
}

func (e *Error) Error() string {
	s := string(e.Code) + ": " + e.Message
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is an *Error with the same Code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// Sentinels for errors.Is. Returned errors are fresh values with the same
// Code, often with a more specific Message, a Line and a cause.
var (
	ErrEmpty        = &Error{Code: CodeEmpty, Message: "文件为空"}
	ErrNotTable     = &Error{Code: CodeNotTable, Message: "文件不是 CSV 或 Excel 表格"}
	ErrCorrupt      = &Error{Code: CodeCorrupt, Message: "Excel 文件已损坏，无法读取"}
	ErrLegacyXLS    = &Error{Code: CodeLegacyXLS, Message: "暂不支持旧版 .xls 文件，请在 WPS/Excel 中另存为 .xlsx 后重新上传"}
	ErrEncrypted    = &Error{Code: CodeEncrypted, Message: "Excel 文件设有打开密码，请取消密码后重新上传"}
	ErrEncoding     = &Error{Code: CodeEncoding, Message: "无法识别文件的文字编码，请另存为 UTF-8 编码的 CSV 或 .xlsx 后重新上传"}
	ErrRecordTooBig = &Error{Code: CodeRecordTooBig, Message: "CSV 中有一条记录过长，可能是引号未闭合"}
	ErrMalformedCSV = &Error{Code: CodeMalformedCSV, Message: "CSV 格式错误"}
	ErrNoSheet      = &Error{Code: CodeNoSheet, Message: "工作表不存在"}
	ErrNoHeader     = &Error{Code: CodeNoHeader, Message: "未找到表头：前若干行中没有一行包含足够的已知列名"}
	ErrTooLarge     = &Error{Code: CodeTooLarge, Message: "Excel 文件过大，请拆分后上传，或另存为 CSV 后上传"}
)

// newErr copies a sentinel, attaching a cause and a line.
func newErr(sentinel *Error, line int, cause error) *Error {
	return &Error{Code: sentinel.Code, Message: sentinel.Message, Line: line, Err: cause}
}

// withMessage copies a sentinel with a more specific message.
func withMessage(sentinel *Error, line int, cause error, format string, args ...any) *Error {
	return &Error{Code: sentinel.Code, Message: fmt.Sprintf(format, args...), Line: line, Err: cause}
}
