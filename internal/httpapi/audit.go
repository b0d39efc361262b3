package httpapi

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/xingjian/xingjian/internal/apperr"
	"github.com/xingjian/xingjian/internal/audit"
	"github.com/xingjian/xingjian/internal/auth"
)

type auditView struct {
	ID         int64           `json:"id"`
	At         string          `json:"at"`
	UserID     *int64          `json:"user_id"`
	Username   string          `json:"username"`
	OrgID      *int64          `json:"org_id"`
	OrgName    string          `json:"org_name"`
	Action     string          `json:"action"`
	ObjectType string          `json:"object_type"`
	ObjectID   string          `json:"object_id"`
	Before     json.RawMessage `json:"before"`
	After      json.RawMessage `json:"after"`
	IP         string          `json:"ip"`
	Hash       string          `json:"hash"`
}

func rawOrNull(s string) json.RawMessage {
	if s == "" {
		return json.RawMessage("null")
	}
	return json.RawMessage(s)
}

func optID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

func (s *Server) listAudit(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermAuditRead) {
		return apperr.Forbidden()
	}
	limit, cursor, err := listParams(r)
	if err != nil {
		return err
	}
	userID, err := queryInt(r, "user_id")
	if err != nil {
		return err
	}
	from, err := queryDate(r, "from", false)
	if err != nil {
		return err
	}
	to, err := queryDate(r, "to", true)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	rows, total, err := audit.List(r.Context(), s.cfg.DB, audit.Filter{UserID: userID, ObjectType: q.Get("object_type"),
		ObjectID: q.Get("object_id"), Action: q.Get("action"), From: from, To: to, Before: cursor, Limit: limit})
	if err != nil {
		return err
	}
	views := make([]auditView, len(rows))
	for i, a := range rows {
		views[i] = auditView{a.ID, ts(a.At), optID(a.UserID), a.Username, optID(a.OrgID), a.OrgName, a.Action, a.ObjectType, a.ObjectID,
			rawOrNull(a.Before), rawOrNull(a.After), a.IP, a.Hash}
	}
	writeJSON(w, http.StatusOK, page(views, total, limit, func(v auditView) int64 { return v.ID }))
	return nil
}

func (s *Server) verifyAudit(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermAuditRead) {
		return apperr.Forbidden()
	}
	rep, err := audit.Verify(r.Context(), s.cfg.DB)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

type loginView struct {
	ID        int64  `json:"id"`
	At        string `json:"at"`
	Username  string `json:"username"`
	UserID    *int64 `json:"user_id"`
	IP        string `json:"ip"`
	UserAgent string `json:"user_agent"`
	Success   bool   `json:"success"`
	Reason    string `json:"reason"`
}

func (s *Server) listLogins(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	limit, cursor, err := listParams(r)
	if err != nil {
		return err
	}
	from, err := queryDate(r, "from", false)
	if err != nil {
		return err
	}
	to, err := queryDate(r, "to", true)
	if err != nil {
		return err
	}
	var success *bool
	if v := r.URL.Query().Get("success"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return apperr.New("validation_failed", "参数 success 须为 true 或 false")
		}
		success = &b
	}
	rows, total, err := s.cfg.Auth.ListLogins(r.Context(), p, auth.LoginFilter{Username: r.URL.Query().Get("username"), Success: success,
		From: from, To: to, Before: cursor, Limit: limit})
	if err != nil {
		return err
	}
	views := make([]loginView, len(rows))
	for i, e := range rows {
		views[i] = loginView{e.ID, ts(e.At), e.Username, e.UserID, e.IP, e.UserAgent, e.Success, e.Reason}
	}
	writeJSON(w, http.StatusOK, page(views, total, limit, func(v loginView) int64 { return v.ID }))
	return nil
}
