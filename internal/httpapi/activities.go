package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/xingjian/xingjian/internal/apperr"
	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/enforce"
	"github.com/xingjian/xingjian/internal/tabular"
)

// Inspections (行政检查) and compulsory measures (行政强制): list, detail,
// export, and the field list of every record kind (docs/api-activities.md).
// Their import and push go through /api/v1/imports and /api/v1/records/push
// with a kind.

// activityParams names a kind's kind-specific query parameters.
var activityParams = map[string]struct{ typ, result string }{
	enforce.KindInspection: {"inspection_kind", "result"},
	enforce.KindMeasure:    {"measure_kind", "outcome"},
}

// activityFilter reads a list's query parameters.
func activityFilter(r *http.Request, kind string) (enforce.ActivityFilter, error) {
	q := r.URL.Query()
	names := activityParams[kind]
	f := enforce.ActivityFilter{Domain: q.Get("domain"), Type: q.Get(names.typ), Result: q.Get(names.result), Status: q.Get("status"),
		Flag: q.Get("flag"), Q: q.Get("q")}
	var err error
	if f.AgencyID, err = queryInt(r, "agency_id"); err != nil {
		return f, err
	}
	if f.From, f.To, err = searchDates(r); err != nil {
		return f, err
	}
	f.Limit, f.Before, err = searchPage(r)
	return f, err
}

// searchDates reads the from and to dates (YYYY-MM-DD) of an enforcement
// search; zero when absent.
func searchDates(r *http.Request) (from, to tabular.Date, err error) {
	q := r.URL.Query()
	for name, dst := range map[string]*tabular.Date{"from": &from, "to": &to} {
		if v := q.Get(name); v != "" {
			t, err := time.Parse("2006-01-02", v)
			if err != nil {
				return from, to, apperr.New("validation_failed", "参数 "+name+" 须为日期，格式 YYYY-MM-DD")
			}
			*dst = tabular.Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}
		}
	}
	return from, to, nil
}

// searchPage reads the limit (1–enforce.SearchMaxLimit, 0 when absent) and
// the cursor of an enforcement search.
func searchPage(r *http.Request) (int, *enforce.Cursor, error) {
	q := r.URL.Query()
	limit := 0
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > enforce.SearchMaxLimit {
			return 0, nil, apperr.New("validation_failed", fmt.Sprintf("limit 须为 1–%d 的整数", enforce.SearchMaxLimit))
		}
		limit = n
	}
	before, err := enforce.ParseCursor(q.Get("cursor"))
	return limit, before, err
}

// activityRequest checks that p may read records and reads the list filter.
func activityRequest(r *http.Request, p *auth.Principal, kind string) (enforce.ActivityFilter, error) {
	if !p.Can(auth.PermRecordRead) {
		return enforce.ActivityFilter{}, apperr.Forbidden()
	}
	return activityFilter(r, kind)
}

func optDate(d tabular.Date) *string {
	if d.IsZero() {
		return nil
	}
	s := d.String()
	return &s
}

// activitySummaryView is a list row: the common fields and the kind's own.
func activitySummaryView(kind string, s enforce.ActivitySummary) map[string]any {
	flags := s.Flags
	if flags == nil {
		flags = []string{}
	}
	m := map[string]any{"id": s.ID, "agency_id": s.AgencyID, "agency_name": s.AgencyName, "doc_no": s.DocNo, "party_name": s.PartyName,
		"party_kind": s.PartyKind, "party_code": s.PartyCode, "domain": s.Domain, "status": s.Status, "flags": flags, "revision": s.Revision}
	if kind == enforce.KindInspection {
		m["inspection_date"], m["inspection_kind"], m["result"] = s.Date.String(), s.Type, s.Result
		m["rectify_deadline"], m["followup_doc_no"] = optDate(s.RectifyDeadline), s.FollowupDocNo
		return m
	}
	var period any
	if s.PeriodDays != 0 {
		period = s.PeriodDays
	}
	m["start_date"], m["measure_kind"], m["outcome"] = s.Date.String(), s.Type, s.Result
	m["value"], m["period_days"], m["end_date"] = money(s.ValueFen), period, optDate(s.EndDate)
	return m
}

