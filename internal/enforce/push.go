package enforce

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"

	"github.com/xingjian/xingjian/internal/apperr"
	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/batch"
	"github.com/xingjian/xingjian/internal/tabular"
)

// MaxPushRecords bounds one push call.
const MaxPushRecords = 5000

// pushHeader is the header a pushed record is read through: each field's
// label, money in yuan. Pushed records thus pass exactly the validation a
// spreadsheet row passes.
var pushHeader, pushMapping = func() (tabular.Header, Mapping) {
	var h tabular.Header
	m := Mapping{}
	for i, f := range Fields() {
		text := f.Label
		switch f.ID {
		case "fine":
			text = "罚款金额（元）"
		case "confiscation":
			text = "没收违法所得、没收非法财物的金额（元）"
		}
		h.Columns = append(h.Columns, tabular.Column{Index: i, Name: tabular.NormalizeHeader(text), Raw: text})
		m[f.ID] = text
	}
	h.Rows, h.Matched = 1, len(h.Columns)
	return h, m
}()

// Push stores records sent as JSON by an agency system (or a person with
// the import permission), with the same validation, idempotency and
// one-transaction guarantee as a file. Each record is an object keyed by the
// field ids of Fields(); values are strings or numbers (money in yuan). A
// reject's Line is the record's 1-based position in the array.
func (im *Importer) Push(ctx context.Context, p *auth.Principal, agencyID int64, records []map[string]any) (Report, error) {
	agencyID, rc, err := im.checkPush(ctx, p, agencyID, len(records))
	if err != nil {
		return Report{}, err
	}
	meta := batch.Meta{AgencyID: agencyID, Source: "api"}
	return im.storePenalties(ctx, p, meta, nil, func(emit func(line int, pen Penalty, errs []RowError) error) error {
		for i, rec := range records {
			row, unknown := pushRow(i+1, rec, fieldIndex, len(pushHeader.Columns))
			if unknown != nil {
				if err := emit(i+1, Penalty{}, []RowError{*unknown}); err != nil {
					return err
				}
				continue
			}
			pen, errs := ParseRow(pushMapping, pushHeader, row, rc)
			if err := emit(i+1, pen, errs); err != nil {
				return err
			}
		}
		return nil
	})
}

// checkPush checks that p may push n records for agencyID (0: p's own
// agency) and returns that agency's id and row context.
func (im *Importer) checkPush(ctx context.Context, p *auth.Principal, agencyID int64, n int) (int64, RowContext, error) {
	if !p.Can(auth.PermRecordPush) && !p.Can(auth.PermRecordImport) {
		return 0, RowContext{}, apperr.Forbidden()
	}
	if p.TokenID != 0 && agencyID != 0 && agencyID != p.OrgID {
		return 0, RowContext{}, apperr.New("forbidden", "接口令牌只能推送本单位的数据")
	}
	if agencyID == 0 {
		agencyID = p.OrgID
	}
	if !p.Scope().Allows(agencyID) {
		return 0, RowContext{}, apperr.NotFound("机构")
	}
	if n == 0 {
		return 0, RowContext{}, apperr.New("validation_failed", "records 不能为空")
	}
	if n > MaxPushRecords {
		return 0, RowContext{}, apperr.New("validation_failed", fmt.Sprintf("每次最多推送 %d 条记录，本次 %d 条", MaxPushRecords, n))
	}
	agency, err := im.agency(ctx, agencyID)
	if err != nil {
		return 0, RowContext{}, err
	}
	rc, err := im.rowContext(ctx, agency, false)
	return agencyID, rc, err
}

// pushRow lays a pushed record out as row line of width cells, index giving
// each field id's cell; a key that is no field id gives the row's error
// instead (the first such key in sort order).
func pushRow(line int, rec map[string]any, index map[string]int, width int) (tabular.Row, *RowError) {
	row := tabular.Row{Line: line, Cells: make([]string, width)}
	var unknown []string
	for k, v := range rec {
		j, ok := index[k]
		if !ok {
			unknown = append(unknown, k)
			continue
		}
		row.Cells[j] = cellText(v)
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return row, &RowError{Line: line, Column: unknown[0], Reason: "未知字段“" + unknown[0] + "”"}
	}
	return row, nil
}

// cellText turns a JSON value into the text a spreadsheet cell would hold.
func cellText(v any) string {
	switch t := v.(type) {
	case nil:
		return ""
	case string:
		return t
	case bool:
		if t {
			return "是"
		}
		return "否"
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64)
	case json.Number:
		return t.String()
	default:
		b, _ := json.Marshal(t)
		return string(b)
	}
}
