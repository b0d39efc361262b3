package httpapi

import (
	"encoding/json"
	"errors"
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

// MaxUpload bounds an uploaded enforcement file.
const MaxUpload = 200 << 20

type batchView struct {
	enforce.Batch
	StartedAt  string `json:"started_at"`
	FinishedAt string `json:"finished_at"`
}

func viewBatch(b enforce.Batch) batchView { return batchView{b, ts(b.StartedAt), ts(b.FinishedAt)} }

// importFile takes a multipart upload (file, agency_id, mapping) and imports it.
func (s *Server) importFile(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermRecordImport) {
		return apperr.Forbidden()
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxUpload+1<<20)
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return apperr.New("body_too_large", fmt.Sprintf("文件过大，单个文件不能超过 %d MB", MaxUpload>>20))
		}
		return apperr.Wrap(err, "unsupported_media_type", "请以 multipart/form-data 上传文件（字段名 file）")
	}
	defer r.MultipartForm.RemoveAll()
	f, fh, err := r.FormFile("file")
	if err != nil {
		return apperr.New("validation_failed", "请选择要上传的文件（字段名 file）")
	}
	defer f.Close()
	agencyID := p.OrgID
	if v := r.FormValue("agency_id"); v != "" {
		if agencyID, err = strconv.ParseInt(v, 10, 64); err != nil || agencyID <= 0 {
			return apperr.New("validation_failed", "agency_id 须为机构编号")
		}
	}
	var mapping enforce.Mapping
	if v := r.FormValue("mapping"); v != "" {
		if err := json.Unmarshal([]byte(v), &mapping); err != nil {
			return apperr.New("validation_failed", "mapping 须为 JSON 对象：字段 → 表头")
		}
	}
	rep, err := enforce.NewImporter(s.cfg.DB).ImportFile(r.Context(), p, enforce.FileImport{AgencyID: agencyID, FileName: fh.Filename,
		File: f, Size: fh.Size, Mapping: mapping})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, rep)
	return nil
}

