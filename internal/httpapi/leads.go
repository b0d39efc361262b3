package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/xingjian/xingjian/internal/apperr"
	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/casework"
	"github.com/xingjian/xingjian/internal/supervise"
)

// Leads (issue 4): the procuratorate's leads from the models and from
// manual entry or transfer. Agency users never see them (lead.read is a
// procuratorate permission), so there is no per-org scope here. Triage and
// creation are audited by the engine.

type leadView struct {
	ID           int64          `json:"id"`
	Source       string         `json:"source"`
	ModelID      string         `json:"model_id"`
	ModelName    string         `json:"model_name"`
	ModelVersion int            `json:"model_version"`
	SubjectKey   string         `json:"subject_key"`
	AgencyID     *int64         `json:"agency_id"`
	AgencyName   string         `json:"agency_name"`
	Title        string         `json:"title"`
	Severity     string         `json:"severity"`
	EventDate    *string        `json:"event_date"`
	Status       string         `json:"status"`
	StatusNote   string         `json:"status_note"`
	TriagedAt    *string        `json:"triaged_at"`
	Reopened     int            `json:"reopened"`
	DetectedAt   string         `json:"detected_at"`
	UpdatedAt    string         `json:"updated_at"`
	Evidence     []evidenceItem `json:"evidence"`
	// Casework (issue 5).
	AssigneeID    *int64 `json:"assignee_id"`
	AssigneeName  string `json:"assignee_name"`
	CaseID        *int64 `json:"case_id"`
	CaseNo        string `json:"case_no"`
	MergedInto    *int64 `json:"merged_into"`
	DismissReason string `json:"dismiss_reason"`
}

type leadHistoryView struct {
	Seq          int            `json:"seq"`
	Status       string         `json:"status"`
	ModelVersion int            `json:"model_version"`
	ReplacedAt   string         `json:"replaced_at"`
	Evidence     []evidenceItem `json:"evidence"`
}

type leadDetail struct {
	leadView
	// Rule and LegalBasis are the snapshot taken when the lead fired;
	// LegalRefs and Description are the model's current text.
	Rule        string               `json:"rule"`
	LegalBasis  string               `json:"legal_basis"`
	LegalRefs   []supervise.LegalRef `json:"legal_refs"`
	Description string               `json:"description"`
	Target      string               `json:"target"`
	History     []leadHistoryView    `json:"history"`
}

func viewLead(l supervise.Lead, lb *labeller) leadView {
	return leadView{ID: l.ID, Source: l.Source, ModelID: l.ModelID, ModelName: lb.title(l.ModelID), ModelVersion: l.ModelVersion,
		SubjectKey: l.SubjectKey, AgencyID: l.AgencyID, AgencyName: l.AgencyName, Title: l.Title, Severity: l.Severity, EventDate: l.EventDate,
		Status: l.Status, StatusNote: l.StatusNote, TriagedAt: secTSPtr(l.TriagedAt), Reopened: l.Reopened, DetectedAt: secTS(l.DetectedAt),
		UpdatedAt: secTS(l.UpdatedAt), Evidence: lb.evidence(l.ModelID, l.Evidence),
		AssigneeID: l.AssigneeID, AssigneeName: l.AssigneeName, CaseID: l.CaseID, CaseNo: l.CaseNo, MergedInto: l.MergedInto, DismissReason: l.DismissReason}
}

func (s *Server) leadDetail(ctx context.Context, e *supervise.Engine, id int64) (leadDetail, error) {
	l, err := supervise.GetLead(ctx, s.cfg.DB, id)
	if err != nil {
		return leadDetail{}, err
	}
	lb, err := newLabeller(ctx, e)
	if err != nil {
		return leadDetail{}, err
	}
	d := leadDetail{leadView: viewLead(l, lb), Rule: l.Rule, LegalBasis: l.LegalBasis, LegalRefs: []supervise.LegalRef{}, History: []leadHistoryView{}}
	if m, ok := lb.models[l.ModelID]; ok {
		d.LegalRefs = append(d.LegalRefs, m.LegalBasis...)
		d.Description, d.Target = m.Description, m.Target
	}
	for _, h := range l.History {
		d.History = append(d.History, leadHistoryView{Seq: h.Seq, Status: h.Status, ModelVersion: h.ModelVersion, ReplacedAt: secTS(h.ReplacedAt),
			Evidence: lb.evidence(l.ModelID, h.Evidence)})
	}
	return d, nil
}

