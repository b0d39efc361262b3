package casework

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/calendar"
	"github.com/xingjian/xingjian/internal/store"
)

// Suggestion is a suggestion (or opinion) as lists show it.
type Suggestion struct {
	ID              int64   `json:"id"`
	CaseID          int64   `json:"case_id"`
	CaseNo          string  `json:"case_no"`
	ParentID        *int64  `json:"parent_id"`
	Kind            string  `json:"kind"`
	KindName        string  `json:"kind_name"`
	Title           string  `json:"title"`
	RecipientOrgID  int64   `json:"recipient_org_id"`
	RecipientName   string  `json:"recipient_name"`
	Status          string  `json:"status"`
	StatusName      string  `json:"status_name"`
	DocNo           *string `json:"doc_no"`
	Urgent          bool    `json:"urgent"`
	ReplyDays       *int    `json:"reply_days"`
	IssuedOn        *string `json:"issued_on"`
	DeliveredOn     *string `json:"delivered_on"`
	DeliveryMethod  string  `json:"delivery_method"`
	DueOn           *string `json:"due_on"`
	DaysLeft        *int    `json:"days_left"`
	Overdue         bool    `json:"overdue"`
	EscalationLevel int     `json:"escalation_level"`
	EscalationName  string  `json:"escalation_name"`
	Outcome         string  `json:"outcome"`
	OutcomeName     string  `json:"outcome_name"`
	Inadequate      bool    `json:"inadequate"`
	ProsecutorID    int64   `json:"prosecutor_id"`
	ProsecutorName  string  `json:"prosecutor_name"`
	ClosedOn        *string `json:"closed_on"`
	UpdatedAt       Time    `json:"updated_at"`
	Version         int     `json:"version"`
	Facts           string  `json:"-"`
	LegalBasis      string  `json:"-"`
	Requests        string  `json:"-"`
}

const sugCols = `s.id, s.case_id, c.case_no, s.parent_id, s.kind, s.title, s.recipient_org_id, COALESCE(o.name, ''), s.status, s.doc_no, s.urgent, s.reply_days,
	CAST(s.issued_on AS TEXT), CAST(s.delivered_on AS TEXT), s.delivery_method, CAST(s.due_on AS TEXT), s.escalation_level, s.outcome, s.inadequate,
	c.prosecutor_id, COALESCE(u.display_name, ''), CAST(s.closed_on AS TEXT), s.updated_at, s.version, s.facts, s.legal_basis, s.requests`

const sugFrom = ` FROM suggestions s JOIN cases c ON c.id = s.case_id LEFT JOIN orgs o ON o.id = s.recipient_org_id LEFT JOIN users u ON u.id = c.prosecutor_id`

func (s *Service) scanSuggestion(sc interface{ Scan(...any) error }) (Suggestion, error) {
	var g Suggestion
	var parent sql.NullInt64
	var doc sql.NullString
	var days sql.NullInt64
	var issued, delivered, due, closed sql.NullString
	if err := sc.Scan(&g.ID, &g.CaseID, &g.CaseNo, &parent, &g.Kind, &g.Title, &g.RecipientOrgID, &g.RecipientName, &g.Status, &doc, &g.Urgent, &days,
		&issued, &delivered, &g.DeliveryMethod, &due, &g.EscalationLevel, &g.Outcome, &g.Inadequate, &g.ProsecutorID, &g.ProsecutorName, &closed,
		&g.UpdatedAt, &g.Version, &g.Facts, &g.LegalBasis, &g.Requests); err != nil {
		return Suggestion{}, err
	}
	if parent.Valid {
		g.ParentID = &parent.Int64
	}
	if doc.Valid {
		g.DocNo = &doc.String
	}
	if days.Valid {
		d := int(days.Int64)
		g.ReplyDays = &d
	}
	g.IssuedOn, g.DeliveredOn, g.DueOn, g.ClosedOn = nullDate(issued), nullDate(delivered), nullDate(due), nullDate(closed)
	if k, ok := KindOf(g.Kind); ok {
		g.KindName = k.Name
	}
	g.StatusName = nameOf(SuggestionStatuses, g.Status)
	g.OutcomeName = nameOf(ReplyOutcomes, g.Outcome)
	if g.Outcome == "" {
		g.OutcomeName = ""
	}
	g.EscalationName = s.levelName(g.Kind, g.EscalationLevel)
	if g.DueOn != nil && (g.Status == StatusAwaitingReply || g.Status == StatusObjection) {
		if due, err := calendar.ParseDate(*g.DueOn); err == nil {
			left := due.Sub(s.today())
			g.DaysLeft = &left
			g.Overdue = left < 0
		}
	}
	return g, nil
}

// ladder returns the escalation steps of a kind.
func ladder(kind string) []Level {
	k, _ := KindOf(kind)
	out := make([]Level, 0, len(k.Ladder))
	for _, c := range k.Ladder {
		if l, ok := LevelOf(c); ok {
			out = append(out, l)
		}
	}
	return out
}

func (s *Service) levelName(kind string, level int) string {
	if level <= 0 {
		return ""
	}
	l := ladder(kind)
	if level > len(l) {
		return ""
	}
	return l[level-1].Name
}

// visibility is the WHERE fragment limiting suggestions to what p may see:
// the procuratorate all; a recipient what was delivered to its org; the
// justice bureau what was copied to it.
func visibility(p *auth.Principal) (string, []any) {
	var parts []string
	var args []any
	if p.Can(auth.PermCaseRead) {
		return "1 = 1", nil
	}
	if p.Can(auth.PermSuggestionReply) {
		parts, args = append(parts, "(s.recipient_org_id = ? AND s.delivered_on IS NOT NULL)"), append(args, p.OrgID)
	}
	if p.Can(auth.PermEscalationHandle) {
		parts = append(parts, "EXISTS (SELECT 1 FROM escalations e WHERE e.suggestion_id = s.id AND e.level = 'justice_bureau' AND e.status <> 'pending_approval')")
	}
	if len(parts) == 0 {
		return "1 = 0", nil
	}
	return "(" + strings.Join(parts, " OR ") + ")", args
}

// SuggestionFilter narrows the suggestion list.
type SuggestionFilter struct {
	Kind, Status string
	Recipient    int64
	Case         int64
	// Due: week (awaiting reply, due within 7 days), overdue, escalated.
	Due           string
	Limit, Offset int
}

