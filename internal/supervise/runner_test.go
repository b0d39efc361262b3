package supervise_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/xingjian/xingjian/internal/audit"
	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/casework"
	"github.com/xingjian/xingjian/internal/demo"
	"github.com/xingjian/xingjian/internal/store"
	"github.com/xingjian/xingjian/internal/store/storetest"
	"github.com/xingjian/xingjian/internal/supervise"
)

// seeded returns an engine over the demo district with 2,000 penalties.
func seeded(t *testing.T, db *store.DB) (*supervise.Engine, demo.Summary) {
	t.Helper()
	ctx := context.Background()
	if _, err := demo.Seed(ctx, db); err != nil {
		t.Fatal(err)
	}
	sum, err := demo.SeedRecords(ctx, db, 2000, 7, nil)
	if err != nil {
		t.Fatal(err)
	}
	return newEngine(t, db), sum
}

func count(t *testing.T, db *store.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestLeadLifecycle: a dismissed lead stays dismissed across re-runs; when
// its evidence changes it reopens, with the old evidence kept.
func TestLeadLifecycle(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e, sum := seeded(t, db)
		run := func() supervise.RunRecord {
			rs, err := e.Run(ctx, supervise.RunRequest{Models: []string{"m20_simple_over_limit"}, AsOf: sum.Today, Trigger: "test", Actor: audit.System("test")})
			if err != nil || rs[0].Status != supervise.StatusDone {
				t.Fatalf("run: %+v %v", rs, err)
			}
			return rs[0]
		}
		first := run()
		if first.Hits == 0 || first.NewLeads != first.Hits {
			t.Fatalf("first run: %+v", first)
		}
		total, leads, err := supervise.ListLeads(ctx, db, supervise.LeadFilter{ModelID: "m20_simple_over_limit"})
		if err != nil || total != first.Hits {
			t.Fatalf("leads: %d %v", total, err)
		}
		l := leads[0]
		if !strings.Contains(l.LegalBasis, "第五十一条") || l.Rule == "" || l.ModelVersion != 1 || !strings.Contains(string(l.Evidence), "p.fine_fen") {
			t.Fatalf("lead snapshot: %+v", l)
		}
		// Triage is casework's (one path for the API and here).
		role, _ := auth.LookupRole(auth.RoleProsecutor)
		pros := &auth.Principal{Username: "prosecutor", Role: role}
		var ve *casework.ValidationError
		if err := casework.New(db).TriageLead(ctx, pros, l.ID, casework.TriageInput{Status: supervise.LeadDismissed}); !errors.As(err, &ve) {
			t.Fatalf("dismiss without a reason: %v", err)
		}
		if err := casework.New(db).TriageLead(ctx, pros, l.ID, casework.TriageInput{Status: supervise.LeadDismissed, Note: "已核实为当场收缴的两笔罚款"}); err != nil {
			t.Fatal(err)
		}
		again := run()
		if again.NewLeads != 0 || again.Changed != 0 || again.Reopened != 0 {
			t.Fatalf("re-run: %+v", again)
		}
		if got, _ := supervise.GetLead(ctx, db, l.ID); got.Status != supervise.LeadDismissed {
			t.Fatalf("dismissed lead became %s", got.Status)
		}
		// The agency corrects the fine upwards: new evidence reopens it.
		var doc string
		if err := db.QueryRowContext(ctx, `SELECT evidence FROM leads WHERE id = ?`, l.ID).Scan(&doc); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, `UPDATE penalties SET fine_fen = fine_fen + 100 WHERE agency_id = ? AND ? = agency_id || '|' || doc_no`, *l.AgencyID, l.SubjectKey); err != nil {
			t.Fatal(err)
		}
		third := run()
		if third.Changed != 1 || third.Reopened != 1 || third.NewLeads != 0 {
			t.Fatalf("run after the change: %+v", third)
		}
		got, err := supervise.GetLead(ctx, db, l.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != supervise.LeadNew || got.Reopened != 1 || len(got.History) != 1 || string(got.History[0].Evidence) != doc || got.History[0].Status != supervise.LeadDismissed {
			t.Fatalf("reopened lead: %+v", got)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM audit_log WHERE action = 'lead.triage'`); n != 1 {
			t.Errorf("%d triage audit rows", n)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM model_hits`); n != 0 {
			t.Errorf("%d staged hits left behind", n)
		}
		p, err := supervise.Precisions(ctx, db)
		if err != nil || p["m20_simple_over_limit"].Leads != total {
			t.Fatalf("precision %+v %v", p, err)
		}
	})
}

