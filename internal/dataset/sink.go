package dataset

import (
	"context"
	"fmt"
	"strings"

	"github.com/xingjian/xingjian/internal/batch"
	"github.com/xingjian/xingjian/internal/store"
)

// sink stores the valid rows of one batch of a dataset: a row whose key the
// agency has not stored is inserted, one with the same content left alone,
// one with other content updated in place (reference data keeps no
// revisions: the supplier's latest word is the fact).
type sink struct {
	kind              Kind
	agencyID, batchID int64
	now               int64
	fresh             bool // the agency had no rows: every row is new
	cols              []Column
	keyIdx            []int
	insertCols        []string
}

func (s *sink) Begin(ctx context.Context, tx *store.Tx) error {
	// (batch.Run has serialised the imports of this agency and kind.)
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM (SELECT 1 FROM "+s.kind.Table()+" WHERE agency_id = ? LIMIT 1) t", s.agencyID).Scan(&n); err != nil {
		return fmt.Errorf("dataset: rows of agency %d in %s: %w", s.agencyID, s.kind.Table(), err)
	}
	s.fresh = n == 0
	for _, c := range s.kind.Columns {
		if c.Expr == "" {
			s.cols = append(s.cols, c)
		}
	}
	for _, key := range s.kind.Keys {
		for i, c := range s.cols {
			if c.Name == key {
				s.keyIdx = append(s.keyIdx, i)
			}
		}
	}
	s.insertCols = append([]string{"agency_id", "batch_id", "content_hash", "flags", "created_at", "updated_at"}, s.kind.columnNames()...)
	return nil
}

func (s *sink) Finish(context.Context, *store.Tx) error { return nil }

func (s *sink) Close() {}

type stored struct {
	id   int64
	hash string
}

func (s *sink) Write(ctx context.Context, tx *store.Tx, rows []dsRow) (batch.Counts, error) {
	var c batch.Counts
	if len(rows) == 0 {
		return c, nil
	}
	have := map[string]stored{}
	if !s.fresh {
		var err error
		if have, err = s.lookup(ctx, tx, rows); err != nil {
			return c, err
		}
	}
	fresh := make([]dsRow, 0, len(rows))
	for i := range rows {
		r := &rows[i]
		old, ok := have[r.key]
		switch {
		case !ok:
			fresh = append(fresh, *r)
			c.Inserted++
		case old.hash == r.hash:
			c.Unchanged++
		default:
			if err := s.update(ctx, tx, r, old.id); err != nil {
				return c, err
			}
			c.Updated++
		}
		if r.flags != "" {
			c.Flagged++
		}
	}
	per := max(1, min(200, 8000/len(s.insertCols)))
	for len(fresh) > 0 {
		n := min(len(fresh), per)
		if err := s.insert(ctx, tx, fresh[:n]); err != nil {
			return c, err
		}
		fresh = fresh[n:]
	}
	return c, nil
}

// lookup reads the stored rows of the agency with the keys of rows, in
// groups (an OR of key equalities: each parameter takes its column's type
// on PostgreSQL, dates included).
func (s *sink) lookup(ctx context.Context, tx *store.Tx, rows []dsRow) (map[string]stored, error) {
	have := map[string]stored{}
	keyCols := make([]string, len(s.keyIdx))
	for j, i := range s.keyIdx {
		keyCols[j] = s.cols[i].Name
	}
	cond := "(" + strings.Join(keyCols, " = ? AND ") + " = ?)"
	per := max(1, 600/len(keyCols))
	for start := 0; start < len(rows); start += per {
		part := rows[start:min(len(rows), start+per)]
		args := make([]any, 0, 1+len(part)*len(keyCols))
		args = append(args, s.agencyID)
		conds := make([]string, len(part))
		for n := range part {
			conds[n] = cond
			for _, i := range s.keyIdx {
				args = append(args, part[n].vals[i])
			}
		}
		q, err := tx.QueryContext(ctx, "SELECT id, content_hash, "+strings.Join(keyCols, ", ")+" FROM "+s.kind.Table()+
			" WHERE agency_id = ? AND ("+strings.Join(conds, " OR ")+")", args...)
		if err != nil {
			return nil, fmt.Errorf("dataset: find stored rows of %s: %w", s.kind.Name, err)
		}
		err = func() error {
			defer q.Close()
			keys := make([]any, len(keyCols))
			for q.Next() {
				var st stored
				targets := []any{&st.id, &st.hash}
				for j := range keys {
					targets = append(targets, &keys[j])
				}
				if err := q.Scan(targets...); err != nil {
					return err
				}
				var b strings.Builder
				for j, i := range s.keyIdx {
					if j > 0 {
						b.WriteByte(0x1f)
					}
					b.WriteString(canon(s.cols[i].Type, keys[j]))
				}
				have[b.String()] = st
			}
			return q.Err()
		}()
		if err != nil {
			return nil, fmt.Errorf("dataset: find stored rows of %s: %w", s.kind.Name, err)
		}
	}
	return have, nil
}

func (s *sink) insert(ctx context.Context, tx *store.Tx, rows []dsRow) error {
	tuple := "(" + store.Placeholders(len(s.insertCols)) + ")"
	args := make([]any, 0, len(rows)*len(s.insertCols))
	for i := range rows {
		r := &rows[i]
		args = append(args, s.agencyID, s.batchID, r.hash, r.flags, s.now, s.now)
		args = append(args, r.vals...)
	}
	q := "INSERT INTO " + s.kind.Table() + " (" + strings.Join(s.insertCols, ", ") + ") VALUES " + strings.Repeat(tuple+", ", len(rows)-1) + tuple
	if _, err := tx.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("dataset: store rows of %s: %w", s.kind.Name, err)
	}
	return nil
}

func (s *sink) update(ctx context.Context, tx *store.Tx, r *dsRow, id int64) error {
	set := make([]string, len(s.cols))
	for i, c := range s.cols {
		set[i] = c.Name + " = ?"
	}
	args := append(append(make([]any, 0, len(r.vals)+5), r.vals...), r.hash, r.flags, s.batchID, s.now, id)
	if _, err := tx.ExecContext(ctx, "UPDATE "+s.kind.Table()+" SET "+strings.Join(set, ", ")+", content_hash = ?, flags = ?, batch_id = ?, updated_at = ? WHERE id = ?",
		args...); err != nil {
		return fmt.Errorf("dataset: update row %d of %s: %w", id, s.kind.Name, err)
	}
	return nil
}
