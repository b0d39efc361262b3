package enforce

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/xingjian/xingjian/internal/apperr"
	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/calendar"
	"github.com/xingjian/xingjian/internal/store"
	"github.com/xingjian/xingjian/internal/tabular"
)

// AgencyQuality is how well one agency shares its data: the figures the
// procuratorate looks at to see who is not sharing, or sharing badly.
type AgencyQuality struct {
	AgencyID   int64  `json:"agency_id"`
	AgencyName string `json:"agency_name"`
	AgencyKind string `json:"agency_kind"`
	Records    int    `json:"records"`
	// RecentRecords counts the records decided in the last month of the
	// window (see Quality): zero means the agency shared nothing recent.
	RecentRecords int `json:"recent_records"`
	// LastDecision is the latest decision date shared ("" if none).
	LastDecision string `json:"last_decision"`
	// LastImportAt is when the agency last delivered data (Unix ms, 0 = never).
	LastImportAt int64 `json:"-"`
	// AvgLagDays and MedianLagDays are the mean and the median delay from
	// decision to delivery, in whole days (the delivery's date in
	// Asia/Shanghai minus the decision date); nil without records.
	AvgLagDays    *float64 `json:"avg_lag_days"`
	MedianLagDays *float64 `json:"median_lag_days"`
	// Shares of records (0–1) with suspect identifiers and with fields that
	// supervision needs left empty. A simple-procedure (当场处罚) decision has
	// no filing, so a missing filing date counts only for the others.
	FlaggedShare          float64 `json:"flagged_share"`
	BadIDShare            float64 `json:"bad_id_share"`
	MissingFiledShare     float64 `json:"missing_filed_share"`
	MissingServedShare    float64 `json:"missing_served_share"`
	MissingDomainShare    float64 `json:"missing_domain_share"`
	MissingProcedureShare float64 `json:"missing_procedure_share"`
	// MissingRequiredShare is the share of records missing at least one of
	// those four fields.
	MissingRequiredShare float64 `json:"missing_required_share"`
	// RejectedRows is how many rows of the agency's imports were refused.
	RejectedRows int `json:"rejected_rows"`
	// Months counts records by decision month (YYYY-MM), oldest first; months
	// without records are left out.
	Months []MonthCount `json:"months"`
}

// MonthCount is a count for one month.
type MonthCount struct {
	Month string `json:"month"`
	Count int    `json:"count"`
}

// RecentWindow is the "last month" of Quality's window [from, to): the month
// before to, or before tomorrow in Asia/Shanghai when to is "" (so today
// counts), and never before from. Dates are YYYY-MM-DD; the end is exclusive.
func RecentWindow(from, to string, now time.Time) (string, string) {
	end, err := time.Parse("2006-01-02", to)
	if err != nil {
		y, m, d := now.In(calendar.Location()).Date()
		end = time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC)
	}
	// One month back, the day clamped to the shorter month (民法典 第二百零二条's
	// rule): from 2024-03-31 back to 2024-02-29, not forward to 03-02.
	back := time.Date(end.Year(), end.Month()-1, 1, 0, 0, 0, 0, time.UTC)
	if last := back.AddDate(0, 1, -1).Day(); end.Day() < last {
		back = back.AddDate(0, 0, end.Day()-1)
	} else {
		back = back.AddDate(0, 0, last-1)
	}
	start := back.Format("2006-01-02")
	if from > start {
		start = from
	}
	return start, end.Format("2006-01-02")
}

