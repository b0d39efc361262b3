package demo

import (
	"context"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/xingjian/xingjian/internal/calendar"
	"github.com/xingjian/xingjian/internal/enforce"
	"github.com/xingjian/xingjian/internal/ident"
	"github.com/xingjian/xingjian/internal/store"
	"github.com/xingjian/xingjian/internal/store/storetest"
)

// yamlKind is the part of internal/dataset/kinds/*.yaml the demo must match.
type yamlKind struct {
	Name       string    `yaml:"name"`
	Keys       []string  `yaml:"keys"`
	DateColumn string    `yaml:"date_column"`
	Columns    []yamlCol `yaml:"columns"`
}

type yamlCol struct {
	Name     string   `yaml:"name"`
	Label    string   `yaml:"label"`
	Type     string   `yaml:"type"`
	Required bool     `yaml:"required"`
	Values   []string `yaml:"values"`
}

func loadKinds(t *testing.T) map[string]yamlKind {
	t.Helper()
	files, err := filepath.Glob("../dataset/kinds/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("kind files: %v %v", files, err)
	}
	out := map[string]yamlKind{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var k yamlKind
		if err := yaml.Unmarshal(b, &k); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out[k.Name] = k
	}
	return out
}

var (
	dsOnce sync.Once
	dsSum  DatasetSummary
)

// demoDatasets is the default demo data, generated once for all tests.
func demoDatasets() DatasetSummary {
	dsOnce.Do(func() { dsSum = GenerateDatasets(DefaultSeed, RecordsToday) })
	return dsSum
}

// row is one generated row keyed by column name.
type row map[string]string

// byKind turns the tables into rows keyed by column name (via the YAML
// labels), all suppliers of a kind together.
func byKind(t *testing.T, s DatasetSummary, kinds map[string]yamlKind) map[string][]row {
	t.Helper()
	out := map[string][]row{}
	for _, tb := range s.Tables {
		k, ok := kinds[tb.Kind]
		if !ok {
			t.Fatalf("unknown kind %s", tb.Kind)
		}
		names := map[string]string{}
		for _, c := range k.Columns {
			names[c.Label] = c.Name
		}
		for _, r := range tb.Rows {
			m := row{"_agency": tb.Agency}
			for i, h := range tb.Header {
				m[names[h]] = r[i]
			}
			out[tb.Kind] = append(out[tb.Kind], m)
		}
	}
	return out
}

func mustDate(t *testing.T, s string) calendar.Date {
	t.Helper()
	d, err := calendar.ParseDate(s)
	if err != nil {
		t.Fatalf("date %q: %v", s, err)
	}
	return d
}

func TestDatasetsDeterministic(t *testing.T) {
	a := demoDatasets()
	b := GenerateDatasets(DefaultSeed, RecordsToday)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same seed gave different datasets")
	}
	c := GenerateDatasets(DefaultSeed+1, RecordsToday)
	if reflect.DeepEqual(a.Tables, c.Tables) {
		t.Fatal("another seed gave the same datasets")
	}
}

