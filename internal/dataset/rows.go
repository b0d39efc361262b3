package dataset

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/xingjian/xingjian/internal/apperr"
	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/store"
)

// Filter narrows a dataset's rows.
type Filter struct {
	Q      string // a fragment of any text, ID number or credit code column
	Agency int64  // rows supplied by this org; 0 = any in scope
	Limit  int    // 50 when 0, at most 500
	Offset int
}

// MaxLimit bounds a page of rows.
const MaxLimit = 500

// Rows lists the rows of a reference dataset visible in scope (the district
// sees every supplier's rows, a supplier only its own), newest first, with
// the total matching. Each row maps the kind's column names to values —
// text as is, dates "YYYY-MM-DD" or nil, money as a yuan string with two
// places, int and bool or nil — and carries id, agency_id, agency_name,
// batch_id, flags (a list) and updated_at (Unix ms).
func Rows(ctx context.Context, q store.Querier, scope auth.Scope, kindName string, f Filter) (int, []map[string]any, error) {
	k, err := lookupKind(ctx, q, kindName)
	if err != nil {
		return 0, nil, err
	}
	if k.Enforcement {
		return 0, nil, apperr.New("validation_failed", fmt.Sprintf("“%s”是执法数据，请在执法数据中查询", k.Label))
	}
	if ok, err := tableExists(ctx, q, k.Table()); err != nil {
		return 0, nil, err
	} else if !ok {
		return 0, []map[string]any{}, nil // not synced yet (Sync runs at every start): no rows
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	f.Limit = min(f.Limit, MaxLimit)
	f.Offset = max(f.Offset, 0)
	where, args := scope.Where("d.agency_id")
	conds := []string{where}
	if f.Agency != 0 {
		conds = append(conds, "d.agency_id = ?")
		args = append(args, f.Agency)
	}
	if t := strings.TrimSpace(f.Q); t != "" {
		var ors []string
		for _, c := range k.Columns {
			if c.Type.Family() == "text" {
				cond, arg := store.ContainsLike("d."+c.Name, t)
				ors = append(ors, cond)
				args = append(args, arg)
			}
		}
		if len(ors) > 0 {
			conds = append(conds, "("+strings.Join(ors, " OR ")+")")
		}
	}
	from := " FROM " + k.Table() + " d WHERE " + strings.Join(conds, " AND ")
	var total int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*)"+from, args...).Scan(&total); err != nil {
		return 0, nil, fmt.Errorf("dataset: count rows of %s: %w", k.Name, err)
	}
	cols := k.columnNames()
	sel := "SELECT d.id, d.agency_id, COALESCE(o.name, ''), d.batch_id, d.flags, d.updated_at"
	for _, c := range cols {
		sel += ", d." + c
	}
	rows, err := q.QueryContext(ctx, sel+" FROM "+k.Table()+" d LEFT JOIN orgs o ON o.id = d.agency_id WHERE "+strings.Join(conds, " AND ")+
		" ORDER BY d.id DESC LIMIT "+strconv.Itoa(f.Limit)+" OFFSET "+strconv.Itoa(f.Offset), args...)
	if err != nil {
		return 0, nil, fmt.Errorf("dataset: list rows of %s: %w", k.Name, err)
	}
	defer rows.Close()
	types := make([]ColType, len(cols))
	for i, name := range cols {
		c, _ := k.Column(name)
		types[i] = c.Type
	}
	out := []map[string]any{}
	for rows.Next() {
		var id, agency, updated int64
		var agencyName, flags string
		var batchID sql.NullInt64
		vals := make([]any, len(cols))
		targets := []any{&id, &agency, &agencyName, &batchID, &flags, &updated}
		for i := range vals {
			targets = append(targets, &vals[i])
		}
		if err := rows.Scan(targets...); err != nil {
			return 0, nil, fmt.Errorf("dataset: read rows of %s: %w", k.Name, err)
		}
		m := map[string]any{"id": id, "agency_id": agency, "agency_name": agencyName, "updated_at": updated, "flags": splitFlags(flags)}
		if batchID.Valid {
			m["batch_id"] = batchID.Int64
		} else {
			m["batch_id"] = nil
		}
		for i, name := range cols {
			m[name] = render(types[i], vals[i])
		}
		out = append(out, m)
	}
	return total, out, rows.Err()
}

func splitFlags(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

// render turns a scanned value into its API form.
func render(t ColType, v any) any {
	if v == nil {
		if t.Family() == "text" {
			return ""
		}
		return nil
	}
	switch t {
	case Date:
		return canon(Date, v)
	case Money:
		n, err := strconv.ParseInt(canon(Int, v), 10, 64)
		if err != nil {
			return canon(Int, v)
		}
		return Yuan(n)
	case Int:
		n, err := strconv.ParseInt(canon(Int, v), 10, 64)
		if err != nil {
			return canon(Int, v)
		}
		return n
	case Bool:
		switch x := v.(type) {
		case bool:
			return x
		case int64:
			return x != 0
		}
		return canon(Bool, v) == "1"
	}
	return canon(t, v)
}

// Yuan renders fen as a yuan decimal string with two places.
func Yuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s%d.%02d", sign, fen/100, fen%100)
}

// RowCounts counts the rows of every reference dataset visible in scope,
// by kind name (enforcement kinds are not counted here).
func RowCounts(ctx context.Context, q store.Querier, scope auth.Scope, kinds []Kind) (map[string]int, error) {
	out := map[string]int{}
	where, args := scope.Where("agency_id")
	for _, k := range kinds {
		if k.Enforcement {
			continue
		}
		if ok, err := tableExists(ctx, q, k.Table()); err != nil {
			return nil, err
		} else if !ok {
			out[k.Name] = 0 // not synced yet: no rows
			continue
		}
		var n int
		if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+k.Table()+" WHERE "+where, args...).Scan(&n); err != nil {
			return nil, fmt.Errorf("dataset: count rows of %s: %w", k.Name, err)
		}
		out[k.Name] = n
	}
	return out, nil
}
