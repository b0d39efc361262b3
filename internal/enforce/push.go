package enforce

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"

	"github.com/xingjian/xingjian/internal/apperr"
	"github.com/xingjian/xingjian/internal/auth"
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
	if !p.Can(auth.PermRecordPush) && !p.Can(auth.PermRecordImport) {
		return Report{}, apperr.Forbidden()
	}
	if p.TokenID != 0 && agencyID != 0 && agencyID != p.OrgID {
		return Report{}, apperr.New("forbidden", "接口令牌只能推送本单位的数据")
	}
	if agencyID == 0 {
		agencyID = p.OrgID
	}
	if !p.Scope().Allows(agencyID) {
		return Report{}, apperr.NotFound("机构")
	}
	if len(records) == 0 {
		return Report{}, apperr.New("validation_failed", "records 不能为空")
	}
	if len(records) > MaxPushRecords {
		return Report{}, apperr.New("validation_failed", fmt.Sprintf("每次最多推送 %d 条记录，本次 %d 条", MaxPushRecords, len(records)))
	}
	agency, err := im.agency(ctx, agencyID)
	if err != nil {
		return Report{}, err
	}
	domains, err := im.domains(ctx)
	if err != nil {
		return Report{}, err
	}
	known := map[string]bool{}
	for _, f := range Fields() {
		known[f.ID] = true
	}
	rc := RowContext{AgencyName: agency.name, AgencyUSCC: agency.uscc, Domains: domains, File: NewFileState()}
	meta := batchMeta{agencyID: agencyID, source: "api"}
	return im.store(ctx, p, meta, nil, func(emit func(line int, pen Penalty, errs []RowError) error) error {
		for i, rec := range records {
			row := tabular.Row{Line: i + 1, Cells: make([]string, len(pushHeader.Columns))}
			var unknown []string
			for k, v := range rec {
				if !known[k] {
					unknown = append(unknown, k)
					continue
				}
				row.Cells[fieldIndex[k]] = cellText(v)
			}
			if len(unknown) > 0 {
				sort.Strings(unknown)
				if err := emit(i+1, Penalty{}, []RowError{{Line: i + 1, Column: unknown[0], Reason: "未知字段“" + unknown[0] + "”"}}); err != nil {
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
