package enforce

import (
	"context"
	"fmt"
	"strconv"

	"github.com/xingjian/xingjian/internal/apperr"
	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/batch"
	"github.com/xingjian/xingjian/internal/store"
	"github.com/xingjian/xingjian/internal/tabular"
)

// FlagMeasurePeriodExceeded marks a compulsory measure whose period goes
// beyond 行政强制法 第二十五条 / 第三十二条 (see MeasurePeriodExceeded).
const FlagMeasurePeriodExceeded = "measure_period_exceeded"

var _ = registerActivityLabels()

func registerActivityLabels() bool {
	FlagLabels[FlagMeasurePeriodExceeded] = "强制措施期限超过法定期限（行政强制法第二十五条、第三十二条）"
	return true
}

// Kinds lists the record kinds, penalty first.
func Kinds() []string { return []string{KindPenalty, KindInspection, KindMeasure} }

// KindLabel is the Chinese name of a record kind.
func KindLabel(kind string) string {
	switch kind {
	case KindPenalty:
		return "行政处罚"
	case KindInspection:
		return inspectionSpec.label
	case KindMeasure:
		return measureSpec.label
	}
	return kind
}

func unknownKind(kind string) error {
	return apperr.New("validation_failed", fmt.Sprintf("未知的记录类别“%s”，应为 penalty（行政处罚）、inspection（行政检查）或 measure（行政强制）", kind))
}

// FieldsOf returns the canonical fields of a record kind ("penalty" or "",
// "inspection", "measure") for the UI's mapping dialog and the API
// documentation: ids, Chinese names, whether required, accepted headers.
func FieldsOf(kind string) ([]Field, bool) {
	switch kind {
	case KindPenalty, "":
		return Fields(), true
	case KindInspection:
		return inspectionSpec.publicFields(), true
	case KindMeasure:
		return measureSpec.publicFields(), true
	}
	return nil, false
}

// EnumValuesOf returns the closed list of a field of a kind (inspection_kind,
// result, measure_kind, outcome), nil for any other field.
func EnumValuesOf(kind, fieldID string) []EnumValue {
	var vals []EnumValue
	switch kind {
	case KindInspection:
		if f, ok := inspectionSpec.field(fieldID); ok {
			vals = f.enum
		}
	case KindMeasure:
		if f, ok := measureSpec.field(fieldID); ok {
			vals = f.enum
		}
	}
	return vals
}

// EnumLabel is the Chinese label of a code of a kind's closed list; the code
// itself when unknown.
func EnumLabel(kind, fieldID, code string) string {
	for _, e := range EnumValuesOf(kind, fieldID) {
		if e.Code == code {
			return e.Label
		}
	}
	return code
}

// ImportKindFile imports a file of a record kind: "penalty" (or "") is
// ImportFile; "inspection" and "measure" follow the same rules — the
// record.import permission, the caller's scope over the agency, header
// recognition or the saved Mapping (keyed by the kind's field ids), every row
// validated, one transaction with the batch and every reject, re-import
// changing nothing, a changed row becoming the next revision.
func (im *Importer) ImportKindFile(ctx context.Context, p *auth.Principal, kind string, in FileImport) (Report, error) {
	switch kind {
	case KindPenalty, "":
		return im.ImportFile(ctx, p, in)
	case KindInspection:
		return importActivityFile(ctx, im, p, inspectionSpec, in)
	case KindMeasure:
		return importActivityFile(ctx, im, p, measureSpec, in)
	}
	return Report{}, unknownKind(kind)
}

// PushKind stores records of a kind sent as JSON (see Push): each record an
// object keyed by the kind's field ids (FieldsOf), values strings, numbers or
// booleans, money in yuan, codes or Chinese labels for the closed lists.
func (im *Importer) PushKind(ctx context.Context, p *auth.Principal, kind string, agencyID int64, records []map[string]any) (Report, error) {
	switch kind {
	case KindPenalty, "":
		return im.Push(ctx, p, agencyID, records)
	case KindInspection:
		return pushActivities(ctx, im, p, inspectionSpec, agencyID, records)
	case KindMeasure:
		return pushActivities(ctx, im, p, measureSpec, agencyID, records)
	}
	return Report{}, unknownKind(kind)
}

