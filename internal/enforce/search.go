package enforce

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/xingjian/xingjian/internal/apperr"
	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/store"
	"github.com/xingjian/xingjian/internal/tabular"
)

// Paging bounds of Search.
const (
	SearchDefaultLimit = 50
	SearchMaxLimit     = 500
	// SearchTotalCap bounds the count behind Search's total: counting every
	// match of a broad filter over a million rows would cost far more than
	// the page. A total of SearchTotalCap+1 means "more than SearchTotalCap"
	// (see TotalCapped); the UI shows "10000+".
	SearchTotalCap = 10000
)

// TotalCapped reports whether a total returned by Search stands for "more
// than SearchTotalCap" rather than an exact count.
func TotalCapped(total int) bool { return total > searchCap }

// searchCap is SearchTotalCap, and searchProbeCap bounds the counts that
// compare the sizes of a search's two sources on SQLite. Tests lower both to
// reach every plan with a few thousand rows.
var (
	searchCap      = SearchTotalCap
	searchProbeCap = 100_000
)

// RecordFilter selects penalties for the records list. Zero fields do not
// filter. Dates are inclusive; amounts are in fen and inclusive.
type RecordFilter struct {
	AgencyID               int64
	Domain                 string
	From, To               tabular.Date // decision date
	MinFineFen, MaxFineFen *int64
	Procedure              string // ProcedureSimple | ProcedureOrdinary
	PartyKind              string // Party* constants
	Flag                   string // one Flag* value: records carrying it
	// Q is a substring of the party name, the document number or the facts,
	// taken literally (no wildcards, no query syntax). See Search for how its
	// length decides the method.
	Q      string
	Before *Cursor // the next page: rows after this position
	Limit  int     // SearchDefaultLimit when 0; at most SearchMaxLimit
}

// Cursor is a position in the list order, decision date descending and id
// descending. Ids are unique, so the order is total and stable under inserts:
// a record added meanwhile sorts either before the cursor or after it, and
// no row is skipped or repeated.
type Cursor struct {
	DecisionDate tabular.Date
	ID           int64
}

// String encodes the cursor for an API client, which treats it as opaque.
func (c Cursor) String() string {
	raw := fmt.Sprintf("%04d%02d%02d.%d", c.DecisionDate.Year, int(c.DecisionDate.Month), c.DecisionDate.Day, c.ID)
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// ParseCursor decodes a cursor made by Cursor.String; "" is no cursor (nil).
// Anything else is a validation_failed error.
func ParseCursor(s string) (*Cursor, error) {
	if s == "" {
		return nil, nil
	}
	bad := apperr.New("validation_failed", "cursor 无效")
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, bad
	}
	date, id, ok := strings.Cut(string(raw), ".")
	if !ok || len(date) != 8 {
		return nil, bad
	}
	t, err := time.Parse("20060102", date)
	if err != nil {
		return nil, bad
	}
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 || strconv.FormatInt(n, 10) != id {
		return nil, bad
	}
	return &Cursor{DecisionDate: tabular.Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}, ID: n}, nil
}

// RecordSummary is one row of the records list (docs/api-records.md). Money
// stays in fen here; the HTTP layer formats yuan.
type RecordSummary struct {
	ID            int64
	AgencyID      int64
	AgencyName    string // the agency's name in the directory
	DocNo         string
	PartyName     string
	PartyKind     string
	PartyCode     string // the USCC, or the ID number masked: 110105********002X
	Domain        string
	ViolationType string
	PenaltyKinds  string
	FineFen       int64
	DecisionDate  tabular.Date
	Procedure     string
	Flags         []string
	Revision      int
}

