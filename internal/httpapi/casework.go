package httpapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/xingjian/xingjian/internal/apperr"
	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/casework"
)

// Casework (issue 5, docs/api-casework.md): cases, suggestions, replies,
// rectification, escalation, notifications and the numbers. The service
// decides scope and roles; these handlers decode, call and answer.

func (s *Server) casework() (*casework.Service, error) {
	if s.cfg.Casework == nil {
		return nil, apperr.New("unavailable", "办案模块未启用")
	}
	return s.cfg.Casework, nil
}

// caseworkError maps the service's errors to stable API errors.
func caseworkError(err error, what string) error {
	var te *casework.TransitionError
	var ce *casework.ConflictError
	var ve *casework.ValidationError
	var ae *apperr.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ae):
		return err
	case errors.As(err, &te):
		return &apperr.Error{Code: "invalid_transition", Message: te.Msg, Err: err}
	case errors.As(err, &ce):
		e := apperr.Conflict()
		e.Details = map[string]int{"version": ce.Version}
		e.Err = err
		return e
	case errors.As(err, &ve):
		return &apperr.Error{Code: "validation_failed", Message: ve.Msg, Details: []apperr.FieldError{{Field: ve.Field, Message: ve.Msg}}, Err: err}
	case errors.Is(err, casework.ErrNotFound):
		return apperr.NotFound(what)
	case errors.Is(err, casework.ErrForbidden):
		return apperr.Forbidden()
	}
	return err
}

// cw runs a handler body with the service, mapping its errors.
func (s *Server) cw(what string, fn func(w http.ResponseWriter, r *http.Request, p *auth.Principal, svc *casework.Service) error) handler {
	return func(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
		svc, err := s.casework()
		if err != nil {
			return err
		}
		return caseworkError(fn(w, r, p, svc), what)
	}
}

func (s *Server) caseworkDicts(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	writeJSON(w, http.StatusOK, casework.Dicts())
	return nil
}

func (s *Server) listCaseworkCases(w http.ResponseWriter, r *http.Request, p *auth.Principal, svc *casework.Service) error {
	limit, offset, pg, err := queryPage(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := casework.CaseFilter{Type: q.Get("type"), Status: q.Get("status"), Q: q.Get("q"), ChiefLed: q.Get("chief_led") == "true", Limit: limit, Offset: offset}
	switch v := q.Get("prosecutor"); v {
	case "":
	case "me":
		f.Prosecutor = p.UserID
	default:
		if f.Prosecutor, err = strconv.ParseInt(v, 10, 64); err != nil {
			return apperr.New("validation_failed", "prosecutor 须为用户编号或 me")
		}
	}
	total, items, err := svc.ListCases(r.Context(), p, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "total": total, "page": pg, "limit": limit})
	return nil
}

func (s *Server) createCaseworkCase(w http.ResponseWriter, r *http.Request, p *auth.Principal, svc *casework.Service) error {
	var in casework.CaseInput
	if _, err := decode(w, r, &in); err != nil {
		return err
	}
	id, err := svc.CreateCase(r.Context(), p, in)
	if err != nil {
		return err
	}
	d, err := svc.GetCase(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, d)
	return nil
}

func (s *Server) getCaseworkCase(w http.ResponseWriter, r *http.Request, p *auth.Principal, svc *casework.Service) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	d, err := svc.GetCase(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (s *Server) updateCaseworkCase(w http.ResponseWriter, r *http.Request, p *auth.Principal, svc *casework.Service) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in casework.CasePatch
	if _, err := decode(w, r, &in); err != nil {
		return err
	}
	if err := svc.UpdateCase(r.Context(), p, id, in); err != nil {
		return err
	}
	return s.getCaseworkCase(w, r, p, svc)
}

type caseTransitionInput struct {
	Action  string `json:"action"`
	Version int    `json:"version"`
	Note    string `json:"note"`
	Result  string `json:"result"`
}

func (s *Server) caseTransition(w http.ResponseWriter, r *http.Request, p *auth.Principal, svc *casework.Service) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in caseTransitionInput
	if _, err := decode(w, r, &in); err != nil {
		return err
	}
	if err := svc.CaseTransition(r.Context(), p, id, in.Action, in.Version, in.Note, in.Result); err != nil {
		return err
	}
	return s.getCaseworkCase(w, r, p, svc)
}

type eventView struct {
	casework.Event
	ActionName string `json:"action_name"`
}

