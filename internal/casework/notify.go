package casework

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/calendar"
	"github.com/xingjian/xingjian/internal/store"
)

// target is who a notification is for: one user, or every user of an org
// (optionally only those holding role).
type target struct {
	user int64
	org  int64
	role string
}

// notify writes a notification once per dedup key (a second sweeper on
// another replica, or a retried request, writes nothing).
func notify(ctx context.Context, tx *store.Tx, t target, kind, title, body, link, dedup string, now time.Time) error {
	var user, org any
	if t.user != 0 {
		user = t.user
	}
	if t.org != 0 {
		org = t.org
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO notifications (user_id, org_id, role, kind, title, body, link, dedup_key, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedup_key) DO NOTHING`, user, org, t.role, kind, title, body, link, dedup, now.UnixMilli())
	if err != nil {
		return fmt.Errorf("casework: notify: %w", err)
	}
	return nil
}

// Notification is one inbox message.
type Notification struct {
	ID        int64  `json:"id"`
	Kind      string `json:"kind"`
	Title     string `json:"title"`
	Body      string `json:"body"`
	Link      string `json:"link"`
	CreatedAt Time   `json:"created_at"`
	ReadAt    *Time  `json:"read_at"`
}

// mine is the condition for notifications addressed to p.
func mine(p *auth.Principal) (string, []any) {
	return `(n.user_id = ? OR (n.user_id IS NULL AND n.org_id = ? AND (n.role = '' OR n.role = ?)))`, []any{p.UserID, p.OrgID, p.Role.Code}
}

// Notifications lists p's messages, newest first.
func (s *Service) Notifications(ctx context.Context, p *auth.Principal, unread bool, limit, offset int) (int, []Notification, error) {
	cond, args := mine(p)
	q := ` FROM notifications n LEFT JOIN notification_reads r ON r.notification_id = n.id AND r.user_id = ? WHERE ` + cond
	args = append([]any{p.UserID}, args...)
	if unread {
		q += ` AND r.read_at IS NULL`
	}
	var total int
	if err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*)`+q, args...).Scan(&total); err != nil {
		return 0, nil, fmt.Errorf("casework: count notifications: %w", err)
	}
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT n.id, n.kind, n.title, n.body, n.link, n.created_at, r.read_at`+q+
		` ORDER BY n.id DESC LIMIT `+strconv.Itoa(limit)+` OFFSET `+strconv.Itoa(max(0, offset)), args...)
	if err != nil {
		return 0, nil, fmt.Errorf("casework: notifications: %w", err)
	}
	defer rows.Close()
	out := []Notification{}
	for rows.Next() {
		var n Notification
		if err := rows.Scan(&n.ID, &n.Kind, &n.Title, &n.Body, &n.Link, &n.CreatedAt, &n.ReadAt); err != nil {
			return 0, nil, err
		}
		out = append(out, n)
	}
	return total, out, rows.Err()
}

// MarkRead marks the given messages (or all when ids is empty and all is
// set) as read for p; ids not addressed to p are ignored.
func (s *Service) MarkRead(ctx context.Context, p *auth.Principal, ids []int64, all bool) (int, error) {
	cond, args := mine(p)
	q := `SELECT n.id FROM notifications n WHERE ` + cond + ` AND NOT EXISTS (SELECT 1 FROM notification_reads r WHERE r.notification_id = n.id AND r.user_id = ?)`
	args = append(args, p.UserID)
	if !all {
		if len(ids) == 0 {
			return 0, nil
		}
		if len(ids) > 1000 {
			return 0, invalid("ids", "一次最多标记 1000 条")
		}
		q += ` AND n.id IN (` + store.Placeholders(len(ids)) + `)`
		for _, id := range ids {
			args = append(args, id)
		}
	}
	n := 0
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		var todo []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			todo = append(todo, id)
		}
		rows.Close()
		now := s.now().UnixMilli()
		for _, id := range todo {
			if _, err := tx.ExecContext(ctx, `INSERT INTO notification_reads (notification_id, user_id, read_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, id, p.UserID, now); err != nil {
				return err
			}
		}
		n = len(todo)
		return nil
	})
	return n, err
}

