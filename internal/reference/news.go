package reference

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xingjian/xingjian/internal/apperr"
	"github.com/xingjian/xingjian/internal/audit"
	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/store"
)

// News kinds.
const (
	KindNews   = "news"   // 执法动态
	KindNotice = "notice" // 通知公告
)

// NewsKinds names the kinds in Chinese.
var NewsKinds = map[string]string{KindNews: "执法动态", KindNotice: "通知公告"}

// News is an enforcement news item or an announcement, published by an org.
type News struct {
	ID          int64  `json:"id"`
	Kind        string `json:"kind"`
	Title       string `json:"title"`
	Body        string `json:"body"`
	OrgID       int64  `json:"org_id"`
	OrgName     string `json:"org_name"`
	PublishedAt int64  `json:"-"`
	Pinned      bool   `json:"pinned"`
	CreatedBy   *int64 `json:"created_by"`
	CreatedAt   int64  `json:"-"`
	UpdatedAt   int64  `json:"-"`
	Version     int    `json:"version"`
}

// NewsInput creates or changes an item; nil fields are left as they are.
// PublishedAt is RFC 3339 or YYYY-MM-DD (Asia/Shanghai); empty = now.
type NewsInput struct {
	Kind        *string `json:"kind"`
	Title       *string `json:"title"`
	Body        *string `json:"body"`
	OrgID       *int64  `json:"org_id"`
	PublishedAt *string `json:"published_at"`
	Pinned      *bool   `json:"pinned"`
	Version     int     `json:"version"`
}

const newsCols = `n.id, n.kind, n.title, n.body, n.org_id, o.name, n.published_at, n.pinned, n.created_by, n.created_at, n.updated_at, n.version`

func scanNews(sc scanner) (News, error) {
	var n News
	var by sql.NullInt64
	err := sc.Scan(&n.ID, &n.Kind, &n.Title, &n.Body, &n.OrgID, &n.OrgName, &n.PublishedAt, &n.Pinned, &by, &n.CreatedAt, &n.UpdatedAt, &n.Version)
	n.CreatedBy = nullID(by)
	return n, err
}

// NewsFilter narrows the news list.
type NewsFilter struct {
	Kind   string
	OrgID  int64
	Q      string // title or body (substring)
	Before int64  // id of the last item of the previous page
	Limit  int
}

// ListNews lists items pinned first, then newest first.
func ListNews(ctx context.Context, q store.Querier, p *auth.Principal, f NewsFilter) ([]News, int, error) {
	if !p.Can(auth.PermReferenceRead) {
		return nil, 0, apperr.Forbidden()
	}
	cond := []string{"1 = 1"}
	var args []any
	if f.Kind != "" {
		cond, args = append(cond, "n.kind = ?"), append(args, f.Kind)
	}
	if f.OrgID != 0 {
		cond, args = append(cond, "n.org_id = ?"), append(args, f.OrgID)
	}
	if t := strings.TrimSpace(f.Q); t != "" {
		c1, a1 := store.ContainsLike("n.title", t)
		c2, a2 := store.ContainsLike("n.body", t)
		cond, args = append(cond, "("+c1+" OR "+c2+")"), append(args, a1, a2)
	}
	where := strings.Join(cond, " AND ")
	var total int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM reference_news n WHERE "+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("reference: count news: %w", err)
	}
	if f.Before > 0 {
		// Keyset on (pinned DESC, published_at DESC, id DESC) from the
		// cursor item.
		var pinned bool
		var at int64
		err := q.QueryRowContext(ctx, "SELECT pinned, published_at FROM reference_news WHERE id = ?", f.Before).Scan(&pinned, &at)
		if errors.Is(err, sql.ErrNoRows) {
			return []News{}, total, nil
		}
		if err != nil {
			return nil, 0, fmt.Errorf("reference: news cursor: %w", err)
		}
		if pinned {
			where += " AND (n.pinned = FALSE OR (n.published_at < ? OR (n.published_at = ? AND n.id < ?)))"
		} else {
			where += " AND n.pinned = FALSE AND (n.published_at < ? OR (n.published_at = ? AND n.id < ?))"
		}
		args = append(args, at, at, f.Before)
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	out, err := queryAll(ctx, q, scanNews, "news", "SELECT "+newsCols+" FROM reference_news n JOIN orgs o ON o.id = n.org_id WHERE "+where+
		" ORDER BY n.pinned DESC, n.published_at DESC, n.id DESC LIMIT ?", append(args, f.Limit)...)
	if err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// GetNews reads one item.
func GetNews(ctx context.Context, q store.Querier, p *auth.Principal, id int64) (News, error) {
	return getOne(ctx, q, p, scanNews, "执法动态", "news",
		"SELECT "+newsCols+" FROM reference_news n JOIN orgs o ON o.id = n.org_id WHERE n.id = ?", id)
}

// mayPin: a pinned item heads every user's list in the district, so only
// district-wide users (procuratorate, justice bureau, admin) may pin one.
func mayPin(p *auth.Principal, before, after bool) error {
	if after && !before && !p.Scope().District {
		return apperr.New("forbidden", "置顶的动态显示在全区用户的首位，只能由检察院、司法局或系统管理员设置")
	}
	return nil
}

func (in NewsInput) apply(n *News) error {
	var fe apperr.Fields
	setStr(&n.Kind, in.Kind)
	setStr(&n.Title, in.Title)
	setStr(&n.Body, in.Body)
	if in.Pinned != nil {
		n.Pinned = *in.Pinned
	}
	if in.PublishedAt != nil && strings.TrimSpace(*in.PublishedAt) != "" {
		s := strings.TrimSpace(*in.PublishedAt)
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t, err = time.ParseInLocation("2006-01-02", s, auth.Shanghai)
		}
		if err != nil {
			fe.Add("published_at", "发布时间格式应为 YYYY-MM-DD 或 RFC 3339："+s)
		} else {
			n.PublishedAt = t.UnixMilli()
		}
	}
	if _, ok := NewsKinds[n.Kind]; !ok {
		fe.Add("kind", "类别须为 news（执法动态）或 notice（通知公告）")
	}
	if n.Title == "" {
		fe.Add("title", "标题不能为空")
	} else if utf8.RuneCountInString(n.Title) > 200 {
		fe.Add("title", "标题不能超过 200 个字")
	}
	if n.Body == "" {
		fe.Add("body", "正文不能为空")
	} else if utf8.RuneCountInString(n.Body) > 100000 {
		fe.Add("body", "正文不能超过 10 万字")
	}
	return fe.Err()
}

