package httpapi

import (
	"context"
	"net/http"
	"slices"

	"github.com/xingjian/xingjian/internal/apperr"
	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/directory"
)

// userView is a user as the API shows it, with the role's Chinese name and
// permissions so the UI can shape itself.
type userView struct {
	ID          int64    `json:"id"`
	Username    string   `json:"username"`
	DisplayName string   `json:"display_name"`
	OrgID       int64    `json:"org_id"`
	OrgName     string   `json:"org_name"`
	OrgKind     string   `json:"org_kind"`
	Role        string   `json:"role"`
	RoleName    string   `json:"role_name"`
	Permissions []string `json:"permissions"`
	Phone       string   `json:"phone"`
	Email       string   `json:"email"`
	Disabled    bool     `json:"disabled"`
	LockedUntil *string  `json:"locked_until"`
	LastLoginAt *string  `json:"last_login_at"`
	CreatedAt   string   `json:"created_at"`
	UpdatedAt   string   `json:"updated_at"`
	Version     int      `json:"version"`
}

func viewUser(u directory.User) userView {
	r, _ := auth.LookupRole(u.Role)
	perms := slices.Clone(r.Permissions)
	if perms == nil {
		perms = []string{}
	}
	return userView{u.ID, u.Username, u.DisplayName, u.OrgID, u.OrgName, u.OrgKind, u.Role, r.Name, perms, u.Phone, u.Email,
		u.Disabled, tsPtr(u.LockedUntil), tsPtr(u.LastLoginAt), ts(u.CreatedAt), ts(u.UpdatedAt), u.Version}
}

type sessionView struct {
	User      userView `json:"user"`
	CSRFToken string   `json:"csrf_token"`
}

func (s *Server) sessionBody(ctx context.Context, p *auth.Principal) (sessionView, error) {
	u, err := s.cfg.Dir.GetUser(ctx, p, p.UserID)
	if err != nil {
		return sessionView{}, err
	}
	return sessionView{viewUser(u), p.CSRFToken}, nil
}

func (s *Server) login(w http.ResponseWriter, r *http.Request, _ *auth.Principal) error {
	var in struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if _, err := decode(w, r, &in); err != nil {
		return err
	}
	p, secret, err := s.cfg.Auth.Login(r.Context(), in.Username, in.Password, s.clientIP(r), r.UserAgent())
	if err != nil {
		return err
	}
	infoOf(r).user = p.Username
	body, err := s.sessionBody(r.Context(), p)
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: secret, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: s.cfg.SecureCookie || r.TLS != nil})
	writeJSON(w, http.StatusOK, body)
	return nil
}

func (s *Server) currentSession(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	body, err := s.sessionBody(r.Context(), p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := s.cfg.Auth.Logout(r.Context(), p); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in struct {
		Old string `json:"old_password"`
		New string `json:"new_password"`
	}
	if _, err := decode(w, r, &in); err != nil {
		return err
	}
	if err := s.cfg.Auth.ChangeOwnPassword(r.Context(), p, in.Old, in.New); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// dictionaries gives the UI the code tables it needs to render and validate.
func (s *Server) dictionaries(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	domains, err := s.cfg.Dir.Domains(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"org_kinds": auth.OrgKinds, "roles": auth.Roles, "domains": domains})
	return nil
}

func (s *Server) overview(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermDashboardView) {
		return apperr.Forbidden()
	}
	ov, err := s.cfg.Dir.Overview(r.Context(), p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ov)
	return nil
}
