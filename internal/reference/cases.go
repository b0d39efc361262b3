package reference

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/xingjian/xingjian/internal/apperr"
	"github.com/xingjian/xingjian/internal/audit"
	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/store"
)

// Case is a typical case (典型案例): a decided matter published as guidance.
type Case struct {
	ID          int64    `json:"id"`
	Title       string   `json:"title"`
	Domain      string   `json:"domain"`
	Summary     string   `json:"summary"`
	Body        string   `json:"body"`
	LegalPoints string   `json:"legal_points"`
	Source      string   `json:"source"`
	PublishedOn string   `json:"published_on"` // YYYY-MM-DD or ""
	AgencyID    *int64   `json:"agency_id"`
	AgencyName  string   `json:"agency_name"`
	Tags        []string `json:"tags"`
	CreatedBy   *int64   `json:"created_by"`
	CreatedAt   int64    `json:"-"`
	UpdatedAt   int64    `json:"-"`
	Version     int      `json:"version"`
}

// CaseInput creates or changes a case; nil fields are left as they are.
type CaseInput struct {
	Title       *string   `json:"title"`
	Domain      *string   `json:"domain"`
	Summary     *string   `json:"summary"`
	Body        *string   `json:"body"`
	LegalPoints *string   `json:"legal_points"`
	Source      *string   `json:"source"`
	PublishedOn *string   `json:"published_on"`
	AgencyID    *int64    `json:"agency_id"`
	Tags        *[]string `json:"tags"`
	Version     int       `json:"version"`
	// ClearAgency unlinks the related agency (a JSON null agency_id).
	ClearAgency bool `json:"-"`
}

const caseCols = `c.id, c.title, c.domain, c.summary, c.body, c.legal_points, c.source, COALESCE(CAST(c.published_on AS TEXT), ''),
	c.agency_id, COALESCE(o.name, ''), c.tags, c.created_by, c.created_at, c.updated_at, c.version`

func scanCase(sc scanner) (Case, error) {
	var c Case
	var agency, by sql.NullInt64
	var tags string
	err := sc.Scan(&c.ID, &c.Title, &c.Domain, &c.Summary, &c.Body, &c.LegalPoints, &c.Source, &c.PublishedOn, &agency, &c.AgencyName,
		&tags, &by, &c.CreatedAt, &c.UpdatedAt, &c.Version)
	c.AgencyID, c.CreatedBy = nullID(agency), nullID(by)
	c.Tags = splitTags(tags)
	return c, err
}

// Tags are stored as one text, "|" between them and around them, so that
// a tag filter is one LIKE '%|tag|%'.
func joinTags(tags []string) string {
	if len(tags) == 0 {
		return ""
	}
	return "|" + strings.Join(tags, "|") + "|"
}

func splitTags(s string) []string {
	out := []string{}
	for _, t := range strings.Split(strings.Trim(s, "|"), "|") {
		if t != "" {
			out = append(out, t)
		}
	}
	return out
}

// CaseFilter narrows the case list.
type CaseFilter struct {
	Domain   string
	Q        string // title, summary, legal points (substring)
	Tag      string
	AgencyID int64
	Before   int64 // id cursor (newest first)
	Limit    int
}