func (s *Server) listActivities(kind string) handler {
	return func(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
		f, err := activityRequest(r, p, kind)
		if err != nil {
			return err
		}
		items, total, next, err := enforce.SearchActivities(r.Context(), s.cfg.DB, p.Scope(), kind, f)
		if err != nil {
			return err
		}
		views := make([]map[string]any, len(items))
		for i, it := range items {
			views[i] = activitySummaryView(kind, it)
		}
		writeJSON(w, http.StatusOK, map[string]any{"items": views, "total": total, "total_capped": enforce.TotalCapped(total), "next_cursor": next})
		return nil
	}
}

func (s *Server) getActivity(kind string) handler {
	return func(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		d, err := enforce.ReadActivity(r.Context(), s.cfg.DB, p, kind, id)
		if err != nil {
			return err
		}
		rec := enforce.ActivityFields(d.Record)
		rec["id"], rec["agency_id"], rec["org_name"], rec["revision"] = d.ID, d.AgencyID, d.AgencyName, d.Revision
		rec["batch_id"], rec["created_at"], rec["updated_at"] = optID(d.BatchID), ts(d.CreatedAt), ts(d.UpdatedAt)
		revs := make([]revisionView, len(d.Revisions))
		for i, rv := range d.Revisions {
			revs[i] = revisionView{rv.Revision, ts(rv.ReplacedAt), optID(rv.BatchID), json.RawMessage(rv.Data)}
		}
		var batch any
		if d.Batch != nil {
			batch = viewBatch(*d.Batch)
		}
		writeJSON(w, http.StatusOK, map[string]any{"record": rec, "batch": batch, "revisions": revs})
		return nil
	}
}

// activityExport is one export column: its header and its value for a row.
type activityExport struct {
	header string
	width  float64
	value  func(it enforce.ActivitySummary, domain string) any
}

func activityExportColumns(kind string) (string, []activityExport) {
	flags := func(it enforce.ActivitySummary, _ string) any {
		out := make([]string, len(it.Flags))
		for i, f := range it.Flags {
			out[i] = enforce.FlagLabel(f)
		}
		return strings.Join(out, "；")
	}
	dateOrBlank := func(d tabular.Date) any {
		if d.IsZero() {
			return ""
		}
		return d.String()
	}
	common := []activityExport{
		{"执法机关", 24, func(it enforce.ActivitySummary, _ string) any { return it.AgencyName }},
		{"", 28, func(it enforce.ActivitySummary, _ string) any { return it.DocNo }},
		{"行政相对人", 30, func(it enforce.ActivitySummary, _ string) any { return it.PartyName }},
		{"相对人类别", 16, func(it enforce.ActivitySummary, _ string) any { return enforce.PartyKindLabel(it.PartyKind) }},
		{"相对人代码", 22, func(it enforce.ActivitySummary, _ string) any { return it.PartyCode }},
		{"执法领域", 14, func(_ enforce.ActivitySummary, domain string) any { return domain }},
	}
	if kind == enforce.KindInspection {
		common[1].header = "检查记录编号"
		cols := append([]activityExport{{"检查日期", 12, func(it enforce.ActivitySummary, _ string) any { return it.Date.String() }}}, common...)
		return "行政检查", append(cols,
			activityExport{"检查类别", 14, func(it enforce.ActivitySummary, _ string) any {
				return enforce.EnumLabel(kind, "inspection_kind", it.Type)
			}},
			activityExport{"检查结果", 12, func(it enforce.ActivitySummary, _ string) any { return enforce.EnumLabel(kind, "result", it.Result) }},
			activityExport{"整改期限", 12, func(it enforce.ActivitySummary, _ string) any { return dateOrBlank(it.RectifyDeadline) }},
			activityExport{"后续处理文书号", 26, func(it enforce.ActivitySummary, _ string) any { return it.FollowupDocNo }},
			activityExport{"状态", 10, func(it enforce.ActivitySummary, _ string) any { return it.Status }},
			activityExport{"存疑标记", 36, flags})
	}
	common[1].header = "强制措施决定书文号"
	cols := append([]activityExport{{"实施日期", 12, func(it enforce.ActivitySummary, _ string) any { return it.Date.String() }}}, common...)
	return "行政强制", append(cols,
		activityExport{"强制措施种类", 18, func(it enforce.ActivitySummary, _ string) any {
			return enforce.EnumLabel(kind, "measure_kind", it.Type)
		}},
		activityExport{"财物价值（元）", 14, func(it enforce.ActivitySummary, _ string) any { return float64(it.ValueFen) / 100 }},
		activityExport{"期限（日）", 10, func(it enforce.ActivitySummary, _ string) any {
			if it.PeriodDays == 0 {
				return ""
			}
			return it.PeriodDays
		}},
		activityExport{"解除日期", 12, func(it enforce.ActivitySummary, _ string) any { return dateOrBlank(it.EndDate) }},
		activityExport{"处理结果", 12, func(it enforce.ActivitySummary, _ string) any { return enforce.EnumLabel(kind, "outcome", it.Result) }},
		activityExport{"状态", 10, func(it enforce.ActivitySummary, _ string) any { return it.Status }},
		activityExport{"存疑标记", 36, flags})
}

