package casework

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/xingjian/xingjian/internal/auth"
)

// StatRow is one group's numbers.
type StatRow struct {
	Key           string `json:"key"`
	Label         string `json:"label"`
	Issued        int    `json:"issued"`
	Replied       int    `json:"replied"`
	RepliedOnTime int    `json:"replied_on_time"`
	Adopted       int    `json:"adopted"`
	Partly        int    `json:"partly"`
	NotAdopted    int    `json:"not_adopted"`
	Rectified     int    `json:"rectified"`
	Escalated     int    `json:"escalated"`
	Overdue       int    `json:"overdue"`
}

// Stats is the numbers the dashboard charts: suggestions issued in the
// months [From, To] (YYYY-MM), grouped by agency, kind or month.
type Stats struct {
	By     string    `json:"by"`
	From   string    `json:"from"`
	To     string    `json:"to"`
	Rows   []StatRow `json:"rows"`
	Totals StatRow   `json:"totals"`
}

// Stats computes the numbers. Issued counts documents numbered in the
// period; the other columns describe those same suggestions now (replied on
// time: the first reply on or before the due date; rectified: closed after
// an adopted or partly adopted reply was verified).
func (s *Service) Stats(ctx context.Context, p *auth.Principal, by, from, to string) (Stats, error) {
	if !p.Can(auth.PermCaseworkStats) {
		return Stats{}, ErrForbidden
	}
	if by == "" {
		by = "agency"
	}
	if by != "agency" && by != "kind" && by != "month" {
		return Stats{}, invalid("by", "by 须为 agency、kind 或 month")
	}
	if !validMonth(from) || !validMonth(to) || from > to {
		return Stats{}, invalid("from", "from、to 须为 YYYY-MM，且 from 不晚于 to")
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT s.kind, s.recipient_org_id, COALESCE(o.name, ''), CAST(s.issued_on AS TEXT), s.status, s.outcome, s.escalation_level,
		CAST(s.due_on AS TEXT),
		(SELECT COUNT(*) FROM suggestion_replies r WHERE r.suggestion_id = s.id),
		(SELECT COUNT(*) FROM suggestion_replies r WHERE r.suggestion_id = s.id AND r.on_time)
		FROM suggestions s LEFT JOIN orgs o ON o.id = s.recipient_org_id
		WHERE s.doc_no IS NOT NULL AND s.issued_on >= ? AND s.issued_on < ?`, from+"-01", nextMonth(to))
	if err != nil {
		return Stats{}, fmt.Errorf("casework: stats: %w", err)
	}
	defer rows.Close()
	groups := map[string]*StatRow{}
	out := Stats{By: by, From: from, To: to, Rows: []StatRow{}}
	today := dateStr(s.today())
	for rows.Next() {
		var kind, orgName, issued, status, outcome string
		var org int64
		var level, replies, onTime int
		var due *string
		if err := rows.Scan(&kind, &org, &orgName, &issued, &status, &outcome, &level, &due, &replies, &onTime); err != nil {
			return Stats{}, err
		}
		key, label := "", ""
		switch by {
		case "agency":
			key, label = strconv.FormatInt(org, 10), orgName
		case "kind":
			k, _ := KindOf(kind)
			key, label = kind, k.Name
		case "month":
			key = issued[:7]
			label = key
		}
		g := groups[key]
		if g == nil {
			g = &StatRow{Key: key, Label: label}
			groups[key] = g
		}
		for _, r := range []*StatRow{g, &out.Totals} {
			r.Issued++
			if replies > 0 {
				r.Replied++
			}
			if onTime > 0 {
				r.RepliedOnTime++
			}
			switch outcome {
			case OutcomeAdopted:
				r.Adopted++
			case OutcomePartly:
				r.Partly++
			case OutcomeNotAdopted:
				r.NotAdopted++
			}
			if status == StatusClosed && (outcome == OutcomeAdopted || outcome == OutcomePartly) {
				r.Rectified++
			}
			if level > 0 {
				r.Escalated++
			}
			if status == StatusAwaitingReply && due != nil && (*due)[:10] < today {
				r.Overdue++
			}
		}
	}
	if err := rows.Err(); err != nil {
		return Stats{}, err
	}
	for _, g := range groups {
		out.Rows = append(out.Rows, *g)
	}
	slices.SortFunc(out.Rows, func(a, b StatRow) int {
		if by == "month" {
			return cmpStr(a.Key, b.Key)
		}
		if a.Issued != b.Issued {
			return b.Issued - a.Issued
		}
		return cmpStr(a.Label, b.Label)
	})
	out.Totals.Key, out.Totals.Label = "total", "合计"
	return out, nil
}

func cmpStr(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// nextMonth returns the first day of the month after m (YYYY-MM).
func nextMonth(m string) string {
	y, _ := strconv.Atoi(m[:4])
	mo, _ := strconv.Atoi(m[5:])
	if mo == 12 {
		y, mo = y+1, 0
	}
	return fmt.Sprintf("%04d-%02d-01", y, mo+1)
}

func validMonth(m string) bool {
	if len(m) != 7 || m[4] != '-' {
		return false
	}
	y, err1 := strconv.Atoi(m[:4])
	mo, err2 := strconv.Atoi(m[5:])
	return err1 == nil && err2 == nil && y >= 2000 && y <= 2100 && mo >= 1 && mo <= 12
}