// ListSuggestions lists what p may see, newest first; the deadline views
// order by due date.
func (s *Service) ListSuggestions(ctx context.Context, p *auth.Principal, f SuggestionFilter) (int, []Suggestion, error) {
	if !inCasework(p) {
		return 0, nil, ErrForbidden
	}
	vis, args := visibility(p)
	where := []string{vis}
	add := func(c string, a ...any) { where, args = append(where, c), append(args, a...) }
	if f.Kind != "" {
		add("s.kind = ?", f.Kind)
	}
	if f.Status != "" {
		add("s.status = ?", f.Status)
	}
	if f.Recipient != 0 {
		add("s.recipient_org_id = ?", f.Recipient)
	}
	if f.Case != 0 {
		add("s.case_id = ?", f.Case)
	}
	order := "s.id DESC"
	today := s.today()
	switch f.Due {
	case "":
	case "week":
		add("s.status = 'awaiting_reply' AND s.due_on >= ? AND s.due_on <= ?", dateStr(today), dateStr(today.AddDays(7)))
		order = "s.due_on, s.id"
	case "overdue":
		add("s.status = 'awaiting_reply' AND s.due_on < ?", dateStr(today))
		order = "s.due_on, s.id"
	case "escalated":
		add("s.escalation_level > 0 AND s.status NOT IN ('closed', 'withdrawn')")
	default:
		return 0, nil, invalid("due", "due 须为 week、overdue 或 escalated")
	}
	w := " WHERE " + strings.Join(where, " AND ")
	var total int
	if err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM suggestions s`+w, args...).Scan(&total); err != nil {
		return 0, nil, fmt.Errorf("casework: count suggestions: %w", err)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT `+sugCols+sugFrom+w+` ORDER BY `+order+` LIMIT `+strconv.Itoa(f.Limit)+` OFFSET `+strconv.Itoa(max(0, f.Offset)), args...)
	if err != nil {
		return 0, nil, fmt.Errorf("casework: list suggestions: %w", err)
	}
	defer rows.Close()
	out := []Suggestion{}
	for rows.Next() {
		g, err := s.scanSuggestion(rows)
		if err != nil {
			return 0, nil, err
		}
		out = append(out, g)
	}
	return total, out, rows.Err()
}

// inCasework reports whether p takes part in casework at all: the
// procuratorate, a recipient, or the justice bureau. Anyone else is refused
// (403); a participant asking for what is not theirs is told "not found".
func inCasework(p *auth.Principal) bool {
	return p.Can(auth.PermCaseRead) || p.Can(auth.PermSuggestionReply) || p.Can(auth.PermEscalationHandle)
}

// loadSuggestion loads one suggestion if p may see it (else ErrNotFound).
func (s *Service) loadSuggestion(ctx context.Context, q store.Querier, p *auth.Principal, id int64) (Suggestion, error) {
	if !inCasework(p) {
		return Suggestion{}, ErrForbidden
	}
	vis, args := visibility(p)
	g, err := s.scanSuggestion(q.QueryRowContext(ctx, `SELECT `+sugCols+sugFrom+` WHERE s.id = ? AND `+vis, append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return Suggestion{}, ErrNotFound
	}
	if err != nil {
		return Suggestion{}, fmt.Errorf("casework: suggestion %d: %w", id, err)
	}
	return g, nil
}

// DraftInput starts a suggestion from a case.
type DraftInput struct {
	Kind           string `json:"kind"`
	RecipientOrgID int64  `json:"recipient_org_id"`
	Title          string `json:"title"`
	Urgent         bool   `json:"urgent"`
	ReplyDays      *int   `json:"reply_days"`
}

// CreateDraft drafts a suggestion pre-filled from the case and its leads.
func (s *Service) CreateDraft(ctx context.Context, p *auth.Principal, caseID int64, in DraftInput) (int64, error) {
	if !p.Can(auth.PermCaseRead) {
		return 0, ErrForbidden
	}
	var id int64
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		c, err := s.teamCase(ctx, tx, p, caseID)
		if err != nil {
			return err
		}
		if c.Status == CaseClosed || c.Status == CaseTerminated {
			return badTransition("案件已%s，不能再制发检察建议", c.StatusName)
		}
		id, err = s.createDraft(ctx, tx, p, c, in, nil)
		return err
	})
	return id, err
}