// Search lists the penalties in scope that match f, newest decision first,
// with the total and the cursor of the next page ("" on the last page).
//
// Visibility comes from scope alone (scope.Where on the record's agency): a
// liaison's AgencyID filter for another agency finds nothing.
//
// The text f.Q is matched as a literal substring, case-insensitively; control
// characters and invalid UTF-8 are dropped and the ends trimmed first:
//   - 3 characters or more: over party name, document number and facts. The
//     trigram indexes serve it: SQLite FTS5 MATCH with the text as one quoted
//     phrase, PostgreSQL ILIKE served by the pg_trgm GIN indexes.
//   - 2 characters: over party name and document number only. A trigram
//     index cannot hold a two-character string, so each engine answers it
//     from a second structure: on SQLite the trigram index's vocabulary (the
//     trigrams that begin with the two characters, plus the end-of-field mark
//     the index adds after names and numbers, so a two-character name is
//     found whole); on PostgreSQL a GIN index of the fields' character pairs.
//     Facts are left out: a two-character word in long free text matches too
//     much to be useful and would need an index of every pair in every fact.
//   - 1 character: LIKE over party name and document number, unindexed; the
//     other filters narrow the scan and the list order's index lets the page
//     stop at its limit (the API asks for at least 2 characters).
//
// The total is exact up to SearchTotalCap; beyond that it is
// SearchTotalCap+1 (see TotalCapped), so a broad filter never counts a
// million rows.
func Search(ctx context.Context, q store.Querier, scope auth.Scope, f RecordFilter) ([]RecordSummary, int, string, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = SearchDefaultLimit
	}
	limit = min(limit, SearchMaxLimit)
	plan, err := planSearch(ctx, q, scope, f)
	if err != nil {
		return nil, 0, "", err
	}
	if plan.empty {
		return []RecordSummary{}, 0, "", nil
	}
	query, args := plan.pageSQL(f.Before, limit)
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, 0, "", fmt.Errorf("enforce: search penalties: %w", err)
	}
	defer rows.Close()
	out := make([]RecordSummary, 0, min(limit+1, 64))
	for rows.Next() {
		var (
			r           RecordSummary
			uscc, idNo  string
			flags       string
			decisionDay dbDate
		)
		if err := rows.Scan(&r.ID, &r.AgencyID, &r.AgencyName, &r.DocNo, &r.PartyName, &r.PartyKind, &uscc, &idNo,
			&r.Domain, &r.ViolationType, &r.PenaltyKinds, &r.FineFen, &decisionDay, &r.Procedure, &flags, &r.Revision); err != nil {
			return nil, 0, "", fmt.Errorf("enforce: search penalties: %w", err)
		}
		r.DecisionDate = tabular.Date(decisionDay)
		r.PartyCode = partyCode(uscc, idNo)
		if flags != "" {
			r.Flags = strings.Split(flags, ",")
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, "", fmt.Errorf("enforce: search penalties: %w", err)
	}
	rows.Close()

	next := ""
	if len(out) > limit {
		out = out[:limit]
		last := out[limit-1]
		next = Cursor{DecisionDate: last.DecisionDate, ID: last.ID}.String()
	}
	total := plan.total
	switch {
	case total >= 0:
	case f.Before == nil && next == "":
		total = len(out) // the whole result is on this page
	default:
		if total, err = plan.count(ctx, q, searchCap); err != nil {
			return nil, 0, "", err
		}
	}
	return out, total, next, nil
}

// searchPlan is how one search is answered: its conditions on penalties p,
// the row source (the table, or the text index's matches joined to it) and,
// when the planning probes already found it, the total.
type searchPlan struct {
	from     string // "penalties p", or an FTS5 match joined to penalties p
	fromArgs []any
	where    []string
	args     []any
	total    int    // -1 until counted
	empty    bool   // nothing can match (a two-character text absent from the index)
	sorted   bool   // PostgreSQL: few rows match; read them by the filters' indexes and sort
	kind     string // names the plan, for tests and benchmark output
}