// ListCases lists typical cases, newest first.
func ListCases(ctx context.Context, q store.Querier, p *auth.Principal, f CaseFilter) ([]Case, int, error) {
	if !p.Can(auth.PermReferenceRead) {
		return nil, 0, apperr.Forbidden()
	}
	cond := []string{"1 = 1"}
	var args []any
	if f.Domain != "" {
		cond, args = append(cond, "c.domain = ?"), append(args, f.Domain)
	}
	if f.AgencyID != 0 {
		cond, args = append(cond, "c.agency_id = ?"), append(args, f.AgencyID)
	}
	if f.Tag != "" {
		c, a := store.ContainsLike("c.tags", "|"+strings.TrimSpace(f.Tag)+"|")
		cond, args = append(cond, c), append(args, a)
	}
	if t := strings.TrimSpace(f.Q); t != "" {
		var parts []string
		for _, col := range []string{"c.title", "c.summary", "c.legal_points"} {
			c, a := store.ContainsLike(col, t)
			parts, args = append(parts, c), append(args, a)
		}
		cond = append(cond, "("+strings.Join(parts, " OR ")+")")
	}
	where := strings.Join(cond, " AND ")
	var total int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM typical_cases c WHERE "+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("reference: count cases: %w", err)
	}
	if f.Before > 0 {
		where += " AND c.id < ?"
		args = append(args, f.Before)
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	out, err := queryAll(ctx, q, scanCase, "cases", "SELECT "+caseCols+" FROM typical_cases c LEFT JOIN orgs o ON o.id = c.agency_id WHERE "+where+
		" ORDER BY c.id DESC LIMIT ?", append(args, f.Limit)...)
	if err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// GetCase reads one case.
func GetCase(ctx context.Context, q store.Querier, p *auth.Principal, id int64) (Case, error) {
	return getOne(ctx, q, p, scanCase, "典型案例", "case",
		"SELECT "+caseCols+" FROM typical_cases c LEFT JOIN orgs o ON o.id = c.agency_id WHERE c.id = ?", id)
}

func (in CaseInput) apply(ctx context.Context, q store.Querier, c *Case) error {
	var fe apperr.Fields
	setStr(&c.Title, in.Title)
	setStr(&c.Domain, in.Domain)
	setStr(&c.Summary, in.Summary)
	setStr(&c.Body, in.Body)
	setStr(&c.LegalPoints, in.LegalPoints)
	setStr(&c.Source, in.Source)
	setStr(&c.PublishedOn, in.PublishedOn)
	if in.ClearAgency {
		c.AgencyID = nil
	} else if in.AgencyID != nil {
		c.AgencyID = in.AgencyID
	}
	if in.Tags != nil {
		c.Tags = []string{}
		for _, t := range *in.Tags {
			t = strings.TrimSpace(t)
			switch {
			case t == "":
			case strings.Contains(t, "|"):
				fe.Add("tags", "标签不能包含“|”："+t)
			case utf8.RuneCountInString(t) > 20:
				fe.Add("tags", "标签不能超过 20 个字："+t)
			default:
				c.Tags = append(c.Tags, t)
			}
		}
		if len(c.Tags) > 20 {
			fe.Add("tags", "标签不能超过 20 个")
		}
	}
	if c.Title == "" {
		fe.Add("title", "标题不能为空")
	} else if utf8.RuneCountInString(c.Title) > 200 {
		fe.Add("title", "标题不能超过 200 个字")
	}
	if c.Summary == "" && c.Body == "" {
		fe.Add("body", "请填写案情摘要或正文")
	}
	if utf8.RuneCountInString(c.Body) > 100000 {
		fe.Add("body", "正文不能超过 10 万字")
	}
	if c.Domain != "" {
		if ok, err := domainExists(ctx, q, c.Domain); err != nil {
			return err
		} else if !ok {
			fe.Add("domain", "执法领域代码无效："+c.Domain)
		}
	}
	if c.PublishedOn != "" {
		var to string
		checkDates(&fe, &c.PublishedOn, &to)
		for i := range fe {
			if fe[i].Field == "effective_from" {
				fe[i].Field = "published_on"
			}
		}
	}
	if c.AgencyID != nil {
		var n int
		if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM orgs WHERE id = ?", *c.AgencyID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			fe.Add("agency_id", "相关单位不存在")
		}
	}
	return fe.Err()
}

// CreateCase adds a typical case.
func CreateCase(ctx context.Context, db *store.DB, p *auth.Principal, in CaseInput) (Case, error) {
	if !p.Can(auth.PermCaseManage) {
		return Case{}, apperr.Forbidden()
	}
	c := Case{Tags: []string{}}
	if err := in.apply(ctx, db, &c); err != nil {
		return Case{}, err
	}
	now := Now().UnixMilli()
	err := db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO typical_cases (title, domain, summary, body, legal_points, source, published_on,
			agency_id, tags, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			c.Title, c.Domain, c.Summary, c.Body, c.LegalPoints, c.Source, dateArg(c.PublishedOn), c.AgencyID, joinTags(c.Tags), creator(p),
			now, now).Scan(&c.ID); err != nil {
			return fmt.Errorf("reference: insert case: %w", err)
		}
		c.Version = 1
		return audit.Record(ctx, tx, p.Actor(), audit.Entry{Action: "case.create", ObjectType: "typical_case", ObjectID: fmt.Sprint(c.ID), After: c})
	})
	if err != nil {
		return Case{}, err
	}
	return GetCase(ctx, db, p, c.ID)
}

// UpdateCase changes a typical case; version must be the current one.
func UpdateCase(ctx context.Context, db *store.DB, p *auth.Principal, id int64, in CaseInput) (Case, error) {
	old, err := GetCase(ctx, db, p, id)
	if err != nil {
		return Case{}, err
	}
	if !p.Can(auth.PermCaseManage) {
		return Case{}, apperr.Forbidden()
	}
	if in.Version != old.Version {
		return Case{}, apperr.Conflict()
	}
	c := old
	c.Tags = append([]string{}, old.Tags...)
	if err := in.apply(ctx, db, &c); err != nil {
		return Case{}, err
	}
	err = db.InTx(ctx, func(tx *store.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE typical_cases SET title = ?, domain = ?, summary = ?, body = ?, legal_points = ?, source = ?,
			published_on = ?, agency_id = ?, tags = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
			c.Title, c.Domain, c.Summary, c.Body, c.LegalPoints, c.Source, dateArg(c.PublishedOn), c.AgencyID, joinTags(c.Tags),
			Now().UnixMilli(), id, old.Version)
		if err != nil {
			return fmt.Errorf("reference: update case: %w", err)
		}
		if err := versionBumped(res); err != nil {
			return err
		}
		c.Version = old.Version + 1
		return audit.Record(ctx, tx, p.Actor(), audit.Entry{Action: "case.update", ObjectType: "typical_case", ObjectID: fmt.Sprint(id), Before: old, After: c})
	})
	if err != nil {
		return Case{}, err
	}
	return GetCase(ctx, db, p, id)
}

// DeleteCase removes a typical case.
func DeleteCase(ctx context.Context, db *store.DB, p *auth.Principal, id int64) error {
	old, err := GetCase(ctx, db, p, id)
	if err != nil {
		return err
	}
	if !p.Can(auth.PermCaseManage) {
		return apperr.Forbidden()
	}
	return deleteOne(ctx, db, p, "typical_cases", "case", id, "case.delete", "typical_case", old)
}