func (s *Service) createDraft(ctx context.Context, tx *store.Tx, p *auth.Principal, c Case, in DraftInput, parent *int64) (int64, error) {
	k, ok := KindOf(in.Kind)
	if !ok {
		return 0, invalid("kind", "检察建议类型不正确")
	}
	_, recipient, err := s.checkOrg(ctx, tx, "recipient_org_id", in.RecipientOrgID, k.RecipientKinds)
	if err != nil {
		return 0, err
	}
	if err := checkReplyDays(in.Urgent, in.ReplyDays, k); err != nil {
		return 0, err
	}
	title := strings.TrimSpace(in.Title)
	if title == "" {
		title = "关于" + c.Title + "的" + k.Name
	}
	if len([]rune(title)) > 200 {
		return 0, invalid("title", "标题不能超过 200 个字")
	}
	facts, basis, err := s.prefill(ctx, tx, c, k)
	if err != nil {
		return 0, err
	}
	requests := fmt.Sprintf("建议%s：\n1. 依法纠正上述问题，对相关执法行为进行全面自查；\n2. 健全相关制度，加强执法人员培训，防止类似问题再次发生；\n3. 将整改落实情况书面回复本院。", recipient)
	now := s.now()
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO suggestions (case_id, parent_id, kind, recipient_org_id, title, facts, legal_basis, requests, urgent, reply_days, status, prepared_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?) RETURNING id`, c.ID, parent, k.Code, in.RecipientOrgID, title, facts, basis, requests, in.Urgent, in.ReplyDays,
		userID(p), now.UnixMilli(), now.UnixMilli()).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("casework: insert suggestion: %w", err)
	}
	if err := event(ctx, tx, p, c.ID, id, "suggestion.create", "", StatusDraft, k.Name+"："+title, now); err != nil {
		return 0, err
	}
	return id, record(ctx, tx, p, "suggestion.create", "suggestion", id, nil, in)
}

func checkReplyDays(urgent bool, days *int, k Kind) error {
	if days == nil {
		if urgent && k.UrgentPeriod == "" {
			return invalid("reply_days", "紧急检察建议须确定回复期限（天数）")
		}
		return nil
	}
	if *days < 1 || *days > 60 {
		return invalid("reply_days", "回复期限须为 1 至 60 日（一般为两个月，不必填写）")
	}
	if !urgent {
		return invalid("reply_days", "只有紧急检察建议可以确定较短的回复期限")
	}
	return nil
}

// prefill writes the facts from the case summary and its leads' evidence,
// and the legal basis from the kind and the leads' rules.
func (s *Service) prefill(ctx context.Context, tx *store.Tx, c Case, k Kind) (string, string, error) {
	var facts strings.Builder
	facts.WriteString("本院在履行行政检察监督职责中发现")
	if c.AgencyName != "" {
		facts.WriteString("，" + c.AgencyName)
	}
	facts.WriteString("存在以下问题：\n")
	if c.Summary != "" {
		facts.WriteString(c.Summary + "\n")
	}
	basis := []string{k.Basis}
	rows, err := tx.QueryContext(ctx, `SELECT model_id, title, evidence, legal_basis FROM leads WHERE case_id = ? ORDER BY id LIMIT 50`, c.ID)
	if err != nil {
		return "", "", err
	}
	defer rows.Close()
	var describe func(string, []byte) []string
	if s.EvidenceDescriber != nil {
		describe = s.EvidenceDescriber(ctx)
	}
	n := 0
	for rows.Next() {
		var model, title, ev, lb string
		if err := rows.Scan(&model, &title, &ev, &lb); err != nil {
			return "", "", err
		}
		n++
		fmt.Fprintf(&facts, "%d. %s", n, title)
		e := ""
		if describe != nil {
			e = strings.Join(describe(model, []byte(ev)), "，")
		} else {
			e = evidenceText(ev)
		}
		if e != "" {
			facts.WriteString("（" + e + "）")
		}
		facts.WriteString("；\n")
		if lb = strings.TrimSpace(lb); lb != "" && !slices.Contains(basis, lb) {
			basis = append(basis, lb)
		}
	}
	if err := rows.Err(); err != nil {
		return "", "", err
	}
	return strings.TrimSpace(facts.String()), strings.Join(basis, "\n"), nil
}

// evidenceText flattens a lead's evidence snapshot into "key：value" pairs.
func evidenceText(ev string) string {
	var m map[string]any
	if err := json.Unmarshal([]byte(ev), &m); err != nil || len(m) == 0 {
		return ""
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		if len(parts) == 6 {
			break
		}
		parts = append(parts, fmt.Sprintf("%s：%v", k, m[k]))
	}
	return strings.Join(parts, "，")
}

// SuggestionDetail is a suggestion with its whole history.
type SuggestionDetail struct {
	Suggestion
	Facts          string           `json:"facts"`
	LegalBasis     string           `json:"legal_basis"`
	Requests       string           `json:"requests"`
	Replies        []Reply          `json:"replies"`
	Objections     []Objection      `json:"objections"`
	Rectifications []Rectification  `json:"rectifications"`
	Escalations    []Escalation     `json:"escalations"`
	Ladder         []Level          `json:"ladder"`
	Documents      []Attachment     `json:"documents"`
	Attachments    []Attachment     `json:"attachments"`
	Actions        []Action         `json:"actions"`
	Deadline       *DeadlineExplain `json:"deadline"`
}

// DeadlineExplain says how the due date was computed.
type DeadlineExplain struct {
	Period      string `json:"period"`
	Basis       string `json:"basis"`
	Provisional bool   `json:"provisional"`
	Note        string `json:"note"`
}

// Reply is a recipient's written reply.
type Reply struct {
	ID          int64  `json:"id"`
	Outcome     string `json:"outcome"`
	OutcomeName string `json:"outcome_name"`
	Reasons     string `json:"reasons"`
	Measures    string `json:"measures"`
	RepliedOn   string `json:"replied_on"`
	OnTime      bool   `json:"on_time"`
	By          string `json:"by"`
	CreatedAt   Time   `json:"created_at"`
}

// Objection is a recipient's objection and its review.
type Objection struct {
	ID           int64  `json:"id"`
	Reasons      string `json:"reasons"`
	By           string `json:"by"`
	FiledAt      Time   `json:"filed_at"`
	Decision     string `json:"decision"`
	DecisionNote string `json:"decision_note"`
	DecidedAt    *Time  `json:"decided_at"`
}

// Rectification is a progress report.
type Rectification struct {
	ID         int64  `json:"id"`
	Progress   string `json:"progress"`
	Done       bool   `json:"done"`
	By         string `json:"by"`
	ReportedAt Time   `json:"reported_at"`
}

// Escalation is one step taken on the ladder.
type Escalation struct {
	ID           int64   `json:"id"`
	SuggestionID int64   `json:"suggestion_id"`
	DocNoOf      *string `json:"suggestion_doc_no"`
	Recipient    string  `json:"recipient_name"`
	Level        string  `json:"level"`
	LevelName    string  `json:"level_name"`
	Step         int     `json:"step"`
	Status       string  `json:"status"`
	Reason       string  `json:"reason"`
	DocNo        *string `json:"doc_no"`
	DocumentID   *int64  `json:"document_id"`
	RequestedBy  string  `json:"requested_by"`
	ApprovedBy   string  `json:"approved_by"`
	IssuedAt     *Time   `json:"issued_at"`
	Handling     string  `json:"handling"`
	Result       string  `json:"result"`
	HandledAt    *Time   `json:"handled_at"`
	CreatedAt    Time    `json:"created_at"`
}

// GetSuggestion loads a suggestion with its history and the caller's actions.
func (s *Service) GetSuggestion(ctx context.Context, p *auth.Principal, id int64) (SuggestionDetail, error) {
	g, err := s.loadSuggestion(ctx, s.DB, p, id)
	if err != nil {
		return SuggestionDetail{}, err
	}
	d := SuggestionDetail{Suggestion: g, Facts: g.Facts, LegalBasis: g.LegalBasis, Requests: g.Requests, Ladder: ladder(g.Kind)}
	if d.Replies, err = s.replies(ctx, id); err != nil {
		return d, err
	}
	if d.Objections, err = s.objections(ctx, id); err != nil {
		return d, err
	}
	if d.Rectifications, err = s.rectifications(ctx, id); err != nil {
		return d, err
	}
	if _, d.Escalations, err = s.ListEscalations(ctx, p, EscalationFilter{Suggestion: id, Limit: 100}); err != nil {
		return d, err
	}
	all, err := s.attachments(ctx, "suggestion", id)
	if err != nil {
		return d, err
	}
	d.Documents, d.Attachments = []Attachment{}, []Attachment{}
	for _, a := range all {
		switch {
		case a.Kind == "document":
			d.Documents = append(d.Documents, a)
		case p.Can(auth.PermCaseRead) || a.OrgID == p.OrgID:
			// A recipient sees its own uploads, not the procuratorate's
			// internal material.
			d.Attachments = append(d.Attachments, a)
		}
	}
	slices.Reverse(d.Documents)
	if g.DueOn != nil {
		d.Deadline = s.explainDeadline(g)
	}
	members, err := s.caseMembersByID(ctx, g.CaseID)
	if err != nil {
		return d, err
	}
	st, err := s.Settings(ctx, s.DB)
	if err != nil {
		return d, err
	}
	d.Actions = s.suggestionActions(p, g, members, st, d.Escalations)
	return d, nil
}

func (s *Service) caseMembersByID(ctx context.Context, caseID int64) ([]int64, error) {
	c, err := s.loadCase(ctx, s.DB, caseID)
	if err != nil {
		return nil, err
	}
	return s.caseMembers(ctx, s.DB, c)
}

func (s *Service) replies(ctx context.Context, id int64) ([]Reply, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT r.id, r.outcome, r.reasons, r.measures, CAST(r.replied_on AS TEXT), r.on_time, COALESCE(u.display_name, ''), r.created_at
		FROM suggestion_replies r LEFT JOIN users u ON u.id = r.created_by WHERE r.suggestion_id = ? ORDER BY r.id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Reply{}
	for rows.Next() {
		var r Reply
		if err := rows.Scan(&r.ID, &r.Outcome, &r.Reasons, &r.Measures, &r.RepliedOn, &r.OnTime, &r.By, &r.CreatedAt); err != nil {
			return nil, err
		}
		r.RepliedOn = r.RepliedOn[:min(10, len(r.RepliedOn))]
		r.OutcomeName = nameOf(ReplyOutcomes, r.Outcome)
		out = append(out, r)
	}
	return out, rows.Err()
}

func (s *Service) objections(ctx context.Context, id int64) ([]Objection, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT x.id, x.reasons, COALESCE(u.display_name, ''), x.created_at, x.decision, x.decision_note, x.decided_at
		FROM suggestion_objections x LEFT JOIN users u ON u.id = x.created_by WHERE x.suggestion_id = ? ORDER BY x.id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Objection{}
	for rows.Next() {
		var o Objection
		var at sql.NullInt64
		if err := rows.Scan(&o.ID, &o.Reasons, &o.By, &o.FiledAt, &o.Decision, &o.DecisionNote, &at); err != nil {
			return nil, err
		}
		if at.Valid {
			t := Time(at.Int64)
			o.DecidedAt = &t
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

func (s *Service) rectifications(ctx context.Context, id int64) ([]Rectification, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT r.id, r.progress, r.done, COALESCE(u.display_name, ''), r.created_at
		FROM rectification_reports r LEFT JOIN users u ON u.id = r.created_by WHERE r.suggestion_id = ? ORDER BY r.id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Rectification{}
	for rows.Next() {
		var r Rectification
		if err := rows.Scan(&r.ID, &r.Progress, &r.Done, &r.By, &r.ReportedAt); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// sugEdge is one transition of the suggestion machine taken by the
// procuratorate (the recipient's reply, objection and rectification
// reports have their own functions).
type sugEdge struct {
	action, name string
	from         []string
	to           string
}

var sugEdges = []sugEdge{
	{"consult", "征求意见", []string{StatusDraft}, StatusDraft},
	{"submit", "提请审批", []string{StatusDraft}, StatusPendingApproval},
	{"approve", "审批签发", []string{StatusPendingApproval}, StatusApproved},
	{"reject", "退回修改", []string{StatusPendingApproval}, StatusDraft},
	{"deliver", "送达", []string{StatusApproved}, StatusAwaitingReply},
	{"decide_objection", "异议复核", []string{StatusObjection}, ""},
	{"verify", "跟进核实", []string{StatusRectifying}, ""},
	// 办结 after a reply that was not adopted; once the ladder has been
	// climbed, also without a reply or with rectification still inadequate
	// (the follow-up ends; the record keeps what happened).
	{"close", "办结", []string{StatusReplied, StatusAwaitingReply, StatusRectifying}, StatusClosed},
	{"withdraw", "撤回", []string{StatusDraft, StatusPendingApproval}, StatusWithdrawn},
}

// closable: a reply that was not adopted may be closed; without a reply,
// or with rectification unfinished, only once the ladder has been climbed.
func closable(g Suggestion) bool {
	return g.Status == StatusReplied || g.EscalationLevel > 0
}

// mayApprove: the approval rule's role, or the chief for anything.
func mayApprove(p *auth.Principal, kind string, st Settings) bool {
	if !p.Can(auth.PermSuggestionApprove) {
		return false
	}
	return isChief(p) || st.Approval[kind] == p.Role.Code
}

func (s *Service) edgeAllowed(p *auth.Principal, g Suggestion, e sugEdge, members []int64, st Settings) bool {
	switch e.action {
	case "approve", "reject":
		return mayApprove(p, g.Kind, st)
	case "decide_objection":
		// 第二十三条: the chief prosecutor decides on an objection.
		return p.Can(auth.PermEscalationApprove)
	}
	return onCase(p, members)
}

// canEscalate says whether the next ladder step may be requested now and
// which it is.
func (s *Service) canEscalate(g Suggestion, escs []Escalation) (Level, bool) {
	for _, e := range escs {
		if e.Status == "pending_approval" {
			return Level{}, false
		}
	}
	l := ladder(g.Kind)
	if g.EscalationLevel >= len(l) {
		return Level{}, false
	}
	ok := (g.Status == StatusAwaitingReply && g.Overdue) ||
		(g.Status == StatusReplied && g.Outcome == OutcomeNotAdopted) ||
		(g.Status == StatusRectifying && g.Inadequate)
	return l[g.EscalationLevel], ok
}

func (s *Service) suggestionActions(p *auth.Principal, g Suggestion, members []int64, st Settings, escs []Escalation) []Action {
	out := []Action{}
	if p.Can(auth.PermCaseRead) {
		for _, e := range sugEdges {
			if slices.Contains(e.from, g.Status) && s.edgeAllowed(p, g, e, members, st) && (e.action != "close" || closable(g)) {
				out = append(out, Action{e.action, e.name})
			}
		}
		if g.Status == StatusDraft && onCase(p, members) {
			out = append(out, Action{"edit", "编辑"})
		}
		if onCase(p, members) {
			if l, ok := s.canEscalate(g, escs); ok {
				out = append(out, Action{"escalate", l.Name})
			}
			if g.Kind == KindOpinion && g.EscalationLevel >= 1 && g.Status != StatusClosed && g.Status != StatusWithdrawn {
				out = append(out, Action{"convert", "转为检察建议"})
			}
		}
		if p.Can(auth.PermEscalationApprove) {
			for _, e := range escs {
				if e.Status == "pending_approval" {
					out = append(out, Action{"approve_escalation", "批准：" + e.LevelName})
				}
			}
		}
		return out
	}
	if p.Can(auth.PermSuggestionReply) && g.RecipientOrgID == p.OrgID {
		switch g.Status {
		case StatusAwaitingReply:
			out = append(out, Action{"reply", "书面回复"}, Action{"objection", "提出异议"})
		case StatusReplied, StatusRectifying:
			out = append(out, Action{"rectification", "报告整改进展"})
		}
		if g.Status != StatusClosed && g.Status != StatusWithdrawn {
			out = append(out, Action{"attach", "上传附件"})
		}
	}
	return out
}

// SuggestionPatch edits a draft; Version must be current.
type SuggestionPatch struct {
	Version        int     `json:"version"`
	Title          *string `json:"title"`
	Facts          *string `json:"facts"`
	LegalBasis     *string `json:"legal_basis"`
	Requests       *string `json:"requests"`
	Urgent         *bool   `json:"urgent"`
	ReplyDays      *int    `json:"reply_days"`
	ClearReplyDays bool    `json:"-"`
	RecipientOrgID *int64  `json:"recipient_org_id"`
}

// UpdateDraft edits a draft under optimistic locking: of two prosecutors
// editing the same draft, the second gets a ConflictError and nothing of
// the first is overwritten.
func (s *Service) UpdateDraft(ctx context.Context, p *auth.Principal, id int64, in SuggestionPatch) error {
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		g, members, err := s.forHandler(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if g.Status != StatusDraft {
			return badTransition("检察建议当前为“%s”，只有草稿可以修改", g.StatusName)
		}
		if !onCase(p, members) {
			return ErrForbidden
		}
		if in.Version != g.Version {
			return &ConflictError{Version: g.Version}
		}
		before := g
		k, _ := KindOf(g.Kind)
		set := func(dst *string, v *string, field, name string, limit int) error {
			if v == nil {
				return nil
			}
			t := strings.TrimSpace(*v)
			if field == "title" && t == "" {
				return invalid(field, name+"不能为空")
			}
			if len([]rune(t)) > limit {
				return invalid(field, fmt.Sprintf("%s不能超过 %d 个字", name, limit))
			}
			*dst = t
			return nil
		}
		if err := set(&g.Title, in.Title, "title", "标题", 200); err != nil {
			return err
		}
		if err := set(&g.Facts, in.Facts, "facts", "基本事实", 20000); err != nil {
			return err
		}
		if err := set(&g.LegalBasis, in.LegalBasis, "legal_basis", "法律依据", 5000); err != nil {
			return err
		}
		if err := set(&g.Requests, in.Requests, "requests", "建议内容", 10000); err != nil {
			return err
		}
		if in.Urgent != nil {
			g.Urgent = *in.Urgent
			if !g.Urgent {
				g.ReplyDays = nil
			}
		}
		if in.ReplyDays != nil {
			g.ReplyDays = in.ReplyDays
		}
		if in.ClearReplyDays {
			g.ReplyDays = nil
		}
		if err := checkReplyDays(g.Urgent, g.ReplyDays, k); err != nil {
			return err
		}
		if in.RecipientOrgID != nil {
			if _, _, err := s.checkOrg(ctx, tx, "recipient_org_id", *in.RecipientOrgID, k.RecipientKinds); err != nil {
				return err
			}
			g.RecipientOrgID = *in.RecipientOrgID
		}
		now := s.now()
		res, err := tx.ExecContext(ctx, `UPDATE suggestions SET title = ?, facts = ?, legal_basis = ?, requests = ?, urgent = ?, reply_days = ?, recipient_org_id = ?,
			updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`, g.Title, g.Facts, g.LegalBasis, g.Requests, g.Urgent, g.ReplyDays, g.RecipientOrgID,
			now.UnixMilli(), id, in.Version)
		if err != nil {
			return fmt.Errorf("casework: update draft: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return &ConflictError{Version: g.Version}
		}
		if err := event(ctx, tx, p, g.CaseID, id, "suggestion.edit", "", "", "", now); err != nil {
			return err
		}
		return record(ctx, tx, p, "suggestion.update", "suggestion", id, before, g)
	})
}

// forHandler loads a suggestion for a procuratorate action.
func (s *Service) forHandler(ctx context.Context, tx *store.Tx, p *auth.Principal, id int64) (Suggestion, []int64, error) {
	if !p.Can(auth.PermCaseRead) {
		return Suggestion{}, nil, ErrForbidden
	}
	g, err := s.loadSuggestion(ctx, tx, p, id)
	if err != nil {
		return g, nil, err
	}
	c, err := s.loadCase(ctx, tx, g.CaseID)
	if err != nil {
		return g, nil, err
	}
	members, err := s.caseMembers(ctx, tx, c)
	return g, members, err
}

// TransitionInput carries an action's parameters.
type TransitionInput struct {
	Action     string `json:"action"`
	Version    int    `json:"version"`
	Note       string `json:"note"`
	Method     string `json:"method"`      // deliver: written | announced
	ReceivedOn string `json:"received_on"` // deliver: the recipient's receipt date
	Decision   string `json:"decision"`    // decide_objection: upheld | revised | withdrawn
	Accepted   *bool  `json:"accepted"`    // verify
}

// Transition takes a procuratorate action on a suggestion.
func (s *Service) Transition(ctx context.Context, p *auth.Principal, id int64, in TransitionInput) error {
	var edge *sugEdge
	for i := range sugEdges {
		if sugEdges[i].action == in.Action {
			edge = &sugEdges[i]
		}
	}
	if edge == nil {
		return invalid("action", "未知的检察建议操作："+in.Action)
	}
	note := strings.TrimSpace(in.Note)
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		g, members, err := s.forHandler(ctx, tx, p, id)
		if err != nil {
			return err
		}
		st, err := s.Settings(ctx, tx)
		if err != nil {
			return err
		}
		if !s.edgeAllowed(p, g, *edge, members, st) {
			return ErrForbidden
		}
		if !slices.Contains(edge.from, g.Status) {
			return badTransition("检察建议当前为“%s”，不能%s", g.StatusName, edge.name)
		}
		if in.Version != g.Version {
			return &ConflictError{Version: g.Version}
		}
		now := s.now()
		to := edge.to
		sets := []string{}
		args := []any{}
		set := func(col string, v any) { sets, args = append(sets, col+" = ?"), append(args, v) }
		switch in.Action {
		case "consult":
			if note == "" {
				return invalid("note", "请填写征求意见的情况")
			}
		case "reject":
			if note == "" {
				return invalid("note", "退回修改须说明理由")
			}
		case "approve":
			k, _ := KindOf(g.Kind)
			if g.DocNo == nil {
				year := s.today().Year()
				n, err := nextNumber(ctx, tx, p.OrgID, year, "doc:"+k.DocCode)
				if err != nil {
					return err
				}
				no := docNumber(st.DocAbbr, k.DocCode, year, n)
				g.DocNo = &no
				set("doc_no", no)
			}
			issued := dateStr(s.today())
			g.IssuedOn = &issued
			set("issued_on", issued)
			set("approved_by", userID(p))
			if err := s.generateSuggestionDoc(ctx, tx, p, g, st); err != nil {
				return err
			}
		case "deliver":
			if in.Method != "written" && in.Method != "announced" {
				return invalid("method", "送达方式须为书面送达（written）或宣告送达（announced）")
			}
			recv, err := calendar.ParseDate(in.ReceivedOn)
			if err != nil {
				return invalid("received_on", "签收日期格式应为 YYYY-MM-DD")
			}
			if recv.After(s.today()) {
				return invalid("received_on", "签收日期不能晚于今天")
			}
			if g.IssuedOn != nil {
				if iss, err := calendar.ParseDate(*g.IssuedOn); err == nil && recv.Before(iss) {
					return invalid("received_on", "签收日期不能早于签发日期")
				}
			}
			due, _, err := s.dueDate(g, recv)
			if err != nil {
				return err
			}
			set("delivery_method", in.Method)
			set("delivered_on", dateStr(recv))
			set("due_on", dateStr(due))
			methodName := map[string]string{"written": "书面送达", "announced": "宣告送达"}[in.Method]
			note = strings.TrimSpace(fmt.Sprintf("%s，%s签收，%s前回复 %s", methodName, dateStr(recv), dateStr(due), note))
			link := fmt.Sprintf("/inbox/%d", id)
			if err := notify(ctx, tx, target{org: g.RecipientOrgID}, "suggestion.delivered", "收到检察建议："+derefStr(g.DocNo),
				fmt.Sprintf("%s。请于 %s 前书面回复。", g.Title, dateStr(due)), link, fmt.Sprintf("delivered:%d", id), now); err != nil {
				return err
			}
		case "decide_objection":
			switch in.Decision {
			case "upheld":
				to = StatusAwaitingReply
			case "revised":
				to = StatusDraft
			case "withdrawn":
				to = StatusWithdrawn
				set("closed_on", dateStr(s.today()))
			default:
				return invalid("decision", "复核决定须为维持（upheld）、修改（revised）或撤回（withdrawn）")
			}
			if note == "" {
				return invalid("note", "异议复核须说明理由")
			}
			if _, err := tx.ExecContext(ctx, `UPDATE suggestion_objections SET decision = ?, decision_note = ?, decided_by = ?, decided_at = ? WHERE suggestion_id = ? AND decision = ''`,
				in.Decision, note, userID(p), now.UnixMilli(), id); err != nil {
				return err
			}
			note = map[string]string{"upheld": "异议不成立，维持检察建议：", "revised": "异议成立，修改检察建议：", "withdrawn": "异议成立，撤回检察建议："}[in.Decision] + note
			if err := notify(ctx, tx, target{org: g.RecipientOrgID}, "suggestion.objection_decided", "异议复核结果："+derefStr(g.DocNo), note,
				fmt.Sprintf("/inbox/%d", id), fmt.Sprintf("objection-decided:%d:%d", id, now.UnixMilli()), now); err != nil {
				return err
			}
		case "verify":
			if in.Accepted == nil {
				return invalid("accepted", "请选择整改是否到位")
			}
			if note == "" {
				return invalid("note", "请填写跟进核实情况")
			}
			if *in.Accepted {
				to = StatusClosed
				set("closed_on", dateStr(s.today()))
				set("inadequate", false)
				note = "整改到位：" + note
			} else {
				to = StatusRectifying
				set("inadequate", true)
				note = "整改不到位：" + note
			}
		case "close":
			if !closable(g) {
				return badTransition("未回复或整改不到位的检察建议，须经升级督促后才能办结")
			}
			if note == "" {
				return invalid("note", "办结须说明理由")
			}
			set("closed_on", dateStr(s.today()))
		case "withdraw":
			if note == "" {
				return invalid("note", "撤回须说明理由")
			}
			set("closed_on", dateStr(s.today()))
		}
		set("status", to)
		set("updated_at", now.UnixMilli())
		res, err := tx.ExecContext(ctx, `UPDATE suggestions SET `+strings.Join(sets, ", ")+`, version = version + 1 WHERE id = ? AND version = ?`, append(args, id, in.Version)...)
		if err != nil {
			return fmt.Errorf("casework: suggestion %s: %w", in.Action, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return &ConflictError{Version: g.Version}
		}
		if in.Action == "submit" {
			role := st.Approval[g.Kind]
			if err := notify(ctx, tx, target{org: p.OrgID, role: role}, "suggestion.approval", "待审批检察建议："+g.Title, "承办检察官提请审批。",
				fmt.Sprintf("/suggestions/%d", id), fmt.Sprintf("submit:%d:%d", id, now.UnixMilli()), now); err != nil {
				return err
			}
		}
		if err := event(ctx, tx, p, g.CaseID, id, "suggestion."+in.Action, g.Status, to, note, now); err != nil {
			return err
		}
		return record(ctx, tx, p, "suggestion."+in.Action, "suggestion", id, map[string]any{"status": g.Status}, map[string]any{"status": to, "input": in})
	})
}

func derefStr(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// dueDate computes the reply deadline from the receipt date: the kind's
// period (two months by default, rolled forward off rest days, DOMAIN.md
// §1.4 and §1.8), or for an urgent one the fixed urgent period or the
// prosecutor's number of calendar days. provisional is true when the
// holiday calendar of the due year is not loaded yet: the date is then
// rolled off weekends only and the UI says so.
func (s *Service) dueDate(g Suggestion, recv calendar.Date) (calendar.Date, bool, error) {
	k, _ := KindOf(g.Kind)
	periodID := k.Period
	if g.Urgent && k.UrgentPeriod != "" {
		periodID = k.UrgentPeriod
	}
	per, ok := calendar.LookupPeriod(periodID)
	if !ok {
		return calendar.Date{}, false, fmt.Errorf("casework: period %s not catalogued", periodID)
	}
	if g.Urgent && k.UrgentPeriod == "" && g.ReplyDays != nil {
		per = calendar.Period{ID: "suggestion.urgent", Count: *g.ReplyDays, Unit: calendar.Day}
	}
	due, err := s.Cal.Due(per, recv)
	if errors.Is(err, calendar.ErrNoData) {
		var d calendar.Date
		if per.Unit == calendar.Month {
			d = recv.AddMonths(per.Count)
		} else {
			d = recv.AddDays(per.Count)
		}
		for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
			d = d.AddDays(1)
		}
		return d, true, nil
	}
	return due, false, err
}

func (s *Service) explainDeadline(g Suggestion) *DeadlineExplain {
	k, _ := KindOf(g.Kind)
	periodID := k.Period
	if g.Urgent && k.UrgentPeriod != "" {
		periodID = k.UrgentPeriod
	}
	per, _ := calendar.LookupPeriod(periodID)
	e := &DeadlineExplain{Period: per.Name, Basis: per.Basis, Note: per.Note}
	if g.Urgent && k.UrgentPeriod == "" && g.ReplyDays != nil {
		e.Period = fmt.Sprintf("紧急检察建议回复期限 %d 日", *g.ReplyDays)
		e.Note = "因情况紧急确定的回复期限，按自然日计算，届满日遇休息日顺延。"
	}
	if g.DeliveredOn != nil {
		if recv, err := calendar.ParseDate(*g.DeliveredOn); err == nil {
			if _, prov, err := s.dueDate(g, recv); err == nil && prov {
				e.Provisional = true
				e.Note = "到期年度的法定节假日安排尚未载入日历，到期日暂按周末顺延计算；载入后以日历为准。" + e.Note
			}
		}
	}
	return e
}

// ReplyInput is a recipient's written reply.
type ReplyInput struct {
	Outcome   string `json:"outcome"`
	Reasons   string `json:"reasons"`
	Measures  string `json:"measures"`
	RepliedOn string `json:"replied_on"`
}

// forRecipient loads a suggestion for its recipient's action; another org's
// suggestion is not found.
func (s *Service) forRecipient(ctx context.Context, tx *store.Tx, p *auth.Principal, id int64) (Suggestion, error) {
	if !p.Can(auth.PermSuggestionReply) {
		return Suggestion{}, ErrForbidden
	}
	g, err := s.loadSuggestion(ctx, tx, p, id)
	if err != nil {
		return g, err
	}
	if g.RecipientOrgID != p.OrgID {
		return g, ErrNotFound
	}
	return g, nil
}

// Reply records the recipient's reply: adopted or partly → rectifying;
// not adopted → replied (the prosecutor closes or escalates).
func (s *Service) Reply(ctx context.Context, p *auth.Principal, id int64, in ReplyInput) error {
	in.Reasons, in.Measures = strings.TrimSpace(in.Reasons), strings.TrimSpace(in.Measures)
	if !known(ReplyOutcomes, in.Outcome) {
		return invalid("outcome", "回复结论须为采纳、部分采纳或不采纳")
	}
	if in.Outcome != OutcomeAdopted && in.Reasons == "" {
		return invalid("reasons", "部分采纳或不采纳须说明理由")
	}
	if in.Outcome != OutcomeNotAdopted && in.Measures == "" {
		return invalid("measures", "请填写已采取或拟采取的整改措施")
	}
	if len([]rune(in.Reasons)) > 10000 || len([]rune(in.Measures)) > 10000 {
		return invalid("reasons", "回复内容不能超过 10000 字")
	}
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		g, err := s.forRecipient(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if g.Status != StatusAwaitingReply {
			if g.Status == StatusClosed || g.Status == StatusWithdrawn {
				return badTransition("该检察建议已%s，不能再回复", g.StatusName)
			}
			return badTransition("该检察建议当前为“%s”，不能回复", g.StatusName)
		}
		today := s.today()
		replied := today
		if in.RepliedOn != "" {
			d, err := calendar.ParseDate(in.RepliedOn)
			if err != nil {
				return invalid("replied_on", "回复日期格式应为 YYYY-MM-DD")
			}
			if d.After(today) {
				return invalid("replied_on", "回复日期不能晚于今天")
			}
			if g.DeliveredOn != nil {
				if dv, err := calendar.ParseDate(*g.DeliveredOn); err == nil && d.Before(dv) {
					return invalid("replied_on", "回复日期不能早于签收日期")
				}
			}
			replied = d
		}
		onTime := true
		if g.DueOn != nil {
			if due, err := calendar.ParseDate(*g.DueOn); err == nil {
				onTime = !replied.After(due)
			}
		}
		now := s.now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO suggestion_replies (suggestion_id, outcome, reasons, measures, replied_on, on_time, org_id, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, in.Outcome, in.Reasons, in.Measures, dateStr(replied), onTime, p.OrgID, userID(p), now.UnixMilli()); err != nil {
			return fmt.Errorf("casework: reply: %w", err)
		}
		to := StatusRectifying
		if in.Outcome == OutcomeNotAdopted {
			to = StatusReplied
		}
		if _, err := tx.ExecContext(ctx, `UPDATE suggestions SET status = ?, outcome = ?, updated_at = ?, version = version + 1 WHERE id = ?`, to, in.Outcome, now.UnixMilli(), id); err != nil {
			return err
		}
		msg := nameOf(ReplyOutcomes, in.Outcome)
		if !onTime {
			msg += "（逾期回复）"
		}
		if err := event(ctx, tx, p, g.CaseID, id, "suggestion.reply", g.Status, to, msg, now); err != nil {
			return err
		}
		if err := notify(ctx, tx, target{user: g.ProsecutorID}, "suggestion.replied", "收到书面回复："+derefStr(g.DocNo), g.RecipientName+"："+msg,
			fmt.Sprintf("/suggestions/%d", id), fmt.Sprintf("replied:%d", id), now); err != nil {
			return err
		}
		return record(ctx, tx, p, "suggestion.reply", "suggestion", id, map[string]any{"status": g.Status}, in)
	})
}

// Object files the recipient's objection (异议), which goes to review
// (第二十三条).
func (s *Service) Object(ctx context.Context, p *auth.Principal, id int64, reasons string) error {
	reasons = strings.TrimSpace(reasons)
	if reasons == "" || len([]rune(reasons)) > 10000 {
		return invalid("reasons", "请填写异议理由（不超过 10000 字）")
	}
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		g, err := s.forRecipient(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if g.Status != StatusAwaitingReply {
			return badTransition("该检察建议当前为“%s”，不能提出异议", g.StatusName)
		}
		now := s.now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO suggestion_objections (suggestion_id, reasons, org_id, created_by, created_at) VALUES (?, ?, ?, ?, ?)`,
			id, reasons, p.OrgID, userID(p), now.UnixMilli()); err != nil {
			return fmt.Errorf("casework: objection: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE suggestions SET status = 'objection', updated_at = ?, version = version + 1 WHERE id = ?`, now.UnixMilli(), id); err != nil {
			return err
		}
		if err := event(ctx, tx, p, g.CaseID, id, "suggestion.objection", g.Status, StatusObjection, reasons, now); err != nil {
			return err
		}
		if err := notify(ctx, tx, target{user: g.ProsecutorID}, "suggestion.objection", "被建议单位提出异议："+derefStr(g.DocNo), reasons,
			fmt.Sprintf("/suggestions/%d", id), fmt.Sprintf("objection:%d:%d", id, now.UnixMilli()), now); err != nil {
			return err
		}
		return record(ctx, tx, p, "suggestion.objection", "suggestion", id, nil, map[string]any{"reasons": reasons})
	})
}

