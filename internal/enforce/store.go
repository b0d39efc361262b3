package enforce

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
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
	"act_date", "surcharge_fen", // migration 0007; new columns go last (see contentHash)
}

func (p *Penalty) values() []any {
	return []any{
		p.PartyName, p.PartyKind, p.PartyUSCC, p.PartyRegNo, p.PartyOrgCode, p.PartyTaxNo, p.PartyInstCert, p.PartySocCert,
		p.LegalRep, p.LegalRepIDType, p.LegalRepIDNo, p.PartyIDType, p.PartyIDNo,
		p.ViolationType, p.Facts, p.LegalBasis, p.PenaltyKinds, p.PenaltyContent, p.FineFen, p.ConfiscateFen, p.LicenceAction,
		dateArg(p.DecisionDate), dateArg(p.ValidUntil), dateArg(p.PublishUntil), p.AgencyName, p.AgencyUSCC, p.SourceName, p.SourceUSCC, p.Remarks,
		p.Domain, p.ViolationCode, p.DiscretionLevel, p.Procedure, dateArg(p.FiledDate), dateArg(p.ServedDate), dateArg(p.PaymentDueDate), dateArg(p.PaidDate),
		p.HearingNotice, p.RemedyNotice, dateArg(p.TransferDate), p.TransferReceipt, dateArg(p.CourtApplyDate), p.Status, strings.Join(p.Flags, ","),
		dateArg(p.ActDate), p.SurchargeFen,
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
		(*dbDate)(&p.ActDate), &p.SurchargeFen,
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
func (p *Penalty) Hash() string { return contentHash(p.DocNo, p.values()) }

// contentHash hashes a record's key and stored values (as values() gives
// them) with a compact binary encoding: "h2" and 120 bits of SHA-256, in hex.
// Trailing empty values (nil, "", 0) are left out, so that a column added
// at the end of penaltyColumns leaves the hash of every record that does not
// use it as it was: a re-import after an upgrade changes nothing. Hashes
// written before (32 hex digits of SHA-256 over JSON) are still recognised:
// see sameContent.
func contentHash(docNo string, vals []any) string {
	for len(vals) > 0 && isEmptyValue(vals[len(vals)-1]) {
		vals = vals[:len(vals)-1]
	}
	var buf [1536]byte
	b := appendHashString(buf[:0], docNo)
	for _, v := range vals {
		switch v := v.(type) {
		case nil:
			b = append(b, 0)
		case string:
			b = appendHashString(append(b, 1), v)
		case int64:
			b = binary.BigEndian.AppendUint64(append(b, 2), uint64(v))
		case *bool:
			switch {
			case v == nil:
				b = append(b, 3)
			case *v:
				b = append(b, 4)
			default:
				b = append(b, 5)
			}
		default:
			panic(fmt.Sprintf("enforce: contentHash: unexpected %T", v)) // a programming error: values() changed
		}
	}
	sum := sha256.Sum256(b)
	return "h2" + hex.EncodeToString(sum[:15])
}

func isEmptyValue(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return v == ""
	case int64:
		return v == 0
	case *bool:
		return v == nil
	}
	return false
}

func appendHashString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// legacyColumns is how many values the JSON content hash of the first
// release covered (penaltyColumns up to flags).
const legacyColumns = 44

// legacyHash is the content hash as first stored (JSON of the values); ""
// when the record uses a column that release did not have (it cannot be
// unchanged then).
func legacyHash(docNo string, vals []any) string {
	for _, v := range vals[min(legacyColumns, len(vals)):] {
		if !isEmptyValue(v) {
			return ""
		}
	}
	b, _ := json.Marshal(vals[:min(legacyColumns, len(vals))])
	sum := sha256.Sum256(append([]byte(docNo+"\x00"), b...))
	return hex.EncodeToString(sum[:16])
}

// sameContent reports whether a stored content hash is that of the row.
func (r *penaltyRow) sameContent(stored string) bool {
	if strings.HasPrefix(stored, "h2") {
		return stored == r.hash
	}
	legacy := legacyHash(r.docNo, r.vals)
	return legacy != "" && stored == legacy
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
// in penalty_revisions and the record becomes the next revision. Imports
// store many rows at once through penaltySink; this is the same path for one.
func Upsert(ctx context.Context, tx *store.Tx, agencyID, batchID int64, p *Penalty, now int64) (Outcome, error) {
	sink := &penaltySink{agencyID: agencyID, batchID: batchID, now: now}
	c, err := sink.Write(ctx, tx, []penaltyRow{newPenaltyRow(p)})
	switch {
	case err != nil:
		return 0, err
	case c.Inserted == 1:
		return Inserted, nil
	case c.Updated == 1:
		return Updated, nil
	}
	return Unchanged, nil
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
