package supervise

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
	"github.com/xingjian/xingjian/internal/store"
)

// Lead statuses. Casework (internal/casework) triages leads and adds unsure
// and merged; precision counts confirmed and dismissed only.
const (
	LeadNew       = "new"
	LeadConfirmed = "confirmed"
	LeadDismissed = "dismissed"
)

// Lead sources.
const (
	SourceModel    = "model"
	SourceManual   = "manual"
	SourceTransfer = "transfer"
)

// Lead is one lead.
type Lead struct {
	ID           int64           `json:"id"`
	Source       string          `json:"source"`
	ModelID      string          `json:"model_id"`
	ModelVersion int             `json:"model_version"`
	SubjectKey   string          `json:"subject_key"`
	AgencyID     *int64          `json:"agency_id"`
	AgencyName   string          `json:"agency_name"`
	Title        string          `json:"title"`
	Severity     string          `json:"severity"`
	Rule         string          `json:"rule"`
	LegalBasis   string          `json:"legal_basis"`
	Evidence     json.RawMessage `json:"evidence"`
	EventDate    *string         `json:"event_date"`
	Status       string          `json:"status"`
	StatusNote   string          `json:"status_note"`
	TriagedAt    *int64          `json:"triaged_at,omitempty"`
	Reopened     int             `json:"reopened"`
	DetectedAt   int64           `json:"detected_at"`
	UpdatedAt    int64           `json:"updated_at"`
	History      []LeadHistory   `json:"history,omitempty"`
	// Casework (issue 5): assignment, the case a confirmed lead joined, the
	// lead a duplicate was merged into, the dismiss reason code.
	AssigneeID    *int64 `json:"assignee_id"`
	AssigneeName  string `json:"assignee_name"`
	CaseID        *int64 `json:"case_id"`
	CaseNo        string `json:"case_no"`
	MergedInto    *int64 `json:"merged_into"`
	DismissReason string `json:"dismiss_reason"`
}

// LeadHistory is evidence a re-run replaced.
type LeadHistory struct {
	Seq          int             `json:"seq"`
	Evidence     json.RawMessage `json:"evidence"`
	Status       string          `json:"status"`
	ModelVersion int             `json:"model_version"`
	ReplacedAt   int64           `json:"replaced_at"`
}

// LeadFilter narrows a lead list.
type LeadFilter struct {
	ModelID string
	Status  string
	Source  string
	Agency  int64
	// Assignee: a user id, or -1 for unassigned leads.
	Assignee int64
	Q        string
	Limit    int
	Offset   int
}

// ErrLeadNotFound is returned for an unknown lead.
var ErrLeadNotFound = errors.New("supervise: lead not found")

const leadCols = `l.id, l.source, l.model_id, l.model_version, l.subject_key, l.agency_id, COALESCE(o.name, ''), l.title, l.severity,
	l.rule, l.legal_basis, l.evidence, CAST(l.event_date AS TEXT), l.status, l.status_note, l.triaged_at, l.reopened, l.detected_at, l.updated_at,
	l.assignee_id, COALESCE(au.display_name, ''), l.case_id, COALESCE(lc.case_no, ''), l.merged_into, l.dismiss_reason`

const leadFrom = ` FROM leads l LEFT JOIN orgs o ON o.id = l.agency_id LEFT JOIN users au ON au.id = l.assignee_id LEFT JOIN cases lc ON lc.id = l.case_id`

func scanLead(sc interface{ Scan(...any) error }) (Lead, error) {
	var l Lead
	var ev string
	var ag sql.NullInt64
	var event sql.NullString
	var tri, assignee, caseID, merged sql.NullInt64
	if err := sc.Scan(&l.ID, &l.Source, &l.ModelID, &l.ModelVersion, &l.SubjectKey, &ag, &l.AgencyName, &l.Title, &l.Severity,
		&l.Rule, &l.LegalBasis, &ev, &event, &l.Status, &l.StatusNote, &tri, &l.Reopened, &l.DetectedAt, &l.UpdatedAt,
		&assignee, &l.AssigneeName, &caseID, &l.CaseNo, &merged, &l.DismissReason); err != nil {
		return Lead{}, err
	}
	for _, x := range []struct {
		v   sql.NullInt64
		dst **int64
	}{{assignee, &l.AssigneeID}, {caseID, &l.CaseID}, {merged, &l.MergedInto}} {
		if x.v.Valid {
			v := x.v.Int64
			*x.dst = &v
		}
	}
	l.Evidence = json.RawMessage(ev)
	if !json.Valid(l.Evidence) {
		l.Evidence, _ = json.Marshal(ev)
	}
	if ag.Valid {
		l.AgencyID = &ag.Int64
	}
	if event.Valid {
		s := event.String
		if len(s) > 10 {
			s = s[:10]
		}
		l.EventDate = &s
	}
	if tri.Valid {
		l.TriagedAt = &tri.Int64
	}
	return l, nil
}