// CreateNews publishes an item for an org (default: the caller's).
func CreateNews(ctx context.Context, db *store.DB, p *auth.Principal, in NewsInput) (News, error) {
	n := News{Kind: KindNews, PublishedAt: Now().UnixMilli()}
	var err error
	if n.OrgID, _, _, err = newOwner(ctx, db, p, in.OrgID, "执法动态"); err != nil {
		return News{}, err
	}
	if err := in.apply(&n); err != nil {
		return News{}, err
	}
	if err := mayPin(p, false, n.Pinned); err != nil {
		return News{}, err
	}
	now := Now().UnixMilli()
	err = db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO reference_news (kind, title, body, org_id, published_at, pinned, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, n.Kind, n.Title, n.Body, n.OrgID, n.PublishedAt, n.Pinned, creator(p), now, now).Scan(&n.ID); err != nil {
			return fmt.Errorf("reference: insert news: %w", err)
		}
		n.Version = 1
		return audit.Record(ctx, tx, p.Actor(), audit.Entry{Action: "news.create", ObjectType: "news", ObjectID: fmt.Sprint(n.ID), After: n})
	})
	if err != nil {
		return News{}, err
	}
	return GetNews(ctx, db, p, n.ID)
}

// UpdateNews changes an item; version must be the current one.
func UpdateNews(ctx context.Context, db *store.DB, p *auth.Principal, id int64, in NewsInput) (News, error) {
	old, err := GetNews(ctx, db, p, id)
	if err != nil {
		return News{}, err
	}
	if err := mayChangeOwned(p, "执法动态", old.OrgID, in.OrgID, "不能更改发布单位", in.Version, old.Version); err != nil {
		return News{}, err
	}
	n := old
	if err := in.apply(&n); err != nil {
		return News{}, err
	}
	if err := mayPin(p, old.Pinned, n.Pinned); err != nil {
		return News{}, err
	}
	err = db.InTx(ctx, func(tx *store.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE reference_news SET kind = ?, title = ?, body = ?, published_at = ?, pinned = ?, updated_at = ?,
			version = version + 1 WHERE id = ? AND version = ?`, n.Kind, n.Title, n.Body, n.PublishedAt, n.Pinned, Now().UnixMilli(), id, old.Version)
		if err != nil {
			return fmt.Errorf("reference: update news: %w", err)
		}
		if err := versionBumped(res); err != nil {
			return err
		}
		n.Version = old.Version + 1
		return audit.Record(ctx, tx, p.Actor(), audit.Entry{Action: "news.update", ObjectType: "news", ObjectID: fmt.Sprint(id), Before: old, After: n})
	})
	if err != nil {
		return News{}, err
	}
	return GetNews(ctx, db, p, id)
}

// DeleteNews removes an item.
func DeleteNews(ctx context.Context, db *store.DB, p *auth.Principal, id int64) error {
	old, err := GetNews(ctx, db, p, id)
	if err != nil {
		return err
	}
	if err := mayManageOrg(p, auth.PermReferenceManage, old.OrgID, "执法动态"); err != nil {
		return err
	}
	return deleteOne(ctx, db, p, "reference_news", "news", id, "news.delete", "news", old)
}
