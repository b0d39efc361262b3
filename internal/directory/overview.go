package directory

import (
	"context"
	"fmt"
	"time"

	"github.com/xingjian/xingjian/internal/auth"
)

// KindCount is how many active orgs of one kind there are.
type KindCount struct {
	Kind  string `json:"kind"`
	Name  string `json:"name"`
	Count int    `json:"count"`
}

// Overview is the home page's first figures.
type Overview struct {
	OrgsByKind     []KindCount `json:"orgs_by_kind"`
	Users          int         `json:"users"`
	ActiveSessions int         `json:"active_sessions"`
	LoginsToday    int         `json:"logins_today"`
}

// Overview counts what the caller may see.
func (s *Service) Overview(ctx context.Context, p *auth.Principal) (Overview, error) {
	ov := Overview{OrgsByKind: []KindCount{}}
	cond, args := p.Scope().Where("o.id")
	counts := map[string]int{}
	rows, err := s.DB.QueryContext(ctx, "SELECT o.kind, COUNT(*) FROM orgs o WHERE o.disabled = FALSE AND "+cond+" GROUP BY o.kind", args...)
	if err != nil {
		return ov, fmt.Errorf("directory: overview: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return ov, err
		}
		counts[k] = n
	}
	if err := rows.Err(); err != nil {
		return ov, err
	}
	for _, k := range auth.OrgKinds {
		ov.OrgsByKind = append(ov.OrgsByKind, KindCount{k.Code, k.Name, counts[k.Code]})
	}
	ucond, uargs := p.Scope().Where("u.org_id")
	if err := s.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM users u WHERE u.disabled = FALSE AND "+ucond, uargs...).Scan(&ov.Users); err != nil {
		return ov, err
	}
	now := s.Now()
	if err := s.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.expires_at > ? AND "+ucond,
		append([]any{now.UnixMilli()}, uargs...)...).Scan(&ov.ActiveSessions); err != nil {
		return ov, err
	}
	y, m, d := now.In(auth.Shanghai).Date()
	midnight := time.Date(y, m, d, 0, 0, 0, 0, auth.Shanghai).UnixMilli()
	if err := s.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM login_log l JOIN users u ON u.id = l.user_id WHERE l.success = TRUE AND l.at >= ? AND "+ucond,
		append([]any{midnight}, uargs...)...).Scan(&ov.LoginsToday); err != nil {
		return ov, err
	}
	return ov, nil
}