// ListLeads lists leads, newest first.
func ListLeads(ctx context.Context, db store.Querier, f LeadFilter) (int, []Lead, error) {
	var where []string
	var args []any
	if f.ModelID != "" {
		where, args = append(where, "l.model_id = ?"), append(args, f.ModelID)
	}
	if f.Status != "" {
		where, args = append(where, "l.status = ?"), append(args, f.Status)
	}
	if f.Source != "" {
		where, args = append(where, "l.source = ?"), append(args, f.Source)
	}
	if f.Agency != 0 {
		where, args = append(where, "l.agency_id = ?"), append(args, f.Agency)
	}
	switch {
	case f.Assignee > 0:
		where, args = append(where, "l.assignee_id = ?"), append(args, f.Assignee)
	case f.Assignee < 0:
		where = append(where, "l.assignee_id IS NULL")
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		cond, arg := store.ContainsLike("l.title", q)
		where, args = append(where, cond), append(args, arg)
	}
	w := ""
	if len(where) > 0 {
		w = " WHERE " + strings.Join(where, " AND ")
	}
	var total int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM leads l`+w, args...).Scan(&total); err != nil {
		return 0, nil, fmt.Errorf("supervise: count leads: %w", err)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	rows, err := db.QueryContext(ctx, `SELECT `+leadCols+leadFrom+w+
		` ORDER BY l.id DESC LIMIT `+strconv.Itoa(f.Limit)+` OFFSET `+strconv.Itoa(max(f.Offset, 0)), args...)
	if err != nil {
		return 0, nil, fmt.Errorf("supervise: list leads: %w", err)
	}
	defer rows.Close()
	out := []Lead{}
	for rows.Next() {
		l, err := scanLead(rows)
		if err != nil {
			return 0, nil, fmt.Errorf("supervise: list leads: %w", err)
		}
		out = append(out, l)
	}
	return total, out, rows.Err()
}

// GetLead loads a lead with its evidence history.
func GetLead(ctx context.Context, db store.Querier, id int64) (Lead, error) {
	l, err := scanLead(db.QueryRowContext(ctx, `SELECT `+leadCols+leadFrom+` WHERE l.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Lead{}, ErrLeadNotFound
	}
	if err != nil {
		return Lead{}, fmt.Errorf("supervise: lead %d: %w", id, err)
	}
	rows, err := db.QueryContext(ctx, `SELECT seq, evidence, status, model_version, replaced_at FROM lead_history WHERE lead_id = ? ORDER BY seq DESC`, id)
	if err != nil {
		return Lead{}, fmt.Errorf("supervise: lead history: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var h LeadHistory
		var ev string
		if err := rows.Scan(&h.Seq, &ev, &h.Status, &h.ModelVersion, &h.ReplacedAt); err != nil {
			return Lead{}, err
		}
		h.Evidence = json.RawMessage(ev)
		l.History = append(l.History, h)
	}
	return l, rows.Err()
}

// ErrBadTriage is a refused triage.
var ErrBadTriage = errors.New("supervise: bad triage")

// ManualLead is a lead entered by hand or received by transfer.
type ManualLead struct {
	Source     string `json:"source"` // manual | transfer
	Title      string `json:"title"`
	AgencyID   *int64 `json:"agency_id"`
	Severity   string `json:"severity"`
	LegalBasis string `json:"legal_basis"`
	Facts      string `json:"facts"`
}

