package casework

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/store"
)

// Lead triage beyond the models issue's confirm/dismiss. Precision
// (supervise.Precisions) counts confirmed and dismissed only, so unsure and
// merged leads are neither true nor false.

// TriageInput sets a lead's status by hand.
type TriageInput struct {
	Status string `json:"status"` // new | unsure | confirmed | dismissed
	Reason string `json:"reason"` // dismiss reason code
	Note   string `json:"note"`
}

type leadRow struct {
	status, note, reason string
	caseID               sql.NullInt64
}

func loadLead(ctx context.Context, tx *store.Tx, id int64) (leadRow, error) {
	var l leadRow
	err := tx.QueryRowContext(ctx, `SELECT status, status_note, dismiss_reason, case_id FROM leads WHERE id = ?`, id).Scan(&l.status, &l.note, &l.reason, &l.caseID)
	if errors.Is(err, sql.ErrNoRows) {
		return l, ErrNotFound
	}
	return l, err
}

// TriageLead records a triage decision (audited).
func (s *Service) TriageLead(ctx context.Context, p *auth.Principal, id int64, in TriageInput) error {
	if !p.Can(auth.PermLeadTriage) {
		return ErrForbidden
	}
	in.Note = strings.TrimSpace(in.Note)
	switch in.Status {
	case "new", "unsure", "confirmed":
		in.Reason = ""
	case "dismissed":
		if in.Reason == "" {
			// The models issue's clients send only a note.
			in.Reason = "other"
		}
		if !known(DismissReasons, in.Reason) {
			return invalid("reason", "排除理由不在字典中")
		}
		if in.Note == "" && in.Reason == "other" {
			return invalid("note", "排除线索须说明理由")
		}
	default:
		return invalid("status", "status 须为 new、unsure、confirmed 或 dismissed（成案请用“成案”操作，合并请用“合并”操作）")
	}
	if in.Status == "unsure" && in.Note == "" {
		return invalid("note", "存疑须写明待核实的问题")
	}
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		l, err := loadLead(ctx, tx, id)
		if err != nil {
			return err
		}
		if l.caseID.Valid {
			return badTransition("线索已成案，不能再改变研判结论")
		}
		if l.status == "merged" {
			return badTransition("线索已合并到其他线索，不能再研判")
		}
		now := s.now()
		if _, err := tx.ExecContext(ctx, `UPDATE leads SET status = ?, status_note = ?, dismiss_reason = ?, triaged_by = ?, triaged_at = ?, updated_at = ? WHERE id = ?`,
			in.Status, in.Note, in.Reason, userID(p), now.Unix(), now.Unix(), id); err != nil {
			return fmt.Errorf("casework: triage: %w", err)
		}
		return record(ctx, tx, p, "lead.triage", "lead", id, map[string]any{"status": l.status, "note": l.note, "reason": l.reason}, in)
	})
}

// AssignLeads assigns leads to a handler (nil unassigns).
func (s *Service) AssignLeads(ctx context.Context, p *auth.Principal, ids []int64, assignee *int64) (int, error) {
	if !p.Can(auth.PermLeadTriage) {
		return 0, ErrForbidden
	}
	if len(ids) == 0 || len(ids) > 1000 {
		return 0, invalid("ids", "请选择 1 至 1000 条线索")
	}
	n := 0
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		if assignee != nil {
			if err := s.checkHandler(ctx, tx, "assignee_id", *assignee); err != nil {
				return err
			}
		}
		now := s.now()
		for _, id := range ids {
			res, err := tx.ExecContext(ctx, `UPDATE leads SET assignee_id = ?, updated_at = ? WHERE id = ?`, assignee, now.Unix(), id)
			if err != nil {
				return fmt.Errorf("casework: assign: %w", err)
			}
			k, _ := res.RowsAffected()
			if k == 0 {
				return invalid("ids", fmt.Sprintf("线索 %d 不存在", id))
			}
			n++
		}
		return record(ctx, tx, p, "lead.assign", "lead", ids[0], nil, map[string]any{"ids": ids, "assignee_id": assignee})
	})
	return n, err
}

// ConfirmInput confirms a lead into an existing case or a new one.
type ConfirmInput struct {
	CaseID  int64      `json:"case_id"`
	NewCase *CaseInput `json:"new_case"`
}