func (s *Server) pushRecords(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in struct {
		AgencyID int64            `json:"agency_id"`
		Records  []map[string]any `json:"records"`
	}
	if _, err := decodeLimit(w, r, &in, 16<<20); err != nil {
		return err
	}
	rep, err := enforce.NewImporter(s.cfg.DB).Push(r.Context(), p, in.AgencyID, in.Records)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

func (s *Server) listImports(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	limit, cursor, err := listParams(r)
	if err != nil {
		return err
	}
	agencyID, err := queryInt(r, "agency_id")
	if err != nil {
		return err
	}
	bs, total, err := enforce.ListBatches(r.Context(), s.cfg.DB, p, agencyID, cursor, limit)
	if err != nil {
		return err
	}
	views := make([]batchView, len(bs))
	for i, b := range bs {
		views[i] = viewBatch(b)
	}
	writeJSON(w, http.StatusOK, page(views, total, limit, func(v batchView) int64 { return v.ID }))
	return nil
}

func (s *Server) getImport(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	b, err := enforce.GetBatch(r.Context(), s.cfg.DB, p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewBatch(b))
	return nil
}

func (s *Server) listRejects(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	limit, cursor, err := listParams(r)
	if err != nil {
		return err
	}
	rs, total, err := enforce.ListRejects(r.Context(), s.cfg.DB, p, id, int(cursor), limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page(rs, total, limit, func(v enforce.StoredReject) int64 { return int64(v.Seq) }))
	return nil
}

func (s *Server) rejectsXLSX(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	b, err := enforce.GetBatch(r.Context(), s.cfg.DB, p, id)
	if err != nil {
		return err
	}
	rs, _, err := enforce.ListRejects(r.Context(), s.cfg.DB, p, id, 0, 0)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="rejects-%d.xlsx"; filename*=UTF-8''%%E6%%8B%%92%%E6%%94%%B6%%E6%%98%%8E%%E7%%BB%%86-%d.xlsx`, id, id))
	return enforce.WriteRejectsXLSX(w, b, rs)
}

// money renders fen as a yuan decimal string ("12000.00"): exact, no float.
func money(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s%d.%02d", sign, fen/100, fen%100)
}

type revisionView struct {
	Revision   int             `json:"revision"`
	ReplacedAt string          `json:"replaced_at"`
	BatchID    *int64          `json:"batch_id"`
	Data       json.RawMessage `json:"data"`
}

func (s *Server) getRecord(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	rec, err := enforce.ReadRecord(r.Context(), s.cfg.DB, p, id)
	if err != nil {
		return err
	}
	revs := make([]revisionView, len(rec.Revisions))
	for i, rv := range rec.Revisions {
		revs[i] = revisionView{rv.Revision, ts(rv.ReplacedAt), optID(rv.BatchID), json.RawMessage(rv.Data)}
	}
	writeJSON(w, http.StatusOK, map[string]any{"record": recordView(rec.StoredPenalty, rec.AgencyName), "revisions": revs})
	return nil
}

// recordView is a stored penalty for the API: money as yuan strings, dates
// as YYYY-MM-DD or null.
func recordView(sp enforce.StoredPenalty, agencyName string) map[string]any {
	b, _ := json.Marshal(sp.Penalty)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	for k, v := range m {
		if v == "" {
			if _, isDate := dateFields[k]; isDate {
				m[k] = nil
			}
		}
	}
	m["fine"], m["confiscation"] = money(sp.FineFen), money(sp.ConfiscateFen)
	delete(m, "fine_fen")
	delete(m, "confiscate_fen")
	if sp.Flags == nil {
		m["flags"] = []string{}
	}
	// agency_name is the deciding agency as the file states it; org_name is
	// the org that reported the record.
	m["id"], m["agency_id"], m["org_name"], m["revision"] = sp.ID, sp.AgencyID, agencyName, sp.Revision
	m["batch_id"], m["created_at"], m["updated_at"] = optID(sp.BatchID), ts(sp.CreatedAt), ts(sp.UpdatedAt)
	return m
}

var dateFields = map[string]struct{}{"decision_date": {}, "valid_until": {}, "publish_until": {}, "filed_date": {}, "served_date": {},
	"payment_due_date": {}, "paid_date": {}, "transfer_date": {}, "court_apply_date": {}}

type qualityView struct {
	enforce.AgencyQuality
	LastImportAt *string `json:"last_import_at"`
}

// recordQuality is the per-agency data-quality table: who shares, how late,
// how clean.
func (s *Server) recordQuality(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	from, to := r.URL.Query().Get("from"), r.URL.Query().Get("to")
	for _, d := range []string{from, to} {
		if d != "" {
			if _, err := time.Parse("2006-01-02", d); err != nil {
				return apperr.New("validation_failed", "from / to 须为日期，格式 YYYY-MM-DD")
			}
		}
	}
	qs, err := enforce.Quality(r.Context(), s.cfg.DB, p, from, to)
	if err != nil {
		return err
	}
	views := make([]qualityView, len(qs))
	for i, q := range qs {
		views[i] = qualityView{AgencyQuality: q}
		if q.LastImportAt != 0 {
			views[i].LastImportAt = tsPtr(&qs[i].LastImportAt)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": views})
	return nil
}

type summaryView struct {
	ID            int64    `json:"id"`
	AgencyID      int64    `json:"agency_id"`
	AgencyName    string   `json:"agency_name"`
	DocNo         string   `json:"doc_no"`
	PartyName     string   `json:"party_name"`
	PartyKind     string   `json:"party_kind"`
	PartyCode     string   `json:"party_code"`
	Domain        string   `json:"domain"`
	ViolationType string   `json:"violation_type"`
	PenaltyKinds  string   `json:"penalty_kinds"`
	Fine          string   `json:"fine"`
	DecisionDate  string   `json:"decision_date"`
	Procedure     string   `json:"procedure"`
	Flags         []string `json:"flags"`
	Revision      int      `json:"revision"`
}

// recordFilter reads the records list's query parameters.
func recordFilter(r *http.Request) (enforce.RecordFilter, error) {
	q := r.URL.Query()
	f := enforce.RecordFilter{Domain: q.Get("domain"), Procedure: q.Get("procedure"), PartyKind: q.Get("party_kind"), Flag: q.Get("flag"), Q: q.Get("q")}
	var err error
	if f.AgencyID, err = queryInt(r, "agency_id"); err != nil {
		return f, err
	}
	for name, dst := range map[string]*tabular.Date{"from": &f.From, "to": &f.To} {
		if v := q.Get(name); v != "" {
			t, err := time.Parse("2006-01-02", v)
			if err != nil {
				return f, apperr.New("validation_failed", "参数 "+name+" 须为日期，格式 YYYY-MM-DD")
			}
			*dst = tabular.Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}
		}
	}
	for name, dst := range map[string]**int64{"min_fine": &f.MinFineFen, "max_fine": &f.MaxFineFen} {
		if v := q.Get(name); v != "" {
			fen, ok, err := tabular.ParseAmount(v, tabular.Yuan)
			if err != nil || !ok {
				return f, apperr.New("validation_failed", "参数 "+name+" 须为金额（元）")
			}
			*dst = &fen
		}
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > enforce.SearchMaxLimit {
			return f, apperr.New("validation_failed", fmt.Sprintf("limit 须为 1–%d 的整数", enforce.SearchMaxLimit))
		}
		f.Limit = n
	}
	if f.Before, err = enforce.ParseCursor(q.Get("cursor")); err != nil {
		return f, err
	}
	return f, nil
}

func viewSummary(s enforce.RecordSummary) summaryView {
	flags := s.Flags
	if flags == nil {
		flags = []string{}
	}
	return summaryView{s.ID, s.AgencyID, s.AgencyName, s.DocNo, s.PartyName, s.PartyKind, s.PartyCode, s.Domain, s.ViolationType,
		s.PenaltyKinds, money(s.FineFen), s.DecisionDate.String(), s.Procedure, flags, s.Revision}
}

func (s *Server) listRecords(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermRecordRead) {
		return apperr.Forbidden()
	}
	f, err := recordFilter(r)
	if err != nil {
		return err
	}
	items, total, next, err := enforce.Search(r.Context(), s.cfg.DB, p.Scope(), f)
	if err != nil {
		return err
	}
	views := make([]summaryView, len(items))
	for i, it := range items {
		views[i] = viewSummary(it)
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": views, "total": total, "total_capped": enforce.TotalCapped(total), "next_cursor": next})
	return nil
}

// MaxExport bounds one XLSX export.
const MaxExport = 100_000

// exportRecords writes the current filter's records as XLSX, page by page so
// memory stays flat.
func (s *Server) exportRecords(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermRecordRead) {
		return apperr.Forbidden()
	}
	f, err := recordFilter(r)
	if err != nil {
		return err
	}
	f.Limit, f.Before = enforce.SearchMaxLimit, nil
	x := excelize.NewFile()
	defer x.Close()
	sheet := "执法记录"
	_ = x.SetSheetName("Sheet1", sheet)
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	if err := sw.SetRow("A1", []any{"决定日期", "执法机关", "处罚决定书文号", "行政相对人", "相对人代码", "违法行为类型", "处罚类别", "罚款金额（元）", "程序", "存疑标记"}); err != nil {
		return err
	}
	row := 2
	for row-2 < MaxExport {
		items, _, next, err := enforce.Search(r.Context(), s.cfg.DB, p.Scope(), f)
		if err != nil {
			return err
		}
		for _, it := range items {
			cell, _ := excelize.CoordinatesToCellName(1, row)
			if err := sw.SetRow(cell, []any{it.DecisionDate.String(), it.AgencyName, it.DocNo, it.PartyName, it.PartyCode, it.ViolationType,
				it.PenaltyKinds, float64(it.FineFen) / 100, it.Procedure, strings.Join(it.Flags, ",")}); err != nil {
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
	w.Header().Set("Content-Disposition", `attachment; filename="records.xlsx"`)
	return x.Write(w)
}