// TestDatasetsShape checks every table against its kind: header labels,
// required cells, closed value lists, cell formats, valid identifiers, unique
// keys, dates in the window, one name per ID number, and the sizes.
func TestDatasetsShape(t *testing.T) {
	kinds := loadKinds(t)
	s := demoDatasets()
	today := cal(RecordsToday)
	from := today.AddMonths(-36).AddDays(1)
	money := regexp.MustCompile(`^[0-9]+\.[0-9]{2}$`)
	integer := regexp.MustCompile(`^[0-9]+$`)
	dateRE := regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)
	// Dates that may lie outside the window: the licence's validity and
	// first issue, the scheduled end of a detox measure, the entity
	// representative's start, a licence's last renewal.
	free := map[string]bool{"driving_licences.valid_until": true, "driving_licences.issue_date": true, "driving_licences.status_date": true,
		"detox_measures.end_date": true, "market_entities.rep_since": true}
	names := map[string]string{}
	sizes := map[string]int{}
	total := 0
	for _, tb := range s.Tables {
		k := kinds[tb.Kind]
		var labels []string
		for _, c := range k.Columns {
			labels = append(labels, c.Label)
		}
		if !slices.Equal(tb.Header, labels) {
			t.Errorf("%s header %v, want %v", tb.Kind, tb.Header, labels)
			continue
		}
		keys := map[string]bool{}
		for i, r := range tb.Rows {
			if len(r) != len(labels) {
				t.Fatalf("%s row %d has %d cells", tb.Kind, i, len(r))
			}
			var key []string
			for _, kc := range k.Keys {
				key = append(key, r[slices.IndexFunc(k.Columns, func(c yamlCol) bool { return c.Name == kc })])
			}
			if ks := strings.Join(key, "|"); keys[ks] {
				t.Errorf("%s/%s duplicate key %s", tb.Kind, tb.Agency, ks)
			} else {
				keys[ks] = true
			}
			for j, c := range k.Columns {
				v := r[j]
				if v == "" {
					if c.Required {
						t.Errorf("%s row %d: %s empty", tb.Kind, i, c.Name)
					}
					continue
				}
				if len(c.Values) > 0 && !slices.Contains(c.Values, v) {
					t.Errorf("%s row %d: %s = %q not in %v", tb.Kind, i, c.Name, v, c.Values)
				}
				switch c.Type {
				case "date":
					if !dateRE.MatchString(v) {
						t.Fatalf("%s row %d: %s = %q", tb.Kind, i, c.Name, v)
					}
					d := mustDate(t, v)
					if !free[tb.Kind+"."+c.Name] && (d.After(today) || d.Before(from)) {
						t.Errorf("%s row %d: %s = %s outside %s…%s", tb.Kind, i, c.Name, v, from, today)
					}
				case "money":
					if !money.MatchString(v) {
						t.Errorf("%s row %d: %s = %q", tb.Kind, i, c.Name, v)
					}
				case "int":
					if !integer.MatchString(v) {
						t.Errorf("%s row %d: %s = %q", tb.Kind, i, c.Name, v)
					}
				case "bool":
					if v != "是" && v != "否" {
						t.Errorf("%s row %d: %s = %q", tb.Kind, i, c.Name, v)
					}
				case "id_no":
					id, err := ident.ParseResidentID(v)
					if err != nil || id.Number != v {
						t.Errorf("%s row %d: %s = %q invalid: %v", tb.Kind, i, c.Name, v, err)
					}
					// The name that goes with the ID: person_id_no → person_name, man_id_no → man_name…
					nameCol := strings.TrimSuffix(c.Name, "_id_no") + "_name"
					name := r[slices.IndexFunc(k.Columns, func(c yamlCol) bool { return c.Name == nameCol })]
					if prev, ok := names[v]; ok && prev != name {
						t.Errorf("%s: ID %s is %s here and %s elsewhere", tb.Kind, v, name, prev)
					}
					names[v] = name
				case "uscc":
					if u, err := ident.ParseUSCC(v); err != nil || u.Code != v {
						t.Errorf("%s row %d: %s = %q invalid: %v", tb.Kind, i, c.Name, v, err)
					}
				}
			}
		}
		sizes[tb.Kind] += len(tb.Rows)
		total += len(tb.Rows)
	}
	bounds := map[string][2]int{
		"criminal_cases": {2700, 3300}, "non_prosecutions": {350, 450}, "police_cases": {550, 650}, "deaths": {2300, 2700},
		"driving_licences": {24000, 26000}, "detox_measures": {270, 330}, "community_corrections": {400, 650}, "custody_records": {650, 950},
		"benefit_payments": {33000, 46000}, "market_entities": {5900, 6100}, "marriage_registrations": {2800, 3200},
		"court_enforcement": {270, 330}, "petitions": {1450, 1550},
	}
	for k, b := range bounds {
		if n := sizes[k]; n < b[0] || n > b[1] {
			t.Errorf("%s: %d rows, want %d–%d", k, n, b[0], b[1])
		}
	}
	if len(sizes) != len(bounds) {
		t.Errorf("kinds %v", sizes)
	}
	if total > 120000 {
		t.Errorf("%d rows in all, want ≤ 120,000", total)
	}
	t.Logf("rows: %v (total %d)", sizes, total)
}

