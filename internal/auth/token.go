package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/xingjian/xingjian/internal/apperr"
	"github.com/xingjian/xingjian/internal/audit"
	"github.com/xingjian/xingjian/internal/store"
)

// TokenPrefix starts every API token, so a leaked one is easy to recognise.
const TokenPrefix = "xjt_"

// Token is an API token as listed (never with its secret).
type Token struct {
	ID         int64
	OrgID      int64
	OrgName    string
	Name       string
	Prefix     string
	CreatedBy  string
	CreatedAt  int64
	LastUsedAt *int64
	RevokedAt  *int64
}

// Bearer resolves an API token to an agency-system principal.
func (s *Service) Bearer(ctx context.Context, secret, ip string) (*Principal, error) {
	bad := apperr.New("invalid_token", "接口令牌无效或已吊销")
	if !strings.HasPrefix(secret, TokenPrefix) || len(secret) > 200 {
		return nil, bad
	}
	var (
		p                 Principal
		revoked, lastUsed sql.NullInt64
		orgDisabled       bool
		name              string
	)
	err := s.DB.QueryRowContext(ctx, `SELECT t.id, t.name, t.revoked_at, t.last_used_at, o.id, o.name, o.kind, o.disabled
		FROM api_tokens t JOIN orgs o ON o.id = t.org_id WHERE t.token_hash = ?`, hashSecret(secret)).
		Scan(&p.TokenID, &name, &revoked, &lastUsed, &p.OrgID, &p.OrgName, &p.OrgKind, &orgDisabled)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, bad
	}
	if err != nil {
		return nil, fmt.Errorf("auth: read token: %w", err)
	}
	if revoked.Valid || orgDisabled {
		return nil, bad
	}
	now := s.Now().UnixMilli()
	if !lastUsed.Valid || now-lastUsed.Int64 > 60_000 {
		if _, err := s.DB.ExecContext(ctx, "UPDATE api_tokens SET last_used_at = ? WHERE id = ?", now, p.TokenID); err != nil {
			return nil, fmt.Errorf("auth: touch token: %w", err)
		}
	}
	p.Username, p.DisplayName, p.Role, p.IP = name, name, agencySystem, ip
	return &p, nil
}

// IssueToken makes a new token for an org and returns it with its secret,
// which is shown once and stored only as a hash.
func (s *Service) IssueToken(ctx context.Context, p *Principal, orgID int64, name string) (Token, string, error) {
	if !p.Can(PermTokenManage) {
		return Token{}, "", apperr.Forbidden()
	}
	name = strings.TrimSpace(name)
	var f apperr.Fields
	if name == "" || utf8.RuneCountInString(name) > 60 {
		f.Add("name", "令牌名称必填，且不超过 60 个字")
	}
	if orgID == 0 {
		f.Add("org_id", "请选择所属机构")
	}
	if err := f.Err(); err != nil {
		return Token{}, "", err
	}
	if !p.Scope().Allows(orgID) {
		return Token{}, "", apperr.NotFound("机构")
	}
	secret := TokenPrefix + randomSecret(32)
	var t Token
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		var disabled bool
		err := tx.QueryRowContext(ctx, "SELECT name, disabled FROM orgs WHERE id = ?", orgID).Scan(&t.OrgName, &disabled)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.NotFound("机构")
		}
		if err != nil {
			return err
		}
		if disabled {
			return apperr.New("validation_failed", "机构已停用，不能签发令牌")
		}
		now := s.Now().UnixMilli()
		t.OrgID, t.Name, t.Prefix, t.CreatedBy, t.CreatedAt = orgID, name, secret[:len(TokenPrefix)+6], p.Username, now
		err = tx.QueryRowContext(ctx, `INSERT INTO api_tokens (org_id, name, prefix, token_hash, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, orgID, name, t.Prefix, hashSecret(secret), nullable(p.UserID), now).Scan(&t.ID)
		if err != nil {
			return fmt.Errorf("auth: insert token: %w", err)
		}
		return audit.Record(ctx, tx, p.Actor(), audit.Entry{Action: "token.issue", ObjectType: "api_token", ObjectID: fmt.Sprint(t.ID),
			After: map[string]any{"org_id": orgID, "name": name, "prefix": t.Prefix}})
	})
	if err != nil {
		return Token{}, "", err
	}
	return t, secret, nil
}

// RevokeToken revokes a token in the caller's scope.
func (s *Service) RevokeToken(ctx context.Context, p *Principal, id int64) error {
	if !p.Can(PermTokenManage) {
		return apperr.Forbidden()
	}
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		var orgID int64
		var revoked sql.NullInt64
		err := tx.QueryRowContext(ctx, "SELECT org_id, revoked_at FROM api_tokens WHERE id = ?", id).Scan(&orgID, &revoked)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && !p.Scope().Allows(orgID)) {
			return apperr.NotFound("令牌")
		}
		if err != nil {
			return err
		}
		if revoked.Valid {
			return nil // revoking twice is harmless
		}
		now := s.Now().UnixMilli()
		if _, err := tx.ExecContext(ctx, "UPDATE api_tokens SET revoked_at = ? WHERE id = ?", now, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p.Actor(), audit.Entry{Action: "token.revoke", ObjectType: "api_token", ObjectID: fmt.Sprint(id),
			Before: map[string]any{"revoked_at": nil}, After: map[string]any{"revoked_at": now}})
	})
}

// TokenFilter selects tokens to list.
type TokenFilter struct {
	OrgID          int64
	IncludeRevoked bool
	Before         int64 // cursor: id < Before
	Limit          int
}

// ListTokens lists tokens in the caller's scope, newest first, with the
// total matching the filter.
func (s *Service) ListTokens(ctx context.Context, p *Principal, f TokenFilter) ([]Token, int, error) {
	if !p.Can(PermTokenManage) {
		return nil, 0, apperr.Forbidden()
	}
	cond, args := p.Scope().Where("t.org_id")
	if f.OrgID != 0 {
		cond += " AND t.org_id = ?"
		args = append(args, f.OrgID)
	}
	if !f.IncludeRevoked {
		cond += " AND t.revoked_at IS NULL"
	}
	var total int
	if err := s.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM api_tokens t WHERE "+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("auth: count tokens: %w", err)
	}
	if f.Before != 0 {
		cond += " AND t.id < ?"
		args = append(args, f.Before)
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT t.id, t.org_id, o.name, t.name, t.prefix, COALESCE(u.username, ''), t.created_at,
		t.last_used_at, t.revoked_at FROM api_tokens t JOIN orgs o ON o.id = t.org_id LEFT JOIN users u ON u.id = t.created_by
		WHERE `+cond+` ORDER BY t.id DESC LIMIT ?`, append(args, f.Limit)...)
	if err != nil {
		return nil, 0, fmt.Errorf("auth: list tokens: %w", err)
	}
	defer rows.Close()
	out := []Token{}
	for rows.Next() {
		var t Token
		var last, rev sql.NullInt64
		if err := rows.Scan(&t.ID, &t.OrgID, &t.OrgName, &t.Name, &t.Prefix, &t.CreatedBy, &t.CreatedAt, &last, &rev); err != nil {
			return nil, 0, err
		}
		t.LastUsedAt, t.RevokedAt = ptr(last), ptr(rev)
		out = append(out, t)
	}
	return out, total, rows.Err()
}

