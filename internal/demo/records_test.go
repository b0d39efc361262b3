package demo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/xingjian/xingjian/internal/calendar"
	"github.com/xingjian/xingjian/internal/enforce"
	"github.com/xingjian/xingjian/internal/ident"
	"github.com/xingjian/xingjian/internal/store"
	"github.com/xingjian/xingjian/internal/store/storetest"
)

const (
	testRecords = 3000
	testSeed    = 42
)

// detectors are the plain SQL queries that find each planted kind: on the
// demo records each must return exactly the planted document numbers, so
// the clean records never trip them. Date arithmetic differs by engine.
func detectors(d store.Dialect) map[string]string {
	days := func(from, to string) string { // to − from, in days
		if d == store.Postgres {
			return "(" + to + " - " + from + ")"
		}
		return "CAST(julianday(" + to + ") - julianday(" + from + ") AS INTEGER)"
	}
	shift := func(col, n, unit string) string { // col ± n unit
		if d == store.Postgres {
			return "(" + col + " + INTERVAL '" + n + " " + unit + "')"
		}
		return "date(" + col + ", '" + n + " " + unit + "')"
	}
	// The category of a violation for the "≥ 2 penalties in 2 years then
	// again" rules (污染环境、非法占用农用地、非法采矿、非法行医).
	category := func(col string) string {
		return "CASE WHEN " + col + " IN ('HJ-SW-083-2', 'HJ-SW-083-3', 'HJ-DQ-099-2', 'HJ-GF-112', 'HJ-PW-033') THEN 'pollution'" +
			" WHEN " + col + " IN ('ZR-TD-077', 'LY-073') THEN 'farmland'" +
			" WHEN " + col + " = 'ZR-KC-039' THEN 'mining'" +
			" WHEN " + col + " IN ('WS-YS-059', 'WS-JK-099') THEN 'medical' END"
	}
	window := "julianday(decision_date) RANGE BETWEEN 730 PRECEDING AND 1 PRECEDING"
	if d == store.Postgres {
		window = "decision_date RANGE BETWEEN INTERVAL '2 years' PRECEDING AND INTERVAL '1 day' PRECEDING"
	}
	samePartyAB := "((a.party_uscc <> '' AND b.party_uscc = a.party_uscc) OR (a.party_id_no <> '' AND b.party_id_no = a.party_id_no))"
	// The act date is the start of the facts: "经查，当事人于YYYY年MM月DD日…".
	actPlus2y := "CASE WHEN facts LIKE '经查，当事人于____年__月__日%' THEN CAST(CAST(substr(facts, 8, 4) AS INTEGER) + 2 AS TEXT) || '-' || substr(facts, 13, 2) || '-' || substr(facts, 16, 2) END"
	return map[string]string{
		PlantSimpleOverLimit: `SELECT doc_no FROM penalties WHERE procedure = 'simple' AND (
			(party_kind IN ('natural_person', 'individual_business') AND fine_fen > 20000) OR (party_kind = 'legal_person' AND fine_fen > 300000))`,
		PlantDecisionLate: "SELECT doc_no FROM penalties WHERE filed_date IS NOT NULL AND " + days("filed_date", "decision_date") + " > 90",
		// 7 working days are at least 7 calendar days; the demo serves clean
		// decisions within 7 calendar days and planted ones after 10+ working
		// days (the test also checks the working days with the calendar).
		PlantServiceLate: "SELECT doc_no FROM penalties WHERE served_date > " + shift("decision_date", "+7", "days"),
		PlantDuplicateFine: `SELECT DISTINCT a.doc_no FROM penalties a JOIN penalties b ON b.id <> a.id AND b.violation_code = a.violation_code
			AND substr(b.facts, 8, 11) = substr(a.facts, 8, 11) AND ` + samePartyAB,
		PlantLimitationExpired: "SELECT doc_no FROM penalties WHERE " + actPlus2y + " < CAST(COALESCE(filed_date, decision_date) AS TEXT)",
		PlantNotTransferred: fmt.Sprintf(`SELECT doc_no FROM penalties WHERE transfer_date IS NULL AND (
			(violation_code = 'SC-CP-050' AND fine_fen >= %d) OR (violation_code = 'ZR-TD-077' AND fine_fen >= %d))`, FakeGoodsThresholdFen, FarmlandThresholdFen),
		// The earlier penalties of the same party and category within two
		// years before each one, as a window (index-free, 1 s at a million
		// records on PostgreSQL; SQLite counts the two years as 730 days).
		PlantRepeatNotTransferred: `SELECT doc_no FROM (
			SELECT doc_no, transfer_date, COUNT(*) OVER (PARTITION BY party_uscc, party_id_no, cat ORDER BY ` + window + `) AS prior
			FROM (SELECT doc_no, party_uscc, party_id_no, decision_date, transfer_date, ` + category("violation_code") + ` AS cat FROM penalties) x
			WHERE cat IS NOT NULL) y
			WHERE prior >= 2 AND transfer_date IS NULL`,
		// ? is RecordsToday − 9 months: served before it, the 6-month
		// litigation window and the 3 months after it have both passed.
		PlantEnforcementNotApplied: "SELECT doc_no FROM penalties WHERE fine_fen > 0 AND paid_date IS NULL AND court_apply_date IS NULL AND served_date < ?",
		PlantEnforcementLate:       "SELECT doc_no FROM penalties WHERE court_apply_date > " + shift("served_date", "+9", "months"),
		PlantHearingNotNotified: fmt.Sprintf(`SELECT doc_no FROM penalties WHERE hearing_notice = FALSE AND (
			(party_kind IN ('natural_person', 'individual_business') AND fine_fen >= %d) OR (party_kind = 'legal_person' AND fine_fen >= %d))`,
			hearingPersonYuan*100, hearingOrgYuan*100),
		PlantRemedyNotNotified: "SELECT doc_no FROM penalties WHERE remedy_notice = FALSE",
	}
}