// RectificationInput is a progress report.
type RectificationInput struct {
	Progress string `json:"progress"`
	Done     bool   `json:"done"`
}

// ReportRectification records the recipient's progress report.
func (s *Service) ReportRectification(ctx context.Context, p *auth.Principal, id int64, in RectificationInput) error {
	in.Progress = strings.TrimSpace(in.Progress)
	if in.Progress == "" || len([]rune(in.Progress)) > 10000 {
		return invalid("progress", "请填写整改进展（不超过 10000 字）")
	}
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		g, err := s.forRecipient(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if g.Status != StatusRectifying && g.Status != StatusReplied {
			if g.Status == StatusClosed || g.Status == StatusWithdrawn {
				return badTransition("该检察建议已%s，不能再报告整改进展", g.StatusName)
			}
			return badTransition("该检察建议当前为“%s”，请先书面回复", g.StatusName)
		}
		now := s.now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO rectification_reports (suggestion_id, progress, done, org_id, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			id, in.Progress, in.Done, p.OrgID, userID(p), now.UnixMilli()); err != nil {
			return fmt.Errorf("casework: rectification: %w", err)
		}
		to := g.Status
		if g.Status == StatusReplied {
			// A recipient that did not adopt but rectifies after all.
			to = StatusRectifying
		}
		if _, err := tx.ExecContext(ctx, `UPDATE suggestions SET status = ?, updated_at = ?, version = version + 1 WHERE id = ?`, to, now.UnixMilli(), id); err != nil {
			return err
		}
		text := in.Progress
		if in.Done {
			text = "（整改完成）" + text
		}
		if err := event(ctx, tx, p, g.CaseID, id, "suggestion.rectification", g.Status, to, text, now); err != nil {
			return err
		}
		if err := notify(ctx, tx, target{user: g.ProsecutorID}, "suggestion.rectification", "整改进展："+derefStr(g.DocNo), text,
			fmt.Sprintf("/suggestions/%d", id), fmt.Sprintf("rect:%d:%d", id, now.UnixMilli()), now); err != nil {
			return err
		}
		return record(ctx, tx, p, "suggestion.rectification", "suggestion", id, nil, in)
	})
}