// ConfirmLead confirms a lead: into an existing open case, or by opening a
// new case. It returns the case id.
func (s *Service) ConfirmLead(ctx context.Context, p *auth.Principal, id int64, in ConfirmInput) (int64, error) {
	if !p.Can(auth.PermLeadTriage) || !handles(p) {
		return 0, ErrForbidden
	}
	if (in.CaseID == 0) == (in.NewCase == nil) {
		return 0, invalid("case_id", "请选择已有案件或新建案件（二选一）")
	}
	var caseID int64
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		l, err := loadLead(ctx, tx, id)
		if err != nil {
			return err
		}
		if l.caseID.Valid {
			return badTransition("线索已在案件中")
		}
		if in.NewCase != nil {
			nc := *in.NewCase
			nc.LeadIDs = []int64{id}
			if nc.AgencyID == nil {
				var ag sql.NullInt64
				if err := tx.QueryRowContext(ctx, `SELECT agency_id FROM leads WHERE id = ?`, id).Scan(&ag); err == nil && ag.Valid {
					nc.AgencyID = &ag.Int64
				}
			}
			caseID, err = s.createCase(ctx, tx, p, nc)
			return err
		}
		c, err := s.loadCase(ctx, tx, in.CaseID)
		if errors.Is(err, ErrNotFound) {
			return invalid("case_id", "案件不存在")
		}
		if err != nil {
			return err
		}
		if c.Status == CaseClosed || c.Status == CaseTerminated {
			return badTransition("案件已%s，不能再并入线索", c.StatusName)
		}
		caseID = c.ID
		if err := s.attachLead(ctx, tx, p, id, c.ID, c.CaseNo); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE cases SET updated_at = ?, version = version + 1 WHERE id = ?`, s.now().UnixMilli(), c.ID)
		return err
	})
	return caseID, err
}

// MergeLead merges a duplicate lead into another.
func (s *Service) MergeLead(ctx context.Context, p *auth.Principal, id, into int64) error {
	if !p.Can(auth.PermLeadTriage) {
		return ErrForbidden
	}
	if id == into {
		return invalid("into", "不能合并到自身")
	}
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		l, err := loadLead(ctx, tx, id)
		if err != nil {
			return err
		}
		if l.caseID.Valid || l.status == "merged" {
			return badTransition("线索已%s，不能合并", nameOf(LeadStatuses, l.status))
		}
		t, err := loadLead(ctx, tx, into)
		if errors.Is(err, ErrNotFound) {
			return invalid("into", "目标线索不存在")
		}
		if err != nil {
			return err
		}
		if t.status == "merged" {
			return invalid("into", "目标线索本身已被合并，请合并到其最终线索")
		}
		now := s.now()
		if _, err := tx.ExecContext(ctx, `UPDATE leads SET status = 'merged', merged_into = ?, status_note = ?, triaged_by = ?, triaged_at = ?, updated_at = ? WHERE id = ?`,
			into, fmt.Sprintf("合并到线索 %d", into), userID(p), now.Unix(), now.Unix(), id); err != nil {
			return err
		}
		return record(ctx, tx, p, "lead.merge", "lead", id, map[string]any{"status": l.status}, map[string]any{"status": "merged", "into": into})
	})
}

// SelfReportInput is an agency's report of one of its self-check results.
type SelfReportInput struct {
	ModelID    string `json:"model_id"`
	SubjectKey string `json:"subject_key"`
	Note       string `json:"note"`
}

// SelfReport turns one of the agency's own self-check results into a lead
// with source self_report (the only way self-check data reaches the
// procuratorate). Reporting the same result twice is refused.
func (s *Service) SelfReport(ctx context.Context, p *auth.Principal, in SelfReportInput) (int64, error) {
	if !p.Can(auth.PermSelfCheck) {
		return 0, ErrForbidden
	}
	var id int64
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		var title, ev string
		var event sql.NullString
		err := tx.QueryRowContext(ctx, `SELECT title, evidence, CAST(event_date AS TEXT) FROM selfcheck_results WHERE agency_id = ? AND model_id = ? AND subject_key = ?`,
			p.OrgID, in.ModelID, in.SubjectKey).Scan(&title, &ev, &event)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		var evm map[string]any
		if json.Unmarshal([]byte(ev), &evm) != nil || evm == nil {
			evm = map[string]any{}
		}
		if note := strings.TrimSpace(in.Note); note != "" {
			evm["单位说明"] = note
		}
		evb, _ := json.Marshal(evm)
		var ed any
		if d := nullDate(event); d != nil {
			ed = *d
		}
		now := s.now()
		subject := fmt.Sprintf("%s:%d:%s", in.ModelID, p.OrgID, in.SubjectKey)
		err = tx.QueryRowContext(ctx, `INSERT INTO leads (source, model_id, subject_key, agency_id, title, severity, legal_basis, evidence, event_date, status, created_by, detected_at, updated_at)
			VALUES ('self_report', 'self_report', ?, ?, ?, 'medium', '', ?, ?, 'new', ?, ?, ?) RETURNING id`, subject, p.OrgID, "【单位自查报送】"+title, string(evb), ed,
			userID(p), now.Unix(), now.Unix()).Scan(&id)
		if store.IsUniqueViolation(err) {
			return badTransition("该自查结果已报送过检察院")
		}
		if err != nil {
			return fmt.Errorf("casework: self report: %w", err)
		}
		return record(ctx, tx, p, "lead.self_report", "lead", id, nil, in)
	})
	return id, err
}
