// Package apperr is the platform's one error type: a closed set of stable
// codes, each mapped to an HTTP status in one table, a Chinese message for the
// user, and the wrapped cause for operators' logs.
package apperr

import (
	"errors"
	"fmt"
	"net/http"
)

// Error is an error a user may see. Message is Simplified Chinese; Code is a
// stable snake_case identifier that API clients may rely on.
type Error struct {
	Code    string
	Message string
	Details any
	Err     error // cause, logged but never shown
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return e.Code + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// status maps each stable code to its HTTP status. A code missing here is a
// programming error and is answered as 500.
var status = map[string]int{
	"malformed_json":         http.StatusBadRequest,
	"validation_failed":      http.StatusBadRequest,
	"bad_request":            http.StatusBadRequest,
	"invalid_file":           http.StatusBadRequest,
	"invalid_model":          http.StatusBadRequest, // a supervision model's definition (details: where, message)
	"invalid_query":          http.StatusBadRequest, // an analyst query refused or failed
	"unauthenticated":        http.StatusUnauthorized,
	"session_expired":        http.StatusUnauthorized,
	"invalid_credentials":    http.StatusUnauthorized,
	"invalid_token":          http.StatusUnauthorized,
	"forbidden":              http.StatusForbidden,
	"csrf_token_invalid":     http.StatusForbidden,
	"account_disabled":       http.StatusForbidden,
	"not_found":              http.StatusNotFound,
	"method_not_allowed":     http.StatusMethodNotAllowed,
	"conflict":               http.StatusConflict,
	"invalid_transition":     http.StatusConflict, // an action not allowed from the object's current state
	"duplicate":              http.StatusConflict,
	"body_too_large":         http.StatusRequestEntityTooLarge,
	"unsupported_media_type": http.StatusUnsupportedMediaType,
	"account_locked":         http.StatusLocked,
	"too_many_requests":      http.StatusTooManyRequests,
	"unavailable":            http.StatusServiceUnavailable,
	"internal":               http.StatusInternalServerError,
}

// Status returns the HTTP status for a code.
func Status(code string) int {
	if s, ok := status[code]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// Codes lists every stable code (for the OpenAPI document test).
func Codes() []string {
	out := make([]string, 0, len(status))
	for c := range status {
		out = append(out, c)
	}
	return out
}

// New makes an error with a code and a Chinese message.
func New(code, message string) *Error { return &Error{Code: code, Message: message} }

// Wrap attaches a cause to a user-facing error.
func Wrap(err error, code, message string) *Error {
	return &Error{Code: code, Message: message, Err: err}
}

// NotFound is the answer for a missing object and for one outside the
// caller's scope alike, so that existence does not leak.
func NotFound(what string) *Error {
	return &Error{Code: "not_found", Message: what + "不存在或无权访问"}
}

// Forbidden is the answer when the role lacks a permission.
func Forbidden() *Error {
	return &Error{Code: "forbidden", Message: "当前角色无权执行此操作"}
}

// Conflict is the answer to a stale version in an optimistic update.
func Conflict() *Error {
	return &Error{Code: "conflict", Message: "数据已被他人修改，请刷新后重试"}
}

// Duplicate reports a unique value already taken.
func Duplicate(field, message string) *Error {
	return &Error{Code: "duplicate", Message: message, Details: map[string]string{"field": field}}
}

// FieldError is one invalid field.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Fields collects field errors during validation.
type Fields []FieldError

// Add records a problem with one field.
func (f *Fields) Add(field, message string) { *f = append(*f, FieldError{field, message}) }

// Err returns nil when no field failed, else a validation_failed error whose
// message names the first problem.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Code: "validation_failed", Message: "数据校验未通过：" + f[0].Message, Details: []FieldError(f)}
}

// As extracts an *Error from err, or wraps an unknown error as internal.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: "internal", Message: "服务器内部错误，请稍后重试或联系管理员", Err: err}
}