// exportActivities writes the current filter's inspections or measures as
// XLSX (≤ MaxExport rows), codes as their Chinese labels.
func (s *Server) exportActivities(kind string) handler {
	return func(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
		f, err := activityRequest(r, p, kind)
		if err != nil {
			return err
		}
		f.Limit, f.Before = enforce.SearchMaxLimit, nil
		domains, err := enforce.DomainNames(r.Context(), s.cfg.DB)
		if err != nil {
			return err
		}
		sheet, cols := activityExportColumns(kind)
		x := excelize.NewFile()
		defer x.Close()
		_ = x.SetSheetName("Sheet1", sheet)
		sw, err := x.NewStreamWriter(sheet)
		if err != nil {
			return err
		}
		header := make([]any, len(cols))
		for i, c := range cols {
			header[i] = c.header
			if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
				return err
			}
		}
		if err := sw.SetRow("A1", header); err != nil {
			return err
		}
		row := 2
		for row-2 < MaxExport {
			items, _, next, err := enforce.SearchActivities(r.Context(), s.cfg.DB, p.Scope(), kind, f)
			if err != nil {
				return err
			}
			for _, it := range items {
				if row-2 >= MaxExport {
					break
				}
				domain := it.Domain
				if name, ok := domains[domain]; ok {
					domain = name
				}
				vals := make([]any, len(cols))
				for i, c := range cols {
					vals[i] = c.value(it, domain)
				}
				cell, _ := excelize.CoordinatesToCellName(1, row)
				if err := sw.SetRow(cell, vals); err != nil {
					return err
				}
				row++
			}
			if next == "" {
				break
			}
			if f.Before, err = enforce.ParseCursor(next); err != nil {
				return err
			}
		}
		if err := sw.Flush(); err != nil {
			return err
		}
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		// 行政检查.xlsx / 行政强制.xlsx, with a plain name for old clients.
		encoded := map[string]string{"行政检查": "%E8%A1%8C%E6%94%BF%E6%A3%80%E6%9F%A5", "行政强制": "%E8%A1%8C%E6%94%BF%E5%BC%BA%E5%88%B6"}[sheet]
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%ss.xlsx"; filename*=UTF-8''%s.xlsx`, kind, encoded))
		return x.Write(w)
	}
}

// fieldView is a record kind's field for the mapping dialog and agency
// systems: id, Chinese name, whether required, accepted headers, and the
// closed list of values where there is one.
type fieldView struct {
	enforce.Field
	Values []enforce.EnumValue `json:"values"`
}

// recordKindFields lists the fields of a record kind.
func (s *Server) recordKindFields(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermRecordRead) && !p.Can(auth.PermRecordImport) && !p.Can(auth.PermRecordPush) {
		return apperr.Forbidden()
	}
	kind := r.PathValue("kind")
	fields, ok := enforce.FieldsOf(kind)
	if !ok || kind == "" {
		return apperr.NotFound("记录类别")
	}
	views := make([]fieldView, len(fields))
	for i, f := range fields {
		vals := enforce.EnumValuesOf(kind, f.ID)
		if vals == nil {
			vals = []enforce.EnumValue{}
		}
		views[i] = fieldView{f, vals}
	}
	writeJSON(w, http.StatusOK, map[string]any{"kind": kind, "label": enforce.KindLabel(kind), "fields": views})
	return nil
}
