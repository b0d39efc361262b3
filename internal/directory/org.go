// Package directory is who's who in the district: organisations (the
// procuratorate, the justice bureau, the court, the petition bureau, the
// rule-of-law office, enforcement agencies and town governments, in a tree,
// with their enforcement domains) and the people in them. Every read is
// limited by the caller's scope and every change is audited.
package directory

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xingjian/xingjian/internal/apperr"
	"github.com/xingjian/xingjian/internal/audit"
	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/ident"
	"github.com/xingjian/xingjian/internal/store"
)

// Service manages orgs and users.
type Service struct {
	DB  *store.DB
	Now func() time.Time
}

// New returns a Service.
func New(db *store.DB) *Service { return &Service{DB: db, Now: time.Now} }

// Org is an organisation.
type Org struct {
	ID        int64    `json:"id"`
	Code      string   `json:"code"`
	Name      string   `json:"name"`
	Kind      string   `json:"kind"`
	ParentID  *int64   `json:"parent_id"`
	USCC      string   `json:"uscc"`
	USCCValid bool     `json:"uscc_valid"`
	Domains   []string `json:"domains"`
	Contact   string   `json:"contact"`
	Phone     string   `json:"phone"`
	Disabled  bool     `json:"disabled"`
	CreatedAt int64    `json:"-"`
	UpdatedAt int64    `json:"-"`
	Version   int      `json:"version"`
}

// OrgInput creates or changes an org. Nil fields are left as they are on
// update (and default on create).
type OrgInput struct {
	Code     *string   `json:"code"`
	Name     *string   `json:"name"`
	Kind     *string   `json:"kind"`
	ParentID *int64    `json:"parent_id"`
	USCC     *string   `json:"uscc"`
	Domains  *[]string `json:"domains"`
	Contact  *string   `json:"contact"`
	Phone    *string   `json:"phone"`
	Disabled *bool     `json:"disabled"`
	Version  int       `json:"version"`
	// ClearParent makes an org a root on update (a JSON null parent_id).
	ClearParent bool `json:"-"`
}

