package supervise_test

import (
	"context"
	"encoding/json"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/xingjian/xingjian/internal/audit"
	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/calendar"
	"github.com/xingjian/xingjian/internal/calendar/caldb"
	"github.com/xingjian/xingjian/internal/dataset"
	"github.com/xingjian/xingjian/internal/demo"
	"github.com/xingjian/xingjian/internal/store"
	"github.com/xingjian/xingjian/internal/store/storetest"
	"github.com/xingjian/xingjian/internal/supervise"
)

// newEngine prepares a migrated database for models: the dataset tables, the
// working-day calendar and the built-in catalogue.
func newEngine(t testing.TB, db *store.DB) *supervise.Engine {
	t.Helper()
	ctx := context.Background()
	if err := dataset.Sync(ctx, db); err != nil {
		t.Fatal(err)
	}
	if _, err := caldb.SyncDays(ctx, db, calendar.Embedded()); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, supervise.Shanghai)
	if err := supervise.Sync(ctx, db, now); err != nil {
		t.Fatal(err)
	}
	e := supervise.NewEngine(db, dataset.NewRegistry(db))
	e.Now = func() time.Time { return now }
	return e
}

// planted maps a demo plant kind to the models that must find it.
var planted = map[string][]string{
	demo.PlantSimpleOverLimit:       {"m20_simple_over_limit"},
	demo.PlantDecisionLate:          {"m21_decision_late"},
	demo.PlantServiceLate:           {"m21_service_late"},
	demo.PlantDuplicateFine:         {"m22_duplicate_fine"},
	demo.PlantLimitationExpired:     {"m23_limitation_expired"},
	demo.PlantNotTransferred:        {"m17_fake_goods_not_transferred", "m17_farmland_not_transferred"},
	demo.PlantRepeatNotTransferred:  {"m17_repeat_pollution", "m17_repeat_farmland", "m17_repeat_medical", "m17_repeat_mining"},
	demo.PlantEnforcementNotApplied: {"m13_enforcement_not_applied"},
	demo.PlantEnforcementLate:       {"m13_enforcement_applied_late"},
	demo.PlantHearingNotNotified:    {"m00_hearing_not_notified"},
	demo.PlantRemedyNotNotified:     {"m00_remedy_not_notified"},
}

// TestDemoPenaltyModels is the acceptance test on enforcement data: on the
// demo district, the penalty models raise exactly the planted records — every
// one, and nothing else — and a second run changes nothing.
func TestDemoPenaltyModels(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := demo.Seed(ctx, db); err != nil {
			t.Fatal(err)
		}
		sum, err := demo.SeedRecords(ctx, db, 20000, 1, nil)
		if err != nil {
			t.Fatal(err)
		}
		e := newEngine(t, db)
		var ids []string
		for _, ms := range planted {
			ids = append(ids, ms...)
		}
		ids = append(ids, "m23_surcharge_over_fine")
		sort.Strings(ids)
		runs, err := e.Run(ctx, supervise.RunRequest{Models: ids, AsOf: sum.Today, Trigger: "test", Actor: audit.System("test")})
		if err != nil {
			t.Fatal(err)
		}
		hits := map[string]int{}
		for _, r := range runs {
			if r.Status != supervise.StatusDone {
				t.Fatalf("%s: %s %s", r.ModelID, r.Status, r.Error)
			}
			if r.RowsScanned != 20000 {
				t.Errorf("%s scanned %d rows", r.ModelID, r.RowsScanned)
			}
			hits[r.ModelID] = r.Hits
		}
		for kind, models := range planted {
			want := sum.Planted[kind]
			if len(want) == 0 {
				t.Fatalf("demo planted no %s", kind)
			}
			got := leadDocNos(t, db, models)
			if !slices.Equal(got, want) {
				t.Errorf("%s: models %v found %d records, %d planted\nmissed: %v\nextra: %v", kind, models, len(got), len(want),
					minus(want, got), minus(got, want))
			}
		}
		if hits["m23_surcharge_over_fine"] != 0 {
			t.Errorf("surcharge model fired %d times on clean demo data", hits["m23_surcharge_over_fine"])
		}
		// Re-running changes nothing.
		var before int
		db.QueryRowContext(ctx, `SELECT COUNT(*) FROM leads`).Scan(&before)
		again, err := e.Run(ctx, supervise.RunRequest{Models: ids, AsOf: sum.Today, Trigger: "test", Actor: audit.System("test")})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range again {
			if r.NewLeads != 0 || r.Changed != 0 || r.Hits != hits[r.ModelID] {
				t.Errorf("re-run of %s: %+v", r.ModelID, r)
			}
		}
		var after int
		db.QueryRowContext(ctx, `SELECT COUNT(*) FROM leads`).Scan(&after)
		if after != before {
			t.Errorf("re-run: %d leads, was %d", after, before)
		}
	})
}

