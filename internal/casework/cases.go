package casework

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/store"
)

// Action is something the caller may do now, for the UI's buttons.
type Action struct {
	Action string `json:"action"`
	Name   string `json:"name"`
}

// caseEdge is one transition of the case machine: 受理 → 审查 ⇄ 调查核实 →
// 决定 → 结案, with 中止 (and back) and 终结.
type caseEdge struct {
	action, name string
	from         []string
	to           string // "" = back to the state before suspension
	roles        []string
	needNote     bool
}

var caseEdges = []caseEdge{
	{"review", "开始审查", []string{CaseAccepted}, CaseReviewing, nil, false},
	{"investigate", "调查核实", []string{CaseReviewing}, CaseInvestigating, nil, false},
	{"back_to_review", "返回审查", []string{CaseInvestigating}, CaseReviewing, nil, false},
	{"decide", "作出决定", []string{CaseReviewing, CaseInvestigating}, CaseDecided, nil, false},
	{"close", "结案", []string{CaseDecided}, CaseClosed, nil, false},
	{"suspend", "中止审查", []string{CaseAccepted, CaseReviewing, CaseInvestigating}, CaseSuspended, nil, true},
	{"resume", "恢复审查", []string{CaseSuspended}, "", nil, false},
	{"terminate", "终结审查", []string{CaseAccepted, CaseReviewing, CaseInvestigating, CaseSuspended}, CaseTerminated,
		[]string{auth.RoleDeptHead, auth.RoleChief}, true},
}

// Case is a case as lists show it.
type Case struct {
	ID             int64   `json:"id"`
	CaseNo         string  `json:"case_no"`
	Type           string  `json:"type"`
	TypeName       string  `json:"type_name"`
	Title          string  `json:"title"`
	Status         string  `json:"status"`
	StatusName     string  `json:"status_name"`
	AgencyID       *int64  `json:"agency_id"`
	AgencyName     string  `json:"agency_name"`
	ProsecutorID   int64   `json:"prosecutor_id"`
	ProsecutorName string  `json:"prosecutor_name"`
	ChiefLed       bool    `json:"chief_led"`
	OpenedOn       string  `json:"opened_on"`
	ClosedOn       *string `json:"closed_on"`
	Suggestions    int     `json:"suggestions"`
	UpdatedAt      Time    `json:"updated_at"`
	Version        int     `json:"version"`
	Summary        string  `json:"-"`
	Result         string  `json:"-"`
	ResumeStatus   string  `json:"-"`
}

const caseCols = `c.id, c.case_no, c.type, c.title, c.status, c.agency_id, COALESCE(a.name, ''), c.prosecutor_id, COALESCE(u.display_name, ''),
	c.chief_led, CAST(c.opened_on AS TEXT), CAST(c.closed_on AS TEXT), (SELECT COUNT(*) FROM suggestions x WHERE x.case_id = c.id),
	c.updated_at, c.version, c.summary, c.result, c.resume_status`

const caseFrom = ` FROM cases c LEFT JOIN orgs a ON a.id = c.agency_id LEFT JOIN users u ON u.id = c.prosecutor_id`

func scanCase(sc interface{ Scan(...any) error }) (Case, error) {
	var c Case
	var ag sql.NullInt64
	var opened string
	var closed sql.NullString
	if err := sc.Scan(&c.ID, &c.CaseNo, &c.Type, &c.Title, &c.Status, &ag, &c.AgencyName, &c.ProsecutorID, &c.ProsecutorName,
		&c.ChiefLed, &opened, &closed, &c.Suggestions, &c.UpdatedAt, &c.Version, &c.Summary, &c.Result, &c.ResumeStatus); err != nil {
		return Case{}, err
	}
	if ag.Valid {
		c.AgencyID = &ag.Int64
	}
	c.OpenedOn = opened[:min(10, len(opened))]
	c.ClosedOn = nullDate(closed)
	c.TypeName, c.StatusName = nameOf(CaseTypes, c.Type), nameOf(CaseStatuses, c.Status)
	return c, nil
}

// CaseInput opens a case.
type CaseInput struct {
	Type         string  `json:"type"`
	Title        string  `json:"title"`
	Summary      string  `json:"summary"`
	AgencyID     *int64  `json:"agency_id"`
	ProsecutorID int64   `json:"prosecutor_id"`
	MemberIDs    []int64 `json:"member_ids"`
	ChiefLed     bool    `json:"chief_led"`
	LeadIDs      []int64 `json:"lead_ids"`
}