// TestLease: a model whose lease another replica holds is skipped, not run
// twice; an expired lease is taken over.
func TestLease(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e, sum := seeded(t, db)
		if _, err := db.ExecContext(ctx, `INSERT INTO model_leases (model_id, holder, expires_at) VALUES ('m20_simple_over_limit', 'other-replica', ?)`,
			e.Now().Add(time.Minute).Unix()); err != nil {
			t.Fatal(err)
		}
		rs, err := e.Run(ctx, supervise.RunRequest{Models: []string{"m20_simple_over_limit", "m21_decision_late"}, AsOf: sum.Today, Trigger: "test"})
		if err != nil {
			t.Fatal(err)
		}
		if rs[0].Status != supervise.StatusSkipped || rs[1].Status != supervise.StatusDone {
			t.Fatalf("runs: %+v", rs)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM leads WHERE model_id = 'm20_simple_over_limit'`); n != 0 {
			t.Fatalf("%d leads from a model leased elsewhere", n)
		}
		if _, err := db.ExecContext(ctx, `UPDATE model_leases SET expires_at = ?`, e.Now().Add(-time.Second).Unix()); err != nil {
			t.Fatal(err)
		}
		rs, _ = e.Run(ctx, supervise.RunRequest{Models: []string{"m20_simple_over_limit"}, AsOf: sum.Today, Trigger: "test"})
		if rs[0].Status != supervise.StatusDone || rs[0].Hits == 0 {
			t.Fatalf("after expiry: %+v", rs[0])
		}
		if n := count(t, db, `SELECT COUNT(*) FROM model_leases`); n != 0 {
			t.Fatalf("%d leases left after the run", n)
		}
	})
}

// TestSelfCheck: an agency's self-check sees only its own records, writes
// only its own results and never a lead.
func TestSelfCheck(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e, sum := seeded(t, db)
		var agency int64
		if err := db.QueryRowContext(ctx, `SELECT agency_id FROM penalties WHERE procedure = 'simple' GROUP BY agency_id ORDER BY COUNT(*) DESC LIMIT 1`).Scan(&agency); err != nil {
			t.Fatal(err)
		}
		rs, err := e.Run(ctx, supervise.RunRequest{Mode: supervise.ModeSelfCheck, Agency: agency, AsOf: sum.Today, Trigger: "test"})
		if err != nil {
			t.Fatal(err)
		}
		hits := 0
		for _, r := range rs {
			if r.Status != supervise.StatusDone {
				t.Fatalf("%s: %s", r.ModelID, r.Error)
			}
			hits += r.Hits
		}
		if n := count(t, db, `SELECT COUNT(*) FROM leads`); n != 0 {
			t.Fatalf("self-check wrote %d leads", n)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM selfcheck_results WHERE agency_id <> ?`, agency); n != 0 {
			t.Fatalf("%d results of other agencies", n)
		}
		mine, err := supervise.SelfCheckResults(ctx, db, agency, "")
		if err != nil || len(mine) != hits {
			t.Fatalf("results %d, hits %d, %v", len(mine), hits, err)
		}
		// The district-wide run finds at least as much for this agency.
		all, _ := e.Run(ctx, supervise.RunRequest{AsOf: sum.Today, Trigger: "test"})
		_ = all
		if n := count(t, db, `SELECT COUNT(*) FROM leads WHERE agency_id = ? AND source = 'model'`, agency); n != hits {
			t.Errorf("district run: %d leads for the agency, self-check %d", n, hits)
		}
		// Re-running the self-check replaces, never accumulates.
		if _, err := e.Run(ctx, supervise.RunRequest{Mode: supervise.ModeSelfCheck, Agency: agency, AsOf: sum.Today, Trigger: "test"}); err != nil {
			t.Fatal(err)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM selfcheck_results`); n != hits {
			t.Errorf("after a second self-check: %d results, want %d", n, hits)
		}
	})
}

// TestBacktest: hits by month and agency, without leads, equal to what a
// run then raises.
func TestBacktest(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e, sum := seeded(t, db)
		m, err := supervise.Get(ctx, db, "m21_service_late")
		if err != nil {
			t.Fatal(err)
		}
		rows, c, err := e.Backtest(ctx, m.Spec, nil, sum.Today)
		if err != nil {
			t.Fatal(err)
		}
		total := 0
		for _, r := range rows {
			if len(r.Month) != 7 || r.AgencyID == nil || r.Hits <= 0 {
				t.Fatalf("row %+v", r)
			}
			total += r.Hits
		}
		if total == 0 || c.Select == "" {
			t.Fatal("back-test found nothing")
		}
		if n := count(t, db, `SELECT COUNT(*) FROM leads`); n != 0 {
			t.Fatalf("back-test wrote %d leads", n)
		}
		rs, _ := e.Run(ctx, supervise.RunRequest{Models: []string{"m21_service_late"}, AsOf: sum.Today, Trigger: "test"})
		if rs[0].Hits != total {
			t.Fatalf("back-test %d hits, run %d", total, rs[0].Hits)
		}
		// A parameter makes the back-test of a draft differ.
		wider, _, err := e.Backtest(ctx, m.Spec, map[string]any{"limit_working_days": 20}, sum.Today)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, r := range wider {
			n += r.Hits
		}
		if n >= total {
			t.Fatalf("20 working days: %d hits, 7: %d", n, total)
		}
	})
}

// TestUpdateAndUserModels: parameters within bounds make a new version that
// the next leads record; out of bounds is refused; user models are validated,
// start disabled, and cannot replace a built-in.
func TestUpdateAndUserModels(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e, sum := seeded(t, db)
		actor := audit.Actor{Username: "admin"}
		if _, err := e.Update(ctx, actor, "m20_simple_over_limit", supervise.Settings{Params: map[string]any{"person_limit_fen": float64(-1)}}); err == nil {
			t.Fatal("out-of-bounds parameter accepted")
		}
		m, err := e.Update(ctx, actor, "m20_simple_over_limit", supervise.Settings{Params: map[string]any{"person_limit_fen": float64(50000)}, Note: "本地标准"})
		if err != nil {
			t.Fatal(err)
		}
		if m.Revision != 2 {
			t.Fatalf("version %d", m.Revision)
		}
		rs, _ := e.Run(ctx, supervise.RunRequest{Models: []string{"m20_simple_over_limit"}, AsOf: sum.Today, Trigger: "test"})
		if n := count(t, db, `SELECT COUNT(*) FROM leads WHERE model_version = 2`); n != rs[0].Hits {
			t.Fatalf("%d leads of version 2, %d hits", n, rs[0].Hits)
		}
		vs, _ := supervise.Versions(ctx, db, "m20_simple_over_limit")
		if len(vs) != 2 || vs[0].Note != "本地标准" {
			t.Fatalf("versions %+v", vs)
		}
		if _, err := e.Update(ctx, actor, "m20_simple_over_limit", supervise.Settings{Schedule: ptr("每天两点")}); err == nil {
			t.Fatal("bad cron accepted")
		}
		if _, err := e.SaveUserModel(ctx, actor, strings.Replace(goodSpec, "id: t_fine", "id: m20_simple_over_limit", 1), true); !errors.Is(err, supervise.ErrBuiltin) {
			t.Fatalf("replacing a built-in: %v", err)
		}
		if _, err := e.SaveUserModel(ctx, actor, strings.Replace(goodSpec, "p.fine_fen, op", "p.fines, op", 1), true); err == nil {
			t.Fatal("invalid user model saved")
		}
		um, err := e.SaveUserModel(ctx, actor, goodSpec, true)
		if err != nil {
			t.Fatal(err)
		}
		if um.On || um.Builtin {
			t.Fatalf("user model %+v", um)
		}
		if _, err := e.SaveUserModel(ctx, actor, goodSpec, true); !errors.Is(err, supervise.ErrExists) {
			t.Fatalf("second create: %v", err)
		}
		if err := e.DeleteUserModel(ctx, actor, "t_fine"); err != nil {
			t.Fatal(err)
		}
		if _, err := supervise.Get(ctx, db, "t_fine"); !errors.Is(err, supervise.ErrNotFound) {
			t.Fatalf("deleted model: %v", err)
		}
	})
}

func ptr[T any](v T) *T { return &v }

// TestSchedule: a due model runs once per slot, and its next slot moves on.
func TestSchedule(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e, _ := seeded(t, db)
		if _, err := e.Update(ctx, audit.Actor{Username: "admin"}, "m20_simple_over_limit", supervise.Settings{Schedule: ptr("0 2 * * *")}); err != nil {
			t.Fatal(err)
		}
		base := e.Now()
		e.Now = func() time.Time { return base.Add(24 * time.Hour) }
		rs, err := e.Due(ctx)
		if err != nil || len(rs) != 1 || rs[0].ModelID != "m20_simple_over_limit" || rs[0].Trigger != "schedule" {
			t.Fatalf("due: %+v %v", rs, err)
		}
		rs, err = e.Due(ctx)
		if err != nil || len(rs) != 0 {
			t.Fatalf("second call in the same slot ran %d", len(rs))
		}
	})
}

// TestAnalyst: SELECTs over datasets run; anything else is refused before
// it runs; a query cannot write even past the check; long queries stop.
func TestAnalyst(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e, _ := seeded(t, db)
		res, err := e.Analyst(ctx, "SELECT agency_id, COUNT(*) AS n FROM penalties WHERE procedure = 'simple' GROUP BY agency_id ORDER BY n DESC;", supervise.AnalystLimits{})
		if err != nil || len(res.Rows) == 0 || len(res.Columns) != 2 {
			t.Fatalf("%+v %v", res, err)
		}
		res, err = e.Analyst(ctx, "SELECT id FROM penalties", supervise.AnalystLimits{MaxRows: 10})
		if err != nil || len(res.Rows) != 10 || !res.Truncated {
			t.Fatalf("limit: %+v %v", res, err)
		}
		for _, q := range []string{
			"DELETE FROM penalties",
			"UPDATE penalties SET fine_fen = 0",
			"SELECT 1; DELETE FROM penalties",
			"SELECT * FROM users",
			`SELECT * FROM "sessions"`,
			"WITH x AS (DELETE FROM penalties RETURNING id) SELECT * FROM x",
			"SELECT pg_sleep(10)",
			"SELECT * FROM sqlite_master",
			"SELECT set_config('x', 'y', false)",
			"SELECT * INTO copy_of FROM penalties",
			"",
		} {
			if _, err := e.Analyst(ctx, q, supervise.AnalystLimits{}); err == nil {
				t.Errorf("%q ran", q)
			} else {
				var qe *supervise.QueryError
				if !errors.As(err, &qe) {
					t.Errorf("%q: %v is not a QueryError", q, err)
				}
			}
		}
		// Strings and comments may mention anything.
		if _, err := e.Analyst(ctx, "SELECT 'DELETE FROM users' AS s -- update\nFROM calendar_days LIMIT 1", supervise.AnalystLimits{}); err != nil {
			t.Errorf("string literal refused: %v", err)
		}
		slow := "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT COUNT(*) FROM r"
		start := time.Now()
		_, err = e.Analyst(ctx, slow, supervise.AnalystLimits{Timeout: 300 * time.Millisecond})
		var qe *supervise.QueryError
		if !errors.As(err, &qe) || !strings.Contains(qe.Msg, "已终止") {
			t.Fatalf("slow query: %v", err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("timeout took %v", d)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM penalties`); n != 2000 {
			t.Fatalf("%d penalties left", n)
		}
	})
}

// TestReadOnlyAuthorizer: past the text check, SQLite itself refuses to
// compile a read of a table outside the allowed set, and a write.
func TestReadOnlyAuthorizer(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t, store.SQLite, true)
	allow := func(table string) bool { return table == "calendar_days" }
	run := func(q string) error {
		return db.ReadOnly(ctx, time.Second, allow, func(ctx context.Context, tx *store.Tx) error {
			rows, err := tx.QueryContext(ctx, q)
			if err != nil {
				return err
			}
			return rows.Close()
		})
	}
	if err := run("SELECT COUNT(*) FROM calendar_days"); err != nil {
		t.Fatalf("allowed read: %v", err)
	}
	for _, q := range []string{"SELECT * FROM users", "SELECT name FROM sqlite_master", "PRAGMA table_info(users)"} {
		if err := run(q); err == nil || !strings.Contains(err.Error(), "authoriz") {
			t.Errorf("%q: %v", q, err)
		}
	}
	// The authorizer leaves with the transaction: the pool's next reader
	// reads users again.
	var n int
	for range 8 {
		if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM users").Scan(&n); err != nil {
			t.Fatalf("pooled reader after the analyst query: %v", err)
		}
	}
}
