// Package audit keeps the append-only, hash-chained record of every change:
// who, when, from which org, what action on which object, and the object
// before and after. Each row's hash covers its content and the previous row's
// hash, so editing, deleting or inserting a row anywhere breaks the chain,
// which Verify walks.
package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/xingjian/xingjian/internal/store"
)

// Actor is who made a change. A zero UserID means the system itself (a
// migration, the demo seeder, the CLI run by an operator).
type Actor struct {
	UserID   int64
	Username string
	OrgID    int64
	IP       string
}

// System is the actor for changes made by the platform or an operator at the
// command line.
func System(name string) Actor { return Actor{Username: name} }

// Entry is one change to record.
type Entry struct {
	Action     string // e.g. "user.create", "org.update", "session.login"
	ObjectType string // e.g. "user"
	ObjectID   string
	Before     any // marshalled to JSON; nil for creations
	After      any // marshalled to JSON; nil for deletions
}

// Record appends an entry inside the caller's transaction, so the change and
// its audit row commit or roll back together. Taking the audit_head row lock
// serialises appends across connections and replicas.
func Record(ctx context.Context, tx *store.Tx, actor Actor, e Entry) error {
	before, err := marshal(e.Before)
	if err != nil {
		return fmt.Errorf("audit: marshal before: %w", err)
	}
	after, err := marshal(e.After)
	if err != nil {
		return fmt.Errorf("audit: marshal after: %w", err)
	}
	lock := "SELECT seq, hash FROM audit_head WHERE id = 1"
	if tx.Dialect() == store.Postgres {
		lock += " FOR UPDATE"
	}
	var seq int64
	var prev string
	if err := tx.QueryRowContext(ctx, lock).Scan(&seq, &prev); err != nil {
		return fmt.Errorf("audit: read chain head: %w", err)
	}
	row := Row{
		ID: seq + 1, At: time.Now().UnixMilli(), UserID: actor.UserID, Username: actor.Username,
		OrgID: actor.OrgID, Action: e.Action, ObjectType: e.ObjectType, ObjectID: e.ObjectID,
		Before: before, After: after, IP: actor.IP, PrevHash: prev,
	}
	row.Hash = row.computeHash()
	_, err = tx.ExecContext(ctx, `INSERT INTO audit_log
		(id, at, user_id, username, org_id, action, object_type, object_id, before_json, after_json, ip, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		row.ID, row.At, nullID(row.UserID), row.Username, nullID(row.OrgID), row.Action, row.ObjectType, row.ObjectID,
		nullStr(row.Before), nullStr(row.After), row.IP, row.PrevHash, row.Hash)
	if err != nil {
		return fmt.Errorf("audit: append: %w", err)
	}
	if _, err := tx.ExecContext(ctx, "UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", row.ID, row.Hash); err != nil {
		return fmt.Errorf("audit: move chain head: %w", err)
	}
	return nil
}

func marshal(v any) (string, error) {
	if v == nil {
		return "", nil
	}
	if raw, ok := v.(json.RawMessage); ok {
		return string(raw), nil
	}
	b, err := json.Marshal(v)
	return string(b), err
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// Row is a stored audit row.
type Row struct {
	ID         int64
	At         int64 // Unix ms
	UserID     int64
	Username   string
	OrgID      int64
	OrgName    string // filled by List
	Action     string
	ObjectType string
	ObjectID   string
	Before     string // JSON or ""
	After      string // JSON or ""
	IP         string
	PrevHash   string
	Hash       string
}

// computeHash is SHA-256 over the previous hash and every field, each
// length-prefixed so that no two different rows serialise alike.
func (r Row) computeHash() string {
	h := sha256.New()
	for _, f := range []string{
		r.PrevHash, strconv.FormatInt(r.ID, 10), strconv.FormatInt(r.At, 10),
		strconv.FormatInt(r.UserID, 10), r.Username, strconv.FormatInt(r.OrgID, 10),
		r.Action, r.ObjectType, r.ObjectID, r.Before, r.After, r.IP,
	} {
		fmt.Fprintf(h, "%d:%s;", len(f), f)
	}
	return hex.EncodeToString(h.Sum(nil))
}

const genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// Problem is one break in the chain.
type Problem struct {
	ID      int64  `json:"id"`
	Problem string `json:"problem"`
}

// Report is the outcome of Verify.
type Report struct {
	OK       bool      `json:"ok"`
	Rows     int64     `json:"rows"`
	Head     string    `json:"head"`
	Problems []Problem `json:"problems"`
}

// maxProblems bounds the report: one broken row usually breaks every row's
// link after it only once, but a wholesale rewrite should not flood the UI.
const maxProblems = 100

// Verify walks the whole chain in id order and reports every row whose hash
// does not match its content, whose link to the previous row is broken, or
// whose id leaves a gap; and a head that does not match the last row (rows
// deleted from the end).
func Verify(ctx context.Context, db store.Querier) (Report, error) {
	rep := Report{OK: true, Problems: []Problem{}}
	add := func(id int64, msg string) {
		rep.OK = false
		if len(rep.Problems) < maxProblems {
			rep.Problems = append(rep.Problems, Problem{id, msg})
		}
	}
	rows, err := db.QueryContext(ctx, `SELECT id, at, COALESCE(user_id, 0), username, COALESCE(org_id, 0), action,
		object_type, object_id, COALESCE(before_json, ''), COALESCE(after_json, ''), ip, prev_hash, hash
		FROM audit_log ORDER BY id`)
	if err != nil {
		return rep, fmt.Errorf("audit: read log: %w", err)
	}
	defer rows.Close()
	prevHash, prevID := genesis, int64(0)
	for rows.Next() {
		var r Row
		if err := rows.Scan(&r.ID, &r.At, &r.UserID, &r.Username, &r.OrgID, &r.Action, &r.ObjectType, &r.ObjectID,
			&r.Before, &r.After, &r.IP, &r.PrevHash, &r.Hash); err != nil {
			return rep, fmt.Errorf("audit: scan log: %w", err)
		}
		rep.Rows++
		if r.ID != prevID+1 {
			add(r.ID, fmt.Sprintf("第 %d 至 %d 条审计记录缺失（已被删除）", prevID+1, r.ID-1))
		}
		if r.PrevHash != prevHash {
			add(r.ID, fmt.Sprintf("第 %d 条记录与上一条的链接不符（前序记录被修改、删除或插入）", r.ID))
		}
		if r.computeHash() != r.Hash {
			add(r.ID, fmt.Sprintf("第 %d 条记录的内容与其哈希不符（记录被篡改）", r.ID))
		}
		prevHash, prevID = r.Hash, r.ID
	}
	if err := rows.Err(); err != nil {
		return rep, fmt.Errorf("audit: read log: %w", err)
	}
	var headSeq int64
	var headHash string
	if err := db.QueryRowContext(ctx, "SELECT seq, hash FROM audit_head WHERE id = 1").Scan(&headSeq, &headHash); err != nil {
		return rep, fmt.Errorf("audit: read chain head: %w", err)
	}
	if headSeq != prevID || headHash != prevHash {
		add(headSeq, fmt.Sprintf("链头记录为第 %d 条，但日志末条为第 %d 条（末尾记录被删除或链头被改动）", headSeq, prevID))
	}
	rep.Head = prevHash
	return rep, nil
}

// Filter selects rows for List. Zero values mean "any".
type Filter struct {
	UserID     int64
	ObjectType string
	ObjectID   string
	Action     string
	From, To   int64 // Unix ms, inclusive From, exclusive To
	Before     int64 // cursor: rows with id < Before
	Limit      int
}

// List returns rows newest first, and the total matching the filter.
func List(ctx context.Context, db store.Querier, f Filter) ([]Row, int, error) {
	var where []string
	var args []any
	if f.UserID != 0 {
		where, args = append(where, "a.user_id = ?"), append(args, f.UserID)
	}
	if f.ObjectType != "" {
		where, args = append(where, "a.object_type = ?"), append(args, f.ObjectType)
	}
	if f.ObjectID != "" {
		where, args = append(where, "a.object_id = ?"), append(args, f.ObjectID)
	}
	if f.Action != "" {
		where, args = append(where, "a.action = ?"), append(args, f.Action)
	}
	if f.From != 0 {
		where, args = append(where, "a.at >= ?"), append(args, f.From)
	}
	if f.To != 0 {
		where, args = append(where, "a.at < ?"), append(args, f.To)
	}
	cond := "1 = 1"
	if len(where) > 0 {
		cond = strings.Join(where, " AND ")
	}
	var total int
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_log a WHERE "+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("audit: count: %w", err)
	}
	if f.Before != 0 {
		cond += " AND a.id < ?"
		args = append(args, f.Before)
	}
	rows, err := db.QueryContext(ctx, `SELECT a.id, a.at, COALESCE(a.user_id, 0), a.username, COALESCE(a.org_id, 0),
		COALESCE(o.name, ''), a.action, a.object_type, a.object_id, COALESCE(a.before_json, ''), COALESCE(a.after_json, ''),
		a.ip, a.prev_hash, a.hash
		FROM audit_log a LEFT JOIN orgs o ON o.id = a.org_id WHERE `+cond+` ORDER BY a.id DESC LIMIT ?`,
		append(args, f.Limit)...)
	if err != nil {
		return nil, 0, fmt.Errorf("audit: list: %w", err)
	}
	defer rows.Close()
	var out []Row
	for rows.Next() {
		var r Row
		if err := rows.Scan(&r.ID, &r.At, &r.UserID, &r.Username, &r.OrgID, &r.OrgName, &r.Action, &r.ObjectType,
			&r.ObjectID, &r.Before, &r.After, &r.IP, &r.PrevHash, &r.Hash); err != nil {
			return nil, 0, fmt.Errorf("audit: scan: %w", err)
		}
		out = append(out, r)
	}
	return out, total, rows.Err()
}

// ErrTampered is returned by VerifyOrErr when the chain is broken.
var ErrTampered = errors.New("audit log chain is broken")

// VerifyOrErr is Verify for the command line: an error when anything is wrong.
func VerifyOrErr(ctx context.Context, db store.Querier) (Report, error) {
	rep, err := Verify(ctx, db)
	if err != nil {
		return rep, err
	}
	if !rep.OK {
		return rep, ErrTampered
	}
	return rep, nil
}
