package calendar

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestCatalogueHasTheRequiredPeriods(t *testing.T) {
	tests := []struct {
		id     string
		count  int
		unit   Unit
		before bool
		basis  []string // substrings the basis must contain
	}{
		{PenaltyDecision, 90, Day, false, []string{"行政处罚法", "第六十条"}},
		{PenaltyService, 7, WorkingDay, false, []string{"行政处罚法", "第六十一条", "第八十五条"}},
		{PenaltyHearingRequest, 5, WorkingDay, false, []string{"行政处罚法", "第六十四条", "第八十五条"}},
		{PenaltyHearingNotice, 7, WorkingDay, true, []string{"行政处罚法", "第六十四条", "第八十五条"}},
		{PenaltyPayment, 15, Day, false, []string{"行政处罚法", "第六十七条"}},
		{PenaltyPublicationWithdrawal, 3, WorkingDay, false, []string{"行政处罚法", "第四十八条", "第八十五条"}},
		{PenaltyDisclosure, 7, WorkingDay, false, []string{"国办发〔2015〕51号", "发改办财金〔2018〕424号"}},
		{EnforcementApplication, 3, Month, false, []string{"行政强制法", "第五十三条"}},
		{EnforcementDemand, 10, WorkingDay, false, []string{"行政强制法", "第五十四条", "第六十九条"}},
		{EnforcementAcceptance, 5, WorkingDay, false, []string{"行政强制法", "第五十六条"}},
		{EnforcementRuling, 7, WorkingDay, false, []string{"行政强制法", "第五十七条"}},
		{ReconsiderationApplication, 60, Day, false, []string{"行政复议法", "第二十条"}},
		{LitigationFiling, 6, Month, false, []string{"行政诉讼法", "第四十六条"}},
		{LitigationAfterReconsider, 15, Day, false, []string{"行政诉讼法", "第四十五条"}},
		{SuggestionReply, 2, Month, false, []string{"人民检察院检察建议工作规定"}},
		{PublicInterestUrgentReply, 15, Day, false, []string{"检察公益诉讼", "第二十一条"}},
		{ReverseLinkageReply, 2, Month, false, []string{"行政执法与刑事司法衔接"}},
		{SupervisionCaseNotice, 7, WorkingDay, false, []string{"广东省人民检察院", "第五条"}},
		{SupervisionCaseProgress, 3, Month, false, []string{"广东省人民检察院", "第五条"}},
		{HearingNotice, 3, Day, true, []string{"人民检察院审查案件听证工作规定", "第十条"}},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			p, ok := LookupPeriod(tt.id)
			if !ok {
				t.Fatal("missing")
			}
			if p.Count != tt.count || p.Unit != tt.unit || p.Before != tt.before {
				t.Fatalf("got %d %v before=%v; want %d %v before=%v", p.Count, p.Unit, p.Before, tt.count, tt.unit, tt.before)
			}
			for _, s := range tt.basis {
				if !strings.Contains(p.Basis, s) {
					t.Errorf("basis %q lacks %q", p.Basis, s)
				}
			}
		})
	}
}

func TestCatalogueIsWellFormed(t *testing.T) {
	unconfirmed := map[string]bool{
		SuggestionReply: true, PublicInterestReply: true, PublicInterestUrgentReply: true, ReverseLinkageReply: true,
	}
	seen := map[string]bool{}
	for _, p := range Periods() {
		if p.ID == "" || seen[p.ID] {
			t.Errorf("empty or duplicate id %q", p.ID)
		}
		seen[p.ID] = true
		if p.Name == "" || p.From == "" || p.Basis == "" || p.Note == "" || p.Count < 1 {
			t.Errorf("%s: incomplete: %+v", p.ID, p)
		}
		if _, err := p.Unit.MarshalText(); err != nil {
			t.Errorf("%s: unit %v", p.ID, p.Unit)
		}
		if p.Confirmed == unconfirmed[p.ID] {
			t.Errorf("%s: Confirmed = %v", p.ID, p.Confirmed)
		}
		if !p.Confirmed && !strings.Contains(p.Basis+p.Note, "待核实") {
			t.Errorf("%s: unconfirmed period does not say 待核实", p.ID)
		}
		// Periods of 2/3/5/7 days under 行政处罚法 and ≤ 10 days under 行政强制法 must count working days.
		if p.Unit == Day && !p.Before &&
			((strings.Contains(p.Basis, "行政处罚法") && (p.Count == 2 || p.Count == 3 || p.Count == 5 || p.Count == 7)) ||
				(strings.Contains(p.Basis, "行政强制法") && p.Count <= 10)) {
			t.Errorf("%s: %d calendar days under a working-day statute", p.ID, p.Count)
		}
		if got, ok := LookupPeriod(p.ID); !ok || got != p {
			t.Errorf("LookupPeriod(%s) mismatch", p.ID)
		}
	}
	if _, ok := LookupPeriod("no.such"); ok {
		t.Error("LookupPeriod found a missing id")
	}
}