// planSearch turns f into a plan. PostgreSQL's planner chooses access paths
// from its statistics, so its plan is the plain query (with text, counted
// first; see below). SQLite keeps no
// statistics (nothing runs ANALYZE), so the choices its planner cannot make
// are made here from cheap, capped counts:
//
//   - Text: count the text index's matches up to SearchTotalCap. If the text
//     is selective (at most SearchTotalCap matches), the matches drive the
//     query: their rows are read by id, filtered and sorted; without other
//     filters that count is the total. If the text is common (more matches,
//     at least 1 % of a million rows), the page walks the list order's index
//     (or a filter's index in list order) testing each row with LIKE, and
//     fills after a few thousand rows at most. With other filters the total
//     is counted from the smaller of two sources, sized by counts capped at
//     searchProbeCap: the filters' rows checked against the text (LIKE), or
//     the text's matches checked against the filters. When the latter finds
//     few rows pass the filters, those matches make the page too: walking
//     would cross most of the filters' rows.
//   - An amount range without text is counted first; the amount index serves
//     the page only when the range is selective, otherwise the page walks the
//     list order and tests the amount.
func planSearch(ctx context.Context, q store.Querier, scope auth.Scope, f RecordFilter) (searchPlan, error) {
	d := q.Dialect()
	pl := searchPlan{from: "penalties p", total: -1, kind: "plain"}
	scopeCond, scopeArgs := scope.Where("p.agency_id")
	pl.add(scopeCond, scopeArgs...)
	if f.AgencyID != 0 {
		pl.add("p.agency_id = ?", f.AgencyID)
	}
	if f.Domain != "" {
		pl.add("p.domain = ?", f.Domain)
	}
	if !f.From.IsZero() {
		pl.add("p.decision_date >= ?", f.From.String())
	}
	if !f.To.IsZero() {
		pl.add("p.decision_date <= ?", f.To.String())
	}
	if f.Procedure != "" {
		pl.add("p.procedure = ?", f.Procedure)
	}
	if f.PartyKind != "" {
		pl.add("p.party_kind = ?", f.PartyKind)
	}
	if f.Flag != "" {
		// flags is a sorted comma-separated list; "flags <> ''" lets the
		// planners use the partial index of flagged records, which holds
		// the flags too.
		pl.add(`p.flags <> '' AND ',' || p.flags || ',' LIKE ? ESCAPE '\'`, "%,"+likeLiteral(f.Flag)+",%")
	}
	// withFine returns pl with the amount range; unindexed makes SQLite
	// ignore the amount index for it (a unary + makes a term unindexable).
	withFine := func(pl searchPlan, unindexed bool) searchPlan {
		pl.where, pl.args = slices.Clone(pl.where), slices.Clone(pl.args)
		col := "p.fine_fen"
		if unindexed {
			col = "+p.fine_fen"
		}
		if f.MinFineFen != nil {
			pl.add(col+" >= ?", *f.MinFineFen)
		}
		if f.MaxFineFen != nil {
			pl.add(col+" <= ?", *f.MaxFineFen)
		}
		return pl
	}
	text := searchText(f.Q)
	n := utf8.RuneCountInString(text)
	switch {
	case d == store.Postgres:
		pl = withFine(pl, false)
		switch {
		case n == 0:
		case n == 1:
			pl.addShortLike(text)
		case n == 2:
			// The GIN index of character-pair codes (migration 0006).
			pl.add("penalty_pair_codes(lower(p.party_name || chr(1) || p.doc_no)) @> penalty_pair_codes(lower(?::text))", text)
		default:
			pat := "%" + likeLiteral(text) + "%"
			pl.add(`(p.party_name ILIKE ? ESCAPE '\' OR p.doc_no ILIKE ? ESCAPE '\' OR p.facts ILIKE ? ESCAPE '\')`, pat, pat, pat)
		}
		if n == 0 {
			return pl, nil
		}
		// Text is counted first. The planner estimates a substring's share
		// of rows roughly and assumes it independent of the other filters;
		// when it is not (an ecology term searched among the market agency's
		// records) the planner walks the list order expecting an early page
		// that never comes. Once the count shows the matches are few, they
		// are read by the indexes and sorted instead.
		total, err := pl.count(ctx, q, searchCap)
		if err != nil {
			return pl, err
		}
		pl.total, pl.empty, pl.sorted = total, total == 0, !TotalCapped(total)
		if pl.sorted {
			pl.kind = "sorted"
		}
		return pl, nil
	case n == 0:
		if f.MinFineFen == nil && f.MaxFineFen == nil {
			return pl, nil
		}
		total, err := withFine(pl, false).count(ctx, q, searchCap)
		if err != nil {
			return pl, err
		}
		// A selective range: read its rows by the amount index and sort
		// them. A broad one: walk the list order, testing the amount.
		pl = withFine(pl, TotalCapped(total))
		pl.total, pl.kind = total, "amount-index"
		if TotalCapped(total) {
			pl.kind = "amount-walk"
		}
		return pl, nil
	case n == 1:
		pl = withFine(pl, true)
		pl.addShortLike(text)
		pl.kind = "short-like"
		return pl, nil
	}
	base := pl
	pl = withFine(pl, true)
	match := ftsPhrase(text)
	if n == 2 {
		terms, err := ftsPairTerms(ctx, q, text)
		switch {
		case err != nil:
			return pl, err
		case len(terms) == 0:
			pl.empty, pl.kind = true, "pairs-none"
			return pl, nil
		case len(terms) > ftsPairMaxTerms:
			pl.addShortLike(text)
			pl.kind = "short-like"
			return pl, nil
		}
		match = "{party_name doc_no} : (" + strings.Join(terms, " OR ") + ")"
	}
	matches, err := ftsCount(ctx, q, match, searchCap)
	if err != nil {
		return pl, err
	}
	filtered := len(pl.where) > 1 || !scope.District // more than the district's "1 = 1"
	viaIndex := pl
	viaIndex.from = "(SELECT rowid AS id FROM penalties_fts WHERE penalties_fts MATCH ?) m CROSS JOIN penalties p ON p.id = m.id"
	viaIndex.fromArgs = []any{match}
	viaIndex.kind = "text-index"
	viaLike := pl
	viaLike.where, viaLike.args = slices.Clone(pl.where), slices.Clone(pl.args)
	viaLike.kind = "text-walk"
	if n == 2 {
		viaLike.addShortLike(text)
	} else {
		pat := "%" + likeLiteral(text) + "%"
		viaLike.add(`(p.party_name LIKE ? ESCAPE '\' OR p.doc_no LIKE ? ESCAPE '\' OR p.facts LIKE ? ESCAPE '\')`, pat, pat, pat)
	}
	switch {
	case !TotalCapped(matches):
		if !filtered {
			viaIndex.total = matches
		}
		return viaIndex, nil
	case !filtered:
		viaLike.total = matches
		return viaLike, nil
	}
	// Common text and other filters: the total is counted from the smaller
	// source; the page walks in list order (LIKE), unless the count found
	// the text rarely passes the filters — then walking would cross most of
	// the filters' rows, and the text's matches, already read once for the
	// count, make the page.
	rows, err := withFine(base, false).count(ctx, q, searchProbeCap)
	if err != nil {
		return pl, err
	}
	if rows < searchProbeCap {
		if matches, err = ftsCount(ctx, q, match, rows); err != nil {
			return pl, err
		}
	}
	if rows < matches {
		viaLike.kind = "text-walk, counted by filters"
		viaLike.total, err = viaLike.count(ctx, q, searchCap)
		return viaLike, err
	}
	total, err := viaIndex.count(ctx, q, searchCap)
	if err != nil {
		return pl, err
	}
	if !TotalCapped(total) {
		viaIndex.total, viaIndex.kind = total, "text-index, counted by index"
		return viaIndex, nil
	}
	viaLike.total, viaLike.kind = total, "text-walk, counted by index"
	return viaLike, nil
}

