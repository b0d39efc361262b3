// Package reference is the shared reference material of the district:
// discretion benchmarks (裁量基准) imported from agencies' tables, typical
// cases (典型案例) and enforcement news / announcements (执法动态 / 通知公告).
// Every signed-in person may read it; who may change what is decided here,
// and every change is audited in the same transaction.
package reference

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xingjian/xingjian/internal/apperr"
	"github.com/xingjian/xingjian/internal/audit"
	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/store"
	"github.com/xingjian/xingjian/internal/tabular"
)

// Benchmark is one row of a discretion table: a violation item at one level
// (裁量阶次) with one circumstance (裁量情节) and its standard (裁量标准).
type Benchmark struct {
	ID             int64  `json:"id"`
	OrgID          int64  `json:"org_id"`
	OrgName        string `json:"org_name"`
	Issuer         string `json:"issuer"`
	Domain         string `json:"domain"`
	Category       string `json:"category"`
	ViolationCode  string `json:"violation_code"`
	ViolationName  string `json:"violation_name"`
	LegalBasis     string `json:"legal_basis"`
	ViolationBasis string `json:"violation_basis"`
	PenaltyBasis   string `json:"penalty_basis"`
	Level          string `json:"level"`
	LevelSeq       int    `json:"level_seq"`
	Circumstance   string `json:"circumstance"`
	Standard       string `json:"standard"`
	FineKind       string `json:"fine_kind"`
	FineMinFen     *int64 `json:"-"`
	FineMaxFen     *int64 `json:"-"`
	Remarks        string `json:"remarks"`
	SourceFile     string `json:"source_file"`
	SourceSheet    string `json:"source_sheet"`
	SourceLine     int    `json:"source_line"`
	EffectiveFrom  string `json:"effective_from"` // YYYY-MM-DD or ""
	EffectiveTo    string `json:"effective_to"`
	CreatedAt      int64  `json:"-"`
	UpdatedAt      int64  `json:"-"`
	Version        int    `json:"version"`
}

// hash covers what a re-import may change.
func (b *Benchmark) hash() string {
	v, _ := json.Marshal([]any{b.Domain, b.Category, b.ViolationName, b.LegalBasis, b.ViolationBasis, b.PenaltyBasis, b.Circumstance,
		b.Standard, b.FineKind, b.FineMinFen, b.FineMaxFen, b.Remarks, b.SourceFile, b.SourceSheet, b.SourceLine, b.EffectiveFrom, b.EffectiveTo})
	sum := sha256.Sum256(v)
	return hex.EncodeToString(sum[:16])
}

const benchCols = `b.id, b.org_id, o.name, b.issuer, b.domain, b.category, b.violation_code, b.violation_name, b.legal_basis,
	b.violation_basis, b.penalty_basis, b.level, b.level_seq, b.circumstance, b.standard, b.fine_kind, b.fine_min_fen, b.fine_max_fen,
	b.remarks, b.source_file, b.source_sheet, b.source_line, COALESCE(CAST(b.effective_from AS TEXT), ''),
	COALESCE(CAST(b.effective_to AS TEXT), ''), b.created_at, b.updated_at, b.version`

func scanBenchmark(sc scanner) (Benchmark, error) {
	var b Benchmark
	var lo, hi sql.NullInt64
	err := sc.Scan(&b.ID, &b.OrgID, &b.OrgName, &b.Issuer, &b.Domain, &b.Category, &b.ViolationCode, &b.ViolationName, &b.LegalBasis,
		&b.ViolationBasis, &b.PenaltyBasis, &b.Level, &b.LevelSeq, &b.Circumstance, &b.Standard, &b.FineKind, &lo, &hi,
		&b.Remarks, &b.SourceFile, &b.SourceSheet, &b.SourceLine, &b.EffectiveFrom, &b.EffectiveTo, &b.CreatedAt, &b.UpdatedAt, &b.Version)
	b.FineMinFen, b.FineMaxFen = nullID(lo), nullID(hi)
	return b, err
}