func strings1(t *testing.T, db *store.DB, q string, args ...any) []string {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), q, args...)
	if err != nil {
		t.Fatalf("%v\n%s", err, q)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

func TestSeedRecords(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := SeedRecords(ctx, db, 10, 1, nil); !errors.Is(err, ErrNoDemoDistrict) {
			t.Fatalf("records without the demo district: %v", err)
		}
		if _, err := Seed(ctx, db); err != nil {
			t.Fatal(err)
		}
		var progress []int
		sum, err := SeedRecords(ctx, db, testRecords, testSeed, func(n int) { progress = append(progress, n) })
		if err != nil {
			t.Fatal(err)
		}
		if !sum.Created || sum.Records != testRecords || len(progress) == 0 || progress[len(progress)-1] != testRecords {
			t.Fatalf("summary %+v, progress %v", sum, progress)
		}

		t.Run("Counts", func(t *testing.T) {
			var n int
			if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM penalties").Scan(&n); err != nil || n != testRecords {
				t.Fatalf("%d records, %v", n, err)
			}
			var batches, inBatches int
			if err := db.QueryRowContext(ctx, "SELECT COUNT(*), SUM(rows_inserted) FROM import_batches WHERE source = 'demo'").Scan(&batches, &inBatches); err != nil {
				t.Fatal(err)
			}
			if batches != len(recordPlans()) || inBatches != testRecords {
				t.Fatalf("%d demo batches holding %d records", batches, inBatches)
			}
		})

		t.Run("EveryAgencyHasRecords", func(t *testing.T) {
			rows := strings1(t, db, `SELECT o.code FROM orgs o WHERE o.kind IN ('agency', 'town_government')
				AND NOT EXISTS (SELECT 1 FROM penalties p WHERE p.agency_id = o.id)`)
			if len(rows) > 0 {
				t.Fatalf("agencies without records: %v", rows)
			}
			total := 0
			for code, n := range sum.PerAgency {
				if n == 0 {
					t.Errorf("%s has no records", code)
				}
				total += n
			}
			if total != testRecords || len(sum.PerAgency) != len(recordPlans()) {
				t.Fatalf("per agency %v", sum.PerAgency)
			}
			// The deciding agency on the record is the org the record belongs to.
			bad := strings1(t, db, "SELECT p.doc_no FROM penalties p JOIN orgs o ON o.id = p.agency_id WHERE p.agency_name <> o.name OR p.agency_uscc <> o.uscc")
			if len(bad) > 0 {
				t.Fatalf("agency fields differ from the org: %v", bad[:min(5, len(bad))])
			}
		})

		t.Run("IdentifiersValid", func(t *testing.T) {
			rows, err := db.QueryContext(ctx, "SELECT doc_no, party_kind, party_uscc, legal_rep_id_no, party_id_no FROM penalties")
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			asOf := cal(RecordsToday).End()
			for rows.Next() {
				var doc, kind, uscc, repID, idNo string
				if err := rows.Scan(&doc, &kind, &uscc, &repID, &idNo); err != nil {
					t.Fatal(err)
				}
				switch kind {
				case enforce.PartyNaturalPerson:
					id, err := ident.ParseResidentIDAsOf(idNo, asOf)
					if err != nil || uscc != "" || id.Birth.Year() < 1950 || id.Birth.Year() > 2004 {
						t.Fatalf("%s: natural person id %q: %v (uscc %q)", doc, idNo, err, uscc)
					}
				case enforce.PartyLegalPerson, enforce.PartyIndividualBusiness:
					u, err := ident.ParseUSCC(uscc)
					if err != nil || idNo != "" {
						t.Fatalf("%s: credit code %q: %v", doc, uscc, err)
					}
					want := map[string]bool{"91": kind == enforce.PartyLegalPerson, "52": kind == enforce.PartyLegalPerson, "92": kind == enforce.PartyIndividualBusiness}
					if !want[u.Category] {
						t.Fatalf("%s: %s with credit-code category %s", doc, kind, u.Category)
					}
					if _, err := ident.ParseResidentIDAsOf(repID, asOf); err != nil {
						t.Fatalf("%s: legal representative id %q: %v", doc, repID, err)
					}
				default:
					t.Fatalf("%s: party kind %q", doc, kind)
				}
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			// Distinct parties keep distinct identifiers: one name per credit code.
			if bad := strings1(t, db, "SELECT party_uscc FROM penalties WHERE party_uscc <> '' GROUP BY party_uscc HAVING COUNT(DISTINCT party_name) > 1"); len(bad) > 0 {
				t.Fatalf("credit codes with several names: %v", bad)
			}
			if bad := strings1(t, db, "SELECT party_id_no FROM penalties WHERE party_id_no <> '' GROUP BY party_id_no HAVING COUNT(DISTINCT party_name) > 1"); len(bad) > 0 {
				t.Fatalf("ID numbers with several names: %v", bad)
			}
			if bad := strings1(t, db, "SELECT doc_no FROM penalties GROUP BY doc_no HAVING COUNT(*) > 1"); len(bad) > 0 {
				t.Fatalf("document numbers used twice: %v", bad)
			}
		})

		planted := map[string]bool{}
		for _, docs := range sum.Planted {
			for _, d := range docs {
				planted[d] = true
			}
		}

		t.Run("DatesOrderedForCleanRecords", func(t *testing.T) {
			col := func(c string) string { return "COALESCE(CAST(" + c + " AS TEXT), '')" }
			rows, err := db.QueryContext(ctx, "SELECT doc_no, procedure, fine_fen, "+col("filed_date")+", "+col("decision_date")+", "+col("served_date")+", "+
				col("payment_due_date")+", "+col("paid_date")+", "+col("court_apply_date")+", "+col("transfer_date")+", "+col("publish_until")+", facts FROM penalties")
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			today := RecordsToday.String()
			from := sum.From.String()
			clean := 0
			for rows.Next() {
				var doc, proc, filed, decided, served, due, paid, court, transfer, publish, facts string
				var fine int64
				if err := rows.Scan(&doc, &proc, &fine, &filed, &decided, &served, &due, &paid, &court, &transfer, &publish, &facts); err != nil {
					t.Fatal(err)
				}
				if decided < from || decided > today || served > today || paid > today || court > today {
					t.Fatalf("%s: dates outside %s…%s: decided %s served %s paid %s court %s", doc, from, today, decided, served, paid, court)
				}
				if planted[doc] {
					continue
				}
				clean++
				act := facts[len("经查，当事人于"):]
				act = act[:len("2006年01月02日")]
				actISO := strings.NewReplacer("年", "-", "月", "-", "日", "").Replace(act)
				inOrder := func(ds ...string) bool {
					var prev string
					for _, d := range ds {
						if d == "" {
							continue
						}
						if d < prev {
							return false
						}
						prev = d
					}
					return true
				}
				switch proc {
				case enforce.ProcedureSimple:
					if filed != "" || actISO != decided || served != decided {
						t.Fatalf("%s: simple procedure act %s filed %q decided %s served %s", doc, actISO, filed, decided, served)
					}
				case enforce.ProcedureOrdinary:
					if filed == "" || !inOrder(actISO, filed, transfer, decided) {
						t.Fatalf("%s: act %s filed %s transfer %q decided %s", doc, actISO, filed, transfer, decided)
					}
				default:
					t.Fatalf("%s: procedure %q", doc, proc)
				}
				if !inOrder(decided, served, due) || (paid != "" && paid < served) || (court != "" && court <= due) || publish <= decided {
					t.Fatalf("%s: decided %s served %s due %s paid %q court %q publish %s", doc, decided, served, due, paid, court, publish)
				}
				if (fine > 0) != (due != "") {
					t.Fatalf("%s: fine %d with payment due %q", doc, fine, due)
				}
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			if clean < testRecords*95/100 {
				t.Fatalf("only %d clean records", clean)
			}
		})

		t.Run("PlantedKindsDetectedBySQL", func(t *testing.T) {
			cutoff := cal(RecordsToday).AddMonths(-9).String()
			total := 0
			for _, k := range PlantKinds {
				q := detectors(db.Dialect())[k.ID]
				var args []any
				if strings.Contains(q, "?") {
					args = append(args, cutoff)
				}
				got := strings1(t, db, q, args...)
				want := sum.Planted[k.ID]
				if len(want) == 0 {
					t.Errorf("%s: nothing planted", k.ID)
				}
				if !slices.Equal(got, want) {
					t.Errorf("%s: the query finds %d records, %d planted\nfound   %v\nplanted %v", k.ID, len(got), len(want), got, want)
				}
				total += len(want)
			}
			if total < testRecords/100 || total > testRecords*3/100 {
				t.Errorf("%d planted records of %d", total, testRecords)
			}
		})

		t.Run("ServiceLateInWorkingDays", func(t *testing.T) {
			late := map[string]bool{}
			for _, d := range sum.Planted[PlantServiceLate] {
				late[d] = true
			}
			rows, err := db.QueryContext(ctx, "SELECT doc_no, CAST(decision_date AS TEXT), CAST(served_date AS TEXT) FROM penalties")
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			p, _ := calendar.LookupPeriod(calendar.PenaltyService)
			for rows.Next() {
				var doc, decided, served string
				if err := rows.Scan(&doc, &decided, &served); err != nil {
					t.Fatal(err)
				}
				d, _ := calendar.ParseDate(decided)
				s, _ := calendar.ParseDate(served)
				if !calendar.Covered(d.Year()) || !calendar.Covered(s.Year()) {
					continue
				}
				wd, err := calendar.WorkingDaysBetween(d, s)
				if err != nil {
					t.Fatal(err)
				}
				if (wd > p.Count) != late[doc] {
					t.Fatalf("%s: served %d working days after the decision; planted late: %v", doc, wd, late[doc])
				}
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
		})

		t.Run("Deterministic", func(t *testing.T) {
			var docs []string
			again, err := Generate(testRecords, testSeed, func(_ string, p *enforce.Penalty) error {
				docs = append(docs, p.DocNo)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			sort.Strings(docs)
			if stored := strings1(t, db, "SELECT doc_no FROM penalties"); !slices.Equal(stored, docs) {
				t.Fatal("Generate gives other document numbers than were stored")
			}
			for k, v := range sum.Planted {
				if !slices.Equal(again.Planted[k], v) {
					t.Fatalf("%s planted differently on regeneration", k)
				}
			}
		})

		t.Run("Idempotent", func(t *testing.T) {
			var hashes string
			if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_log").Scan(&hashes); err != nil {
				t.Fatal(err)
			}
			for _, n := range []int{testRecords, 10} {
				again, err := SeedRecords(ctx, db, n, testSeed+1, nil)
				if err != nil {
					t.Fatal(err)
				}
				if again.Created || again.Records != testRecords || again.Seed != testSeed || len(again.Planted) != 0 {
					t.Fatalf("second call: %+v", again)
				}
			}
			var n int
			if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM penalties").Scan(&n); err != nil || n != testRecords {
				t.Fatalf("%d records after a second call, %v", n, err)
			}
			var after string
			if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_log").Scan(&after); err != nil || after != hashes {
				t.Fatalf("audit log grew on a second call: %s → %s", hashes, after)
			}
		})
	})
}

