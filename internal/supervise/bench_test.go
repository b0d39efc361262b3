package supervise_test

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/xingjian/xingjian/internal/audit"
	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/dataset"
	"github.com/xingjian/xingjian/internal/demo"
	"github.com/xingjian/xingjian/internal/store"
	"github.com/xingjian/xingjian/internal/store/storetest"
	"github.com/xingjian/xingjian/internal/supervise"
)

// BenchmarkCatalogue runs the whole built-in catalogue over the demo district
// with XJ_BENCH_RECORDS penalties (default 20,000; the target is
// 1,000,000) and the demo reference datasets, on SQLite and, with XJ_TEST_PG,
// PostgreSQL. Each iteration is a full run (leads written; the first
// iteration creates them, later ones find them unchanged). It logs every
// model's time against the time of its bare SELECT (the same filter returning
// only ids), the engine's overhead:
//
//	XJ_BENCH_RECORDS=1000000 XJ_TEST_PG=… go test -run '^$' -bench Catalogue -benchtime 3x -timeout 60m ./internal/supervise/
func BenchmarkCatalogue(b *testing.B) {
	n := 20000
	if s := os.Getenv("XJ_BENCH_RECORDS"); s != "" {
		fmt.Sscan(s, &n)
	}
	engines := []store.Dialect{store.SQLite}
	if os.Getenv(storetest.PGEnv) != "" {
		engines = append(engines, store.Postgres)
	}
	for _, d := range engines {
		b.Run(string(d), func(b *testing.B) {
			ctx := context.Background()
			db := storetest.Open(b, d, true)
			if _, err := demo.Seed(ctx, db); err != nil {
				b.Fatal(err)
			}
			start := time.Now()
			if _, err := demo.SeedRecords(ctx, db, n, demo.DefaultSeed, nil); err != nil {
				b.Fatal(err)
			}
			e := newEngine(b, db)
			admin, _ := auth.LookupRole(auth.RoleAdmin)
			if _, err := demo.SeedDatasets(ctx, db, demo.DefaultSeed, demo.RecordsToday, dataset.RowsImporter(db, &auth.Principal{Username: "bench", Role: admin})); err != nil {
				b.Fatal(err)
			}
			if d == store.Postgres {
				// The steady state autovacuum reaches after a bulk load:
				// statistics and the visibility map (index-only scans).
				if _, err := db.ExecContext(ctx, "VACUUM ANALYZE"); err != nil {
					b.Fatal(err)
				}
			}
			fmt.Printf("%s: %d penalties and the demo datasets loaded in %v\n", d, n, time.Since(start).Round(time.Second))
			var last []supervise.RunRecord
			b.ResetTimer()
			for b.Loop() {
				rs, err := e.Run(ctx, supervise.RunRequest{AsOf: demo.RecordsToday, Trigger: "bench", Actor: audit.System("bench")})
				if err != nil {
					b.Fatal(err)
				}
				for _, r := range rs {
					if r.Status != supervise.StatusDone {
						b.Fatalf("%s: %s", r.ModelID, r.Error)
					}
				}
				last = rs
			}
			b.StopTimer()
			// The bare SELECT of every model, timed once each.
			models, _ := supervise.Models(ctx, db)
			bare := map[string]time.Duration{}
			for _, m := range models {
				c, err := e.Compile(ctx, m, demo.RecordsToday, 0)
				if err != nil {
					b.Fatal(err)
				}
				t := time.Now()
				rows, err := db.QueryContext(ctx, c.Bare)
				if err != nil {
					b.Fatal(err)
				}
				for rows.Next() {
				}
				rows.Close()
				bare[m.ID] = time.Since(t)
			}
			sort.Slice(last, func(i, j int) bool { return last[i].DurationMS > last[j].DurationMS })
			var sb strings.Builder
			var total int64
			fmt.Fprintf(&sb, "\n%-36s %8s %8s %8s %6s\n", "model", "run ms", "bare ms", "ratio", "hits")
			for _, r := range last {
				bm := float64(bare[r.ModelID].Microseconds()) / 1000
				ratio := "-"
				if bm >= 1 {
					ratio = fmt.Sprintf("%.1f×", float64(r.DurationMS)/bm)
				}
				fmt.Fprintf(&sb, "%-36s %8d %8.1f %8s %6d\n", r.ModelID, r.DurationMS, bm, ratio, r.Hits)
				total += r.DurationMS
			}
			fmt.Fprintf(&sb, "%-36s %8d\n", "total (last run)", total)
			fmt.Println(sb.String()) // b.Log truncates long output
		})
	}
}
