package casework

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/xingjian/xingjian/internal/audit"
	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/calendar"
	"github.com/xingjian/xingjian/internal/store"
)

// Service is casework over one database.
type Service struct {
	DB  *store.DB
	Cal *calendar.Calendar
	// Now is the clock (tests move it to make a suggestion overdue).
	Now func() time.Time
	// EvidenceDescriber, when set, returns a function turning a lead's
	// evidence snapshot into "label：value" phrases for a draft's facts (the
	// HTTP layer knows the models' labels; it loads them once per draft);
	// otherwise the raw keys are used.
	EvidenceDescriber func(ctx context.Context) func(modelID string, evidence []byte) []string
}

// New returns a service on the embedded holiday calendar and the wall clock.
func New(db *store.DB) *Service {
	return &Service{DB: db, Cal: calendar.Default(), Now: time.Now}
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) today() calendar.Date { return calendar.Today(s.now()) }

// Errors. The HTTP layer maps them to stable codes.
var (
	ErrNotFound  = errors.New("casework: not found")
	ErrForbidden = errors.New("casework: forbidden")
)

// TransitionError is an action not allowed from the current state.
type TransitionError struct{ Msg string }

func (e *TransitionError) Error() string { return e.Msg }

func badTransition(format string, a ...any) error {
	return &TransitionError{Msg: fmt.Sprintf(format, a...)}
}

// ConflictError is a stale version: someone else changed the object.
type ConflictError struct{ Version int }

func (e *ConflictError) Error() string {
	return fmt.Sprintf("casework: stale version (current %d)", e.Version)
}

// ValidationError is bad input, with a Chinese message.
type ValidationError struct{ Field, Msg string }

func (e *ValidationError) Error() string { return e.Msg }

func invalid(field, msg string) error { return &ValidationError{Field: field, Msg: msg} }

// Roles of the procuratorate that handle cases.
func handles(p *auth.Principal) bool { return p.Can(auth.PermCaseHandle) }

func isChief(p *auth.Principal) bool { return p != nil && p.Role.Code == auth.RoleChief }

func userID(p *auth.Principal) any {
	if p == nil || p.UserID == 0 {
		return nil
	}
	return p.UserID
}

func actorName(p *auth.Principal) string {
	if p == nil {
		return "系统"
	}
	if p.DisplayName != "" {
		return p.DisplayName
	}
	return p.Username
}

func actorOf(p *auth.Principal) audit.Actor {
	if p == nil {
		return audit.System("casework")
	}
	return p.Actor()
}

// event appends to a case's timeline.
func event(ctx context.Context, tx *store.Tx, p *auth.Principal, caseID int64, suggestionID int64, action, from, to, note string, at time.Time) error {
	var sid any
	if suggestionID != 0 {
		sid = suggestionID
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO case_events (case_id, suggestion_id, action, from_status, to_status, note, actor_id, actor_name, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, caseID, sid, action, from, to, note, userID(p), actorName(p), at.UnixMilli())
	if err != nil {
		return fmt.Errorf("casework: event %s: %w", action, err)
	}
	return nil
}

func record(ctx context.Context, tx *store.Tx, p *auth.Principal, action, objType string, id int64, before, after any) error {
	return audit.Record(ctx, tx, actorOf(p), audit.Entry{Action: action, ObjectType: objType, ObjectID: strconv.FormatInt(id, 10), Before: before, After: after})
}

// nextNumber takes the next number of a sequence inside tx.
func nextNumber(ctx context.Context, tx *store.Tx, orgID int64, year int, docType string) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, `UPDATE doc_sequences SET last_no = last_no + 1 WHERE org_id = ? AND year = ? AND doc_type = ? RETURNING last_no`,
		orgID, year, docType).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		// First number of the year. A concurrent first insert loses on the
		// primary key; its transaction fails and is retried by the caller's
		// user, never producing two equal numbers.
		if _, err := tx.ExecContext(ctx, `INSERT INTO doc_sequences (org_id, year, doc_type, last_no) VALUES (?, ?, ?, 1)`, orgID, year, docType); err != nil {
			return 0, fmt.Errorf("casework: start sequence %s: %w", docType, err)
		}
		return 1, nil
	}
	if err != nil {
		return 0, fmt.Errorf("casework: sequence %s: %w", docType, err)
	}
	return n, nil
}

// docNumber formats 示检行建〔2026〕3号.
func docNumber(abbr, code string, year, n int) string {
	return fmt.Sprintf("%s检%s〔%d〕%d号", abbr, code, year, n)
}

// Settings are the issuing procuratorate's document settings.
type Settings struct {
	// DocAbbr is the organ's abbreviation in numbers (示 in 示检行建〔2026〕3号).
	DocAbbr string `json:"doc_abbr"`
	// Header is the organ printed at the top of documents.
	Header string `json:"header"`
	// Approval is the role that approves each kind (dept_head or chief).
	Approval map[string]string `json:"approval"`
}