// Quality reports every enabled agency and town government in the caller's
// scope — those without records too, with zero figures, so that who shares
// nothing shows — for decisions in [from, to) (YYYY-MM-DD; "" = open), in
// org order. RecentRecords covers RecentWindow(from, to, now).
func Quality(ctx context.Context, db *store.DB, p *auth.Principal, from, to string) ([]AgencyQuality, error) {
	if !p.Can(auth.PermRecordRead) {
		return nil, apperr.Forbidden()
	}
	scope, sargs := p.Scope().Where("o.id")
	out := []AgencyQuality{}
	idx := map[int64]int{}
	rows, err := db.QueryContext(ctx, "SELECT o.id, o.name, o.kind FROM orgs o WHERE o.kind IN (?, ?) AND o.disabled = FALSE AND "+scope+" ORDER BY o.id",
		append([]any{auth.KindAgency, auth.KindTownGovernment}, sargs...)...)
	if err != nil {
		return nil, fmt.Errorf("enforce: quality orgs: %w", err)
	}
	for rows.Next() {
		var q AgencyQuality
		if err := rows.Scan(&q.AgencyID, &q.AgencyName, &q.AgencyKind); err != nil {
			rows.Close()
			return nil, err
		}
		q.Months = []MonthCount{}
		idx[q.AgencyID] = len(out)
		out = append(out, q)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}

	// Scoped in SQL too (not only by idx below), so that an agency's own
	// figures do not scan the whole district's records.
	pscope, pargs := p.Scope().Where("p.agency_id")
	cond, args := "p.decision_date IS NOT NULL AND "+pscope, pargs
	if from != "" {
		cond += " AND p.decision_date >= ?"
		args = append(args, from)
	}
	if to != "" {
		cond += " AND p.decision_date < ?"
		args = append(args, to)
	}
	recentFrom, recentTo := RecentWindow(from, to, time.Now())
	// Days since the epoch of a civil date, and the month of one: the only
	// dialect differences here. created_at is Unix ms; +8 h makes its day
	// the Asia/Shanghai one.
	epochDays, month := "CAST(julianday(p.decision_date) - 2440587.5 AS INTEGER)", "substr(p.decision_date, 1, 7)"
	if db.Dialect() == store.Postgres {
		epochDays, month = "(p.decision_date - DATE '1970-01-01')", "to_char(p.decision_date, 'YYYY-MM')"
	}
	lagDays := "((p.created_at + 28800000) / 86400000 - " + epochDays + ")"
	q := `SELECT p.agency_id, COUNT(*), MAX(p.decision_date),
		SUM(CASE WHEN p.decision_date >= ? AND p.decision_date < ? THEN 1 ELSE 0 END),
		SUM(CASE WHEN p.flags <> '' THEN 1 ELSE 0 END),
		SUM(CASE WHEN p.flags LIKE '%bad_party_id%' OR p.flags LIKE '%bad_party_uscc%' OR p.flags LIKE '%bad_legal_rep_id%' THEN 1 ELSE 0 END),
		SUM(CASE WHEN ` + missingFiled + ` THEN 1 ELSE 0 END),
		SUM(CASE WHEN p.served_date IS NULL THEN 1 ELSE 0 END),
		SUM(CASE WHEN p.domain = '' THEN 1 ELSE 0 END),
		SUM(CASE WHEN p.procedure = '' THEN 1 ELSE 0 END),
		SUM(CASE WHEN ` + missingFiled + ` OR p.served_date IS NULL OR p.domain = '' OR p.procedure = '' THEN 1 ELSE 0 END)
		FROM penalties p WHERE ` + cond + ` GROUP BY p.agency_id`
	rows, err = db.QueryContext(ctx, q, append([]any{recentFrom, recentTo}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("enforce: quality figures: %w", err)
	}
	for rows.Next() {
		var id int64
		var n, recent, flagged, badID, noFiled, noServed, noDomain, noProcedure, noAny int
		var last dbDate
		if err := rows.Scan(&id, &n, &last, &recent, &flagged, &badID, &noFiled, &noServed, &noDomain, &noProcedure, &noAny); err != nil {
			rows.Close()
			return nil, err
		}
		i, ok := idx[id]
		if !ok || n == 0 {
			continue
		}
		r := &out[i]
		share := func(k int) float64 { return float64(k) / float64(n) }
		r.Records, r.RecentRecords, r.LastDecision = n, recent, tabular.Date(last).String()
		r.FlaggedShare, r.BadIDShare = share(flagged), share(badID)
		r.MissingFiledShare, r.MissingServedShare, r.MissingDomainShare = share(noFiled), share(noServed), share(noDomain)
		r.MissingProcedureShare, r.MissingRequiredShare = share(noProcedure), share(noAny)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}

	// Delivery lag: a histogram of whole days per agency (a few hundred rows
	// at most per agency), from which the mean and the median follow exactly.
	rows, err = db.QueryContext(ctx, "SELECT p.agency_id, "+lagDays+", COUNT(*) FROM penalties p WHERE "+cond+" GROUP BY 1, 2 ORDER BY 1, 2", args...)
	if err != nil {
		return nil, fmt.Errorf("enforce: quality lag: %w", err)
	}
	lags := map[int64][]lagCount{}
	for rows.Next() {
		var id int64
		var lc lagCount
		if err := rows.Scan(&id, &lc.days, &lc.n); err != nil {
			rows.Close()
			return nil, err
		}
		lags[id] = append(lags[id], lc)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for id, h := range lags {
		if i, ok := idx[id]; ok {
			out[i].AvgLagDays, out[i].MedianLagDays = lagStats(h)
		}
	}

	rows, err = db.QueryContext(ctx, "SELECT p.agency_id, "+month+" AS m, COUNT(*) FROM penalties p WHERE "+cond+" GROUP BY p.agency_id, "+month+" ORDER BY 1, 2", args...)
	if err != nil {
		return nil, fmt.Errorf("enforce: quality months: %w", err)
	}
	for rows.Next() {
		var id int64
		var mc MonthCount
		if err := rows.Scan(&id, &mc.Month, &mc.Count); err != nil {
			rows.Close()
			return nil, err
		}
		if i, ok := idx[id]; ok {
			out[i].Months = append(out[i].Months, mc)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}

	rows, err = db.QueryContext(ctx, "SELECT agency_id, MAX(finished_at), SUM(rows_rejected) FROM import_batches GROUP BY agency_id")
	if err != nil {
		return nil, fmt.Errorf("enforce: quality batches: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var last *int64
		var rejected int
		if err := rows.Scan(&id, &last, &rejected); err != nil {
			return nil, err
		}
		if i, ok := idx[id]; ok {
			if last != nil {
				out[i].LastImportAt = *last
			}
			out[i].RejectedRows = rejected
		}
	}
	return out, rows.Err()
}

// missingFiled is true for a record lacking the filing date it should have:
// every procedure but the simple one (当场处罚, decided without filing).
const missingFiled = "(p.filed_date IS NULL AND p.procedure <> '" + ProcedureSimple + "')"

type lagCount struct{ days, n int64 }

// lagStats returns the mean and the median of a histogram sorted by days.
func lagStats(h []lagCount) (avg, median *float64) {
	var total, sum int64
	for _, c := range h {
		total += c.n
		sum += c.days * c.n
	}
	if total == 0 {
		return nil, nil
	}
	sort.Slice(h, func(i, j int) bool { return h[i].days < h[j].days })
	// nth returns the k-th smallest value (0-based).
	nth := func(k int64) int64 {
		for _, c := range h {
			if k < c.n {
				return c.days
			}
			k -= c.n
		}
		return h[len(h)-1].days
	}
	a := float64(sum) / float64(total)
	m := float64(nth((total-1)/2)+nth(total/2)) / 2
	return &a, &m
}
