package enforce

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

	"github.com/xingjian/xingjian/internal/apperr"
	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/store"
	"github.com/xingjian/xingjian/internal/tabular"
)

// penaltyColumns are the stored fields of a Penalty, in the order of values()
// and targets(); agency_id, doc_no and the bookkeeping columns come separately.
var penaltyColumns = []string{
	"party_name", "party_kind", "party_uscc", "party_reg_no", "party_org_code", "party_tax_no", "party_inst_cert", "party_soc_cert",
	"legal_rep", "legal_rep_id_type", "legal_rep_id_no", "party_id_type", "party_id_no",
	"violation_type", "facts", "legal_basis", "penalty_kinds", "penalty_content", "fine_fen", "confiscate_fen", "licence_action",
	"decision_date", "valid_until", "publish_until", "agency_name", "agency_uscc", "source_name", "source_uscc", "remarks",
	"domain", "violation_code", "discretion_level", "procedure", "filed_date", "served_date", "payment_due_date", "paid_date",
	"hearing_notice", "remedy_notice", "transfer_date", "transfer_receipt", "court_apply_date", "status", "flags",
}

func (p *Penalty) values() []any {
	return []any{
		p.PartyName, p.PartyKind, p.PartyUSCC, p.PartyRegNo, p.PartyOrgCode, p.PartyTaxNo, p.PartyInstCert, p.PartySocCert,
		p.LegalRep, p.LegalRepIDType, p.LegalRepIDNo, p.PartyIDType, p.PartyIDNo,
		p.ViolationType, p.Facts, p.LegalBasis, p.PenaltyKinds, p.PenaltyContent, p.FineFen, p.ConfiscateFen, p.LicenceAction,
		dateArg(p.DecisionDate), dateArg(p.ValidUntil), dateArg(p.PublishUntil), p.AgencyName, p.AgencyUSCC, p.SourceName, p.SourceUSCC, p.Remarks,
		p.Domain, p.ViolationCode, p.DiscretionLevel, p.Procedure, dateArg(p.FiledDate), dateArg(p.ServedDate), dateArg(p.PaymentDueDate), dateArg(p.PaidDate),
		p.HearingNotice, p.RemedyNotice, dateArg(p.TransferDate), p.TransferReceipt, dateArg(p.CourtApplyDate), p.Status, strings.Join(p.Flags, ","),
	}
}

func (p *Penalty) targets(flags *string) []any {
	return []any{
		&p.PartyName, &p.PartyKind, &p.PartyUSCC, &p.PartyRegNo, &p.PartyOrgCode, &p.PartyTaxNo, &p.PartyInstCert, &p.PartySocCert,
		&p.LegalRep, &p.LegalRepIDType, &p.LegalRepIDNo, &p.PartyIDType, &p.PartyIDNo,
		&p.ViolationType, &p.Facts, &p.LegalBasis, &p.PenaltyKinds, &p.PenaltyContent, &p.FineFen, &p.ConfiscateFen, &p.LicenceAction,
		(*dbDate)(&p.DecisionDate), (*dbDate)(&p.ValidUntil), (*dbDate)(&p.PublishUntil), &p.AgencyName, &p.AgencyUSCC, &p.SourceName, &p.SourceUSCC, &p.Remarks,
		&p.Domain, &p.ViolationCode, &p.DiscretionLevel, &p.Procedure, (*dbDate)(&p.FiledDate), (*dbDate)(&p.ServedDate), (*dbDate)(&p.PaymentDueDate), (*dbDate)(&p.PaidDate),
		&p.HearingNotice, &p.RemedyNotice, (*dbDate)(&p.TransferDate), &p.TransferReceipt, (*dbDate)(&p.CourtApplyDate), &p.Status, flags,
	}
}

// dateArg binds a civil date: 'YYYY-MM-DD' text (PostgreSQL casts it to
// DATE), or NULL for a zero date.
func dateArg(d tabular.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}

// dbDate scans a DATE (time.Time from pgx) or TEXT (SQLite) column.
type dbDate tabular.Date

func (d *dbDate) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = dbDate{}
		return nil
	case time.Time:
		*d = dbDate{Year: v.Year(), Month: v.Month(), Day: v.Day()}
		return nil
	case string:
		return d.parse(v)
	case []byte:
		return d.parse(string(v))
	}
	return fmt.Errorf("enforce: cannot scan %T as a date", src)
}

func (d *dbDate) parse(s string) error {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return fmt.Errorf("enforce: stored date %q: %w", s, err)
	}
	*d = dbDate{Year: t.Year(), Month: t.Month(), Day: t.Day()}
	return nil
}

// Hash is the content hash of a penalty: what decides whether a re-imported
// row changed. It covers every stored field, flags included.
func (p *Penalty) Hash() string {
	b, _ := json.Marshal(p.values())
	sum := sha256.Sum256(append([]byte(p.DocNo+"\x00"), b...))
	return hex.EncodeToString(sum[:16])
}

// Outcome is what storing one record did.
type Outcome int

// Outcomes of Upsert.
const (
	Inserted Outcome = iota
	Updated
	Unchanged
)