func (pl *searchPlan) add(cond string, args ...any) {
	pl.where = append(pl.where, cond)
	pl.args = append(pl.args, args...)
}

// addShortLike matches a one- or two-character text with LIKE over party
// name and document number.
func (pl *searchPlan) addShortLike(text string) {
	name, arg := store.ContainsLike("p.party_name", text)
	doc, _ := store.ContainsLike("p.doc_no", text)
	pl.add("("+name+" OR "+doc+")", arg, arg)
}

func (pl searchPlan) whereSQL(extra ...string) string {
	w := append(pl.where[:len(pl.where):len(pl.where)], extra...)
	if len(w) == 0 {
		return "1 = 1"
	}
	return strings.Join(w, " AND ")
}

// pageSQL is the page query: limit+1 rows, to tell whether a next page
// exists.
func (pl searchPlan) pageSQL(before *Cursor, limit int) (string, []any) {
	args := append(pl.fromArgs[:len(pl.fromArgs):len(pl.fromArgs)], pl.args...)
	order := "p.decision_date DESC, p.id DESC"
	if pl.sorted {
		// Not the index's order as far as the planner knows: "+ 0" keeps it
		// from walking an index in list order.
		order = "p.decision_date + 0 DESC, p.id DESC"
	}
	var extra []string
	if before != nil {
		extra = append(extra, "(p.decision_date, p.id) < (?, ?)")
		args = append(args, before.DecisionDate.String(), before.ID)
	}
	return `SELECT p.id, p.agency_id, COALESCE(o.name, p.agency_name), p.doc_no, p.party_name, p.party_kind, p.party_uscc, p.party_id_no,
		p.domain, p.violation_type, p.penalty_kinds, p.fine_fen, p.decision_date, p.procedure, p.flags, p.revision
		FROM ` + pl.from + ` LEFT JOIN orgs o ON o.id = p.agency_id
		WHERE ` + pl.whereSQL(extra...) + `
		ORDER BY ` + order + ` LIMIT ?`, append(args, limit+1)
}

