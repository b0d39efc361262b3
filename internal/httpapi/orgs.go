package httpapi

import (
	"net/http"

	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/directory"
)

type orgView struct {
	directory.Org
	KindName  string `json:"kind_name"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
}

func viewOrg(o directory.Org) orgView {
	return orgView{o, auth.OrgKindName(o.Kind), ts(o.CreatedAt), ts(o.UpdatedAt)}
}

func (s *Server) listOrgs(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	limit, cursor, err := listParams(r)
	if err != nil {
		return err
	}
	parent, err := queryInt(r, "parent_id")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	orgs, total, err := s.cfg.Dir.ListOrgs(r.Context(), p, directory.OrgFilter{Kind: q.Get("kind"), ParentID: parent, Q: q.Get("q"),
		IncludeDisabled: queryBool(r, "include_disabled"), After: cursor, Limit: limit})
	if err != nil {
		return err
	}
	views := make([]orgView, len(orgs))
	for i, o := range orgs {
		views[i] = viewOrg(o)
	}
	writeJSON(w, http.StatusOK, page(views, total, limit, func(o orgView) int64 { return o.ID }))
	return nil
}

func (s *Server) getOrg(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	o, err := s.cfg.Dir.GetOrg(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewOrg(o))
	return nil
}

func (s *Server) createOrg(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in directory.OrgInput
	if _, err := decode(w, r, &in); err != nil {
		return err
	}
	o, err := s.cfg.Dir.CreateOrg(r.Context(), p, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, viewOrg(o))
	return nil
}

func (s *Server) updateOrg(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in directory.OrgInput
	keys, err := decode(w, r, &in)
	if err != nil {
		return err
	}
	in.ClearParent = isNull(keys, "parent_id")
	o, err := s.cfg.Dir.UpdateOrg(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewOrg(o))
	return nil
}
