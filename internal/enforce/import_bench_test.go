package enforce_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/xingjian/xingjian/internal/demo"
	"github.com/xingjian/xingjian/internal/enforce"
	"github.com/xingjian/xingjian/internal/store"
	"github.com/xingjian/xingjian/internal/store/storetest"
)

// BenchmarkImport measures a whole file import — reading, validation,
// normalisation, storage with every index, the batch record — of a
// generated national-layout CSV (demo.WriteCSV) into an agency with no
// records yet, then the same file again (every row unchanged). Rows:
// XJ_BENCH_IMPORT_ROWS (default 100,000; 1,000,000 for docs/benchmarks.md).
//
//	XJ_BENCH_IMPORT_ROWS=1000000 XJ_TEST_PG=… go test -run '^$' -bench Import -benchtime 1x -timeout 60m ./internal/enforce/
func BenchmarkImport(b *testing.B) {
	n := 100_000
	if v := os.Getenv("XJ_BENCH_IMPORT_ROWS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			b.Fatal(err)
		}
	}
	path := filepath.Join(b.TempDir(), "penalties.csv")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := demo.WriteCSV(f, n, 1); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		b.Run(string(d), func(b *testing.B) {
			if d == store.Postgres && os.Getenv(storetest.PGEnv) == "" {
				b.Skip(storetest.PGEnv + " not set")
			}
			for b.Loop() {
				b.StopTimer()
				db := storetest.Open(b, d, true)
				ctx := context.Background()
				if _, err := demo.Seed(ctx, db); err != nil {
					b.Fatal(err)
				}
				var agency int64
				if err := db.QueryRowContext(ctx, "SELECT id FROM orgs WHERE code = 'SCJG'").Scan(&agency); err != nil {
					b.Fatal(err)
				}
				admin := principal(b, db, "admin")
				im := enforce.NewImporter(db)
				imp := func() (enforce.Report, time.Duration) {
					f, err := os.Open(path)
					if err != nil {
						b.Fatal(err)
					}
					defer f.Close()
					st, _ := f.Stat()
					start := time.Now()
					rep, err := im.ImportFile(ctx, admin, enforce.FileImport{AgencyID: agency, FileName: "penalties.csv", File: f, Size: st.Size()})
					if err != nil {
						b.Fatal(err)
					}
					return rep, time.Since(start)
				}
				b.StartTimer()
				first, took := imp()
				b.StopTimer()
				if first.Inserted != n || first.Rejected != 0 {
					b.Fatalf("first import: %d inserted, %d rejected (%v) of %d", first.Inserted, first.Rejected, first.Rejects[:min(3, len(first.Rejects))], n)
				}
				b.ReportMetric(float64(n)/took.Seconds(), "rows/s")
				again, took2 := imp()
				if again.Unchanged != n {
					b.Fatalf("re-import: %+v", again)
				}
				b.ReportMetric(float64(n)/took2.Seconds(), "reimport-rows/s")
				fmt.Fprintf(os.Stderr, "%s: %d rows: import %v (%.0f rows/s), re-import %v (%.0f rows/s)\n", d, n,
					took.Round(time.Millisecond), float64(n)/took.Seconds(), took2.Round(time.Millisecond), float64(n)/took2.Seconds())
				b.StartTimer()
			}
		})
	}
}