func (s *Server) caseEvents(w http.ResponseWriter, r *http.Request, p *auth.Principal, svc *casework.Service) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	evs, err := svc.Events(r.Context(), p, id)
	if err != nil {
		return err
	}
	out := make([]eventView, len(evs))
	for i, e := range evs {
		out[i] = eventView{e, casework.EventNames[e.Action]}
		if out[i].ActionName == "" {
			out[i].ActionName = e.Action
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}

// readAttachment reads one uploaded file (multipart field "file") within
// the attachment limit; a bigger body is refused before it is read whole.
func readAttachment(w http.ResponseWriter, r *http.Request) (string, []byte, error) {
	r.Body = http.MaxBytesReader(w, r.Body, casework.MaxAttachment+1<<20)
	tooBig := apperr.New("body_too_large", fmt.Sprintf("附件不能超过 %d MB", casework.MaxAttachment>>20))
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return "", nil, tooBig
		}
		return "", nil, apperr.Wrap(err, "unsupported_media_type", "请以 multipart/form-data 上传文件（字段名 file）")
	}
	defer func() { _ = r.MultipartForm.RemoveAll() }()
	f, fh, err := r.FormFile("file")
	if err != nil {
		return "", nil, apperr.New("validation_failed", "请选择要上传的文件（字段名 file）")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, casework.MaxAttachment+1))
	if err != nil {
		return "", nil, apperr.Wrap(err, "invalid_file", "读取上传文件失败")
	}
	if len(data) > casework.MaxAttachment {
		return "", nil, tooBig
	}
	// The multipart parser keeps only the base name; the raw header tells
	// whether the client sent a path, which we refuse rather than strip.
	name := fh.Filename
	if _, params, err := mime.ParseMediaType(fh.Header.Get("Content-Disposition")); err == nil && params["filename"] != "" {
		name = params["filename"]
	}
	if _, err := casework.CheckName(name); err != nil {
		var ve *casework.ValidationError
		if errors.As(err, &ve) {
			return "", nil, apperr.New("invalid_file", ve.Msg)
		}
		return "", nil, err
	}
	if len(data) == 0 {
		return "", nil, apperr.New("invalid_file", "文件为空")
	}
	return name, data, nil
}

func (s *Server) attachCase(w http.ResponseWriter, r *http.Request, p *auth.Principal, svc *casework.Service) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if !p.Can(auth.PermCaseHandle) {
		return apperr.Forbidden() // before reading an upload meant for nobody
	}
	name, data, err := readAttachment(w, r)
	if err != nil {
		return err
	}
	aid, err := svc.AttachToCase(r.Context(), p, id, name, data)
	if err != nil {
		return err
	}
	return s.writeAttachment(w, r, p, svc, aid)
}

func (s *Server) writeAttachment(w http.ResponseWriter, r *http.Request, p *auth.Principal, svc *casework.Service, id int64) error {
	f, err := svc.OpenAttachment(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, f.Attachment)
	return nil
}

func (s *Server) attachSuggestion(w http.ResponseWriter, r *http.Request, p *auth.Principal, svc *casework.Service) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if !p.Can(auth.PermCaseHandle) && !p.Can(auth.PermSuggestionReply) {
		return apperr.Forbidden() // before reading an upload meant for nobody
	}
	name, data, err := readAttachment(w, r)
	if err != nil {
		return err
	}
	aid, err := svc.AttachToSuggestion(r.Context(), p, id, name, data)
	if err != nil {
		return err
	}
	return s.writeAttachment(w, r, p, svc, aid)
}

func serveFile(w http.ResponseWriter, f casework.File) {
	h := w.Header()
	h.Set("Content-Type", f.Mime)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.Name}))
	h.Set("Content-Length", strconv.Itoa(len(f.Content)))
	h.Set("X-Content-SHA256", f.SHA256)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(f.Content)
}

func (s *Server) downloadAttachment(w http.ResponseWriter, r *http.Request, p *auth.Principal, svc *casework.Service) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	f, err := svc.OpenAttachment(r.Context(), p, id)
	if err != nil {
		return err
	}
	serveFile(w, f)
	return nil
}

func (s *Server) suggestionDocument(w http.ResponseWriter, r *http.Request, p *auth.Principal, svc *casework.Service) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	f, err := svc.LatestDocument(r.Context(), p, id)
	if err != nil {
		return err
	}
	serveFile(w, f)
	return nil
}

func (s *Server) listSuggestions(w http.ResponseWriter, r *http.Request, p *auth.Principal, svc *casework.Service) error {
	limit, offset, pg, err := queryPage(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	rec, err := queryInt(r, "recipient")
	if err != nil {
		return err
	}
	cs, err := queryInt(r, "case")
	if err != nil {
		return err
	}
	total, items, err := svc.ListSuggestions(r.Context(), p, casework.SuggestionFilter{Kind: q.Get("kind"), Status: q.Get("status"), Recipient: rec,
		Case: cs, Due: q.Get("due"), Limit: limit, Offset: offset})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "total": total, "page": pg, "limit": limit})
	return nil
}