// TestDatasetSuppliers checks who supplies what.
func TestDatasetSuppliers(t *testing.T) {
	s := demoDatasets()
	var got []string
	for _, tb := range s.Tables {
		got = append(got, tb.Kind+"/"+tb.Agency)
	}
	want := []string{"criminal_cases/QLJCY", "criminal_cases/QLFY", "non_prosecutions/QLJCY", "police_cases/GAQL", "deaths/GAQL",
		"driving_licences/GAQL", "detox_measures/GAQL", "community_corrections/QLSFJ", "custody_records/GAQL", "benefit_payments/RSJ",
		"benefit_payments/MZJ", "market_entities/SCJG", "marriage_registrations/MZJ", "court_enforcement/QLFY", "petitions/QLXFJ"}
	if !slices.Equal(got, want) {
		t.Fatalf("tables %v", got)
	}
	codes := map[string]bool{}
	for _, o := range Orgs {
		codes[o.Code] = true
	}
	kinds := loadKinds(t)
	rows := byKind(t, s, kinds)
	for _, r := range rows["criminal_cases"] {
		if (r["_agency"] == "QLJCY") != (r["stage"] == "起诉") {
			t.Fatalf("criminal case %v from %s", r, r["_agency"])
		}
	}
	for _, r := range rows["benefit_payments"] {
		rsj := r["benefit"] == "养老金" || r["benefit"] == "养老金调整"
		if rsj != (r["_agency"] == "RSJ") {
			t.Fatalf("benefit %s from %s", r["benefit"], r["_agency"])
		}
	}
	for _, r := range rows["non_prosecutions"] {
		if c := r["opinion_to_code"]; c != "" && !codes[c] {
			t.Fatalf("opinion to %q", c)
		}
	}
}

// ---------------------------------------------------------------------------
// The models as plain Go predicates over the generated tables.

func birthOf(t *testing.T, id string) calendar.Date {
	t.Helper()
	return mustDate(t, id[6:10]+"-"+id[10:12]+"-"+id[12:14])
}

// ageOn is the age in completed years on d.
func ageOn(birth, d calendar.Date) int {
	age := d.Year() - birth.Year()
	if d.Month() < birth.Month() || (d.Month() == birth.Month() && d.Day() < birth.Day()) {
		age--
	}
	return age
}

// within reports whether d is in (start, end], end empty meaning open.
func within(t *testing.T, d calendar.Date, start, end string) bool {
	if !d.After(mustDate(t, start)) {
		return false
	}
	return end == "" || !d.After(mustDate(t, end))
}

type keySet map[string]bool