// Convert turns an ignored opinion (检察意见), after its follow-up letter,
// into a draft suggestion of kind violation to the same agency.
func (s *Service) Convert(ctx context.Context, p *auth.Principal, id int64) (int64, error) {
	var nid int64
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		g, members, err := s.forHandler(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if !onCase(p, members) {
			return ErrForbidden
		}
		if g.Kind != KindOpinion || g.EscalationLevel < 1 || g.Status == StatusClosed || g.Status == StatusWithdrawn {
			return badTransition("只有已发出跟进监督函仍未落实的检察意见可以转为检察建议")
		}
		c, err := s.loadCase(ctx, tx, g.CaseID)
		if err != nil {
			return err
		}
		pid := g.ID
		nid, err = s.createDraft(ctx, tx, p, c, DraftInput{Kind: KindViolation, RecipientOrgID: g.RecipientOrgID}, &pid)
		if err != nil {
			return err
		}
		now := s.now()
		if _, err := tx.ExecContext(ctx, `UPDATE suggestions SET status = 'closed', closed_on = ?, updated_at = ?, version = version + 1 WHERE id = ?`,
			dateStr(s.today()), now.UnixMilli(), id); err != nil {
			return err
		}
		if err := event(ctx, tx, p, g.CaseID, id, "suggestion.convert", g.Status, StatusClosed, fmt.Sprintf("检察意见未落实，转为检察建议（草稿 %d）", nid), now); err != nil {
			return err
		}
		return record(ctx, tx, p, "suggestion.convert", "suggestion", id, nil, map[string]any{"new_suggestion": nid})
	})
	return nid, err
}
