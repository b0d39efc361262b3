package ident

import "errors"

// Stable error codes carried in [Error.Code].
const (
	CodeEmpty         = "empty"          // input blank after normalisation
	CodeBadLength     = "bad_length"     // wrong number of characters
	CodeBadChar       = "bad_char"       // a character outside the allowed set for its position
	CodeBadDate       = "bad_date"       // resident ID birth date impossible, in the future or before 1850
	CodeBadCheck      = "bad_check"      // check character mismatch (soft: value still returned)
	CodeUnknownRegion = "unknown_region" // resident ID address code not in GB/T 2260 1981–2024 (soft)
)

// Error is the error type returned by every parser in this package.
type Error struct {
	Code    string // one of the Code* constants
	Message string // Chinese, for end users
}

func (e *Error) Error() string { return e.Message }

// Soft reports whether the error leaves the parsed value populated (bad_check, unknown_region).
func (e *Error) Soft() bool {
	return e != nil && (e.Code == CodeBadCheck || e.Code == CodeUnknownRegion)
}

// IsSoft reports whether err is a soft [*Error]: the identifier is well-formed, the value returned with
// it is fully populated, and the caller should store it and flag it rather than reject it.
// IsSoft(nil) is false.
func IsSoft(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Soft()
}

// ErrorCode returns the stable code of an [*Error] in err's chain, or "" if there is none.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) && e != nil {
		return e.Code
	}
	return ""
}

func newError(code, msg string) error { return &Error{Code: code, Message: msg} }