// leadDocNos returns the sorted document numbers of the leads of models.
func leadDocNos(t *testing.T, db *store.DB, models []string) []string {
	t.Helper()
	args := make([]any, len(models))
	for i, m := range models {
		args[i] = m
	}
	rows, err := db.QueryContext(context.Background(), `SELECT evidence FROM leads WHERE model_id IN (`+store.Placeholders(len(models))+`)`, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var ev string
		if err := rows.Scan(&ev); err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(ev), &m); err != nil {
			t.Fatalf("evidence %q: %v", ev, err)
		}
		out = append(out, m["p.doc_no"].(string))
	}
	sort.Strings(out)
	return slices.Compact(out)
}

func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	if len(out) > 10 {
		return append(out[:10], "…")
	}
	return out
}

// TestDemoDatasetModels is the acceptance test on reference datasets: the
// demo's datasets (imported through the dataset importer, as an agency's file
// would be) make each dataset model raise exactly its planted subjects and
// none of the near misses.
func TestDemoDatasetModels(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := demo.Seed(ctx, db); err != nil {
			t.Fatal(err)
		}
		// A few penalties are enough: the dataset models read them only for
		// m16 (a penalty after a non-prosecution), and the demo's m16 people
		// are born in years the penalty generator never uses.
		if _, err := demo.SeedRecords(ctx, db, 2000, demo.DefaultSeed, nil); err != nil {
			t.Fatal(err)
		}
		e := newEngine(t, db)
		admin, _ := auth.LookupRole(auth.RoleAdmin)
		start := time.Now()
		sum, err := demo.SeedDatasets(ctx, db, demo.DefaultSeed, demo.RecordsToday, dataset.RowsImporter(db, &auth.Principal{Username: "test", Role: admin}))
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("datasets seeded in %v", time.Since(start))
		runs, err := e.Run(ctx, supervise.RunRequest{Models: demo.DatasetModels, AsOf: demo.RecordsToday, Trigger: "test", Actor: audit.System("test")})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range runs {
			if r.Status != supervise.StatusDone {
				t.Fatalf("%s: %s %s", r.ModelID, r.Status, r.Error)
			}
			t.Logf("%s: %d ms", r.ModelID, r.DurationMS)
		}
		for _, id := range demo.DatasetModels {
			rows, err := db.QueryContext(ctx, `SELECT subject_key FROM leads WHERE model_id = ? ORDER BY subject_key`, id)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for rows.Next() {
				var s string
				rows.Scan(&s)
				got = append(got, s)
			}
			rows.Close()
			want := slices.Clone(sum.Planted[id])
			sort.Strings(want)
			if len(want) == 0 {
				t.Fatalf("%s: nothing planted", id)
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s: %d leads, %d planted\nmissed: %v\nextra: %v", id, len(got), len(want), minus(want, got), minus(got, want))
			}
			for _, nm := range sum.NearMiss[id] {
				if slices.Contains(got, nm) {
					t.Errorf("%s raised the near miss %s", id, nm)
				}
			}
		}
	})
}