// CreateManual stores a manual or transferred lead (model_id "manual" or
// "transfer", subject a fresh sequence), audited.
func CreateManual(ctx context.Context, db *store.DB, actor audit.Actor, m ManualLead, now time.Time) (int64, error) {
	if m.Source == "" {
		m.Source = SourceManual
	}
	switch m.Source {
	case SourceManual, SourceTransfer, "justice_notice", "petition", "court":
	default:
		return 0, fmt.Errorf("%w: 来源须为 manual、transfer、justice_notice、petition 或 court", ErrBadTriage)
	}
	if strings.TrimSpace(m.Title) == "" {
		return 0, fmt.Errorf("%w: 缺少线索标题", ErrBadTriage)
	}
	switch m.Severity {
	case "":
		m.Severity = SeverityMedium
	case SeverityLow, SeverityMedium, SeverityHigh:
	default:
		return 0, fmt.Errorf("%w: 风险等级须为 low、medium 或 high", ErrBadTriage)
	}
	ev, _ := json.Marshal(map[string]string{"facts": m.Facts})
	var id int64
	err := db.InTx(ctx, func(tx *store.Tx) error {
		var by any
		if actor.UserID != 0 {
			by = actor.UserID
		}
		subject := fmt.Sprintf("%d-%s", now.UnixNano(), randomID(3))
		if err := tx.QueryRowContext(ctx, `INSERT INTO leads (source, model_id, subject_key, agency_id, title, severity, legal_basis, evidence, status, created_by, detected_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'new', ?, ?, ?) RETURNING id`, m.Source, m.Source, subject, m.AgencyID, m.Title, m.Severity, m.LegalBasis,
			string(ev), by, now.Unix(), now.Unix()).Scan(&id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "lead.create", ObjectType: "lead", ObjectID: strconv.FormatInt(id, 10), After: m})
	})
	return id, err
}

// Precision is a model's triage record: confirmed / triaged.
type Precision struct {
	Leads     int      `json:"leads"`
	Confirmed int      `json:"confirmed"`
	Dismissed int      `json:"dismissed"`
	Precision *float64 `json:"precision"` // nil until something is triaged
}

// Precisions returns each model's lead counts and precision.
func Precisions(ctx context.Context, db store.Querier) (map[string]Precision, error) {
	rows, err := db.QueryContext(ctx, `SELECT model_id, COUNT(*),
		SUM(CASE WHEN status = 'confirmed' THEN 1 ELSE 0 END), SUM(CASE WHEN status = 'dismissed' THEN 1 ELSE 0 END)
		FROM leads WHERE source = 'model' GROUP BY model_id`)
	if err != nil {
		return nil, fmt.Errorf("supervise: precision: %w", err)
	}
	defer rows.Close()
	out := map[string]Precision{}
	for rows.Next() {
		var id string
		var p Precision
		if err := rows.Scan(&id, &p.Leads, &p.Confirmed, &p.Dismissed); err != nil {
			return nil, err
		}
		if t := p.Confirmed + p.Dismissed; t > 0 {
			v := float64(p.Confirmed) / float64(t)
			p.Precision = &v
		}
		out[id] = p
	}
	return out, rows.Err()
}

// SelfCheckResult is one hit of an agency's self-check.
type SelfCheckResult struct {
	ModelID    string          `json:"model_id"`
	SubjectKey string          `json:"subject_key"`
	Title      string          `json:"title"`
	Evidence   json.RawMessage `json:"evidence"`
	EventDate  *string         `json:"event_date"`
	DetectedAt int64           `json:"detected_at"`
}

// SelfCheckResults lists an agency's self-check results.
func SelfCheckResults(ctx context.Context, db store.Querier, agency int64, model string) ([]SelfCheckResult, error) {
	q := `SELECT model_id, subject_key, title, evidence, CAST(event_date AS TEXT), detected_at FROM selfcheck_results WHERE agency_id = ?`
	args := []any{agency}
	if model != "" {
		q += ` AND model_id = ?`
		args = append(args, model)
	}
	rows, err := db.QueryContext(ctx, q+` ORDER BY model_id, event_date DESC, subject_key LIMIT 5000`, args...)
	if err != nil {
		return nil, fmt.Errorf("supervise: self-check results: %w", err)
	}
	defer rows.Close()
	out := []SelfCheckResult{}
	for rows.Next() {
		var r SelfCheckResult
		var ev string
		var d sql.NullString
		if err := rows.Scan(&r.ModelID, &r.SubjectKey, &r.Title, &ev, &d, &r.DetectedAt); err != nil {
			return nil, err
		}
		r.Evidence = json.RawMessage(ev)
		if d.Valid {
			s := d.String
			if len(s) > 10 {
				s = s[:10]
			}
			r.EventDate = &s
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
