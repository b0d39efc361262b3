package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/xingjian/xingjian/internal/apperr"
	"github.com/xingjian/xingjian/internal/auth"
)

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

type errorBody struct {
	Error errorPayload `json:"error"`
}

type errorPayload struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Details any    `json:"details,omitempty"`
}

func writeError(w http.ResponseWriter, e *apperr.Error) {
	writeJSON(w, apperr.Status(e.Code), errorBody{errorPayload{e.Code, e.Message, e.Details}})
}

// decode reads a JSON body into v: application/json only, at most MaxBody
// bytes, one JSON value. It returns the raw object keys too, so PATCH
// handlers can tell an explicit null from an absent field.
func decode(w http.ResponseWriter, r *http.Request, v any) (map[string]json.RawMessage, error) {
	return decodeLimit(w, r, v, MaxBody)
}

// decodeLimit is decode with another size limit (record pushes are larger).
func decodeLimit(w http.ResponseWriter, r *http.Request, v any, limit int64) (map[string]json.RawMessage, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/json" {
			return nil, apperr.New("unsupported_media_type", "请求体须为 JSON（Content-Type: application/json）")
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, apperr.New("body_too_large", fmt.Sprintf("请求体过大，不能超过 %d KB", limit/1024))
	}
	if err != nil {
		return nil, apperr.Wrap(err, "malformed_json", "无法读取请求体")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, apperr.New("malformed_json", "请求体为空，应为 JSON 对象")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		return nil, apperr.Wrap(err, "malformed_json", jsonProblem(err))
	}
	if dec.More() {
		return nil, apperr.New("malformed_json", "请求体只能包含一个 JSON 对象")
	}
	var keys map[string]json.RawMessage
	_ = json.Unmarshal(body, &keys)
	return keys, nil
}

func jsonProblem(err error) string {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		return fmt.Sprintf("字段 %s 的类型不正确（应为 %s）", typeErr.Field, typeErr.Type.String())
	case errors.As(err, &syntaxErr):
		return fmt.Sprintf("JSON 格式错误（第 %d 字节附近）", syntaxErr.Offset)
	default:
		return "JSON 格式错误"
	}
}

func isNull(keys map[string]json.RawMessage, k string) bool {
	v, ok := keys[k]
	return ok && string(bytes.TrimSpace(v)) == "null"
}

// pathID reads the {id} path value.
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.New("not_found", "对象不存在")
	}
	return id, nil
}

// listParams reads limit and cursor.
func listParams(r *http.Request) (limit int, cursor int64, err error) {
	q := r.URL.Query()
	limit = 50
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 500 {
			return 0, 0, apperr.New("validation_failed", "limit 须为 1–500 的整数")
		}
		limit = n
	}
	if s := q.Get("cursor"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			return 0, 0, apperr.New("validation_failed", "cursor 无效")
		}
		cursor = n
	}
	return limit, cursor, nil
}

// listParamsBy is listParams with an id filter, the query parameter name
// (0 when absent).
func listParamsBy(r *http.Request, name string) (limit int, cursor, id int64, err error) {
	if limit, cursor, err = listParams(r); err != nil {
		return 0, 0, 0, err
	}
	id, err = queryInt(r, name)
	return limit, cursor, id, err
}

func queryInt(r *http.Request, name string) (int64, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, apperr.New("validation_failed", "参数 "+name+" 须为整数")
	}
	return n, nil
}

func queryBool(r *http.Request, name string) bool {
	v := strings.ToLower(r.URL.Query().Get(name))
	return v == "true" || v == "1"
}

// queryDate reads a YYYY-MM-DD date as the start of that day in Shanghai
// (Unix ms); end=true gives the start of the next day, for an inclusive range.
func queryDate(r *http.Request, name string, end bool) (int64, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return 0, nil
	}
	d, err := time.ParseInLocation("2006-01-02", s, auth.Shanghai)
	if err != nil {
		return 0, apperr.New("validation_failed", "参数 "+name+" 须为日期，格式 YYYY-MM-DD")
	}
	if end {
		d = d.AddDate(0, 0, 1)
	}
	return d.UnixMilli(), nil
}

// list is the list envelope.
type list[T any] struct {
	Items      []T    `json:"items"`
	Total      int    `json:"total"`
	NextCursor string `json:"next_cursor"`
}

// page builds the envelope; cursorOf gives the cursor after an item.
func page[T any](items []T, total, limit int, cursorOf func(T) int64) list[T] {
	l := list[T]{Items: items, Total: total}
	if items == nil {
		l.Items = []T{}
	}
	if len(items) == limit && limit > 0 {
		l.NextCursor = strconv.FormatInt(cursorOf(items[len(items)-1]), 10)
	}
	return l
}

// writeItems answers a list request: items shown through view, in the list
// envelope (cursorOf as for page).
func writeItems[T, V any](w http.ResponseWriter, items []T, total, limit int, view func(T) V, cursorOf func(V) int64) {
	views := make([]V, len(items))
	for i, it := range items {
		views[i] = view(it)
	}
	writeJSON(w, http.StatusOK, page(views, total, limit, cursorOf))
}

// ts renders Unix ms as RFC 3339 in Shanghai.
func ts(ms int64) string { return time.UnixMilli(ms).In(auth.Shanghai).Format(time.RFC3339) }

func tsPtr(ms *int64) *string {
	if ms == nil {
		return nil
	}
	s := ts(*ms)
	return &s
}