func ptr(n sql.NullInt64) *int64 {
	if !n.Valid {
		return nil
	}
	return &n.Int64
}

func nullable(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// LoginEntry is one row of the login log.
type LoginEntry struct {
	ID        int64
	At        int64
	Username  string
	UserID    *int64
	IP        string
	UserAgent string
	Success   bool
	Reason    string
}

// LoginFilter selects login-log rows; zero values mean any.
type LoginFilter struct {
	Username string
	Success  *bool
	From, To int64 // Unix ms
	Before   int64 // cursor: id < Before
	Limit    int
}

// ListLogins returns the login log, newest first, and the matching total.
func (s *Service) ListLogins(ctx context.Context, p *Principal, f LoginFilter) ([]LoginEntry, int, error) {
	if !p.Can(PermAuditRead) {
		return nil, 0, apperr.Forbidden()
	}
	cond, args := "1 = 1", []any{}
	if f.Username != "" {
		cond += " AND username = ?"
		args = append(args, NormalizeUsername(f.Username))
	}
	if f.Success != nil {
		cond += " AND success = ?"
		args = append(args, *f.Success)
	}
	if f.From != 0 {
		cond += " AND at >= ?"
		args = append(args, f.From)
	}
	if f.To != 0 {
		cond += " AND at < ?"
		args = append(args, f.To)
	}
	var total int
	if err := s.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM login_log WHERE "+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("auth: count logins: %w", err)
	}
	if f.Before != 0 {
		cond += " AND id < ?"
		args = append(args, f.Before)
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT id, at, username, user_id, ip, user_agent, success, reason FROM login_log WHERE "+cond+
		" ORDER BY id DESC LIMIT ?", append(args, f.Limit)...)
	if err != nil {
		return nil, 0, fmt.Errorf("auth: list logins: %w", err)
	}
	defer rows.Close()
	out := []LoginEntry{}
	for rows.Next() {
		var e LoginEntry
		var uid sql.NullInt64
		if err := rows.Scan(&e.ID, &e.At, &e.Username, &uid, &e.IP, &e.UserAgent, &e.Success, &e.Reason); err != nil {
			return nil, 0, err
		}
		e.UserID = ptr(uid)
		out = append(out, e)
	}
	return out, total, rows.Err()
}