// TestSeedRecordsNeedsDemoDistrict: demo records never go into real orgs
// that happen to share a demo code.
func TestSeedRecordsNeedsDemoDistrict(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		for _, o := range Orgs {
			if _, err := db.ExecContext(ctx, "INSERT INTO orgs (code, name, kind, created_at, updated_at) VALUES (?, ?, ?, 0, 0)", o.Code, o.Name, o.Kind); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := SeedRecords(ctx, db, 100, testSeed, nil); !errors.Is(err, ErrNoDemoDistrict) {
			t.Fatalf("records for orgs that are not the demo district's: %v", err)
		}
	})
}

// TestSeedRecordsAllOrNothing: an interrupted seeding writes nothing, not
// even its mark, so the next call seeds afresh.
func TestSeedRecordsAllOrNothing(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := Seed(ctx, db); err != nil {
			t.Fatal(err)
		}
		cctx, cancel := context.WithCancel(ctx)
		defer cancel()
		if _, err := SeedRecords(cctx, db, 2000, testSeed, func(int) { cancel() }); err == nil {
			t.Fatal("cancelled seeding succeeded")
		}
		var n, marks int
		if err := db.QueryRowContext(ctx, "SELECT (SELECT COUNT(*) FROM penalties), (SELECT COUNT(*) FROM settings WHERE key = ?)", recordsKey).Scan(&n, &marks); err != nil {
			t.Fatal(err)
		}
		if n != 0 || marks != 0 {
			t.Fatalf("after a cancelled seeding: %d records, %d marks", n, marks)
		}
		sum, err := SeedRecords(ctx, db, 600, testSeed, nil)
		if err != nil || !sum.Created || sum.Records != 600 {
			t.Fatalf("seeding after a cancelled one: %+v %v", sum, err)
		}
	})
}