func (s *Server) createSuggestion(w http.ResponseWriter, r *http.Request, p *auth.Principal, svc *casework.Service) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in casework.DraftInput
	if _, err := decode(w, r, &in); err != nil {
		return err
	}
	sid, err := svc.CreateDraft(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	d, err := svc.GetSuggestion(r.Context(), p, sid)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, d)
	return nil
}

func (s *Server) getSuggestion(w http.ResponseWriter, r *http.Request, p *auth.Principal, svc *casework.Service) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	d, err := svc.GetSuggestion(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (s *Server) updateSuggestion(w http.ResponseWriter, r *http.Request, p *auth.Principal, svc *casework.Service) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in casework.SuggestionPatch
	keys, err := decode(w, r, &in)
	if err != nil {
		return err
	}
	in.ClearReplyDays = isNull(keys, "reply_days")
	if err := svc.UpdateDraft(r.Context(), p, id, in); err != nil {
		return err
	}
	return s.getSuggestion(w, r, p, svc)
}

func (s *Server) suggestionTransition(w http.ResponseWriter, r *http.Request, p *auth.Principal, svc *casework.Service) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in casework.TransitionInput
	if _, err := decode(w, r, &in); err != nil {
		return err
	}
	if err := svc.Transition(r.Context(), p, id, in); err != nil {
		return err
	}
	return s.getSuggestion(w, r, p, svc)
}

func (s *Server) replySuggestion(w http.ResponseWriter, r *http.Request, p *auth.Principal, svc *casework.Service) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in casework.ReplyInput
	if _, err := decode(w, r, &in); err != nil {
		return err
	}
	if err := svc.Reply(r.Context(), p, id, in); err != nil {
		return err
	}
	return s.getSuggestion(w, r, p, svc)
}

func (s *Server) objectSuggestion(w http.ResponseWriter, r *http.Request, p *auth.Principal, svc *casework.Service) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Reasons string `json:"reasons"`
	}
	if _, err := decode(w, r, &in); err != nil {
		return err
	}
	if err := svc.Object(r.Context(), p, id, in.Reasons); err != nil {
		return err
	}
	return s.getSuggestion(w, r, p, svc)
}

func (s *Server) reportRectification(w http.ResponseWriter, r *http.Request, p *auth.Principal, svc *casework.Service) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in casework.RectificationInput
	if _, err := decode(w, r, &in); err != nil {
		return err
	}
	if err := svc.ReportRectification(r.Context(), p, id, in); err != nil {
		return err
	}
	return s.getSuggestion(w, r, p, svc)
}

func (s *Server) escalateSuggestion(w http.ResponseWriter, r *http.Request, p *auth.Principal, svc *casework.Service) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Reason string `json:"reason"`
	}
	if _, err := decode(w, r, &in); err != nil {
		return err
	}
	if _, err := svc.Escalate(r.Context(), p, id, in.Reason); err != nil {
		return err
	}
	d, err := svc.GetSuggestion(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, d)
	return nil
}

func (s *Server) convertSuggestion(w http.ResponseWriter, r *http.Request, p *auth.Principal, svc *casework.Service) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	nid, err := svc.Convert(r.Context(), p, id)
	if err != nil {
		return err
	}
	d, err := svc.GetSuggestion(r.Context(), p, nid)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, d)
	return nil
}

func (s *Server) listEscalations(w http.ResponseWriter, r *http.Request, p *auth.Principal, svc *casework.Service) error {
	limit, offset, pg, err := queryPage(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	total, items, err := svc.ListEscalations(r.Context(), p, casework.EscalationFilter{Level: q.Get("level"), Status: q.Get("status"), Limit: limit, Offset: offset})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "total": total, "page": pg, "limit": limit})
	return nil
}

func (s *Server) getEscalation(w http.ResponseWriter, r *http.Request, p *auth.Principal, svc *casework.Service) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	e, err := svc.GetEscalation(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}

func (s *Server) approveEscalation(w http.ResponseWriter, r *http.Request, p *auth.Principal, svc *casework.Service) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := svc.ApproveEscalation(r.Context(), p, id); err != nil {
		return err
	}
	return s.getEscalation(w, r, p, svc)
}

func (s *Server) handleEscalation(w http.ResponseWriter, r *http.Request, p *auth.Principal, svc *casework.Service) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in casework.HandlingInput
	if _, err := decode(w, r, &in); err != nil {
		return err
	}
	if err := svc.RecordHandling(r.Context(), p, id, in); err != nil {
		return err
	}
	return s.getEscalation(w, r, p, svc)
}

func (s *Server) listNotifications(w http.ResponseWriter, r *http.Request, p *auth.Principal, svc *casework.Service) error {
	limit, offset, pg, err := queryPage(r)
	if err != nil {
		return err
	}
	total, items, err := svc.Notifications(r.Context(), p, queryBool(r, "unread"), limit, offset)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "total": total, "page": pg, "limit": limit})
	return nil
}

