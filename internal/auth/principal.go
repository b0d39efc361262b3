package auth

import (
	"context"
	"slices"
	"strings"

	"github.com/xingjian/xingjian/internal/audit"
)

// Principal is who is calling: a signed-in person or an agency system's token.
type Principal struct {
	UserID      int64
	Username    string
	DisplayName string
	OrgID       int64
	OrgName     string
	OrgKind     string
	Role        Role
	TokenID     int64 // set for API tokens
	SessionHash string
	CSRFToken   string
	IP          string
}

// Can reports whether the principal holds a permission.
func (p *Principal) Can(perm string) bool {
	return p != nil && slices.Contains(p.Role.Permissions, perm)
}

// Scope is the principal's data scope.
func (p *Principal) Scope() Scope {
	if p == nil {
		return Scope{OrgID: -1}
	}
	return Scope{District: p.Role.District, OrgID: p.OrgID}
}

// Actor is the principal as the audit log records it.
func (p *Principal) Actor() audit.Actor {
	if p == nil {
		return audit.System("system")
	}
	name := p.Username
	if p.TokenID != 0 {
		name = "token:" + p.Username
	}
	return audit.Actor{UserID: p.UserID, Username: name, OrgID: p.OrgID, IP: p.IP}
}

type ctxKey struct{}

// WithPrincipal returns a context carrying p.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, ctxKey{}, p)
}

// FromContext returns the caller, or nil.
func FromContext(ctx context.Context) *Principal {
	p, _ := ctx.Value(ctxKey{}).(*Principal)
	return p
}

// Scope is the one place data visibility is decided. Every query over scoped
// data takes its WHERE fragment from Where, and every single-object read
// checks Allows; out-of-scope objects are reported as not found.
type Scope struct {
	District bool  // sees the whole district
	OrgID    int64 // otherwise: own org only
}

// Where returns an SQL condition limiting rows to the scope. cols are the
// columns naming orgs a row belongs to or is addressed to (e.g. "r.org_id",
// "s.recipient_org_id"); a row is visible when any of them is the caller's org.
func (s Scope) Where(cols ...string) (string, []any) {
	if s.District {
		return "1 = 1", nil
	}
	if len(cols) == 0 {
		return "1 = 0", nil
	}
	parts := make([]string, len(cols))
	args := make([]any, len(cols))
	for i, c := range cols {
		parts[i] = c + " = ?"
		args[i] = s.OrgID
	}
	return "(" + strings.Join(parts, " OR ") + ")", args
}

// Allows reports whether an object belonging to or addressed to any of the
// given orgs is visible.
func (s Scope) Allows(orgIDs ...int64) bool {
	if s.District {
		return true
	}
	return slices.Contains(orgIDs, s.OrgID)
}
