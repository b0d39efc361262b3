package batch_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/batch"
	"github.com/xingjian/xingjian/internal/store"
	"github.com/xingjian/xingjian/internal/store/storetest"
)

// memSink keeps what it is given; failAt > 0 makes the write that would
// reach that many records fail.
type memSink struct {
	got    []int
	chunks int
	failAt int
}

func (m *memSink) Begin(context.Context, *store.Tx) error { return nil }
func (m *memSink) Write(_ context.Context, _ *store.Tx, recs []int) (batch.Counts, error) {
	m.chunks++
	if len(recs) > batch.ChunkRows {
		return batch.Counts{}, fmt.Errorf("chunk of %d", len(recs))
	}
	if m.failAt > 0 && len(m.got)+len(recs) >= m.failAt {
		return batch.Counts{}, errors.New("disk full")
	}
	m.got = append(m.got, recs...)
	return batch.Counts{Inserted: len(recs)}, nil
}
func (m *memSink) Finish(context.Context, *store.Tx) error { return nil }
func (m *memSink) Close()                                  {}

// TestRun: rows flow in order and in chunks, every other row's reason is
// stored (more than one multi-row INSERT of rejects), the counts and the
// audit row are written; a sink failure half-way leaves nothing.
func TestRun(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var org int64
		err := db.InTx(ctx, func(tx *store.Tx) error {
			return tx.QueryRowContext(ctx, "INSERT INTO orgs (code, name, kind, created_at, updated_at) VALUES ('A', '甲局', 'agency', 0, 0) RETURNING id").Scan(&org)
		})
		if err != nil {
			t.Fatal(err)
		}
		p := &auth.Principal{Username: "tester", OrgID: org}
		const n = 2500
		src := func(ctx context.Context, emit func(line int, rec int, errs []batch.RowError) error) error {
			for i := range n {
				var errs []batch.RowError
				if i%2 == 0 {
					errs = []batch.RowError{{Line: i + 2, Column: "文号", Value: fmt.Sprint(i), Reason: "不能为空"}}
				}
				if err := emit(i+2, i, errs); err != nil {
					return err
				}
			}
			return nil
		}
		now := func() int64 { return time.Now().UnixMilli() }
		meta := batch.Meta{Kind: "penalty", AgencyID: org, Source: "file", FileName: "x.csv"}
		sink := &memSink{}
		var seen int
		rep, err := batch.Run(ctx, db, now, p, meta, func(rows int) { seen = rows }, src, func(int64, int64) batch.Sink[int] { return sink })
		if err != nil {
			t.Fatal(err)
		}
		rejected := n / 2
		if rep.Total != n || rep.Rejected != rejected || rep.Inserted != n-rejected || len(rep.Rejects) != batch.MaxReportRejects || seen != n {
			t.Fatalf("report: total %d rejected %d inserted %d rejects %d; progress %d", rep.Total, rep.Rejected, rep.Inserted, len(rep.Rejects), seen)
		}
		for i, v := range sink.got {
			if i > 0 && v <= sink.got[i-1] {
				t.Fatalf("out of order at %d: %d after %d", i, v, sink.got[i-1])
			}
		}
		var stored, total int
		if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM import_rejects WHERE batch_id = ?", rep.BatchID).Scan(&stored); err != nil || stored != rejected {
			t.Fatalf("stored rejects %d (%v), want %d", stored, err, rejected)
		}
		if err := db.QueryRowContext(ctx, "SELECT rows_total FROM import_batches WHERE id = ?", rep.BatchID).Scan(&total); err != nil || total != n {
			t.Fatalf("batch total %d %v", total, err)
		}
		var audits int
		if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_log WHERE action = 'penalty.import'").Scan(&audits); err != nil || audits != 1 {
			t.Fatalf("audit rows %d %v", audits, err)
		}

		_, err = batch.Run(ctx, db, now, p, meta, nil, src, func(int64, int64) batch.Sink[int] { return &memSink{failAt: 600} })
		if err == nil {
			t.Fatal("a failing sink must fail the batch")
		}
		var batches int
		if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM import_batches").Scan(&batches); err != nil || batches != 1 {
			t.Fatalf("batches after a failed run: %d %v", batches, err)
		}
		if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM import_rejects").Scan(&stored); err != nil || stored != rejected {
			t.Fatalf("rejects after a failed run: %d %v", stored, err)
		}
	})
}