// Upsert stores one penalty of an agency inside the caller's transaction:
// new → inserted as revision 1; same content as stored → unchanged (so a
// re-import changes nothing); different content → the stored version is kept
// in penalty_revisions and the record becomes the next revision.
func Upsert(ctx context.Context, tx *store.Tx, agencyID, batchID int64, p *Penalty, now int64) (Outcome, error) {
	hash := p.Hash()
	var (
		id, rev  int64
		oldHash  string
		oldBatch sql.NullInt64
	)
	err := tx.QueryRowContext(ctx, "SELECT id, revision, content_hash, batch_id FROM penalties WHERE agency_id = ? AND doc_no = ?",
		agencyID, p.DocNo).Scan(&id, &rev, &oldHash, &oldBatch)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		cols := "agency_id, doc_no, revision, content_hash, batch_id, " + strings.Join(penaltyColumns, ", ") + ", created_at, updated_at"
		args := append([]any{agencyID, p.DocNo, 1, hash, batchID}, p.values()...)
		args = append(args, now, now)
		if _, err := tx.ExecContext(ctx, "INSERT INTO penalties ("+cols+") VALUES ("+store.Placeholders(len(args))+")", args...); err != nil {
			return 0, fmt.Errorf("enforce: insert penalty %q: %w", p.DocNo, err)
		}
		return Inserted, nil
	case err != nil:
		return 0, fmt.Errorf("enforce: find penalty %q: %w", p.DocNo, err)
	case oldHash == hash:
		return Unchanged, nil
	}
	old, err := getPenalty(ctx, tx, id)
	if err != nil {
		return 0, err
	}
	data, err := json.Marshal(old)
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO penalty_revisions (penalty_id, revision, content_hash, batch_id, data, replaced_at, replaced_by_batch)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, id, rev, oldHash, oldBatch, string(data), now, batchID); err != nil {
		return 0, fmt.Errorf("enforce: keep revision of %q: %w", p.DocNo, err)
	}
	set := make([]string, len(penaltyColumns))
	for i, c := range penaltyColumns {
		set[i] = c + " = ?"
	}
	args := append(p.values(), hash, batchID, now, id)
	if _, err := tx.ExecContext(ctx, "UPDATE penalties SET "+strings.Join(set, ", ")+", content_hash = ?, batch_id = ?, updated_at = ?, revision = revision + 1 WHERE id = ?",
		args...); err != nil {
		return 0, fmt.Errorf("enforce: update penalty %q: %w", p.DocNo, err)
	}
	return Updated, nil
}

// StoredPenalty is a penalty as stored, with its bookkeeping.
type StoredPenalty struct {
	Penalty
	ID        int64 `json:"id"`
	AgencyID  int64 `json:"agency_id"`
	Revision  int   `json:"revision"`
	BatchID   int64 `json:"batch_id"`
	CreatedAt int64 `json:"created_at"`
	UpdatedAt int64 `json:"updated_at"`
}

func getPenalty(ctx context.Context, q store.Querier, id int64) (StoredPenalty, error) {
	var s StoredPenalty
	var flags string
	var batch sql.NullInt64
	targets := append([]any{&s.ID, &s.AgencyID, &s.DocNo, &s.Revision, &batch, &s.CreatedAt, &s.UpdatedAt}, s.targets(&flags)...)
	err := q.QueryRowContext(ctx, "SELECT id, agency_id, doc_no, revision, batch_id, created_at, updated_at, "+strings.Join(penaltyColumns, ", ")+
		" FROM penalties WHERE id = ?", id).Scan(targets...)
	if err != nil {
		return s, fmt.Errorf("enforce: read penalty %d: %w", id, err)
	}
	s.BatchID = batch.Int64
	if flags != "" {
		s.Flags = strings.Split(flags, ",")
	}
	return s, nil
}

// GetPenalty reads one stored penalty.
func GetPenalty(ctx context.Context, q store.Querier, id int64) (StoredPenalty, error) {
	return getPenalty(ctx, q, id)
}

// Revision is a superseded version of a record.
type Revision struct {
	Revision   int
	ReplacedAt int64
	BatchID    int64
	Data       string // the StoredPenalty as it was, JSON
}

// Record is a stored penalty with its agency's name and its history.
type Record struct {
	StoredPenalty
	AgencyName string
	Revisions  []Revision // newest first
}

// ReadRecord returns one record in the caller's scope, or not_found.
func ReadRecord(ctx context.Context, q store.Querier, p *auth.Principal, id int64) (Record, error) {
	if !p.Can(auth.PermRecordRead) {
		return Record{}, apperr.Forbidden()
	}
	sp, err := getPenalty(ctx, q, id)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !p.Scope().Allows(sp.AgencyID)) {
		return Record{}, apperr.NotFound("执法记录")
	}
	if err != nil {
		return Record{}, err
	}
	rec := Record{StoredPenalty: sp, Revisions: []Revision{}}
	if err := q.QueryRowContext(ctx, "SELECT name FROM orgs WHERE id = ?", sp.AgencyID).Scan(&rec.AgencyName); err != nil {
		return Record{}, fmt.Errorf("enforce: agency of record %d: %w", id, err)
	}
	rows, err := q.QueryContext(ctx, "SELECT revision, replaced_at, COALESCE(batch_id, 0), data FROM penalty_revisions WHERE penalty_id = ? ORDER BY revision DESC", id)
	if err != nil {
		return Record{}, fmt.Errorf("enforce: revisions of %d: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var r Revision
		if err := rows.Scan(&r.Revision, &r.ReplacedAt, &r.BatchID, &r.Data); err != nil {
			return Record{}, err
		}
		rec.Revisions = append(rec.Revisions, r)
	}
	return rec, rows.Err()
}
