package casework

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/docx"
	"github.com/xingjian/xingjian/internal/store"
)

// EscalationFilter narrows the escalation list.
type EscalationFilter struct {
	Suggestion    int64
	Level, Status string
	Limit, Offset int
}

const escCols = `e.id, e.suggestion_id, s.doc_no, COALESCE(o.name, ''), s.kind, e.level, e.step, e.status, e.reason, e.doc_no, e.document_id,
	COALESCE(ru.display_name, ''), COALESCE(au.display_name, ''), e.issued_at, e.handling, e.result, e.handled_at, e.created_at`

const escFrom = ` FROM escalations e JOIN suggestions s ON s.id = e.suggestion_id LEFT JOIN orgs o ON o.id = s.recipient_org_id
	LEFT JOIN users ru ON ru.id = e.requested_by LEFT JOIN users au ON au.id = e.approved_by`

func scanEscalation(sc interface{ Scan(...any) error }) (Escalation, error) {
	var e Escalation
	var sdoc, doc sql.NullString
	var kind string
	var docID, issued, handled sql.NullInt64
	if err := sc.Scan(&e.ID, &e.SuggestionID, &sdoc, &e.Recipient, &kind, &e.Level, &e.Step, &e.Status, &e.Reason, &doc, &docID,
		&e.RequestedBy, &e.ApprovedBy, &issued, &e.Handling, &e.Result, &handled, &e.CreatedAt); err != nil {
		return Escalation{}, err
	}
	if sdoc.Valid {
		e.DocNoOf = &sdoc.String
	}
	if doc.Valid {
		e.DocNo = &doc.String
	}
	if docID.Valid {
		e.DocumentID = &docID.Int64
	}
	if issued.Valid {
		t := Time(issued.Int64)
		e.IssuedAt = &t
	}
	if handled.Valid {
		t := Time(handled.Int64)
		e.HandledAt = &t
	}
	if l, ok := LevelOf(e.Level); ok {
		e.LevelName = l.Name
	}
	return e, nil
}

// ListEscalations lists escalations p may see: the procuratorate all, the
// justice bureau the issued copies to it.
func (s *Service) ListEscalations(ctx context.Context, p *auth.Principal, f EscalationFilter) (int, []Escalation, error) {
	var where []string
	var args []any
	switch {
	case p.Can(auth.PermCaseRead):
	case p.Can(auth.PermEscalationHandle):
		where = append(where, "e.level = 'justice_bureau' AND e.status <> 'pending_approval'")
	case p.Can(auth.PermSuggestionReply) && f.Suggestion != 0:
		// A recipient sees the ladder of its own delivered suggestion.
		where, args = append(where, "s.recipient_org_id = ? AND s.delivered_on IS NOT NULL AND e.status <> 'pending_approval'"), append(args, p.OrgID)
	default:
		return 0, nil, ErrForbidden
	}
	if f.Suggestion != 0 {
		where, args = append(where, "e.suggestion_id = ?"), append(args, f.Suggestion)
	}
	if f.Level != "" {
		where, args = append(where, "e.level = ?"), append(args, f.Level)
	}
	if f.Status != "" {
		where, args = append(where, "e.status = ?"), append(args, f.Status)
	}
	w := ""
	if len(where) > 0 {
		w = " WHERE " + strings.Join(where, " AND ")
	}
	var total int
	if err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*)`+escFrom+w, args...).Scan(&total); err != nil {
		return 0, nil, fmt.Errorf("casework: count escalations: %w", err)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	order := "e.id DESC"
	if f.Suggestion != 0 {
		order = "e.step"
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT `+escCols+escFrom+w+` ORDER BY `+order+` LIMIT `+strconv.Itoa(f.Limit)+` OFFSET `+strconv.Itoa(max(0, f.Offset)), args...)
	if err != nil {
		return 0, nil, fmt.Errorf("casework: list escalations: %w", err)
	}
	defer rows.Close()
	out := []Escalation{}
	for rows.Next() {
		e, err := scanEscalation(rows)
		if err != nil {
			return 0, nil, err
		}
		out = append(out, e)
	}
	return total, out, rows.Err()
}