func (s *Server) unreadCount(w http.ResponseWriter, r *http.Request, p *auth.Principal, svc *casework.Service) error {
	total, _, err := svc.Notifications(r.Context(), p, true, 1, 0)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]int{"count": total})
	return nil
}

func (s *Server) markRead(w http.ResponseWriter, r *http.Request, p *auth.Principal, svc *casework.Service) error {
	var in struct {
		IDs []int64 `json:"ids"`
		All bool    `json:"all"`
	}
	if _, err := decode(w, r, &in); err != nil {
		return err
	}
	n, err := svc.MarkRead(r.Context(), p, in.IDs, in.All)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]int{"updated": n})
	return nil
}

func (s *Server) caseworkStats(w http.ResponseWriter, r *http.Request, p *auth.Principal, svc *casework.Service) error {
	q := r.URL.Query()
	from, to := q.Get("from"), q.Get("to")
	if from == "" || to == "" {
		y := strconv.Itoa(svc.Today().Year())
		if from == "" {
			from = y + "-01"
		}
		if to == "" {
			to = y + "-12"
		}
	}
	st, err := svc.Stats(r.Context(), p, q.Get("by"), from, to)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

func (s *Server) getCaseworkSettings(w http.ResponseWriter, r *http.Request, p *auth.Principal, svc *casework.Service) error {
	if !p.Can(auth.PermCaseworkConfigure) && !p.Can(auth.PermCaseRead) {
		return apperr.Forbidden()
	}
	st, err := svc.Settings(r.Context(), s.cfg.DB)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

func (s *Server) putCaseworkSettings(w http.ResponseWriter, r *http.Request, p *auth.Principal, svc *casework.Service) error {
	var in casework.Settings
	if _, err := decode(w, r, &in); err != nil {
		return err
	}
	st, err := svc.SaveSettings(r.Context(), p, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

// Leads: triage decisions beyond the models issue's.

func (s *Server) assignLeads(w http.ResponseWriter, r *http.Request, p *auth.Principal, svc *casework.Service) error {
	var in struct {
		IDs        []int64 `json:"ids"`
		AssigneeID *int64  `json:"assignee_id"`
	}
	if _, err := decode(w, r, &in); err != nil {
		return err
	}
	n, err := svc.AssignLeads(r.Context(), p, in.IDs, in.AssigneeID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]int{"updated": n})
	return nil
}

func (s *Server) confirmLead(w http.ResponseWriter, r *http.Request, p *auth.Principal, svc *casework.Service) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in casework.ConfirmInput
	if _, err := decode(w, r, &in); err != nil {
		return err
	}
	cid, err := svc.ConfirmLead(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	d, err := svc.GetCase(r.Context(), p, cid)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (s *Server) mergeLead(w http.ResponseWriter, r *http.Request, p *auth.Principal, svc *casework.Service) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Into int64 `json:"into"`
	}
	if _, err := decode(w, r, &in); err != nil {
		return err
	}
	if err := svc.MergeLead(r.Context(), p, id, in.Into); err != nil {
		return err
	}
	e, err := s.engine()
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

func (s *Server) selfReport(w http.ResponseWriter, r *http.Request, p *auth.Principal, svc *casework.Service) error {
	var in casework.SelfReportInput
	if _, err := decode(w, r, &in); err != nil {
		return err
	}
	in.ModelID, in.SubjectKey = strings.TrimSpace(in.ModelID), strings.TrimSpace(in.SubjectKey)
	id, err := svc.SelfReport(r.Context(), p, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]int64{"id": id})
	return nil
}

func (s *Server) caseHandlers(w http.ResponseWriter, r *http.Request, p *auth.Principal, svc *casework.Service) error {
	hs, err := svc.Handlers(r.Context(), p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": hs})
	return nil
}

// evidenceDescriber labels leads' evidence with the models' column labels
// for a draft's facts (models loaded once per draft); coded values are named
// and money is shown in yuan.
func (s *Server) evidenceDescriber(ctx context.Context) func(modelID string, raw []byte) []string {
	e, err := s.engine()
	if err != nil {
		return nil
	}
	lb, err := newLabeller(ctx, e)
	if err != nil {
		return nil
	}
	return func(modelID string, raw []byte) []string {
		var out []string
		for _, it := range lb.evidence(modelID, raw) {
			v := fmt.Sprint(it.Value)
			v = lb.valueName(modelID, it.Key, v)
			if it.Type == "money" {
				if n, err := strconv.ParseFloat(v, 64); err == nil {
					v = strconv.FormatFloat(n/100, 'f', 2, 64) + " 元"
				}
			}
			if v == "" || v == "<nil>" {
				continue
			}
			out = append(out, it.Label+"："+v)
			if len(out) == 8 {
				break
			}
		}
		return out
	}
}