func importActivityFile[R any](ctx context.Context, im *Importer, p *auth.Principal, s *activitySpec[R], in FileImport) (Report, error) {
	t, err := im.openTable(ctx, p, in, s.headerTexts(in.Mapping))
	if err != nil {
		return Report{}, err
	}
	defer t.close()
	mapping := in.Mapping
	if mapping == nil {
		mapping = s.autoMap(t.header)
	}
	if err := s.checkMapping(mapping, t.header); err != nil {
		return Report{}, apperr.Wrap(err, "invalid_file", err.Error())
	}
	rc, err := im.rowContext(ctx, t.agency, t.book.Date1904)
	if err != nil {
		return Report{}, err
	}
	cols := s.compile(mapping, t.header)
	return storeActivities(ctx, im, p, s, t.meta, in.Progress, func(emit func(line int, r R, errs []RowError) error) error {
		return t.each(func(row tabular.Row) error {
			r, errs := parseActivity(s, cols, row, &rc)
			return emit(row.Line, r, errs)
		})
	})
}

// activityPushHeader is the header a pushed record of s is read through: each
// field's id as the column name (money in yuan).
func activityPushHeader[R any](s *activitySpec[R]) (tabular.Header, []column, map[string]int) {
	var h tabular.Header
	cols := make([]column, len(s.fields))
	index := map[string]int{}
	for i, f := range s.fields {
		h.Columns = append(h.Columns, tabular.Column{Index: i, Name: f.ID, Raw: f.Label})
		cols[i] = column{index: i, header: f.Label}
		if f.typ == vAmount {
			cols[i].unit = tabular.Yuan
		}
		index[f.ID] = i
	}
	h.Rows, h.Matched = 1, len(h.Columns)
	return h, cols, index
}

func pushActivities[R any](ctx context.Context, im *Importer, p *auth.Principal, s *activitySpec[R], agencyID int64, records []map[string]any) (Report, error) {
	agencyID, rc, err := im.checkPush(ctx, p, agencyID, len(records))
	if err != nil {
		return Report{}, err
	}
	_, cols, index := activityPushHeader(s)
	meta := batch.Meta{Kind: s.kind, AgencyID: agencyID, Source: "api"}
	return storeActivities(ctx, im, p, s, meta, nil, func(emit func(line int, r R, errs []RowError) error) error {
		for i, rec := range records {
			row, unknown := pushRow(i+1, rec, index, len(cols))
			if unknown != nil {
				var zero R
				if err := emit(i+1, zero, []RowError{*unknown}); err != nil {
					return err
				}
				continue
			}
			r, errs := parseActivity(s, cols, row, &rc)
			if err := emit(i+1, r, errs); err != nil {
				return err
			}
		}
		return nil
	})
}

// storeActivities runs a batch of s's kind through batch.Run.
func storeActivities[R any](ctx context.Context, im *Importer, p *auth.Principal, s *activitySpec[R], meta batch.Meta, progress func(int),
	src func(emit func(line int, r R, errs []RowError) error) error) (Report, error) {
	meta.Kind = s.kind
	return batch.Run(ctx, im.DB, func() int64 { return im.Now().UnixMilli() }, p, meta, progress, batchRows(src, s.newRow),
		func(batchID, now int64) batch.Sink[activityRow] {
			return &activitySink[R]{spec: s, agencyID: meta.AgencyID, batchID: batchID, now: now}
		})
}

// SearchActivities lists the inspections or measures in scope that match f,
// newest first (inspection date / start date, then id), with the total
// (exact up to SearchTotalCap, SearchTotalCap+1 beyond) and the cursor of the
// next page ("" on the last). Visibility comes from scope alone.
func SearchActivities(ctx context.Context, q store.Querier, scope auth.Scope, kind string, f ActivityFilter) ([]ActivitySummary, int, string, error) {
	switch kind {
	case KindInspection:
		return searchActivities(ctx, q, scope, inspectionSpec, f)
	case KindMeasure:
		return searchActivities(ctx, q, scope, measureSpec, f)
	}
	return nil, 0, "", unknownKind(kind)
}

