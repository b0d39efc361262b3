// Package tabular is the reading layer under the import pipeline: it turns an
// uploaded file — CSV/TSV in any of the encodings Chinese agencies produce, or
// an XLSX or legacy .xls workbook — into sheets of rows of cell strings, each row carrying the
// line or row number a clerk sees in the source file, and it offers the pure
// helpers every import needs on top of that: locating the header row under
// title rows and merged group labels, normalising header text, and parsing the
// dates and money amounts found in real spreadsheets into exact values with
// Chinese error messages for the import report.
//
// The package knows nothing of penalty records or databases; it only reads.
// Opening sniffs the content, never trusting the file name alone, and every
// failure a user can cause is an [*Error] with a stable code and a Chinese
// message. Reading streams: a CSV of any size is read in bounded memory.
//
// Legacy .xls workbooks (BIFF8 from Excel 97–2003 and WPS, and BIFF5) are
// read by a small reader of this package's own (xls.go): no third-party Go
// reader fit for a server was found (see the package README in this
// directory). Older BIFF2–4 files, and BIFF streams without the OLE2
// container, are refused with [ErrLegacyXLS].
package tabular