// Domain is an enforcement domain (执法领域).
type Domain struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Domains lists the domain dictionary.
func (s *Service) Domains(ctx context.Context) ([]Domain, error) {
	rows, err := s.DB.QueryContext(ctx, "SELECT code, name FROM domains ORDER BY sort, code")
	if err != nil {
		return nil, fmt.Errorf("directory: list domains: %w", err)
	}
	defer rows.Close()
	out := []Domain{}
	for rows.Next() {
		var d Domain
		if err := rows.Scan(&d.Code, &d.Name); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

var orgCodeRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

const orgCols = `o.id, o.code, o.name, o.kind, o.parent_id, o.uscc, o.uscc_valid, o.contact, o.phone, o.disabled, o.created_at, o.updated_at, o.version`

func scanOrg(sc interface{ Scan(...any) error }) (Org, error) {
	var o Org
	var parent sql.NullInt64
	err := sc.Scan(&o.ID, &o.Code, &o.Name, &o.Kind, &parent, &o.USCC, &o.USCCValid, &o.Contact, &o.Phone, &o.Disabled, &o.CreatedAt, &o.UpdatedAt, &o.Version)
	if parent.Valid {
		o.ParentID = &parent.Int64
	}
	return o, err
}

func orgDomains(ctx context.Context, q store.Querier, ids []int64) (map[int64][]string, error) {
	out := map[int64][]string{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := q.QueryContext(ctx, `SELECT od.org_id, od.domain FROM org_domains od JOIN domains d ON d.code = od.domain
		WHERE od.org_id IN (`+store.Placeholders(len(ids))+`) ORDER BY d.sort`, args...)
	if err != nil {
		return nil, fmt.Errorf("directory: org domains: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var d string
		if err := rows.Scan(&id, &d); err != nil {
			return nil, err
		}
		out[id] = append(out[id], d)
	}
	return out, rows.Err()
}

// GetOrg returns one org in the caller's scope.
func (s *Service) GetOrg(ctx context.Context, p *auth.Principal, id int64) (Org, error) {
	if !p.Can(auth.PermOrgRead) {
		return Org{}, apperr.Forbidden()
	}
	return s.getOrg(ctx, s.DB, p, id)
}

func (s *Service) getOrg(ctx context.Context, q store.Querier, p *auth.Principal, id int64) (Org, error) {
	if !p.Scope().Allows(id) {
		return Org{}, apperr.NotFound("机构")
	}
	o, err := scanOrg(q.QueryRowContext(ctx, "SELECT "+orgCols+" FROM orgs o WHERE o.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Org{}, apperr.NotFound("机构")
	}
	if err != nil {
		return Org{}, fmt.Errorf("directory: get org %d: %w", id, err)
	}
	ds, err := orgDomains(ctx, q, []int64{id})
	o.Domains = nonNil(ds[id])
	return o, err
}

// OrgFilter selects orgs to list.
type OrgFilter struct {
	Kind            string
	ParentID        int64
	Q               string
	IncludeDisabled bool
	After           int64 // cursor: id > After
	Limit           int
}

// ListOrgs lists orgs in the caller's scope by id, with the matching total.
func (s *Service) ListOrgs(ctx context.Context, p *auth.Principal, f OrgFilter) ([]Org, int, error) {
	if !p.Can(auth.PermOrgRead) {
		return nil, 0, apperr.Forbidden()
	}
	cond, args := p.Scope().Where("o.id")
	if f.Kind != "" {
		cond += " AND o.kind = ?"
		args = append(args, f.Kind)
	}
	if f.ParentID != 0 {
		cond += " AND o.parent_id = ?"
		args = append(args, f.ParentID)
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		q = ident.NormalizeText(q)
		c1, a1 := store.ContainsLike("o.name", q)
		c2, a2 := store.ContainsLike("o.code", q)
		c3, a3 := store.ContainsLike("o.uscc", q)
		cond += " AND (" + c1 + " OR " + c2 + " OR " + c3 + ")"
		args = append(args, a1, a2, a3)
	}
	if !f.IncludeDisabled {
		cond += " AND o.disabled = FALSE"
	}
	var total int
	if err := s.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM orgs o WHERE "+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("directory: count orgs: %w", err)
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT "+orgCols+" FROM orgs o WHERE "+cond+" AND o.id > ? ORDER BY o.id LIMIT ?",
		append(args, f.After, f.Limit)...)
	if err != nil {
		return nil, 0, fmt.Errorf("directory: list orgs: %w", err)
	}
	defer rows.Close()
	out := []Org{}
	var ids []int64
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, o)
		ids = append(ids, o.ID)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	ds, err := orgDomains(ctx, s.DB, ids)
	for i := range out {
		out[i].Domains = nonNil(ds[out[i].ID])
	}
	return out, total, err
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// CreateOrg adds an org.
func (s *Service) CreateOrg(ctx context.Context, p *auth.Principal, in OrgInput) (Org, error) {
	if !p.Can(auth.PermOrgManage) {
		return Org{}, apperr.Forbidden()
	}
	var o Org
	o.Domains = []string{}
	if err := applyOrgInput(&o, in); err != nil {
		return Org{}, err
	}
	var id int64
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := s.checkOrgRefs(ctx, tx, &o); err != nil {
			return err
		}
		now := s.Now().UnixMilli()
		err := tx.QueryRowContext(ctx, `INSERT INTO orgs (code, name, kind, parent_id, uscc, uscc_valid, contact, phone, disabled, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, o.Code, o.Name, o.Kind, o.ParentID, o.USCC, o.USCCValid, o.Contact, o.Phone,
			o.Disabled, now, now).Scan(&id)
		if err != nil {
			return orgUniqueErr(err)
		}
		if err := setDomains(ctx, tx, id, o.Domains); err != nil {
			return err
		}
		created, err := s.getOrg(ctx, tx, p, id)
		if err != nil {
			return err
		}
		o = created
		return audit.Record(ctx, tx, p.Actor(), audit.Entry{Action: "org.create", ObjectType: "org", ObjectID: fmt.Sprint(id), After: o})
	})
	return o, err
}

// UpdateOrg changes an org; in.Version must match the stored version.
func (s *Service) UpdateOrg(ctx context.Context, p *auth.Principal, id int64, in OrgInput) (Org, error) {
	if !p.Can(auth.PermOrgManage) {
		return Org{}, apperr.Forbidden()
	}
	var out Org
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		before, err := s.getOrg(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if in.Version != before.Version {
			return apperr.Conflict()
		}
		o := before
		o.Domains = slices.Clone(before.Domains)
		if in.ClearParent {
			o.ParentID = nil
		}
		if err := applyOrgInput(&o, in); err != nil {
			return err
		}
		if err := s.checkOrgRefs(ctx, tx, &o); err != nil {
			return err
		}
		if o.Kind != before.Kind {
			if err := checkMembersFitKind(ctx, tx, id, o.Kind); err != nil {
				return err
			}
		}
		if o.Disabled && !before.Disabled && p.OrgID == id {
			return apperr.New("validation_failed", "不能停用自己所在的机构")
		}
		res, err := tx.ExecContext(ctx, `UPDATE orgs SET code = ?, name = ?, kind = ?, parent_id = ?, uscc = ?, uscc_valid = ?, contact = ?, phone = ?,
			disabled = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
			o.Code, o.Name, o.Kind, o.ParentID, o.USCC, o.USCCValid, o.Contact, o.Phone, o.Disabled, s.Now().UnixMilli(), id, in.Version)
		if err != nil {
			return orgUniqueErr(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.Conflict()
		}
		if !slices.Equal(o.Domains, before.Domains) {
			if _, err := tx.ExecContext(ctx, "DELETE FROM org_domains WHERE org_id = ?", id); err != nil {
				return err
			}
			if err := setDomains(ctx, tx, id, o.Domains); err != nil {
				return err
			}
		}
		if o.Disabled && !before.Disabled {
			// Nobody keeps working for a disabled org.
			if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE org_id = ?)", id); err != nil {
				return err
			}
		}
		if out, err = s.getOrg(ctx, tx, p, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p.Actor(), audit.Entry{Action: updateAction("org", before.Disabled, o.Disabled), ObjectType: "org", ObjectID: fmt.Sprint(id), Before: before, After: out})
	})
	return out, err
}

func applyOrgInput(o *Org, in OrgInput) error {
	var f apperr.Fields
	if in.Code != nil {
		// Codes are case-insensitive identifiers: stored upper-case.
		o.Code = strings.ToUpper(ident.NormalizeText(*in.Code))
	}
	if in.Name != nil {
		o.Name = ident.NormalizeText(*in.Name)
	}
	if in.Kind != nil {
		o.Kind = *in.Kind
	}
	if in.ParentID != nil {
		o.ParentID = in.ParentID
		if *in.ParentID == 0 {
			o.ParentID = nil
		}
	}
	if in.USCC != nil {
		o.USCC = ident.NormalizeText(*in.USCC)
		o.USCC = strings.ToUpper(o.USCC)
	}
	if in.Domains != nil {
		o.Domains = slices.Clone(*in.Domains)
		slices.Sort(o.Domains)
		o.Domains = slices.Compact(o.Domains)
	}
	if in.Contact != nil {
		o.Contact = ident.NormalizeText(*in.Contact)
	}
	if in.Phone != nil {
		o.Phone = ident.NormalizeText(*in.Phone)
	}
	if in.Disabled != nil {
		o.Disabled = *in.Disabled
	}
	if !orgCodeRE.MatchString(o.Code) {
		f.Add("code", "机构编码必填，只能由字母、数字、下划线和连字符组成，不超过 32 位")
	}
	if o.Name == "" || utf8.RuneCountInString(o.Name) > 100 {
		f.Add("name", "机构名称必填，且不超过 100 个字")
	}
	if auth.OrgKindName(o.Kind) == "" {
		f.Add("kind", "请选择有效的机构类别")
	}
	o.USCCValid = true
	if o.USCC != "" {
		if _, err := ident.ParseUSCC(o.USCC); err != nil {
			if ident.IsSoft(err) {
				o.USCCValid = false // GB 32100 check failed: kept and flagged, as some real codes fail
			} else {
				f.Add("uscc", "统一社会信用代码格式不正确："+err.Error())
			}
		}
	}
	if utf8.RuneCountInString(o.Contact) > 50 {
		f.Add("contact", "联系人不超过 50 个字")
	}
	if utf8.RuneCountInString(o.Phone) > 50 {
		f.Add("phone", "联系电话不超过 50 个字符")
	}
	return f.Err()
}

// checkOrgRefs validates what needs the database: the parent exists and does
// not make a cycle, and the domains are known.
func (s *Service) checkOrgRefs(ctx context.Context, tx *store.Tx, o *Org) error {
	var f apperr.Fields
	if o.ParentID != nil {
		seen := map[int64]bool{o.ID: true}
		cur := *o.ParentID
		for cur != 0 {
			if seen[cur] {
				f.Add("parent_id", "上级机构不能是本机构或其下级")
				break
			}
			seen[cur] = true
			var next sql.NullInt64
			err := tx.QueryRowContext(ctx, "SELECT parent_id FROM orgs WHERE id = ?", cur).Scan(&next)
			if errors.Is(err, sql.ErrNoRows) {
				f.Add("parent_id", "上级机构不存在")
				break
			}
			if err != nil {
				return err
			}
			cur = next.Int64
		}
	}
	if len(o.Domains) > 0 {
		args := make([]any, len(o.Domains))
		for i, d := range o.Domains {
			args[i] = d
		}
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM domains WHERE code IN ("+store.Placeholders(len(args))+")", args...).Scan(&n); err != nil {
			return err
		}
		if n != len(o.Domains) {
			f.Add("domains", "执法领域含有未知项")
		}
	}
	return f.Err()
}