// BenchmarkFilter narrows the benchmark list.
type BenchmarkFilter struct {
	Domain        string
	ViolationCode string // exact
	Q             string // violation code or name, category, circumstance (substring)
	OrgID         int64
	Issuer        string // substring
	Category      string // exact
	Level         string // exact
	After         int64  // id cursor
	Limit         int
}

// ListBenchmarks lists benchmark rows in file order (id).
func ListBenchmarks(ctx context.Context, q store.Querier, p *auth.Principal, f BenchmarkFilter) ([]Benchmark, int, error) {
	if !p.Can(auth.PermReferenceRead) {
		return nil, 0, apperr.Forbidden()
	}
	cond := []string{"1 = 1"}
	var args []any
	add := func(c string, a ...any) { cond = append(cond, c); args = append(args, a...) }
	if f.Domain != "" {
		add("b.domain = ?", f.Domain)
	}
	if f.ViolationCode != "" {
		add("b.violation_code = ?", f.ViolationCode)
	}
	if f.OrgID != 0 {
		add("b.org_id = ?", f.OrgID)
	}
	if f.Category != "" {
		add("b.category = ?", f.Category)
	}
	if f.Level != "" {
		add("b.level = ?", f.Level)
	}
	if f.Issuer != "" {
		c, a := store.ContainsLike("b.issuer", f.Issuer)
		add(c, a)
	}
	if t := strings.TrimSpace(f.Q); t != "" {
		var parts []string
		for _, col := range []string{"b.violation_code", "b.violation_name", "b.category", "b.circumstance"} {
			c, a := store.ContainsLike(col, t)
			parts = append(parts, c)
			args = append(args, a)
		}
		cond = append(cond, "("+strings.Join(parts, " OR ")+")")
	}
	where := strings.Join(cond, " AND ")
	var total int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM discretion_benchmarks b WHERE "+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("reference: count benchmarks: %w", err)
	}
	if f.After > 0 {
		where += " AND b.id > ?"
		args = append(args, f.After)
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	out, err := queryAll(ctx, q, scanBenchmark, "benchmarks", "SELECT "+benchCols+" FROM discretion_benchmarks b JOIN orgs o ON o.id = b.org_id WHERE "+where+
		" ORDER BY b.id LIMIT ?", append(args, f.Limit)...)
	if err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// GetBenchmark reads one row.
func GetBenchmark(ctx context.Context, q store.Querier, p *auth.Principal, id int64) (Benchmark, error) {
	return getOne(ctx, q, p, scanBenchmark, "裁量基准", "benchmark",
		"SELECT "+benchCols+" FROM discretion_benchmarks b JOIN orgs o ON o.id = b.org_id WHERE b.id = ?", id)
}

// mayManageOrg decides whether p may change material an org owns: with
// perm, and within p's scope (an agency liaison: their own org only). Those
// outside it can still read the object, so the answer is 403, not 404.
func mayManageOrg(p *auth.Principal, perm string, orgID int64, what string) error {
	if !p.Can(perm) {
		return apperr.Forbidden()
	}
	if !p.Scope().Allows(orgID) {
		return &apperr.Error{Code: "forbidden", Message: "只能管理本单位的" + what}
	}
	return nil
}

// ImportOptions are what an upload says about the table.
type ImportOptions struct {
	OrgID         int64  // owner on the platform; 0 = the caller's org
	Issuer        string // 制定机关 as the table states it; "" = the owner's name
	Domain        string // domains.code; "" = the owner's only domain
	EffectiveFrom string // YYYY-MM-DD or ""
	EffectiveTo   string
	FileName      string
}

// MaxReportedRejects bounds the reasons listed in an import report
// (rejected counts them all).
const MaxReportedRejects = 1000

// ImportReport is what an import did.
type ImportReport struct {
	File      string      `json:"file"`
	OrgID     int64       `json:"org_id"`
	Issuer    string      `json:"issuer"`
	Domain    string      `json:"domain"`
	Total     int         `json:"total"`
	Inserted  int         `json:"inserted"`
	Updated   int         `json:"updated"`
	Unchanged int         `json:"unchanged"`
	Rejected  int         `json:"rejected"`
	Sheets    []SheetStat `json:"sheets"`
	Rejects   []Reject    `json:"rejects"`
}

// Now is the clock (tests may replace it).
var Now = time.Now

// ImportBenchmarks reads a discretion table (XLS, XLSX or CSV) and stores
// its rows for an org, all in one transaction with one audit entry. Rows
// are keyed by (org, issuer, violation code, level, order within the
// level): importing the same file again changes nothing, a corrected row is
// updated in place (its version goes up), and rows the file no longer has are
// left as they are.
func ImportBenchmarks(ctx context.Context, db *store.DB, p *auth.Principal, data []byte, o ImportOptions) (ImportReport, error) {
	if o.OrgID == 0 {
		o.OrgID = p.OrgID
	}
	if err := mayManageOrg(p, auth.PermReferenceManage, o.OrgID, "裁量基准"); err != nil {
		return ImportReport{}, err
	}
	orgName, domain, err := ownerDefaults(ctx, db, o.OrgID)
	if err != nil {
		return ImportReport{}, err
	}
	var fe apperr.Fields
	if strings.TrimSpace(o.Issuer) == "" {
		o.Issuer = orgName
	}
	o.Issuer = strings.TrimSpace(o.Issuer)
	if utf8.RuneCountInString(o.Issuer) > 100 {
		fe.Add("issuer", "制定机关不能超过 100 个字")
	}
	if o.Domain == "" {
		o.Domain = domain
	}
	if o.Domain == "" {
		fe.Add("domain", "请选择执法领域（该单位有多个或没有执法领域）")
	} else if ok, err := domainExists(ctx, db, o.Domain); err != nil {
		return ImportReport{}, err
	} else if !ok {
		fe.Add("domain", "执法领域代码无效："+o.Domain)
	}
	checkDates(&fe, &o.EffectiveFrom, &o.EffectiveTo)
	if err := fe.Err(); err != nil {
		return ImportReport{}, err
	}
	rows, rejects, stats, err := parseBook(data, o.FileName)
	if err != nil {
		var te *tabular.Error
		if errors.As(err, &te) {
			return ImportReport{}, apperr.Wrap(err, "invalid_file", te.Message)
		}
		return ImportReport{}, err
	}
	rep := ImportReport{File: o.FileName, OrgID: o.OrgID, Issuer: o.Issuer, Domain: o.Domain, Total: len(rows) + countLineRejects(rejects),
		Rejected: countLineRejects(rejects), Sheets: stats, Rejects: rejects}
	if rep.Rejects == nil {
		rep.Rejects = []Reject{}
	}
	if len(rep.Rejects) > MaxReportedRejects {
		rep.Rejects = rep.Rejects[:MaxReportedRejects]
	}
	now := Now().UnixMilli()
	err = db.InTx(ctx, func(tx *store.Tx) error {
		seq := map[[2]string]int{}
		lastCitation := ""
		for _, r := range rows {
			k := [2]string{r.Code, r.Level}
			seq[k]++
			b := Benchmark{OrgID: o.OrgID, Issuer: o.Issuer, Domain: o.Domain, Category: r.Category, ViolationCode: r.Code,
				ViolationName: r.Name, LegalBasis: r.LegalBasis, ViolationBasis: r.ViolationBasis, PenaltyBasis: r.PenaltyBasis,
				Level: r.Level, LevelSeq: seq[k], Circumstance: r.Circumstance, Standard: r.Std, Remarks: r.Remarks,
				SourceFile: o.FileName, SourceSheet: r.Sheet, SourceLine: r.Line, EffectiveFrom: o.EffectiveFrom, EffectiveTo: o.EffectiveTo}
			if b.ViolationBasis == "" && b.PenaltyBasis == "" {
				// One 法律依据 column states the violation and the penalty
				// together: both get its citations. A later part of an
				// item may quote only the text (水污染防治法 2-9 "逾期不拆除
				// 的…"): it keeps the item's citation.
				c := strings.Join(Citations(b.LegalBasis), "；")
				if c == "" && r.continues {
					c = lastCitation
				}
				b.ViolationBasis, b.PenaltyBasis = c, c
			}
			lastCitation = b.PenaltyBasis
			fine := ParseFine(b.Standard)
			b.FineKind, b.FineMinFen, b.FineMaxFen = fine.Kind, fine.MinFen, fine.MaxFen
			res, err := upsertBenchmark(ctx, tx, &b, now)
			if err != nil {
				return err
			}
			switch res {
			case "inserted":
				rep.Inserted++
			case "updated":
				rep.Updated++
			default:
				rep.Unchanged++
			}
		}
		if rep.Inserted+rep.Updated == 0 {
			return nil // nothing changed: nothing to audit
		}
		return audit.Record(ctx, tx, p.Actor(), audit.Entry{Action: "discretion.import", ObjectType: "discretion_table",
			ObjectID: fmt.Sprintf("%d:%s", o.OrgID, o.Issuer),
			After: map[string]any{"file": o.FileName, "sha256": sha256Hex(data), "issuer": o.Issuer, "domain": o.Domain,
				"inserted": rep.Inserted, "updated": rep.Updated, "unchanged": rep.Unchanged, "rejected": rep.Rejected}})
	})
	if err != nil {
		return ImportReport{}, err
	}
	return rep, nil
}

func countLineRejects(rs []Reject) int {
	n := 0
	for _, r := range rs {
		if r.Line > 0 {
			n++
		}
	}
	return n
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// upsertBenchmark stores b by its natural key and says what happened.
func upsertBenchmark(ctx context.Context, tx *store.Tx, b *Benchmark, now int64) (string, error) {
	h := b.hash()
	var id int64
	var old string
	err := tx.QueryRowContext(ctx, `SELECT id, content_hash FROM discretion_benchmarks
		WHERE org_id = ? AND issuer = ? AND violation_code = ? AND level = ? AND level_seq = ?`,
		b.OrgID, b.Issuer, b.ViolationCode, b.Level, b.LevelSeq).Scan(&id, &old)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		err = tx.QueryRowContext(ctx, `INSERT INTO discretion_benchmarks (org_id, issuer, domain, category, violation_code, violation_name,
			legal_basis, violation_basis, penalty_basis, level, level_seq, circumstance, standard, fine_kind, fine_min_fen, fine_max_fen,
			remarks, source_file, source_sheet, source_line, effective_from, effective_to, content_hash, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			b.OrgID, b.Issuer, b.Domain, b.Category, b.ViolationCode, b.ViolationName, b.LegalBasis, b.ViolationBasis, b.PenaltyBasis,
			b.Level, b.LevelSeq, b.Circumstance, b.Standard, b.FineKind, b.FineMinFen, b.FineMaxFen, b.Remarks, b.SourceFile, b.SourceSheet,
			b.SourceLine, dateArg(b.EffectiveFrom), dateArg(b.EffectiveTo), h, now, now).Scan(&b.ID)
		if err != nil {
			return "", fmt.Errorf("reference: insert benchmark: %w", err)
		}
		return "inserted", nil
	case err != nil:
		return "", fmt.Errorf("reference: find benchmark: %w", err)
	case old == h:
		b.ID = id
		return "unchanged", nil
	}
	b.ID = id
	_, err = tx.ExecContext(ctx, `UPDATE discretion_benchmarks SET domain = ?, category = ?, violation_name = ?, legal_basis = ?,
		violation_basis = ?, penalty_basis = ?, circumstance = ?, standard = ?, fine_kind = ?, fine_min_fen = ?, fine_max_fen = ?,
		remarks = ?, source_file = ?, source_sheet = ?, source_line = ?, effective_from = ?, effective_to = ?, content_hash = ?,
		updated_at = ?, version = version + 1 WHERE id = ?`,
		b.Domain, b.Category, b.ViolationName, b.LegalBasis, b.ViolationBasis, b.PenaltyBasis, b.Circumstance, b.Standard, b.FineKind,
		b.FineMinFen, b.FineMaxFen, b.Remarks, b.SourceFile, b.SourceSheet, b.SourceLine, dateArg(b.EffectiveFrom), dateArg(b.EffectiveTo),
		h, now, id)
	if err != nil {
		return "", fmt.Errorf("reference: update benchmark: %w", err)
	}
	return "updated", nil
}

func dateArg(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// checkDates validates optional YYYY-MM-DD dates and their order.
func checkDates(fe *apperr.Fields, from, to *string) {
	for name, d := range map[string]*string{"effective_from": from, "effective_to": to} {
		*d = strings.TrimSpace(*d)
		if *d == "" {
			continue
		}
		if _, err := time.Parse("2006-01-02", *d); err != nil {
			fe.Add(name, "日期格式应为 YYYY-MM-DD："+*d)
			*d = ""
		}
	}
	if *from != "" && *to != "" && *to < *from {
		fe.Add("effective_to", "失效日期不能早于生效日期")
	}
}

// ownerDefaults reads an org's name and its only enforcement domain.
func ownerDefaults(ctx context.Context, q store.Querier, orgID int64) (name, domain string, err error) {
	if err := q.QueryRowContext(ctx, "SELECT name FROM orgs WHERE id = ?", orgID).Scan(&name); errors.Is(err, sql.ErrNoRows) {
		return "", "", apperr.NotFound("单位")
	} else if err != nil {
		return "", "", fmt.Errorf("reference: org %d: %w", orgID, err)
	}
	rows, err := q.QueryContext(ctx, "SELECT domain FROM org_domains WHERE org_id = ?", orgID)
	if err != nil {
		return "", "", fmt.Errorf("reference: org domains: %w", err)
	}
	defer rows.Close()
	var ds []string
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			return "", "", err
		}
		ds = append(ds, d)
	}
	if len(ds) == 1 {
		domain = ds[0]
	}
	return name, domain, rows.Err()
}

func domainExists(ctx context.Context, q store.Querier, code string) (bool, error) {
	var n int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM domains WHERE code = ?", code).Scan(&n); err != nil {
		return false, fmt.Errorf("reference: domain: %w", err)
	}
	return n > 0, nil
}

// BenchmarkInput creates or changes one benchmark row by hand. Nil fields
// are left as they are on update. FineMin / FineMax (yuan) override what is
// read from the standard; without them the standard's text decides.
type BenchmarkInput struct {
	OrgID          *int64  `json:"org_id"`
	Issuer         *string `json:"issuer"`
	Domain         *string `json:"domain"`
	Category       *string `json:"category"`
	ViolationCode  *string `json:"violation_code"`
	ViolationName  *string `json:"violation_name"`
	LegalBasis     *string `json:"legal_basis"`
	ViolationBasis *string `json:"violation_basis"`
	PenaltyBasis   *string `json:"penalty_basis"`
	Level          *string `json:"level"`
	Circumstance   *string `json:"circumstance"`
	Standard       *string `json:"standard"`
	FineMin        *string `json:"fine_min"`
	FineMax        *string `json:"fine_max"`
	Remarks        *string `json:"remarks"`
	EffectiveFrom  *string `json:"effective_from"`
	EffectiveTo    *string `json:"effective_to"`
	Version        int     `json:"version"`
}

func setStr(dst *string, src *string) {
	if src != nil {
		*dst = strings.TrimSpace(*src)
	}
}

// apply copies the input onto b and validates the result.
func (in BenchmarkInput) apply(ctx context.Context, q store.Querier, b *Benchmark) error {
	var fe apperr.Fields
	setStr(&b.Issuer, in.Issuer)
	setStr(&b.Domain, in.Domain)
	setStr(&b.Category, in.Category)
	setStr(&b.ViolationCode, in.ViolationCode)
	setStr(&b.ViolationName, in.ViolationName)
	setStr(&b.LegalBasis, in.LegalBasis)
	setStr(&b.ViolationBasis, in.ViolationBasis)
	setStr(&b.PenaltyBasis, in.PenaltyBasis)
	setStr(&b.Level, in.Level)
	setStr(&b.Circumstance, in.Circumstance)
	setStr(&b.Standard, in.Standard)
	setStr(&b.Remarks, in.Remarks)
	setStr(&b.EffectiveFrom, in.EffectiveFrom)
	setStr(&b.EffectiveTo, in.EffectiveTo)
	required := map[string]string{"violation_code": b.ViolationCode, "violation_name": b.ViolationName, "standard": b.Standard, "issuer": b.Issuer}
	names := map[string]string{"violation_code": "违法行为编号", "violation_name": "违法行为", "standard": "裁量标准", "issuer": "制定机关"}
	for _, k := range []string{"issuer", "violation_code", "violation_name", "standard"} {
		if required[k] == "" {
			fe.Add(k, names[k]+"不能为空")
		}
	}
	if utf8.RuneCountInString(b.ViolationCode) > 64 {
		fe.Add("violation_code", "违法行为编号不能超过 64 个字")
	}
	if utf8.RuneCountInString(b.Level) > 32 {
		fe.Add("level", "裁量阶次不能超过 32 个字")
	}
	if b.Domain != "" {
		if ok, err := domainExists(ctx, q, b.Domain); err != nil {
			return err
		} else if !ok {
			fe.Add("domain", "执法领域代码无效："+b.Domain)
		}
	} else {
		fe.Add("domain", "请选择执法领域")
	}
	checkDates(&fe, &b.EffectiveFrom, &b.EffectiveTo)
	if in.ViolationBasis == nil && in.PenaltyBasis == nil && in.LegalBasis != nil && b.ViolationBasis == "" && b.PenaltyBasis == "" {
		c := strings.Join(Citations(b.LegalBasis), "；")
		b.ViolationBasis, b.PenaltyBasis = c, c
	}
	if in.FineMin != nil || in.FineMax != nil {
		var lo, hi *int64
		for _, x := range []struct {
			name string
			in   *string
			dst  **int64
		}{{"fine_min", in.FineMin, &lo}, {"fine_max", in.FineMax, &hi}} {
			if x.in == nil || strings.TrimSpace(*x.in) == "" {
				continue
			}
			fen, ok, err := tabular.ParseAmount(*x.in, tabular.Yuan)
			if err != nil || !ok {
				fe.Add(x.name, "罚款金额须为以元为单位的数字："+*x.in)
				continue
			}
			*x.dst = &fen
		}
		if lo != nil && hi != nil && *hi < *lo {
			fe.Add("fine_max", "罚款上限不能小于下限")
		}
		b.FineKind, b.FineMinFen, b.FineMaxFen = FineManual, lo, hi
	} else if in.Standard != nil || b.FineKind == "" {
		f := ParseFine(b.Standard)
		b.FineKind, b.FineMinFen, b.FineMaxFen = f.Kind, f.MinFen, f.MaxFen
	}
	return fe.Err()
}

// CreateBenchmark adds one row by hand (level_seq: after the level's last).
func CreateBenchmark(ctx context.Context, db *store.DB, p *auth.Principal, in BenchmarkInput) (Benchmark, error) {
	var b Benchmark
	var err error
	if b.OrgID, b.Issuer, b.Domain, err = newOwner(ctx, db, p, in.OrgID, "裁量基准"); err != nil {
		return Benchmark{}, err
	}
	if err := in.apply(ctx, db, &b); err != nil {
		return Benchmark{}, err
	}
	now := Now().UnixMilli()
	err = db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(level_seq), 0) + 1 FROM discretion_benchmarks
			WHERE org_id = ? AND issuer = ? AND violation_code = ? AND level = ?`, b.OrgID, b.Issuer, b.ViolationCode, b.Level).Scan(&b.LevelSeq); err != nil {
			return err
		}
		if _, err := upsertBenchmark(ctx, tx, &b, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p.Actor(), audit.Entry{Action: "discretion.create", ObjectType: "discretion", ObjectID: fmt.Sprint(b.ID), After: b})
	})
	if err != nil {
		return Benchmark{}, err
	}
	return GetBenchmark(ctx, db, p, b.ID)
}