func (s *Service) checkHandler(ctx context.Context, q store.Querier, field string, id int64) error {
	var role string
	var disabled bool
	err := q.QueryRowContext(ctx, `SELECT role, disabled FROM users WHERE id = ?`, id).Scan(&role, &disabled)
	if errors.Is(err, sql.ErrNoRows) || disabled {
		return invalid(field, "承办人不是在用的用户")
	}
	if err != nil {
		return err
	}
	r, ok := auth.LookupRole(role)
	if !ok || !slices.Contains(r.Permissions, auth.PermCaseHandle) {
		return invalid(field, "承办人须为检察官、部门负责人或检察长")
	}
	return nil
}

func (s *Service) checkOrg(ctx context.Context, q store.Querier, field string, id int64, kinds []string) (string, string, error) {
	var kind, name string
	err := q.QueryRowContext(ctx, `SELECT kind, name FROM orgs WHERE id = ? AND NOT disabled`, id).Scan(&kind, &name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", invalid(field, "机构不存在或已停用")
	}
	if err != nil {
		return "", "", err
	}
	if len(kinds) > 0 && !slices.Contains(kinds, kind) {
		return "", "", invalid(field, "该类型文书不能发往"+auth.OrgKindName(kind))
	}
	return kind, name, nil
}

// CreateCase opens a case (受理) with a number from the org's sequence for
// the year and type, and gathers the given leads into it.
func (s *Service) CreateCase(ctx context.Context, p *auth.Principal, in CaseInput) (int64, error) {
	if !handles(p) {
		return 0, ErrForbidden
	}
	var id int64
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		var err error
		id, err = s.createCase(ctx, tx, p, in)
		return err
	})
	return id, err
}

func (s *Service) createCase(ctx context.Context, tx *store.Tx, p *auth.Principal, in CaseInput) (int64, error) {
	in.Title, in.Summary = strings.TrimSpace(in.Title), strings.TrimSpace(in.Summary)
	if !known(CaseTypes, in.Type) {
		return 0, invalid("type", "案件类型须为行政诉讼监督、行政非诉执行监督、行政违法行为监督或社会治理")
	}
	if in.Title == "" || len([]rune(in.Title)) > 200 {
		return 0, invalid("title", "案件名称须为 1 至 200 个字")
	}
	if in.ProsecutorID == 0 {
		in.ProsecutorID = p.UserID
	}
	if err := s.checkHandler(ctx, tx, "prosecutor_id", in.ProsecutorID); err != nil {
		return 0, err
	}
	for _, m := range in.MemberIDs {
		if err := s.checkHandler(ctx, tx, "member_ids", m); err != nil {
			return 0, err
		}
	}
	if in.AgencyID != nil {
		if _, _, err := s.checkOrg(ctx, tx, "agency_id", *in.AgencyID, nil); err != nil {
			return 0, err
		}
	}
	now := s.now()
	today := s.today()
	st, err := s.Settings(ctx, tx)
	if err != nil {
		return 0, err
	}
	n, err := nextNumber(ctx, tx, p.OrgID, today.Year(), "case:"+in.Type)
	if err != nil {
		return 0, err
	}
	no := docNumber(st.DocAbbr, caseNoCode[in.Type], today.Year(), n)
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO cases (case_no, org_id, type, title, summary, agency_id, status, prosecutor_id, chief_led, opened_on, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, no, p.OrgID, in.Type, in.Title, in.Summary, in.AgencyID, CaseAccepted,
		in.ProsecutorID, in.ChiefLed, dateStr(today), userID(p), now.UnixMilli(), now.UnixMilli()).Scan(&id); err != nil {
		return 0, fmt.Errorf("casework: insert case: %w", err)
	}
	if err := setMembers(ctx, tx, id, in.MemberIDs); err != nil {
		return 0, err
	}
	if err := event(ctx, tx, p, id, 0, "open", "", CaseAccepted, no, now); err != nil {
		return 0, err
	}
	for _, l := range in.LeadIDs {
		if err := s.attachLead(ctx, tx, p, l, id, no); err != nil {
			return 0, err
		}
	}
	return id, record(ctx, tx, p, "case.create", "case", id, nil, map[string]any{"case_no": no, "input": in})
}