func (k keySet) sorted() []string {
	out := make([]string, 0, len(k))
	for s := range k {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

func evaluateModels(t *testing.T, rows map[string][]row, penaltyIDs map[string]bool) map[string]keySet {
	t.Helper()
	today := cal(RecordsToday)
	res := map[string]keySet{}
	for _, m := range DatasetModels {
		res[m] = keySet{}
	}
	licence := map[string]string{}
	for _, r := range rows["driving_licences"] {
		licence[r["person_id_no"]] = r["status"]
	}
	deaths := map[string]calendar.Date{}
	for _, r := range rows["deaths"] {
		deaths[r["person_id_no"]] = mustDate(t, r["death_date"])
	}
	pays := map[string]map[string][]calendar.Date{} // benefit → person → dates
	for _, r := range rows["benefit_payments"] {
		if pays[r["benefit"]] == nil {
			pays[r["benefit"]] = map[string][]calendar.Date{}
		}
		pays[r["benefit"]][r["person_id_no"]] = append(pays[r["benefit"]][r["person_id_no"]], mustDate(t, r["pay_date"]))
	}
	paidAfter := func(benefit, id string, d calendar.Date) bool {
		for _, p := range pays[benefit][id] {
			if p.After(d) {
				return true
			}
		}
		return false
	}
	paidWithin := func(benefit, id, start, end string, inclusiveStart bool) bool {
		for _, p := range pays[benefit][id] {
			if within(t, p, start, end) || (inclusiveStart && p == mustDate(t, start)) {
				return true
			}
		}
		return false
	}

	// m01
	for _, r := range rows["criminal_cases"] {
		if r["charge"] == "危险驾驶罪" && licence[r["person_id_no"]] == "正常" {
			res[ModelDrunkDrivingLicence][r["person_id_no"]] = true
		}
	}
	// m02
	for _, r := range rows["detox_measures"] {
		if (r["end_date"] == "" || !mustDate(t, r["end_date"]).Before(today)) && licence[r["person_id_no"]] == "正常" {
			res[ModelDetoxLicence][r["person_id_no"]] = true
		}
	}
	for id, d := range deaths {
		if licence[id] == "正常" { // m03
			res[ModelDeadLicence][id] = true
		}
		if paidAfter("养老金", id, d) { // m05
			res[ModelPensionAfterDeath][id] = true
		}
		if paidAfter("高龄津贴", id, d) { // m08
			res[ModelElderlyAllowanceAfter][id] = true
		}
		if paidAfter("残疾人生活补贴", id, d) || paidAfter("残疾人护理补贴", id, d) { // m09
			res[ModelDisabilitySubsidyAfter][id] = true
		}
	}
	for _, r := range rows["custody_records"] {
		id, k := r["person_id_no"], r["custody_kind"]
		key := id + "|" + r["start_date"]
		if k != "刑事拘留" && paidWithin("养老金", id, r["start_date"], r["end_date"], false) { // m06
			res[ModelPensionInCustody][key] = true
		}
		if (k == "拘役" || k == "有期徒刑" || k == "无期徒刑") && paidWithin("最低生活保障金", id, r["start_date"], r["end_date"], false) { // m10
			res[ModelDibaoInPrison][key] = true
		}
	}
	for _, r := range rows["community_corrections"] { // m07
		if k := r["correction_kind"]; k != "管制" && k != "缓刑" && k != "暂予监外执行" {
			continue
		}
		if paidWithin("养老金调整", r["person_id_no"], r["start_date"], r["end_date"], true) {
			res[ModelCorrectionPensionRaise][r["person_id_no"]+"|"+r["start_date"]] = true
		}
	}
	// m11
	barredUntil := map[string]calendar.Date{}
	for _, r := range rows["criminal_cases"] {
		if r["stage"] != "判决" || r["effective_date"] == "" || !slices.Contains(LegalRepBarCharges, r["charge"]) {
			continue
		}
		months := 0
		if r["term_months"] != "" {
			for _, c := range r["term_months"] {
				months = months*10 + int(c-'0')
			}
		}
		years := 5
		if r["probation"] == "是" {
			years = 2
		}
		until := mustDate(t, r["effective_date"]).AddMonths(months + 12*years)
		if until.After(barredUntil[r["person_id_no"]]) {
			barredUntil[r["person_id_no"]] = until
		}
	}
	for _, r := range rows["market_entities"] {
		if r["status"] != "存续" && r["status"] != "在业" {
			continue
		}
		if until, ok := barredUntil[r["legal_rep_id_no"]]; ok && today.Before(until) {
			res[ModelDisqualifiedLegalRep][r["entity_uscc"]] = true
		}
	}
	// m12
	type reg struct {
		no, kind string
		date     calendar.Date
	}
	regs := map[string][]reg{} // person → registrations
	for _, r := range rows["marriage_registrations"] {
		g := reg{r["registration_no"], r["reg_kind"], mustDate(t, r["reg_date"])}
		regs[r["man_id_no"]] = append(regs[r["man_id_no"]], g)
		regs[r["woman_id_no"]] = append(regs[r["woman_id_no"]], g)
	}
	for _, r := range rows["marriage_registrations"] {
		if r["reg_kind"] != "结婚" {
			continue
		}
		d := mustDate(t, r["reg_date"])
		no := r["registration_no"]
		if ageOn(birthOf(t, r["man_id_no"]), d) < 22 || ageOn(birthOf(t, r["woman_id_no"]), d) < 20 {
			res[ModelMarriageUnderage][no] = true
		}
		for _, id := range []string{r["man_id_no"], r["woman_id_no"]} {
			if dd, ok := deaths[id]; ok && dd.Before(d) {
				res[ModelMarriageDeadParty][no] = true
			}
			for _, earlier := range regs[id] {
				if earlier.kind != "结婚" || !earlier.date.Before(d) {
					continue
				}
				divorced := false
				for _, x := range regs[id] {
					if x.kind == "离婚" && !x.date.Before(earlier.date) && !x.date.After(d) {
						divorced = true
					}
				}
				if !divorced {
					res[ModelMarriageBigamy][no] = true
				}
			}
		}
	}
	// m14
	for _, r := range rows["court_enforcement"] {
		received := mustDate(t, r["received_date"])
		var late bool
		if r["filed_date"] != "" {
			n, err := calendar.WorkingDaysBetween(received, mustDate(t, r["filed_date"]))
			if err != nil {
				t.Fatal(err)
			}
			late = n > 5
		} else if r["ruling"] == "审查中" {
			n, err := calendar.WorkingDaysBetween(received, today)
			if err != nil {
				t.Fatal(err)
			}
			late = n > 5
		}
		if late {
			res[ModelCourtFilingLate][r["application_no"]] = true
		}
	}
	// m16
	for _, r := range rows["non_prosecutions"] {
		if r["opinion_no"] == "" || r["opinion_date"] == "" || r["opinion_to_code"] == "" || r["reply_date"] != "" {
			continue
		}
		if today.After(mustDate(t, r["opinion_date"]).AddMonths(2)) && !penaltyIDs[r["person_id_no"]] {
			res[ModelReverseLinkage][r["decision_no"]+"|"+r["person_id_no"]] = true
		}
	}
	return res
}

// TestDatasetModels evaluates every model over the demo tables: each raises
// exactly its planted subjects (so the clean rows trip none) and no near miss.
func TestDatasetModels(t *testing.T) {
	kinds := loadKinds(t)
	s := demoDatasets()
	penaltyIDs := map[string]bool{}
	if _, err := Generate(DefaultRecords, DefaultSeed, func(_ string, p *enforce.Penalty) error {
		if p.PartyIDNo != "" {
			penaltyIDs[p.PartyIDNo] = true
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	res := evaluateModels(t, byKind(t, s, kinds), penaltyIDs)
	for _, m := range DatasetModels {
		planted, near := s.Planted[m], s.NearMiss[m]
		if n := len(planted); n < 8 || n > 15 {
			t.Errorf("%s: %d planted, want 8–15", m, n)
		}
		if n := len(near); n < 5 || n > 10 {
			t.Errorf("%s: %d near misses, want 5–10", m, n)
		}
		if !sort.StringsAreSorted(planted) || !sort.StringsAreSorted(near) {
			t.Errorf("%s: keys not sorted", m)
		}
		if got := res[m].sorted(); !slices.Equal(got, planted) {
			t.Errorf("%s raises %d subjects, planted %d:\n got %v\nwant %v", m, len(got), len(planted), got, planted)
		}
		for _, k := range near {
			if res[m][k] {
				t.Errorf("%s raises near miss %s", m, k)
			}
			if slices.Contains(planted, k) {
				t.Errorf("%s: %s both planted and near miss", m, k)
			}
		}
		t.Logf("%s: %d planted, %d near misses", m, len(planted), len(near))
	}
	// The reverse-linkage subjects have no penalty whatever the penalty
	// count: their birth years are outside the penalty generator's.
	for _, k := range append(append([]string{}, s.Planted[ModelReverseLinkage]...), s.NearMiss[ModelReverseLinkage]...) {
		id := strings.Split(k, "|")[1]
		if y := birthOf(t, id).Year(); y >= 1950 && y <= 2004 {
			t.Errorf("m16 subject %s born %d, inside the penalty generator's range", id, y)
		}
	}
	// Without the penalty join a non-prosecuted person who has one would be
	// raised: none of the demo's are, so the join is not what keeps them out.
	if got := evaluateModels(t, byKind(t, s, kinds), nil)[ModelReverseLinkage].sorted(); !slices.Equal(got, s.Planted[ModelReverseLinkage]) {
		t.Errorf("m16 without penalties: %v", got)
	}
}

// TestDatasetNearMissBoundaries checks the near misses sit on the boundary
// they are meant to test.
func TestDatasetNearMissBoundaries(t *testing.T) {
	kinds := loadKinds(t)
	s := demoDatasets()
	rows := byKind(t, s, kinds)
	regs := map[string]row{}
	for _, r := range rows["marriage_registrations"] {
		regs[r["registration_no"]] = r
	}
	exact := 0
	for _, no := range s.NearMiss[ModelMarriageUnderage] {
		r := regs[no]
		d := mustDate(t, r["reg_date"])
		if ageOn(birthOf(t, r["man_id_no"]), d) == 22 && birthOf(t, r["man_id_no"]).AddMonths(12*22) == d ||
			ageOn(birthOf(t, r["woman_id_no"]), d) == 20 && birthOf(t, r["woman_id_no"]).AddMonths(12*20) == d {
			exact++
		}
	}
	if exact != len(s.NearMiss[ModelMarriageUnderage]) {
		t.Errorf("%d of %d underage near misses are birthdays", exact, len(s.NearMiss[ModelMarriageUnderage]))
	}
	apps := map[string]row{}
	for _, r := range rows["court_enforcement"] {
		apps[r["application_no"]] = r
	}
	acrossHoliday := 0
	for _, no := range s.NearMiss[ModelCourtFilingLate] {
		r := apps[no]
		a, b := mustDate(t, r["received_date"]), mustDate(t, r["filed_date"])
		n, err := calendar.WorkingDaysBetween(a, b)
		if err != nil || n != 5 {
			t.Errorf("court near miss %s: %d working days (%v)", no, n, err)
		}
		if b.Sub(a) > 8 {
			acrossHoliday++
		}
	}
	if acrossHoliday == 0 {
		t.Error("no court near miss spans a holiday")
	}
}

func TestSeedDatasets(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var calls []string
		rowsSeen := 0
		importRows := func(_ context.Context, kind, agency string, header []string, rows [][]string) error {
			calls = append(calls, kind+"/"+agency)
			rowsSeen += len(rows)
			if len(header) == 0 {
				t.Errorf("%s: no header", kind)
			}
			return nil
		}
		if _, err := SeedDatasets(ctx, db, DefaultSeed, RecordsToday, importRows); !errors.Is(err, ErrNoDemoDistrict) {
			t.Fatalf("without the demo district: %v", err)
		}
		if _, err := Seed(ctx, db); err != nil {
			t.Fatal(err)
		}
		// A failing importer leaves nothing marked: the next call retries.
		boom := errors.New("boom")
		if _, err := SeedDatasets(ctx, db, DefaultSeed, RecordsToday, func(context.Context, string, string, []string, [][]string) error {
			return boom
		}); !errors.Is(err, boom) {
			t.Fatalf("failing import: %v", err)
		}
		sum, err := SeedDatasets(ctx, db, DefaultSeed, RecordsToday, importRows)
		if err != nil {
			t.Fatal(err)
		}
		want := demoDatasets()
		if len(calls) != len(want.Tables) || !reflect.DeepEqual(sum.Planted, want.Planted) {
			t.Fatalf("calls %v, planted %d", calls, len(sum.Planted))
		}
		total := 0
		for _, tb := range want.Tables {
			total += len(tb.Rows)
		}
		if rowsSeen != total {
			t.Fatalf("imported %d rows, want %d", rowsSeen, total)
		}
		var mark string
		if err := db.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = ?", datasetsKey).Scan(&mark); err != nil || !strings.Contains(mark, RecordsToday.String()) {
			t.Fatalf("mark %q: %v", mark, err)
		}
		var audits int
		if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_log WHERE action = 'dataset.demo_seed'").Scan(&audits); err != nil || audits != 1 {
			t.Fatalf("audit entries %d: %v", audits, err)
		}
		// Once seeded, nothing more is written.
		calls = nil
		sum, err = SeedDatasets(ctx, db, DefaultSeed, RecordsToday, importRows)
		if err != nil || len(calls) != 0 || len(sum.Tables) != 0 {
			t.Fatalf("second call: %v, %d calls, %d tables", err, len(calls), len(sum.Tables))
		}
	})
}

func TestWriteDatasetCSVs(t *testing.T) {
	s := demoDatasets()
	dir := filepath.Join(t.TempDir(), "datasets")
	if err := WriteDatasetCSVs(dir, s); err != nil {
		t.Fatal(err)
	}
	for _, tb := range s.Tables {
		f, err := os.Open(filepath.Join(dir, tb.Kind+"_"+tb.Agency+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(recs[0], tb.Header) || !reflect.DeepEqual(recs[1:], tb.Rows) {
			t.Fatalf("%s/%s: file differs from the table", tb.Kind, tb.Agency)
		}
	}
}

// TestDatasetsOtherToday: the generator follows the given today.
func TestDatasetsOtherToday(t *testing.T) {
	today := RecordsToday
	today.Month = time.March
	today.Day = 2
	s := GenerateDatasets(7, today)
	limit := cal(today)
	for _, tb := range s.Tables {
		if tb.Kind != "deaths" {
			continue
		}
		for _, r := range tb.Rows {
			if mustDate(t, r[2]).After(limit) {
				t.Fatalf("death on %s after today %s", r[2], limit)
			}
		}
	}
	for _, m := range DatasetModels {
		if len(s.Planted[m]) < 8 {
			t.Errorf("%s: %d planted", m, len(s.Planted[m]))
		}
	}
}