// TestGenerateDeterministic: the same seed gives the same records, byte for
// byte; another seed gives others.
func TestGenerateDeterministic(t *testing.T) {
	run := func(seed int64) ([]string, Summary) {
		var out []string
		sum, err := Generate(testRecords, seed, func(code string, p *enforce.Penalty) error {
			out = append(out, code+" "+p.DocNo+" "+p.Hash())
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return out, sum
	}
	a, sa := run(testSeed)
	b, sb := run(testSeed)
	if !slices.Equal(a, b) || fmt.Sprint(sa) != fmt.Sprint(sb) {
		t.Fatal("the same seed generated different records")
	}
	c, _ := run(testSeed + 1)
	same := 0
	for i := range a {
		if a[i] == c[i] {
			same++
		}
	}
	if same > 0 {
		t.Fatalf("%d identical records for another seed", same)
	}
}

// TestGenerateDefault checks the default demo size: every planted kind at
// about its rate, decisions in date order, fines within the simple-procedure
// limits of 第五十一条 except where planted.
func TestGenerateDefault(t *testing.T) {
	start := time.Now()
	var prev string
	n := 0
	sum, err := Generate(DefaultRecords, DefaultSeed, func(_ string, p *enforce.Penalty) error {
		if d := p.DecisionDate.String(); d < prev {
			return fmt.Errorf("%s decided %s after %s", p.DocNo, d, prev)
		} else {
			prev = d
		}
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("generated %d records in %v", n, time.Since(start))
	total := 0
	for i, k := range PlantKinds {
		want := DefaultRecords * plantRates[i] / 100000
		switch k.ID {
		case PlantDuplicateFine:
			want *= 2
		}
		if got := len(sum.Planted[k.ID]); got != want {
			t.Errorf("%s: %d planted, want %d", k.ID, got, want)
		}
		total += len(sum.Planted[k.ID])
	}
	if pct := float64(total) * 100 / DefaultRecords; pct < 1 || pct > 3 {
		t.Errorf("%.2f %% planted", pct)
	}
}