func setMembers(ctx context.Context, tx *store.Tx, caseID int64, ids []int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM case_members WHERE case_id = ?`, caseID); err != nil {
		return err
	}
	seen := map[int64]bool{}
	for _, m := range ids {
		if seen[m] {
			continue
		}
		seen[m] = true
		if _, err := tx.ExecContext(ctx, `INSERT INTO case_members (case_id, user_id) VALUES (?, ?)`, caseID, m); err != nil {
			return fmt.Errorf("casework: member: %w", err)
		}
	}
	return nil
}

// attachLead confirms a lead into a case.
func (s *Service) attachLead(ctx context.Context, tx *store.Tx, p *auth.Principal, leadID, caseID int64, caseNo string) error {
	var status, title string
	var inCase sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT status, title, case_id FROM leads WHERE id = ?`, leadID).Scan(&status, &title, &inCase)
	if errors.Is(err, sql.ErrNoRows) {
		return invalid("lead_ids", fmt.Sprintf("线索 %d 不存在", leadID))
	}
	if err != nil {
		return err
	}
	if inCase.Valid {
		return badTransition("线索 %d 已在其他案件中", leadID)
	}
	if status == "merged" || status == "dismissed" {
		return badTransition("线索 %d 已%s，不能成案", leadID, nameOf(LeadStatuses, status))
	}
	now := s.now()
	if _, err := tx.ExecContext(ctx, `UPDATE leads SET status = 'confirmed', case_id = ?, status_note = ?, triaged_by = ?, triaged_at = ?, updated_at = ? WHERE id = ?`,
		caseID, "成案："+caseNo, userID(p), now.Unix(), now.Unix(), leadID); err != nil {
		return fmt.Errorf("casework: confirm lead: %w", err)
	}
	if err := event(ctx, tx, p, caseID, 0, "lead", "", "", fmt.Sprintf("线索 %d：%s", leadID, title), now); err != nil {
		return err
	}
	return record(ctx, tx, p, "lead.confirm", "lead", leadID, map[string]any{"status": status}, map[string]any{"status": "confirmed", "case_id": caseID})
}

// CaseFilter narrows the case list.
type CaseFilter struct {
	Type, Status, Q string
	Prosecutor      int64
	ChiefLed        bool
	Limit, Offset   int
}

// ListCases lists cases, newest first (procuratorate only).
func (s *Service) ListCases(ctx context.Context, p *auth.Principal, f CaseFilter) (int, []Case, error) {
	if !p.Can(auth.PermCaseRead) {
		return 0, nil, ErrForbidden
	}
	var where []string
	var args []any
	add := func(c string, a ...any) { where, args = append(where, c), append(args, a...) }
	if f.Type != "" {
		add("c.type = ?", f.Type)
	}
	if f.Status != "" {
		add("c.status = ?", f.Status)
	}
	if f.Prosecutor != 0 {
		add("(c.prosecutor_id = ? OR EXISTS (SELECT 1 FROM case_members m WHERE m.case_id = c.id AND m.user_id = ?))", f.Prosecutor, f.Prosecutor)
	}
	if f.ChiefLed {
		add("c.chief_led = ?", true)
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		c1, a1 := store.ContainsLike("c.title", q)
		c2, a2 := store.ContainsLike("c.case_no", q)
		add("("+c1+" OR "+c2+")", a1, a2)
	}
	w := ""
	if len(where) > 0 {
		w = " WHERE " + strings.Join(where, " AND ")
	}
	var total int
	if err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM cases c`+w, args...).Scan(&total); err != nil {
		return 0, nil, fmt.Errorf("casework: count cases: %w", err)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT `+caseCols+caseFrom+w+` ORDER BY c.id DESC LIMIT `+strconv.Itoa(f.Limit)+` OFFSET `+strconv.Itoa(max(0, f.Offset)), args...)
	if err != nil {
		return 0, nil, fmt.Errorf("casework: list cases: %w", err)
	}
	defer rows.Close()
	out := []Case{}
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return 0, nil, err
		}
		out = append(out, c)
	}
	return total, out, rows.Err()
}

// Member is a person on a case.
type Member struct {
	UserID int64  `json:"user_id"`
	Name   string `json:"name"`
	Role   string `json:"role"` // lead | member
}

// CaseDetail is a case with everything on its page.
type CaseDetail struct {
	Case
	Summary     string       `json:"summary"`
	Result      string       `json:"result"`
	Members     []Member     `json:"members"`
	LeadIDs     []int64      `json:"lead_ids"`
	Suggestions []Suggestion `json:"suggestions"`
	Attachments []Attachment `json:"attachments"`
	Actions     []Action     `json:"actions"`
}

