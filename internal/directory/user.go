package directory

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/xingjian/xingjian/internal/apperr"
	"github.com/xingjian/xingjian/internal/audit"
	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/ident"
	"github.com/xingjian/xingjian/internal/store"
)

// User is a person's account, never with its password hash.
type User struct {
	ID          int64  `json:"id"`
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	OrgID       int64  `json:"org_id"`
	OrgName     string `json:"org_name"`
	OrgKind     string `json:"org_kind"`
	Role        string `json:"role"`
	Phone       string `json:"phone"`
	Email       string `json:"email"`
	Disabled    bool   `json:"disabled"`
	LockedUntil *int64 `json:"-"`
	LastLoginAt *int64 `json:"-"`
	CreatedAt   int64  `json:"-"`
	UpdatedAt   int64  `json:"-"`
	Version     int    `json:"version"`
}

// UserInput creates or changes a user; nil fields stay as they are.
type UserInput struct {
	Username    *string `json:"username"`
	DisplayName *string `json:"display_name"`
	OrgID       *int64  `json:"org_id"`
	Role        *string `json:"role"`
	Password    *string `json:"password"`
	Phone       *string `json:"phone"`
	Email       *string `json:"email"`
	Disabled    *bool   `json:"disabled"`
	Version     int     `json:"version"`
}

var usernameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{1,31}$`)

const userCols = `u.id, u.username, u.display_name, u.org_id, o.name, o.kind, u.role, u.phone, u.email, u.disabled,
	u.locked_until, u.last_login_at, u.created_at, u.updated_at, u.version`

func scanUser(sc interface{ Scan(...any) error }) (User, error) {
	var u User
	var locked, last sql.NullInt64
	err := sc.Scan(&u.ID, &u.Username, &u.DisplayName, &u.OrgID, &u.OrgName, &u.OrgKind, &u.Role, &u.Phone, &u.Email, &u.Disabled,
		&locked, &last, &u.CreatedAt, &u.UpdatedAt, &u.Version)
	if locked.Valid {
		u.LockedUntil = &locked.Int64
	}
	if last.Valid {
		u.LastLoginAt = &last.Int64
	}
	return u, err
}

// GetUser returns a user in the caller's scope. Anyone may read themselves.
func (s *Service) GetUser(ctx context.Context, p *auth.Principal, id int64) (User, error) {
	if p == nil || (p.UserID != id && !p.Can(auth.PermUserRead)) {
		return User{}, apperr.Forbidden()
	}
	return s.getUser(ctx, s.DB, p, id)
}

func (s *Service) getUser(ctx context.Context, q store.Querier, p *auth.Principal, id int64) (User, error) {
	u, err := scanUser(q.QueryRowContext(ctx, "SELECT "+userCols+" FROM users u JOIN orgs o ON o.id = u.org_id WHERE u.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && p.UserID != id && !p.Scope().Allows(u.OrgID)) {
		return User{}, apperr.NotFound("用户")
	}
	if err != nil {
		return User{}, fmt.Errorf("directory: get user %d: %w", id, err)
	}
	return u, nil
}

// UserFilter selects users to list.
type UserFilter struct {
	OrgID           int64
	Role            string
	Q               string
	IncludeDisabled bool
	After           int64
	Limit           int
}

// ListUsers lists users in the caller's scope by id, with the matching total.
func (s *Service) ListUsers(ctx context.Context, p *auth.Principal, f UserFilter) ([]User, int, error) {
	if !p.Can(auth.PermUserRead) {
		return nil, 0, apperr.Forbidden()
	}
	cond, args := p.Scope().Where("u.org_id")
	if f.OrgID != 0 {
		cond += " AND u.org_id = ?"
		args = append(args, f.OrgID)
	}
	if f.Role != "" {
		cond += " AND u.role = ?"
		args = append(args, f.Role)
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		q = ident.NormalizeText(q)
		c1, a1 := store.ContainsLike("u.username", q)
		c2, a2 := store.ContainsLike("u.display_name", q)
		cond += " AND (" + c1 + " OR " + c2 + ")"
		args = append(args, a1, a2)
	}
	if !f.IncludeDisabled {
		cond += " AND u.disabled = FALSE"
	}
	var total int
	if err := s.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM users u WHERE "+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("directory: count users: %w", err)
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT "+userCols+" FROM users u JOIN orgs o ON o.id = u.org_id WHERE "+cond+
		" AND u.id > ? ORDER BY u.id LIMIT ?", append(args, f.After, f.Limit)...)
	if err != nil {
		return nil, 0, fmt.Errorf("directory: list users: %w", err)
	}
	defer rows.Close()
	out := []User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, u)
	}
	return out, total, rows.Err()
}

// CreateUser adds a user. The password must meet the policy.
func (s *Service) CreateUser(ctx context.Context, p *auth.Principal, in UserInput) (User, error) {
	if !p.Can(auth.PermUserManage) {
		return User{}, apperr.Forbidden()
	}
	var f apperr.Fields
	if in.Password == nil || auth.PasswordProblem(*in.Password) != "" {
		msg := "请设置初始密码"
		if in.Password != nil {
			msg = auth.PasswordProblem(*in.Password)
		}
		f.Add("password", msg)
	}
	var u User
	applyUserInput(&u, in, &f)
	if err := f.Err(); err != nil {
		return User{}, err
	}
	hash, err := auth.HashPassword(*in.Password)
	if err != nil {
		return User{}, err
	}
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		id, err := s.insertUser(ctx, tx, u, hash)
		if err != nil {
			return err
		}
		if u, err = s.getUser(ctx, tx, p, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p.Actor(), audit.Entry{Action: "user.create", ObjectType: "user", ObjectID: fmt.Sprint(id), After: u})
	})
	return u, err
}

// InsertUserTx adds a user with an already hashed password inside the
// caller's transaction; the demo seeder and the CLI use it. The caller audits.
func (s *Service) InsertUserTx(ctx context.Context, tx *store.Tx, in UserInput, passwordHash string) (int64, error) {
	var f apperr.Fields
	var u User
	applyUserInput(&u, in, &f)
	if err := f.Err(); err != nil {
		return 0, err
	}
	return s.insertUser(ctx, tx, u, passwordHash)
}

func (s *Service) insertUser(ctx context.Context, tx *store.Tx, u User, hash string) (int64, error) {
	if err := checkUserOrg(ctx, tx, u); err != nil {
		return 0, err
	}
	now := s.Now().UnixMilli()
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO users (username, display_name, org_id, role, phone, email, password_hash, disabled,
		password_changed_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		u.Username, u.DisplayName, u.OrgID, u.Role, u.Phone, u.Email, hash, u.Disabled, now, now, now).Scan(&id)
	if store.IsUniqueViolation(err) {
		return 0, apperr.Duplicate("username", "登录名已存在")
	}
	if err != nil {
		return 0, fmt.Errorf("directory: insert user: %w", err)
	}
	return id, nil
}

func applyUserInput(u *User, in UserInput, f *apperr.Fields) {
	if in.Username != nil {
		u.Username = auth.NormalizeUsername(ident.NormalizeText(*in.Username))
	}
	if in.DisplayName != nil {
		u.DisplayName = ident.NormalizeText(*in.DisplayName)
	}
	if in.OrgID != nil {
		u.OrgID = *in.OrgID
	}
	if in.Role != nil {
		u.Role = *in.Role
	}
	if in.Phone != nil {
		u.Phone = ident.NormalizeText(*in.Phone)
	}
	if in.Email != nil {
		u.Email = strings.TrimSpace(*in.Email)
	}
	if in.Disabled != nil {
		u.Disabled = *in.Disabled
	}
	if !usernameRE.MatchString(u.Username) {
		f.Add("username", "登录名为 2–32 位小写字母、数字、点、下划线或连字符，以字母或数字开头")
	}
	if u.DisplayName == "" || utf8.RuneCountInString(u.DisplayName) > 50 {
		f.Add("display_name", "姓名必填，且不超过 50 个字")
	}
	if u.OrgID == 0 {
		f.Add("org_id", "请选择所属机构")
	}
	if _, ok := auth.LookupRole(u.Role); !ok {
		f.Add("role", "请选择有效的角色")
	}
	if utf8.RuneCountInString(u.Phone) > 50 {
		f.Add("phone", "电话不超过 50 个字符")
	}
	if u.Email != "" && (len(u.Email) > 100 || !strings.Contains(u.Email, "@")) {
		f.Add("email", "电子邮箱格式不正确")
	}
}

// checkUserOrg makes sure the org exists, is active, and may hold the role.
func checkUserOrg(ctx context.Context, q store.Querier, u User) error {
	var kind string
	var disabled bool
	err := q.QueryRowContext(ctx, "SELECT kind, disabled FROM orgs WHERE id = ?", u.OrgID).Scan(&kind, &disabled)
	var f apperr.Fields
	switch {
	case errors.Is(err, sql.ErrNoRows):
		f.Add("org_id", "所属机构不存在")
	case err != nil:
		return fmt.Errorf("directory: read org: %w", err)
	case disabled:
		f.Add("org_id", "所属机构已停用")
	default:
		r, _ := auth.LookupRole(u.Role)
		if !r.AllowsKind(kind) {
			f.Add("role", fmt.Sprintf("“%s”角色不能属于%s", r.Name, auth.OrgKindName(kind)))
		}
	}
	return f.Err()
}

// UpdateUser changes a user; in.Version must match. Disabling a user or
// moving them to another org or role ends their sessions.
func (s *Service) UpdateUser(ctx context.Context, p *auth.Principal, id int64, in UserInput) (User, error) {
	if !p.Can(auth.PermUserManage) {
		return User{}, apperr.Forbidden()
	}
	if in.Password != nil {
		return User{}, apperr.New("validation_failed", "修改密码请使用“重置密码”")
	}
	var out User
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		before, err := s.getUser(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if in.Version != before.Version {
			return apperr.Conflict()
		}
		u := before
		if in.Username != nil && auth.NormalizeUsername(*in.Username) != before.Username {
			return apperr.New("validation_failed", "登录名创建后不能修改")
		}
		var f apperr.Fields
		applyUserInput(&u, in, &f)
		if err := f.Err(); err != nil {
			return err
		}
		if id == p.UserID && (u.Disabled || u.Role != before.Role) {
			return apperr.New("validation_failed", "不能停用自己的账号或修改自己的角色")
		}
		if err := checkUserOrg(ctx, tx, u); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE users SET display_name = ?, org_id = ?, role = ?, phone = ?, email = ?, disabled = ?,
			updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
			u.DisplayName, u.OrgID, u.Role, u.Phone, u.Email, u.Disabled, s.Now().UnixMilli(), id, in.Version)
		if err != nil {
			return fmt.Errorf("directory: update user: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.Conflict()
		}
		if u.Disabled || u.OrgID != before.OrgID || u.Role != before.Role {
			if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = ?", id); err != nil {
				return err
			}
		}
		if out, err = s.getUser(ctx, tx, p, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p.Actor(), audit.Entry{Action: updateAction("user", before.Disabled, u.Disabled), ObjectType: "user", ObjectID: fmt.Sprint(id), Before: before, After: out})
	})
	return out, err
}

// ResetPassword sets a user's password (admin), clears a lockout and ends
// the user's sessions.
func (s *Service) ResetPassword(ctx context.Context, p *auth.Principal, id int64, password string) error {
	if !p.Can(auth.PermUserManage) {
		return apperr.Forbidden()
	}
	if problem := auth.PasswordProblem(password); problem != "" {
		var f apperr.Fields
		f.Add("password", problem)
		return f.Err()
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		if _, err := s.getUser(ctx, tx, p, id); err != nil {
			return err
		}
		if err := SetPasswordTx(ctx, tx, id, hash, s.Now().UnixMilli()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p.Actor(), audit.Entry{Action: "user.password_reset", ObjectType: "user", ObjectID: fmt.Sprint(id)})
	})
}

// SetPasswordTx stores a new password hash, clears any lockout and ends the
// user's sessions. The caller audits.
func SetPasswordTx(ctx context.Context, tx *store.Tx, id int64, hash string, now int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, password_changed_at = ?, failed_logins = 0, locked_until = NULL,
		updated_at = ?, version = version + 1 WHERE id = ?`, hash, now, now, id); err != nil {
		return fmt.Errorf("directory: set password: %w", err)
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = ?", id); err != nil {
		return fmt.Errorf("directory: end sessions: %w", err)
	}
	return nil
}
