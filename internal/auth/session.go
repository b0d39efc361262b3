package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/xingjian/xingjian/internal/apperr"
	"github.com/xingjian/xingjian/internal/audit"
	"github.com/xingjian/xingjian/internal/store"
)

// Service signs people and systems in.
type Service struct {
	DB  *store.DB
	Now func() time.Time // the clock; tests move it
	// IdleTimeout ends a session nobody used for that long; MaxAge ends any
	// session after that long.
	IdleTimeout, MaxAge time.Duration
	// MaxFailures consecutive wrong passwords lock an account for LockFor.
	MaxFailures int
	LockFor     time.Duration
}

// NewService returns a Service with the platform's defaults.
func NewService(db *store.DB) *Service {
	return &Service{DB: db, Now: time.Now, IdleTimeout: 2 * time.Hour, MaxAge: 12 * time.Hour, MaxFailures: 5, LockFor: 15 * time.Minute}
}

func randomSecret(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("auth: crypto/rand failed: %v", err)) // the OS has no randomness: nothing is safe
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashSecret(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// NormalizeUsername is how login names are compared: trimmed, lower case.
func NormalizeUsername(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// Login checks a username and password. On success it opens a session and
// returns the principal and the cookie secret. Every attempt is written to
// the login log; consecutive failures lock the account.
func (s *Service) Login(ctx context.Context, username, password, ip, userAgent string) (*Principal, string, error) {
	username = NormalizeUsername(username)
	if username == "" || password == "" {
		return nil, "", apperr.New("invalid_credentials", "请输入用户名和密码")
	}
	now := s.Now()
	var (
		p      *Principal
		secret string
		result error
	)
	// The transaction always commits: a failed attempt must still count and
	// be logged. result carries the answer for the caller.
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		var (
			id          int64
			hash        string
			disabled    bool
			failures    int
			lockedUntil sql.NullInt64
			orgDisabled bool
		)
		q := `SELECT u.id, u.password_hash, u.disabled, u.failed_logins, u.locked_until, o.disabled
			FROM users u JOIN orgs o ON o.id = u.org_id WHERE u.username = ?`
		if tx.Dialect() == store.Postgres {
			// Parallel guesses must each see the previous one's count, or the
			// lockout could be outrun. (SQLite has one writer already.)
			q += " FOR UPDATE OF u"
		}
		err := tx.QueryRowContext(ctx, q, username).Scan(&id, &hash, &disabled, &failures, &lockedUntil, &orgDisabled)
		logAttempt := func(userID any, ok bool, reason string) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO login_log (at, username, user_id, ip, user_agent, success, reason)
				VALUES (?, ?, ?, ?, ?, ?, ?)`, now.UnixMilli(), truncate(username, 64), userID, ip, truncate(userAgent, 300), ok, reason)
			return err
		}
		if errors.Is(err, sql.ErrNoRows) {
			_, _ = CheckPassword(dummyHash, password)
			result = apperr.New("invalid_credentials", "用户名或密码错误")
			return logAttempt(nil, false, "用户不存在")
		}
		if err != nil {
			return fmt.Errorf("auth: find user: %w", err)
		}
		if lockedUntil.Valid && lockedUntil.Int64 > now.UnixMilli() {
			until := time.UnixMilli(lockedUntil.Int64).In(Shanghai)
			e := apperr.New("account_locked", fmt.Sprintf("密码错误次数过多，账号已锁定至 %s，请稍后再试或联系管理员", until.Format("15:04")))
			e.Details = map[string]string{"locked_until": until.Format(time.RFC3339)}
			result = e
			return logAttempt(id, false, "账号已锁定")
		}
		ok, err := CheckPassword(hash, password)
		if err != nil {
			return fmt.Errorf("auth: user %d: %w", id, err)
		}
		if !ok {
			failures++
			if failures >= s.MaxFailures {
				until := now.Add(s.LockFor)
				if _, err := tx.ExecContext(ctx, "UPDATE users SET failed_logins = 0, locked_until = ? WHERE id = ?", until.UnixMilli(), id); err != nil {
					return err
				}
				e := apperr.New("account_locked", fmt.Sprintf("密码连续错误 %d 次，账号已锁定至 %s", s.MaxFailures, until.In(Shanghai).Format("15:04")))
				e.Details = map[string]string{"locked_until": until.In(Shanghai).Format(time.RFC3339)}
				result = e
				return logAttempt(id, false, "密码错误，账号锁定")
			}
			if _, err := tx.ExecContext(ctx, "UPDATE users SET failed_logins = ? WHERE id = ?", failures, id); err != nil {
				return err
			}
			// The same words as for an unknown user, so nobody learns which
			// accounts exist.
			result = apperr.New("invalid_credentials", "用户名或密码错误")
			return logAttempt(id, false, "密码错误")
		}
		// Only after the password is right do we say the account is disabled,
		// so a guesser learns nothing about which accounts exist.
		if disabled || orgDisabled {
			result = apperr.New("account_disabled", "账号已停用，请联系管理员")
			return logAttempt(id, false, "账号已停用")
		}
		secret = randomSecret(32)
		csrf := randomSecret(24)
		if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, ip, user_agent)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, hashSecret(secret), id, csrf, now.UnixMilli(), now.UnixMilli(),
			now.Add(s.IdleTimeout).UnixMilli(), ip, truncate(userAgent, 300)); err != nil {
			return fmt.Errorf("auth: create session: %w", err)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = ? WHERE id = ?", now.UnixMilli(), id); err != nil {
			return err
		}
		if err := logAttempt(id, true, ""); err != nil {
			return err
		}
		p, err = loadPrincipal(ctx, tx, id)
		if err != nil {
			return err
		}
		p.SessionHash, p.CSRFToken, p.IP = hashSecret(secret), csrf, ip
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	if result != nil {
		return nil, "", result
	}
	return p, secret, nil
}

// Session resolves a session cookie. Sessions slide: each use (at most once a
// minute, to spare the database a write per request) pushes the idle expiry
// forward, never past MaxAge from creation.
func (s *Service) Session(ctx context.Context, secret, ip string) (*Principal, error) {
	expired := apperr.New("session_expired", "登录已过期，请重新登录")
	if secret == "" || len(secret) > 200 {
		return nil, expired
	}
	h := hashSecret(secret)
	now := s.Now().UnixMilli()
	var userID, created, lastSeen, expires int64
	var csrf string
	err := s.DB.QueryRowContext(ctx, "SELECT user_id, csrf_token, created_at, last_seen_at, expires_at FROM sessions WHERE id_hash = ?", h).
		Scan(&userID, &csrf, &created, &lastSeen, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, expired
	}
	if err != nil {
		return nil, fmt.Errorf("auth: read session: %w", err)
	}
	if expires <= now || created+s.MaxAge.Milliseconds() <= now {
		_, _ = s.DB.ExecContext(ctx, "DELETE FROM sessions WHERE id_hash = ?", h)
		return nil, expired
	}
	p, err := loadPrincipal(ctx, s.DB, userID)
	if err != nil {
		return nil, err
	}
	if p == nil {
		return nil, expired
	}
	if now-lastSeen > time.Minute.Milliseconds() {
		newExp := min(now+s.IdleTimeout.Milliseconds(), created+s.MaxAge.Milliseconds())
		if _, err := s.DB.ExecContext(ctx, "UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE id_hash = ?", now, newExp, h); err != nil {
			return nil, fmt.Errorf("auth: touch session: %w", err)
		}
	}
	p.SessionHash, p.CSRFToken, p.IP = h, csrf, ip
	return p, nil
}

// Logout ends the principal's session.
func (s *Service) Logout(ctx context.Context, p *Principal) error {
	if p == nil || p.SessionHash == "" {
		return nil
	}
	if _, err := s.DB.ExecContext(ctx, "DELETE FROM sessions WHERE id_hash = ?", p.SessionHash); err != nil {
		return fmt.Errorf("auth: logout: %w", err)
	}
	return nil
}

// ChangeOwnPassword lets a signed-in person change their password; their other
// sessions end.
func (s *Service) ChangeOwnPassword(ctx context.Context, p *Principal, oldPw, newPw string) error {
	if p == nil || p.UserID == 0 {
		return apperr.Forbidden()
	}
	if problem := PasswordProblem(newPw); problem != "" {
		var f apperr.Fields
		f.Add("new_password", problem)
		return f.Err()
	}
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		var hash string
		if err := tx.QueryRowContext(ctx, "SELECT password_hash FROM users WHERE id = ?", p.UserID).Scan(&hash); err != nil {
			return fmt.Errorf("auth: read password: %w", err)
		}
		if ok, err := CheckPassword(hash, oldPw); err != nil || !ok {
			var f apperr.Fields
			f.Add("old_password", "原密码不正确")
			return f.Err()
		}
		nh, err := HashPassword(newPw)
		if err != nil {
			return err
		}
		now := s.Now().UnixMilli()
		if _, err := tx.ExecContext(ctx, "UPDATE users SET password_hash = ?, password_changed_at = ?, updated_at = ?, version = version + 1 WHERE id = ?", nh, now, now, p.UserID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = ? AND id_hash <> ?", p.UserID, p.SessionHash); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p.Actor(), audit.Entry{Action: "user.password_change", ObjectType: "user", ObjectID: fmt.Sprint(p.UserID)})
	})
}

// loadPrincipal reads a person's identity; nil when the user or their org is
// disabled or gone.
func loadPrincipal(ctx context.Context, q store.Querier, userID int64) (*Principal, error) {
	var p Principal
	var role string
	var disabled, orgDisabled bool
	err := q.QueryRowContext(ctx, `SELECT u.id, u.username, u.display_name, u.role, u.disabled, o.id, o.name, o.kind, o.disabled
		FROM users u JOIN orgs o ON o.id = u.org_id WHERE u.id = ?`, userID).
		Scan(&p.UserID, &p.Username, &p.DisplayName, &role, &disabled, &p.OrgID, &p.OrgName, &p.OrgKind, &orgDisabled)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("auth: load user %d: %w", userID, err)
	}
	if disabled || orgDisabled {
		return nil, nil
	}
	r, ok := LookupRole(role)
	if !ok {
		return nil, fmt.Errorf("auth: user %d has unknown role %q", userID, role)
	}
	p.Role = r
	return &p, nil
}

// PurgeExpiredSessions deletes sessions past their expiry; the server calls
// it periodically.
func (s *Service) PurgeExpiredSessions(ctx context.Context) (int64, error) {
	now := s.Now().UnixMilli()
	res, err := s.DB.ExecContext(ctx, "DELETE FROM sessions WHERE expires_at <= ? OR created_at <= ?", now, now-s.MaxAge.Milliseconds())
	if err != nil {
		return 0, fmt.Errorf("auth: purge sessions: %w", err)
	}
	return res.RowsAffected()
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8Start(s[n]) {
		n--
	}
	return s[:n]
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

// Shanghai is the platform's time zone for everything shown to people.
var Shanghai = mustZone("Asia/Shanghai")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		// time/tzdata is embedded by the binary (see cmd/xingjian), so this
		// only happens in a test binary on a machine without zoneinfo.
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}