type leadList struct {
	Items []leadView `json:"items"`
	Total int        `json:"total"`
	Page  int        `json:"page"`
	Limit int        `json:"limit"`
}

func (s *Server) listLeads(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermLeadRead) {
		return apperr.Forbidden()
	}
	e, err := s.engine()
	if err != nil {
		return err
	}
	limit, offset, pg, err := queryPage(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	agency, err := queryInt(r, "agency")
	if err != nil {
		return err
	}
	if st := q.Get("status"); st != "" && !codeIn(casework.LeadStatuses, st) {
		return apperr.New("validation_failed", "status 须为 new、unsure、confirmed、dismissed 或 merged")
	}
	if src := q.Get("source"); src != "" && !codeIn(casework.LeadSources, src) {
		return apperr.New("validation_failed", "source 须为 model、manual、transfer、self_report、justice_notice、petition 或 court")
	}
	var assignee int64
	switch v := q.Get("assignee"); v {
	case "":
	case "me":
		assignee = p.UserID
	case "none":
		assignee = -1
	default:
		if assignee, err = strconv.ParseInt(v, 10, 64); err != nil || assignee <= 0 {
			return apperr.New("validation_failed", "assignee 须为用户编号、me 或 none")
		}
	}
	total, ls, err := supervise.ListLeads(r.Context(), s.cfg.DB, supervise.LeadFilter{ModelID: q.Get("model"), Status: q.Get("status"),
		Source: q.Get("source"), Agency: agency, Assignee: assignee, Q: q.Get("q"), Limit: limit, Offset: offset})
	if err != nil {
		return err
	}
	lb, err := newLabeller(r.Context(), e)
	if err != nil {
		return err
	}
	out := leadList{Items: make([]leadView, len(ls)), Total: total, Page: pg, Limit: limit}
	for i, l := range ls {
		out.Items[i] = viewLead(l, lb)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) getLead(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermLeadRead) {
		return apperr.Forbidden()
	}
	e, err := s.engine()
	if err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	d, err := s.leadDetail(r.Context(), e, id)
	if err != nil {
		return modelError(err)
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func codeIn(list []casework.Code, c string) bool {
	for _, x := range list {
		if x.Code == c {
			return true
		}
	}
	return false
}

func (s *Server) triageLead(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermLeadTriage) {
		return apperr.Forbidden()
	}
	e, err := s.engine()
	if err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in casework.TriageInput
	if _, err := decode(w, r, &in); err != nil {
		return err
	}
	svc, err := s.casework()
	if err != nil {
		return err
	}
	if err := svc.TriageLead(r.Context(), p, id, in); err != nil {
		return caseworkError(err, "线索")
	}
	d, err := s.leadDetail(r.Context(), e, id)
	if err != nil {
		return modelError(err)
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (s *Server) createLead(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermLeadTriage) {
		return apperr.Forbidden()
	}
	e, err := s.engine()
	if err != nil {
		return err
	}
	var in supervise.ManualLead
	if _, err := decode(w, r, &in); err != nil {
		return err
	}
	if in.AgencyID != nil {
		var n int
		if err := s.cfg.DB.QueryRowContext(r.Context(), `SELECT COUNT(*) FROM orgs WHERE id = ?`, *in.AgencyID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return apperr.New("validation_failed", "agency_id 不是已登记的机构")
		}
	}
	id, err := supervise.CreateManual(r.Context(), s.cfg.DB, p.Actor(), in, engineNow(e))
	if err != nil {
		return modelError(err)
	}
	d, err := s.leadDetail(r.Context(), e, id)
	if err != nil {
		return modelError(err)
	}
	writeJSON(w, http.StatusCreated, d)
	return nil
}

// decodeObject reads a JSON object keeping numbers exact; order is its keys.
// Anything else (a lead's evidence should always be an object) becomes one
// value under "value".
func decodeObject(raw []byte) (map[string]any, []string) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil || m == nil {
		var v any
		if len(bytes.TrimSpace(raw)) > 0 {
			d2 := json.NewDecoder(bytes.NewReader(raw))
			d2.UseNumber()
			_ = d2.Decode(&v)
		}
		if v == nil {
			return map[string]any{}, nil
		}
		return map[string]any{"value": v}, []string{"value"}
	}
	order := make([]string, 0, len(m))
	for k := range m {
		order = append(order, k)
	}
	return m, order
}

// engineNow is the engine's clock (tests fix it).
func engineNow(e *supervise.Engine) time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
}