func TestPeriodsReturnsACopy(t *testing.T) {
	ps := Periods()
	ps[0].Count = 1
	if p, _ := LookupPeriod(ps[0].ID); p.Count == 1 {
		t.Fatal("changing Periods() changed the catalogue")
	}
}

func TestPeriodDue(t *testing.T) {
	tests := []struct {
		name, id, start, want string
	}{
		{"ServiceAcrossNationalDay", PenaltyService, "2025-09-26", "2025-10-13"},
		{"PaymentEndingInNationalDayRolls", PenaltyPayment, "2025-09-20", "2025-10-09"},
		{"DecisionNinetyDays", PenaltyDecision, "2024-07-04", "2024-10-08"},
		{"DemandTenWorkingDaysAcrossLabourDay", EnforcementDemand, "2025-04-25", "2025-05-13"},
		{"HearingRequestAcrossSpringFestival2026", PenaltyHearingRequest, "2026-02-12", "2026-02-26"},
		// latest day to notify for a hearing on Mon 2025-10-13: the 7th working day before.
		{"PenaltyHearingNoticeCountsBack", PenaltyHearingNotice, "2025-10-13", "2025-09-26"},
		// 3 calendar days before Thu 2025-10-09 is 10-06, a holiday: not moved (moving later would shorten notice).
		{"ProcuratorateHearingNoticeIsNotRolled", HearingNotice, "2025-10-09", "2025-10-06"},
		{"LitigationSixMonthsIntoSpringFestival", LitigationFiling, "2025-08-15", "2026-02-24"},
		{"SuggestionReplyTwoMonthsOntoMakeUpSunday", SuggestionReply, "2025-11-01", "2026-01-04"},
		// 02-13 (1), 02-14 make-up (2), 02-24 … 02-27 (3–6), 02-28 make-up Saturday (7).
		{"GuangdongNoticeSevenWorkingDaysEndsOnMakeUpSaturday", SupervisionCaseNotice, "2026-02-12", "2026-02-28"},
		{"ApplicationThreeMonths", EnforcementApplication, "2024-01-31", "2024-04-30"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _ := LookupPeriod(tt.id)
			got, err := p.Due(day(t, tt.start))
			if err != nil || got != day(t, tt.want) {
				t.Fatalf("%s.Due(%s) = %s, %v; want %s", tt.id, tt.start, got, err, tt.want)
			}
		})
	}
}

func TestPeriodDueRejectsBadPeriods(t *testing.T) {
	d := day(t, "2025-03-03")
	for _, p := range []Period{{ID: "zero", Count: 0, Unit: Day}, {ID: "neg", Count: -3, Unit: Month}, {ID: "nounit", Count: 3}, {ID: "badunit", Count: 3, Unit: 9}} {
		if _, err := p.Due(d); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("%s: err = %v", p.ID, err)
		}
	}
	// An overridden copy of an unconfirmed period works like any other.
	p, _ := LookupPeriod(SuggestionReply)
	p.Count, p.Unit = 30, Day
	if got, err := p.Due(day(t, "2025-03-03")); err != nil || got != day(t, "2025-04-02") {
		t.Errorf("override: %s, %v", got, err)
	}
}

func TestUnitText(t *testing.T) {
	for _, u := range []Unit{Day, WorkingDay, Month} {
		b, err := json.Marshal(u)
		if err != nil {
			t.Fatal(err)
		}
		var back Unit
		if err := json.Unmarshal(b, &back); err != nil || back != u {
			t.Errorf("%v: round trip %s → %v, %v", u, b, back, err)
		}
		if u.Chinese() == "" {
			t.Errorf("%v has no Chinese name", u)
		}
	}
	if b, _ := json.Marshal(WorkingDay); string(b) != `"working_day"` {
		t.Errorf("WorkingDay JSON = %s", b)
	}
	var u Unit
	if err := u.UnmarshalText([]byte("week")); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("unknown unit: %v", err)
	}
	if _, err := Unit(0).MarshalText(); err == nil || Unit(0).String() != "Unit(0)" || Unit(0).Chinese() != "" {
		t.Error("zero unit")
	}
}
