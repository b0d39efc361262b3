package enforce

import (
	"context"
	"fmt"

	"github.com/xingjian/xingjian/internal/apperr"
	"github.com/xingjian/xingjian/internal/auth"
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
	// LastDecision is the latest decision date shared ("" if none).
	LastDecision string `json:"last_decision"`
	// LastImportAt is when the agency last delivered data (Unix ms, 0 = never).
	LastImportAt int64 `json:"-"`
	// AvgLagDays is the mean delay from decision to delivery, in days.
	AvgLagDays *float64 `json:"avg_lag_days"`
	// Shares of records (0–1) with suspect identifiers and with fields that
	// supervision needs left empty.
	FlaggedShare       float64 `json:"flagged_share"`
	BadIDShare         float64 `json:"bad_id_share"`
	MissingFiledShare  float64 `json:"missing_filed_share"`
	MissingServedShare float64 `json:"missing_served_share"`
	MissingDomainShare float64 `json:"missing_domain_share"`
	// RejectedRows is how many rows of the agency's imports were refused.
	RejectedRows int `json:"rejected_rows"`
	// Months counts records by decision month (YYYY-MM), oldest first.
	Months []MonthCount `json:"months"`
}

// MonthCount is a count for one month.
type MonthCount struct {
	Month string `json:"month"`
	Count int    `json:"count"`
}

// Quality reports every agency and town government in the caller's scope for
// decisions in [from, to) (YYYY-MM-DD; "" = open).
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

	cond, args := "1 = 1", []any{}
	if from != "" {
		cond += " AND p.decision_date >= ?"
		args = append(args, from)
	}
	if to != "" {
		cond += " AND p.decision_date < ?"
		args = append(args, to)
	}
	// Days since the epoch of a civil date, and the month of one: the only
	// dialect differences here.
	epochDays, month := "(julianday(p.decision_date) - 2440587.5)", "substr(p.decision_date, 1, 7)"
	if db.Dialect() == store.Postgres {
		epochDays, month = "(p.decision_date - DATE '1970-01-01')", "to_char(p.decision_date, 'YYYY-MM')"
	}
	q := `SELECT p.agency_id, COUNT(*), MAX(p.decision_date),
		AVG(p.created_at / 86400000.0 - ` + epochDays + `),
		SUM(CASE WHEN p.flags <> '' THEN 1 ELSE 0 END),
		SUM(CASE WHEN p.flags LIKE '%bad_party_id%' OR p.flags LIKE '%bad_party_uscc%' OR p.flags LIKE '%bad_legal_rep_id%' THEN 1 ELSE 0 END),
		SUM(CASE WHEN p.filed_date IS NULL THEN 1 ELSE 0 END),
		SUM(CASE WHEN p.served_date IS NULL THEN 1 ELSE 0 END),
		SUM(CASE WHEN p.domain = '' THEN 1 ELSE 0 END)
		FROM penalties p WHERE ` + cond + ` GROUP BY p.agency_id`
	rows, err = db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("enforce: quality figures: %w", err)
	}
	for rows.Next() {
		var id int64
		var n, flagged, badID, noFiled, noServed, noDomain int
		var last dbDate
		var lag *float64
		if err := rows.Scan(&id, &n, &last, &lag, &flagged, &badID, &noFiled, &noServed, &noDomain); err != nil {
			rows.Close()
			return nil, err
		}
		i, ok := idx[id]
		if !ok || n == 0 {
			continue
		}
		r := &out[i]
		share := func(k int) float64 { return float64(k) / float64(n) }
		r.Records, r.LastDecision, r.AvgLagDays = n, tabular.Date(last).String(), lag
		r.FlaggedShare, r.BadIDShare = share(flagged), share(badID)
		r.MissingFiledShare, r.MissingServedShare, r.MissingDomainShare = share(noFiled), share(noServed), share(noDomain)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
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
		var id, last int64
		var rejected int
		if err := rows.Scan(&id, &last, &rejected); err != nil {
			return nil, err
		}
		if i, ok := idx[id]; ok {
			out[i].LastImportAt, out[i].RejectedRows = last, rejected
		}
	}
	return out, rows.Err()
}