// updateAction names an update in the audit log: "<kind>.disable" or
// "<kind>.enable" when that is what changed, "<kind>.update" otherwise.
func updateAction(kind string, wasDisabled, disabled bool) string {
	switch {
	case disabled && !wasDisabled:
		return kind + ".disable"
	case wasDisabled && !disabled:
		return kind + ".enable"
	}
	return kind + ".update"
}

// checkMembersFitKind refuses a change of kind that would leave users in
// roles the new kind may not hold (an agency liaison in a court).
func checkMembersFitKind(ctx context.Context, tx *store.Tx, orgID int64, kind string) error {
	rows, err := tx.QueryContext(ctx, "SELECT DISTINCT role FROM users WHERE org_id = ? ORDER BY role", orgID)
	if err != nil {
		return fmt.Errorf("directory: member roles: %w", err)
	}
	defer rows.Close()
	var f apperr.Fields
	for rows.Next() {
		var code string
		if err := rows.Scan(&code); err != nil {
			return err
		}
		if r, ok := auth.LookupRole(code); ok && !r.AllowsKind(kind) {
			f.Add("kind", fmt.Sprintf("机构下有“%s”角色的用户，不能改为%s", r.Name, auth.OrgKindName(kind)))
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return f.Err()
}

func setDomains(ctx context.Context, tx *store.Tx, orgID int64, domains []string) error {
	for _, d := range domains {
		if _, err := tx.ExecContext(ctx, "INSERT INTO org_domains (org_id, domain) VALUES (?, ?)", orgID, d); err != nil {
			return fmt.Errorf("directory: set domain: %w", err)
		}
	}
	return nil
}

func orgUniqueErr(err error) error {
	if !store.IsUniqueViolation(err) {
		return fmt.Errorf("directory: write org: %w", err)
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "uscc"):
		return apperr.Duplicate("uscc", "该统一社会信用代码已被其他机构使用")
	case strings.Contains(msg, "name"):
		return apperr.Duplicate("name", "机构名称已存在")
	default:
		return apperr.Duplicate("code", "机构编码已存在")
	}
}

// ParseCursor reads an opaque list cursor (an id).
func ParseCursor(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return max(n, 0)
}