// countSQL counts the plan's rows up to limit+1.
func (pl searchPlan) countSQL(limit int) (string, []any) {
	args := append(pl.fromArgs[:len(pl.fromArgs):len(pl.fromArgs)], pl.args...)
	return `SELECT COUNT(*) FROM (SELECT 1 FROM ` + pl.from + ` WHERE ` + pl.whereSQL() + ` LIMIT ?) t`, append(args, limit+1)
}

func (pl searchPlan) count(ctx context.Context, q store.Querier, limit int) (int, error) {
	query, args := pl.countSQL(limit)
	var n int
	if err := q.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("enforce: count penalties: %w", err)
	}
	return n, nil
}

// ftsCount counts an FTS5 query's matches up to limit+1.
func ftsCount(ctx context.Context, q store.Querier, match string, limit int) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT rowid FROM penalties_fts WHERE penalties_fts MATCH ? LIMIT ?) t`,
		match, limit+1).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("enforce: search text index: %w", err)
	}
	return n, nil
}

// ftsPairMaxTerms bounds the trigrams a two-character search expands to.
const ftsPairMaxTerms = 2000

// ftsPairTerms returns, as FTS5 phrases, the trigrams of the party names and
// document numbers that begin with a two-character text (SQLite). The index
// ends those fields with U+0003, so a field that ends with the text, or is
// the text, has such a trigram too: together they find every occurrence.
func ftsPairTerms(ctx context.Context, q store.Querier, text string) ([]string, error) {
	prefix := strings.ToLower(text) // the trigram tokenizer folds case
	rows, err := q.QueryContext(ctx, `SELECT DISTINCT term FROM penalties_fts_vocab
		WHERE term >= ? AND term <= ? AND col IN ('party_name', 'doc_no')`, prefix, prefix+string(utf8.MaxRune))
	if err != nil {
		return nil, fmt.Errorf("enforce: search text index: %w", err)
	}
	defer rows.Close()
	var terms []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, fmt.Errorf("enforce: search text index: %w", err)
		}
		if strings.HasPrefix(t, prefix) && utf8.RuneCountInString(t) == 3 {
			terms = append(terms, ftsPhrase(t))
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("enforce: search text index: %w", err)
	}
	return terms, nil
}

// searchText is the user's search text as matched: trimmed, with control
// characters (which no stored text holds) and invalid UTF-8 (which
// PostgreSQL refuses) removed.
func searchText(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// ftsPhrase quotes text as one FTS5 phrase: inside double quotes every
// character is literal (AND, OR, NOT, NEAR, *, ^, :, parentheses) and a
// double quote is written twice. With the trigram tokenizer a phrase of three
// or more characters matches wherever it occurs as a substring of a column.
func ftsPhrase(text string) string {
	return `"` + strings.ReplaceAll(text, `"`, `""`) + `"`
}

// likeLiteral makes text literal inside a LIKE pattern with ESCAPE '\'.
func likeLiteral(text string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(text)
}

// partyCode is what the list shows as the party's code: the unified social
// credit code, else the ID number with its middle masked, so that a list
// never shows a person's full ID number.
func partyCode(uscc, idNo string) string {
	if uscc != "" {
		return uscc
	}
	return maskIDNo(idNo)
}

// maskIDNo masks an identity document number for display: an 18-character
// resident ID keeps its region (6) and its last 4 characters
// (110105********002X); other numbers keep a quarter at each end.
func maskIDNo(id string) string {
	r := []rune(id)
	n := len(r)
	head, tail := n/4, n/4
	if n == 18 {
		head, tail = 6, 4
	}
	for i := head; i < n-tail; i++ {
		r[i] = '*'
	}
	return string(r)
}