func (s *Service) loadEscalation(ctx context.Context, q store.Querier, id int64) (Escalation, error) {
	e, err := scanEscalation(q.QueryRowContext(ctx, `SELECT `+escCols+escFrom+` WHERE e.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return e, ErrNotFound
	}
	return e, err
}

// Escalate requests the next step of the ladder. A step that needs the
// chief waits for approval; the others are issued at once with their
// document.
func (s *Service) Escalate(ctx context.Context, p *auth.Principal, sugID int64, reason string) (int64, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" || len([]rune(reason)) > 5000 {
		return 0, invalid("reason", "请填写升级督促的理由（不超过 5000 字）")
	}
	var id int64
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		g, members, err := s.forHandler(ctx, tx, p, sugID)
		if err != nil {
			return err
		}
		if !onCase(p, members) {
			return ErrForbidden
		}
		_, escs, err := s.ListEscalations(ctx, p, EscalationFilter{Suggestion: sugID, Limit: 100})
		if err != nil {
			return err
		}
		level, ok := s.canEscalate(g, escs)
		if !ok {
			switch {
			case g.EscalationLevel >= len(ladder(g.Kind)):
				return badTransition("已到督促阶梯的最高一级")
			case len(escs) > 0 && escs[len(escs)-1].Status == "pending_approval":
				return badTransition("上一级升级尚待检察长批准")
			default:
				return badTransition("只有逾期未回复、不采纳或整改不到位的检察建议可以升级督促（当前：%s）", g.StatusName)
			}
		}
		now := s.now()
		step := g.EscalationLevel + 1
		status := "pending_approval"
		if !level.NeedsChief || isChief(p) {
			status = "issued"
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO escalations (suggestion_id, level, step, status, reason, requested_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			sugID, level.Code, step, "pending_approval", reason, userID(p), now.UnixMilli()).Scan(&id); err != nil {
			return fmt.Errorf("casework: escalate: %w", err)
		}
		if err := event(ctx, tx, p, g.CaseID, sugID, "suggestion.escalate", "", "", level.Name+"："+reason, now); err != nil {
			return err
		}
		if err := record(ctx, tx, p, "suggestion.escalate", "escalation", id, nil, map[string]any{"suggestion_id": sugID, "level": level.Code, "reason": reason}); err != nil {
			return err
		}
		if status == "issued" {
			return s.issueEscalation(ctx, tx, p, id)
		}
		return notify(ctx, tx, target{org: p.OrgID, role: auth.RoleChief}, "escalation.approval", "待批准升级："+level.Name, derefStr(g.DocNo)+" "+reason,
			fmt.Sprintf("/suggestions/%d", sugID), fmt.Sprintf("esc-approval:%d", id), now)
	})
	return id, err
}

// ApproveEscalation is the chief's approval of a pending step.
func (s *Service) ApproveEscalation(ctx context.Context, p *auth.Principal, id int64) error {
	if !p.Can(auth.PermCaseRead) {
		return ErrForbidden
	}
	if !p.Can(auth.PermEscalationApprove) {
		return ErrForbidden
	}
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		e, err := s.loadEscalation(ctx, tx, id)
		if err != nil {
			return err
		}
		if e.Status != "pending_approval" {
			return badTransition("该升级已批准，不能重复批准")
		}
		return s.issueEscalation(ctx, tx, p, id)
	})
}

// issueEscalation numbers the step's document, renders and stores it, raises
// the suggestion's level and tells the receiver.
func (s *Service) issueEscalation(ctx context.Context, tx *store.Tx, p *auth.Principal, id int64) error {
	e, err := s.loadEscalation(ctx, tx, id)
	if err != nil {
		return err
	}
	g, err := s.loadSuggestion(ctx, tx, p, e.SuggestionID)
	if err != nil {
		return err
	}
	level, _ := LevelOf(e.Level)
	st, err := s.Settings(ctx, tx)
	if err != nil {
		return err
	}
	now := s.now()
	year := s.today().Year()
	n, err := nextNumber(ctx, tx, p.OrgID, year, "doc:"+level.DocCode)
	if err != nil {
		return err
	}
	no := docNumber(st.DocAbbr, level.DocCode, year, n)
	addressee := level.Addressee
	if level.Code == LevelFollowUpLetter {
		addressee = g.RecipientName
	}
	var justiceOrg int64
	if level.Code == LevelJusticeBureau {
		var name string
		err := tx.QueryRowContext(ctx, `SELECT id, name FROM orgs WHERE kind = 'justice_bureau' AND NOT disabled ORDER BY id LIMIT 1`).Scan(&justiceOrg, &name)
		if err == nil {
			addressee = name
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
	}
	data, err := docx.Render(docx.Document{Organ: st.Header, Title: level.DocTitle, DocNo: no, Addressee: addressee, Paragraphs: escalationBody(g, e, level), Date: now})
	if err != nil {
		return fmt.Errorf("casework: render %s: %w", level.DocTitle, err)
	}
	docID, err := storeFile(ctx, tx, p, "escalation", id, g.CaseID, "document", fmt.Sprintf("%s（%s）.docx", level.DocTitle, no), docxMime, data, now)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE escalations SET status = 'issued', doc_no = ?, document_id = ?, approved_by = ?, issued_at = ? WHERE id = ?`,
		no, docID, userID(p), now.UnixMilli(), id); err != nil {
		return fmt.Errorf("casework: issue escalation: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE suggestions SET escalation_level = ?, updated_at = ?, version = version + 1 WHERE id = ?`, e.Step, now.UnixMilli(), g.ID); err != nil {
		return err
	}
	if err := event(ctx, tx, p, g.CaseID, g.ID, "suggestion.escalation_approve", "", "", fmt.Sprintf("%s（%s）", level.Name, no), now); err != nil {
		return err
	}
	if justiceOrg != 0 {
		if err := notify(ctx, tx, target{org: justiceOrg}, "escalation.justice", "检察院抄送："+derefStr(g.DocNo)+" 落实情况", g.RecipientName+"："+e.Reason,
			fmt.Sprintf("/escalations/%d", id), fmt.Sprintf("esc-justice:%d", id), now); err != nil {
			return err
		}
	}
	if err := notify(ctx, tx, target{org: g.RecipientOrgID}, "suggestion.escalated", "检察建议已升级督促："+level.Name, derefStr(g.DocNo),
		fmt.Sprintf("/inbox/%d", g.ID), fmt.Sprintf("esc-recipient:%d", id), now); err != nil {
		return err
	}
	return record(ctx, tx, p, "escalation.issue", "escalation", id, map[string]any{"status": e.Status}, map[string]any{"status": "issued", "doc_no": no})
}

func escalationBody(g Suggestion, e Escalation, level Level) []docx.Paragraph {
	var situation string
	switch {
	case g.Status == StatusAwaitingReply && g.Overdue:
		situation = fmt.Sprintf("该单位于%s签收，应于%s前书面回复，截至目前逾期 %d 日仍未回复。", derefStr(g.DeliveredOn), derefStr(g.DueOn), -derefInt(g.DaysLeft))
	case g.Outcome == OutcomeNotAdopted:
		situation = "该单位书面回复不予采纳，经审查其理由不能成立。"
	case g.Inadequate:
		situation = "经本院跟进监督核实，该单位整改不到位。"
	default:
		situation = "该单位未依法落实。"
	}
	kindName := "检察建议"
	if k, ok := KindOf(g.Kind); ok {
		kindName = k.DocTitle
	}
	out := []docx.Paragraph{
		{Text: fmt.Sprintf("本院于%s向%s制发%s（%s），%s", derefStr(g.IssuedOn), g.RecipientName, kindName, derefStr(g.DocNo), g.Title)},
		{Text: situation},
		{Text: "督促理由：" + e.Reason},
	}
	switch level.Code {
	case LevelFollowUpLetter:
		out = append(out, docx.Paragraph{Text: "请你单位收到本函后依法及时处理，并将处理结果书面告知本院。逾期仍不落实的，本院将依法制发检察建议。"})
	case LevelJusticeBureau:
		out = append(out, docx.Paragraph{Text: "现将有关情况抄送你局，请依法履行行政执法监督职责，督促该单位落实，并将处理情况和结果反馈本院。"})
	default:
		out = append(out, docx.Paragraph{Text: "特此" + strings.TrimPrefix(strings.TrimPrefix(level.Name, "报告"), "通报") + "，请予督促落实。"})
	}
	out = append(out, docx.Paragraph{Text: "依据：" + level.Basis})
	return out
}

func derefInt(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

// HandlingInput is the justice bureau's record of what it did.
type HandlingInput struct {
	Handling string `json:"handling"`
	Result   string `json:"result"`
}

// RecordHandling is the justice officer's record of handling and result,
// sent back to the prosecutor.
func (s *Service) RecordHandling(ctx context.Context, p *auth.Principal, id int64, in HandlingInput) error {
	in.Handling, in.Result = strings.TrimSpace(in.Handling), strings.TrimSpace(in.Result)
	if !p.Can(auth.PermEscalationHandle) {
		return ErrForbidden
	}
	if in.Handling == "" || in.Result == "" {
		return invalid("handling", "请填写处理情况和处理结果")
	}
	if len([]rune(in.Handling)) > 5000 || len([]rune(in.Result)) > 5000 {
		return invalid("handling", "处理情况和结果各不能超过 5000 字")
	}
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		e, err := s.loadEscalation(ctx, tx, id)
		if err != nil {
			return err
		}
		if e.Level != LevelJusticeBureau || e.Status == "pending_approval" {
			return ErrNotFound
		}
		if e.Status == "handled" {
			return badTransition("处理结果已登记，不能重复登记")
		}
		var caseID, prosecutor int64
		if err := tx.QueryRowContext(ctx, `SELECT c.id, c.prosecutor_id FROM suggestions s JOIN cases c ON c.id = s.case_id WHERE s.id = ?`, e.SuggestionID).Scan(&caseID, &prosecutor); err != nil {
			return err
		}
		now := s.now()
		if _, err := tx.ExecContext(ctx, `UPDATE escalations SET status = 'handled', handling = ?, result = ?, handled_by = ?, handled_at = ? WHERE id = ?`,
			in.Handling, in.Result, userID(p), now.UnixMilli(), id); err != nil {
			return err
		}
		if err := event(ctx, tx, p, caseID, e.SuggestionID, "suggestion.escalation_handled", "", "", in.Handling+"；结果："+in.Result, now); err != nil {
			return err
		}
		if err := notify(ctx, tx, target{user: prosecutor}, "escalation.handled", "司法局反馈处理结果："+derefStr(e.DocNoOf), in.Result,
			fmt.Sprintf("/suggestions/%d", e.SuggestionID), fmt.Sprintf("esc-handled:%d", id), now); err != nil {
			return err
		}
		return record(ctx, tx, p, "escalation.handle", "escalation", id, nil, in)
	})
}

// GetEscalation loads one escalation p may see.
func (s *Service) GetEscalation(ctx context.Context, p *auth.Principal, id int64) (Escalation, error) {
	if !inCasework(p) {
		return Escalation{}, ErrForbidden
	}
	e, err := s.loadEscalation(ctx, s.DB, id)
	if err != nil {
		return e, err
	}
	switch {
	case p.Can(auth.PermCaseRead):
		return e, nil
	case p.Can(auth.PermEscalationHandle) && e.Level == LevelJusticeBureau && e.Status != "pending_approval":
		return e, nil
	}
	return Escalation{}, ErrNotFound
}