// Settings reads the settings, with defaults derived from the first
// procuratorate's name and the kinds' default approvers.
func (s *Service) Settings(ctx context.Context, q store.Querier) (Settings, error) {
	st := Settings{Approval: map[string]string{}}
	for _, k := range Kinds {
		st.Approval[k.Code] = k.Approver
	}
	var name string
	err := q.QueryRowContext(ctx, `SELECT name FROM orgs WHERE kind = 'procuratorate' ORDER BY id LIMIT 1`).Scan(&name)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return st, fmt.Errorf("casework: procuratorate: %w", err)
	}
	st.Header = name
	st.DocAbbr = defaultAbbr(name)
	rows, err := q.QueryContext(ctx, `SELECT key, value FROM casework_settings`)
	if err != nil {
		return st, fmt.Errorf("casework: settings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return st, err
		}
		switch {
		case k == "doc_abbr":
			st.DocAbbr = v
		case k == "header":
			st.Header = v
		case strings.HasPrefix(k, "approval."):
			st.Approval[strings.TrimPrefix(k, "approval.")] = v
		}
	}
	return st, rows.Err()
}

// defaultAbbr turns 江州市青岚区人民检察院 into 青岚: the district's name
// without its city and its 区/县/市 suffix, as district procuratorates
// abbreviate themselves in document numbers.
func defaultAbbr(name string) string {
	n := strings.TrimSuffix(name, "人民检察院")
	n = strings.TrimSuffix(n, "检察院")
	// 江州市青岚区 → 青岚区: a district names itself without its city.
	for _, sep := range []string{"省", "自治区", "市", "州"} {
		if i := strings.LastIndex(n, sep); i >= 0 && i+len(sep) < len(n) {
			n = n[i+len(sep):]
		}
	}
	for _, suf := range []string{"区", "县", "市"} {
		if r := []rune(n); len(r) > 2 && strings.HasSuffix(n, suf) {
			n = strings.TrimSuffix(n, suf)
			break
		}
	}
	return n
}

// SaveSettings stores the settings (audited).
func (s *Service) SaveSettings(ctx context.Context, p *auth.Principal, st Settings) (Settings, error) {
	if !p.Can(auth.PermCaseworkConfigure) {
		return Settings{}, ErrForbidden
	}
	st.DocAbbr, st.Header = strings.TrimSpace(st.DocAbbr), strings.TrimSpace(st.Header)
	if st.DocAbbr == "" || len([]rune(st.DocAbbr)) > 10 {
		return Settings{}, invalid("doc_abbr", "文号机关代字须为 1 至 10 个字")
	}
	if st.Header == "" || len([]rune(st.Header)) > 40 {
		return Settings{}, invalid("header", "文书抬头须为 1 至 40 个字")
	}
	for k, r := range st.Approval {
		if _, ok := KindOf(k); !ok {
			return Settings{}, invalid("approval", "未知的检察建议类型："+k)
		}
		if r != auth.RoleDeptHead && r != auth.RoleChief {
			return Settings{}, invalid("approval", "审批人须为部门负责人（dept_head）或检察长（chief）")
		}
	}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		before, err := s.Settings(ctx, tx)
		if err != nil {
			return err
		}
		put := func(k, v string) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO casework_settings (key, value, updated_by, updated_at) VALUES (?, ?, ?, ?)
				ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
				k, v, p.Username, s.now().UnixMilli())
			return err
		}
		if err := put("doc_abbr", st.DocAbbr); err != nil {
			return err
		}
		if err := put("header", st.Header); err != nil {
			return err
		}
		for k, r := range st.Approval {
			if err := put("approval."+k, r); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, actorOf(p), audit.Entry{Action: "casework.settings", ObjectType: "casework_settings", ObjectID: "1", Before: before, After: st})
	})
	if err != nil {
		return Settings{}, fmt.Errorf("casework: save settings: %w", err)
	}
	return s.Settings(ctx, s.DB)
}

func dateStr(d calendar.Date) string { return d.String() }

func nullDate(ns sql.NullString) *string {
	if !ns.Valid || ns.String == "" {
		return nil
	}
	v := ns.String
	if len(v) > 10 {
		v = v[:10]
	}
	return &v
}

// Time is a moment stored as Unix milliseconds and shown as RFC 3339 in
// Asia/Shanghai.
type Time int64

// MarshalJSON writes the time as an RFC 3339 string.
func (t Time) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.UnixMilli(int64(t)).In(calendar.Location()).Format(time.RFC3339))
}

// Today is the service's current date in Asia/Shanghai.
func (s *Service) Today() calendar.Date { return s.today() }