// UpdateBenchmark changes one row; version must be the current one.
func UpdateBenchmark(ctx context.Context, db *store.DB, p *auth.Principal, id int64, in BenchmarkInput) (Benchmark, error) {
	old, err := GetBenchmark(ctx, db, p, id)
	if err != nil {
		return Benchmark{}, err
	}
	if err := mayChangeOwned(p, "裁量基准", old.OrgID, in.OrgID, "不能更改裁量基准所属单位", in.Version, old.Version); err != nil {
		return Benchmark{}, err
	}
	b := old
	if err := in.apply(ctx, db, &b); err != nil {
		return Benchmark{}, err
	}
	now := Now().UnixMilli()
	err = db.InTx(ctx, func(tx *store.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE discretion_benchmarks SET issuer = ?, domain = ?, category = ?, violation_code = ?,
			violation_name = ?, legal_basis = ?, violation_basis = ?, penalty_basis = ?, level = ?, circumstance = ?, standard = ?,
			fine_kind = ?, fine_min_fen = ?, fine_max_fen = ?, remarks = ?, effective_from = ?, effective_to = ?, content_hash = ?,
			updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
			b.Issuer, b.Domain, b.Category, b.ViolationCode, b.ViolationName, b.LegalBasis, b.ViolationBasis, b.PenaltyBasis, b.Level,
			b.Circumstance, b.Standard, b.FineKind, b.FineMinFen, b.FineMaxFen, b.Remarks, dateArg(b.EffectiveFrom), dateArg(b.EffectiveTo),
			b.hash(), now, id, old.Version)
		if err != nil {
			if store.IsUniqueViolation(err) {
				return apperr.Duplicate("violation_code", "同一制定机关下已有相同编号、阶次和序位的裁量基准")
			}
			return fmt.Errorf("reference: update benchmark: %w", err)
		}
		if err := versionBumped(res); err != nil {
			return err
		}
		b.Version = old.Version + 1
		return audit.Record(ctx, tx, p.Actor(), audit.Entry{Action: "discretion.update", ObjectType: "discretion", ObjectID: fmt.Sprint(id), Before: old, After: b})
	})
	if err != nil {
		return Benchmark{}, err
	}
	return GetBenchmark(ctx, db, p, id)
}

// DeleteBenchmark removes one row.
func DeleteBenchmark(ctx context.Context, db *store.DB, p *auth.Principal, id int64) error {
	old, err := GetBenchmark(ctx, db, p, id)
	if err != nil {
		return err
	}
	if err := mayManageOrg(p, auth.PermReferenceManage, old.OrgID, "裁量基准"); err != nil {
		return err
	}
	return deleteOne(ctx, db, p, "discretion_benchmarks", "benchmark", id, "discretion.delete", "discretion", old)
}