// Sweep sends the deadline reminders due at now: seven days and one day
// before the reply deadline, on the day, and once overdue — to the
// recipient org and the prosecutor. Each goes out once (dedup key), so
// every replica may sweep. It returns how many reminders were written.
func (s *Service) Sweep(ctx context.Context) (int, error) {
	today := s.today()
	rows, err := s.DB.QueryContext(ctx, `SELECT s.id, s.case_id, s.doc_no, s.title, s.recipient_org_id, COALESCE(o.name, ''), c.prosecutor_id, CAST(s.due_on AS TEXT)
		FROM suggestions s JOIN cases c ON c.id = s.case_id LEFT JOIN orgs o ON o.id = s.recipient_org_id
		WHERE s.status = 'awaiting_reply' AND s.due_on IS NOT NULL AND s.due_on <= ?`, dateStr(today.AddDays(7)))
	if err != nil {
		return 0, fmt.Errorf("casework: sweep: %w", err)
	}
	type due struct {
		id, caseID, org, prosecutor int64
		doc                         *string
		title, orgName, dueOn       string
	}
	var list []due
	for rows.Next() {
		var d due
		if err := rows.Scan(&d.id, &d.caseID, &d.doc, &d.title, &d.org, &d.orgName, &d.prosecutor, &d.dueOn); err != nil {
			rows.Close()
			return 0, err
		}
		list = append(list, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	sent := 0
	now := s.now()
	for _, d := range list {
		dueOn, err := calendar.ParseDate(d.dueOn[:min(10, len(d.dueOn))])
		if err != nil {
			continue
		}
		left := dueOn.Sub(today)
		var stage, title string
		switch {
		case left < 0:
			stage, title = "overdue", fmt.Sprintf("检察建议回复已逾期：%s", derefStr(d.doc))
		case left == 0:
			stage, title = "d0", fmt.Sprintf("检察建议今日到期：%s", derefStr(d.doc))
		case left == 1:
			stage, title = "d1", fmt.Sprintf("检察建议明日到期：%s", derefStr(d.doc))
		case left <= 7:
			stage, title = "d7", fmt.Sprintf("检察建议 %d 日后到期：%s", left, derefStr(d.doc))
		default:
			continue
		}
		body := fmt.Sprintf("%s（%s），回复期限 %s。", d.title, d.orgName, d.dueOn[:10])
		err = s.DB.InTx(ctx, func(tx *store.Tx) error {
			var n1, n2 int
			var err error
			if n1, err = notifyCount(ctx, tx, target{org: d.org}, "deadline."+stage, title, body, fmt.Sprintf("/inbox/%d", d.id), fmt.Sprintf("due:%s:%d:org", stage, d.id), now); err != nil {
				return err
			}
			if n2, err = notifyCount(ctx, tx, target{user: d.prosecutor}, "deadline."+stage, title, body, fmt.Sprintf("/suggestions/%d", d.id), fmt.Sprintf("due:%s:%d:prosecutor", stage, d.id), now); err != nil {
				return err
			}
			if stage == "overdue" && n1+n2 > 0 {
				if err := event(ctx, tx, nil, d.caseID, d.id, "suggestion.overdue", "", "", "回复期限 "+d.dueOn[:10]+" 已届满，未收到书面回复", now); err != nil {
					return err
				}
			}
			sent += n1 + n2
			return nil
		})
		if err != nil {
			return sent, err
		}
	}
	return sent, nil
}

func notifyCount(ctx context.Context, tx *store.Tx, t target, kind, title, body, link, dedup string, now time.Time) (int, error) {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications WHERE dedup_key = ?`, dedup).Scan(&n); err != nil {
		return 0, err
	}
	if n > 0 {
		return 0, nil
	}
	return 1, notify(ctx, tx, t, kind, title, body, link, dedup, now)
}

// Sweeper runs Sweep every interval until ctx ends (serve starts it).
func (s *Service) Sweeper(ctx context.Context, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if n, err := s.Sweep(ctx); err != nil {
			if ctx.Err() != nil {
				return
			}
			log.Error("casework: reminder sweep", "err", err)
		} else if n > 0 {
			log.Info("casework: reminders sent", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
