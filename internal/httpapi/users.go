package httpapi

import (
	"net/http"

	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/directory"
)

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	limit, cursor, err := listParams(r)
	if err != nil {
		return err
	}
	orgID, err := queryInt(r, "org_id")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	users, total, err := s.cfg.Dir.ListUsers(r.Context(), p, directory.UserFilter{OrgID: orgID, Role: q.Get("role"), Q: q.Get("q"),
		IncludeDisabled: queryBool(r, "include_disabled"), After: cursor, Limit: limit})
	if err != nil {
		return err
	}
	views := make([]userView, len(users))
	for i, u := range users {
		views[i] = viewUser(u)
	}
	writeJSON(w, http.StatusOK, page(views, total, limit, func(u userView) int64 { return u.ID }))
	return nil
}

func (s *Server) getUser(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	u, err := s.cfg.Dir.GetUser(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewUser(u))
	return nil
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in directory.UserInput
	if _, err := decode(w, r, &in); err != nil {
		return err
	}
	u, err := s.cfg.Dir.CreateUser(r.Context(), p, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, viewUser(u))
	return nil
}

func (s *Server) updateUser(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in directory.UserInput
	if _, err := decode(w, r, &in); err != nil {
		return err
	}
	u, err := s.cfg.Dir.UpdateUser(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewUser(u))
	return nil
}

func (s *Server) resetPassword(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Password string `json:"password"`
	}
	if _, err := decode(w, r, &in); err != nil {
		return err
	}
	if err := s.cfg.Dir.ResetPassword(r.Context(), p, id, in.Password); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