// SearchInspections is SearchActivities for inspections.
func SearchInspections(ctx context.Context, q store.Querier, scope auth.Scope, f ActivityFilter) ([]ActivitySummary, int, string, error) {
	return searchActivities(ctx, q, scope, inspectionSpec, f)
}

// SearchMeasures is SearchActivities for compulsory measures.
func SearchMeasures(ctx context.Context, q store.Querier, scope auth.Scope, f ActivityFilter) ([]ActivitySummary, int, string, error) {
	return searchActivities(ctx, q, scope, measureSpec, f)
}

// ReadActivity returns one inspection or measure in the caller's scope with
// its source batch and revisions, or not_found (also when out of scope).
func ReadActivity(ctx context.Context, q store.Querier, p *auth.Principal, kind string, id int64) (ActivityDetail, error) {
	switch kind {
	case KindInspection:
		return readActivity(ctx, q, p, inspectionSpec, id)
	case KindMeasure:
		return readActivity(ctx, q, p, measureSpec, id)
	}
	return ActivityDetail{}, unknownKind(kind)
}

// ActivityFields renders a stored inspection or measure for people and the
// API: every field by id, dates as YYYY-MM-DD or nil, money as a yuan string
// with two places ("12000.00"), days as a number or nil, yes/no as a bool or
// nil, flags as a list.
func ActivityFields(rec any) map[string]any {
	switch r := rec.(type) {
	case Inspection:
		return activityFields(inspectionSpec, &r)
	case *Inspection:
		return activityFields(inspectionSpec, r)
	case Measure:
		return activityFields(measureSpec, &r)
	case *Measure:
		return activityFields(measureSpec, r)
	}
	return nil
}

func activityFields[R any](s *activitySpec[R], r *R) map[string]any {
	out := map[string]any{}
	for _, f := range s.fields {
		switch x := f.ptr(r).(type) {
		case *string:
			out[f.ID] = *x
		case *tabular.Date:
			if x.IsZero() {
				out[f.ID] = nil
			} else {
				out[f.ID] = x.String()
			}
		case *int64:
			out[f.ID] = yuan(*x)
		case *int:
			if *x == 0 {
				out[f.ID] = nil
			} else {
				out[f.ID] = *x
			}
		case **bool:
			if *x == nil {
				out[f.ID] = nil
			} else {
				out[f.ID] = **x
			}
		}
	}
	flags := *s.flags(r)
	if flags == nil {
		flags = []string{}
	}
	out["flags"] = flags
	return out
}

// yuan renders fen as a yuan decimal string with two places.
func yuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return sign + strconv.FormatInt(fen/100, 10) + "." + fmt.Sprintf("%02d", fen%100)
}

// StoreInspections stores inspections of an agency in the caller's
// transaction as part of batch batchID, as an import would (new → inserted,
// same content → unchanged, changed → next revision). The records must be
// valid: it is the path of generated data (the demo district), not of input.
func StoreInspections(ctx context.Context, tx *store.Tx, agencyID, batchID, now int64, recs []Inspection) error {
	return storeGenerated(ctx, tx, inspectionSpec, agencyID, batchID, now, recs)
}

// StoreMeasures is StoreInspections for compulsory measures.
func StoreMeasures(ctx context.Context, tx *store.Tx, agencyID, batchID, now int64, recs []Measure) error {
	return storeGenerated(ctx, tx, measureSpec, agencyID, batchID, now, recs)
}

func storeGenerated[R any](ctx context.Context, tx *store.Tx, s *activitySpec[R], agencyID, batchID, now int64, recs []R) error {
	sink := &activitySink[R]{spec: s, agencyID: agencyID, batchID: batchID, now: now}
	if err := sink.Begin(ctx, tx); err != nil {
		return err
	}
	rows := make([]activityRow, 0, min(len(recs), batch.ChunkRows))
	for i := range recs {
		*s.flags(&recs[i]) = sortedUnique(*s.flags(&recs[i]))
		rows = append(rows, s.newRow(&recs[i]))
		if len(rows) == batch.ChunkRows || i == len(recs)-1 {
			if _, err := sink.Write(ctx, tx, rows); err != nil {
				return err
			}
			rows = rows[:0]
		}
	}
	return nil
}