func (s *Service) loadCase(ctx context.Context, q store.Querier, id int64) (Case, error) {
	c, err := scanCase(q.QueryRowContext(ctx, `SELECT `+caseCols+caseFrom+` WHERE c.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Case{}, ErrNotFound
	}
	if err != nil {
		return Case{}, fmt.Errorf("casework: case %d: %w", id, err)
	}
	return c, nil
}

// GetCase loads a case for a procuratorate reader.
func (s *Service) GetCase(ctx context.Context, p *auth.Principal, id int64) (CaseDetail, error) {
	if !p.Can(auth.PermCaseRead) {
		return CaseDetail{}, ErrForbidden
	}
	c, err := s.loadCase(ctx, s.DB, id)
	if err != nil {
		return CaseDetail{}, err
	}
	d := CaseDetail{Case: c, Summary: c.Summary, Result: c.Result, Members: []Member{{c.ProsecutorID, c.ProsecutorName, "lead"}}, LeadIDs: []int64{}}
	rows, err := s.DB.QueryContext(ctx, `SELECT m.user_id, u.display_name FROM case_members m JOIN users u ON u.id = m.user_id WHERE m.case_id = ? ORDER BY m.user_id`, id)
	if err != nil {
		return d, err
	}
	for rows.Next() {
		var m Member
		if err := rows.Scan(&m.UserID, &m.Name); err != nil {
			rows.Close()
			return d, err
		}
		if m.UserID != c.ProsecutorID {
			m.Role = "member"
			d.Members = append(d.Members, m)
		}
	}
	rows.Close()
	rows, err = s.DB.QueryContext(ctx, `SELECT id FROM leads WHERE case_id = ? ORDER BY id`, id)
	if err != nil {
		return d, err
	}
	for rows.Next() {
		var l int64
		if err := rows.Scan(&l); err != nil {
			rows.Close()
			return d, err
		}
		d.LeadIDs = append(d.LeadIDs, l)
	}
	rows.Close()
	_, d.Suggestions, err = s.ListSuggestions(ctx, p, SuggestionFilter{Case: id, Limit: 500})
	if err != nil {
		return d, err
	}
	if d.Attachments, err = s.attachments(ctx, "case", id); err != nil {
		return d, err
	}
	members := make([]int64, len(d.Members))
	for i, m := range d.Members {
		members[i] = m.UserID
	}
	d.Actions = caseActions(p, c, members)
	return d, nil
}

// teamCase loads a case for an action by its team (onCase), inside tx.
func (s *Service) teamCase(ctx context.Context, tx *store.Tx, p *auth.Principal, id int64) (Case, error) {
	c, err := s.loadCase(ctx, tx, id)
	if err != nil {
		return c, err
	}
	members, err := s.caseMembers(ctx, tx, c)
	if err != nil {
		return c, err
	}
	if !onCase(p, members) {
		return c, ErrForbidden
	}
	return c, nil
}

// onCase reports whether p may act on the case: its team, or a department
// head or chief.
func onCase(p *auth.Principal, members []int64) bool {
	if !handles(p) {
		return false
	}
	return slices.Contains(members, p.UserID) || p.Role.Code == auth.RoleDeptHead || p.Role.Code == auth.RoleChief
}

func edgeAllows(e caseEdge, p *auth.Principal, c Case) bool {
	if len(e.roles) > 0 && !slices.Contains(e.roles, p.Role.Code) {
		return false
	}
	// A case the chief prosecutor leads is decided and closed by the chief.
	if c.ChiefLed && (e.action == "decide" || e.action == "close") && !isChief(p) {
		return false
	}
	return true
}

func caseActions(p *auth.Principal, c Case, members []int64) []Action {
	out := []Action{}
	if !onCase(p, members) {
		return out
	}
	for _, e := range caseEdges {
		if slices.Contains(e.from, c.Status) && edgeAllows(e, p, c) {
			out = append(out, Action{e.action, e.name})
		}
	}
	if c.Status != CaseClosed && c.Status != CaseTerminated {
		out = append(out, Action{"edit", "编辑"}, Action{"suggest", "制发检察建议"})
	}
	return out
}

func (s *Service) caseMembers(ctx context.Context, q store.Querier, c Case) ([]int64, error) {
	ids := []int64{c.ProsecutorID}
	rows, err := q.QueryContext(ctx, `SELECT user_id FROM case_members WHERE case_id = ?`, c.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// CasePatch edits a case's basic information; Version must be current.
type CasePatch struct {
	Version      int      `json:"version"`
	Title        *string  `json:"title"`
	Summary      *string  `json:"summary"`
	AgencyID     *int64   `json:"agency_id"`
	ProsecutorID *int64   `json:"prosecutor_id"`
	MemberIDs    *[]int64 `json:"member_ids"`
	ChiefLed     *bool    `json:"chief_led"`
}

// UpdateCase applies a patch under optimistic locking.
func (s *Service) UpdateCase(ctx context.Context, p *auth.Principal, id int64, in CasePatch) error {
	if !p.Can(auth.PermCaseRead) {
		return ErrForbidden
	}
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		c, err := s.teamCase(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if c.Status == CaseClosed || c.Status == CaseTerminated {
			return badTransition("案件已%s，不能再修改", c.StatusName)
		}
		if in.Version != c.Version {
			return &ConflictError{Version: c.Version}
		}
		before := c
		if in.Title != nil {
			t := strings.TrimSpace(*in.Title)
			if t == "" || len([]rune(t)) > 200 {
				return invalid("title", "案件名称须为 1 至 200 个字")
			}
			c.Title = t
		}
		if in.Summary != nil {
			c.Summary = strings.TrimSpace(*in.Summary)
		}
		if in.AgencyID != nil {
			if _, _, err := s.checkOrg(ctx, tx, "agency_id", *in.AgencyID, nil); err != nil {
				return err
			}
			c.AgencyID = in.AgencyID
		}
		if in.ProsecutorID != nil {
			if err := s.checkHandler(ctx, tx, "prosecutor_id", *in.ProsecutorID); err != nil {
				return err
			}
			c.ProsecutorID = *in.ProsecutorID
		}
		if in.ChiefLed != nil {
			c.ChiefLed = *in.ChiefLed
		}
		if in.MemberIDs != nil {
			for _, m := range *in.MemberIDs {
				if err := s.checkHandler(ctx, tx, "member_ids", m); err != nil {
					return err
				}
			}
			if err := setMembers(ctx, tx, id, *in.MemberIDs); err != nil {
				return err
			}
		}
		now := s.now()
		res, err := tx.ExecContext(ctx, `UPDATE cases SET title = ?, summary = ?, agency_id = ?, prosecutor_id = ?, chief_led = ?, updated_at = ?, version = version + 1
			WHERE id = ? AND version = ?`, c.Title, c.Summary, c.AgencyID, c.ProsecutorID, c.ChiefLed, now.UnixMilli(), id, in.Version)
		if err != nil {
			return fmt.Errorf("casework: update case: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return &ConflictError{Version: c.Version}
		}
		if err := event(ctx, tx, p, id, 0, "edit", "", "", "修改案件信息", now); err != nil {
			return err
		}
		return record(ctx, tx, p, "case.update", "case", id, before, c)
	})
}

// CaseTransition moves a case along its machine.
func (s *Service) CaseTransition(ctx context.Context, p *auth.Principal, id int64, action string, version int, note, result string) error {
	if !p.Can(auth.PermCaseRead) {
		return ErrForbidden
	}
	var edge *caseEdge
	for i := range caseEdges {
		if caseEdges[i].action == action {
			edge = &caseEdges[i]
		}
	}
	if edge == nil {
		return invalid("action", "未知的案件操作："+action)
	}
	note, result = strings.TrimSpace(note), strings.TrimSpace(result)
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		c, err := s.loadCase(ctx, tx, id)
		if err != nil {
			return err
		}
		members, err := s.caseMembers(ctx, tx, c)
		if err != nil {
			return err
		}
		if !onCase(p, members) || !edgeAllows(*edge, p, c) {
			return ErrForbidden
		}
		if !slices.Contains(edge.from, c.Status) {
			return badTransition("案件当前为“%s”，不能%s", c.StatusName, edge.name)
		}
		if version != c.Version {
			return &ConflictError{Version: c.Version}
		}
		if edge.needNote && note == "" {
			return invalid("note", edge.name+"须说明理由")
		}
		to, resume := edge.to, ""
		switch action {
		case "suspend":
			resume = c.Status
		case "resume":
			to = c.ResumeStatus
			if to == "" {
				to = CaseReviewing
			}
		case "close":
			if result == "" {
				return invalid("result", "结案须填写办理结果")
			}
			var open int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM suggestions WHERE case_id = ? AND status NOT IN ('closed', 'withdrawn')`, id).Scan(&open); err != nil {
				return err
			}
			if open > 0 {
				return badTransition("本案还有 %d 份检察建议未办结，不能结案", open)
			}
		}
		now := s.now()
		var closed any
		if to == CaseClosed || to == CaseTerminated {
			closed = dateStr(s.today())
		}
		if result == "" {
			result = c.Result
		}
		res, err := tx.ExecContext(ctx, `UPDATE cases SET status = ?, resume_status = ?, result = ?, closed_on = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
			to, resume, result, closed, now.UnixMilli(), id, version)
		if err != nil {
			return fmt.Errorf("casework: case transition: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return &ConflictError{Version: c.Version}
		}
		text := note
		if action == "close" {
			text = strings.TrimSpace("结果：" + result + " " + note)
		}
		if err := event(ctx, tx, p, id, 0, action, c.Status, to, text, now); err != nil {
			return err
		}
		return record(ctx, tx, p, "case."+action, "case", id, map[string]any{"status": c.Status}, map[string]any{"status": to, "note": note, "result": result})
	})
}

// Event is one entry of a case's timeline.
type Event struct {
	ID           int64  `json:"id"`
	At           Time   `json:"at"`
	Actor        string `json:"actor"`
	Action       string `json:"action"`
	FromStatus   string `json:"from_status"`
	ToStatus     string `json:"to_status"`
	Note         string `json:"note"`
	SuggestionID *int64 `json:"suggestion_id"`
}

// Events returns a case's timeline, oldest first.
func (s *Service) Events(ctx context.Context, p *auth.Principal, caseID int64) ([]Event, error) {
	if !p.Can(auth.PermCaseRead) {
		return nil, ErrForbidden
	}
	if _, err := s.loadCase(ctx, s.DB, caseID); err != nil {
		return nil, err
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT id, at, actor_name, action, from_status, to_status, note, suggestion_id FROM case_events WHERE case_id = ? ORDER BY id`, caseID)
	if err != nil {
		return nil, fmt.Errorf("casework: events: %w", err)
	}
	defer rows.Close()
	out := []Event{}
	for rows.Next() {
		var e Event
		var sid sql.NullInt64
		if err := rows.Scan(&e.ID, &e.At, &e.Actor, &e.Action, &e.FromStatus, &e.ToStatus, &e.Note, &sid); err != nil {
			return nil, err
		}
		if sid.Valid {
			e.SuggestionID = &sid.Int64
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// EventNames names timeline actions in Chinese.
var EventNames = map[string]string{
	"open": "受理立案", "lead": "线索成案", "edit": "修改案件信息", "review": "开始审查", "investigate": "调查核实", "back_to_review": "返回审查",
	"decide": "作出决定", "close": "结案", "suspend": "中止审查", "resume": "恢复审查", "terminate": "终结审查", "attach": "上传附件",
	"suggestion.create": "起草检察建议", "suggestion.edit": "修改检察建议", "suggestion.consult": "征求意见", "suggestion.submit": "提请审批",
	"suggestion.approve": "审批通过并编号", "suggestion.reject": "退回修改", "suggestion.deliver": "送达", "suggestion.reply": "收到书面回复",
	"suggestion.objection": "被建议单位提出异议", "suggestion.decide_objection": "异议复核决定", "suggestion.rectification": "整改进展报告",
	"suggestion.verify": "跟进监督核实", "suggestion.close": "办结", "suggestion.withdraw": "撤回", "suggestion.escalate": "升级督促",
	"suggestion.escalation_approve": "批准升级", "suggestion.escalation_handled": "司法局反馈处理结果", "suggestion.convert": "转为检察建议",
	"suggestion.overdue": "回复逾期",
}

// Handler is a person who may handle cases (pickers for assignment,
// prosecutor and team).
type Handler struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	RoleName string `json:"role_name"`
}

// Handlers lists the procuratorate's active users who may handle cases.
func (s *Service) Handlers(ctx context.Context, p *auth.Principal) ([]Handler, error) {
	if !p.Can(auth.PermCaseRead) {
		return nil, ErrForbidden
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT id, display_name, role FROM users WHERE org_id = ? AND NOT disabled ORDER BY id`, p.OrgID)
	if err != nil {
		return nil, fmt.Errorf("casework: handlers: %w", err)
	}
	defer rows.Close()
	out := []Handler{}
	for rows.Next() {
		var h Handler
		if err := rows.Scan(&h.ID, &h.Name, &h.Role); err != nil {
			return nil, err
		}
		if r, ok := auth.LookupRole(h.Role); ok && slices.Contains(r.Permissions, auth.PermCaseHandle) {
			h.RoleName = r.Name
			out = append(out, h)
		}
	}
	return out, rows.Err()
}
