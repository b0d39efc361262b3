package httpapi

import (
	"net/http"

	"github.com/xingjian/xingjian/internal/auth"
)

type tokenView struct {
	ID         int64   `json:"id"`
	OrgID      int64   `json:"org_id"`
	OrgName    string  `json:"org_name"`
	Name       string  `json:"name"`
	Prefix     string  `json:"prefix"`
	CreatedBy  string  `json:"created_by"`
	CreatedAt  string  `json:"created_at"`
	LastUsedAt *string `json:"last_used_at"`
	RevokedAt  *string `json:"revoked_at"`
}

func viewToken(t auth.Token) tokenView {
	return tokenView{t.ID, t.OrgID, t.OrgName, t.Name, t.Prefix, t.CreatedBy, ts(t.CreatedAt), tsPtr(t.LastUsedAt), tsPtr(t.RevokedAt)}
}

func (s *Server) listTokens(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	limit, cursor, err := listParams(r)
	if err != nil {
		return err
	}
	orgID, err := queryInt(r, "org_id")
	if err != nil {
		return err
	}
	toks, total, err := s.cfg.Auth.ListTokens(r.Context(), p, auth.TokenFilter{OrgID: orgID, IncludeRevoked: queryBool(r, "include_revoked"),
		Before: cursor, Limit: limit})
	if err != nil {
		return err
	}
	views := make([]tokenView, len(toks))
	for i, t := range toks {
		views[i] = viewToken(t)
	}
	writeJSON(w, http.StatusOK, page(views, total, limit, func(v tokenView) int64 { return v.ID }))
	return nil
}

func (s *Server) issueToken(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in struct {
		OrgID int64  `json:"org_id"`
		Name  string `json:"name"`
	}
	if _, err := decode(w, r, &in); err != nil {
		return err
	}
	t, secret, err := s.cfg.Auth.IssueToken(r.Context(), p, in.OrgID, in.Name)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"token": viewToken(t), "secret": secret})
	return nil
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.cfg.Auth.RevokeToken(r.Context(), p, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
