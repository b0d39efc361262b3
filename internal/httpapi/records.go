package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"strconv"
	"time"

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

// importFile takes a multipart upload (file, agency_id, kind, mapping,
// async) and imports it: at once (201 with the report), or with async=true
// in the background (202 with a job to poll — what the web UI does, so that
// a large file shows its progress).
func (s *Server) importFile(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermRecordImport) {
		return apperr.Forbidden()
	}
	f, fh, agencyID, done, err := s.uploadForm(w, r, p, "xingjian import")
	if err != nil {
		return err
	}
	defer done()
	kind := r.FormValue("kind")
	if kind == "" {
		kind = enforce.KindPenalty
	}
	if !validKind(kind) {
		return apperr.New("validation_failed", "kind 须为 penalty（行政处罚）、inspection（行政检查）或 measure（行政强制）")
	}
	var mapping enforce.Mapping
	if v := r.FormValue("mapping"); v != "" {
		if err := json.Unmarshal([]byte(v), &mapping); err != nil {
			return apperr.New("validation_failed", "mapping 须为 JSON 对象：字段 → 表头")
		}
	}
	in := enforce.FileImport{AgencyID: agencyID, FileName: fh.Filename, Size: fh.Size, Mapping: mapping}
	switch r.FormValue("async") {
	case "", "false", "0":
	case "true", "1":
		return s.startImportJob(w, p, kind, in, f)
	default:
		return apperr.New("validation_failed", "async 须为 true 或 false")
	}
	in.File = f
	rep, err := s.runImport(r.Context(), p, kind, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, rep)
	return nil
}

func validKind(kind string) bool {
	for _, k := range enforce.Kinds() {
		if k == kind {
			return true
		}
	}
	return false
}

// runImport imports a file of any record kind.
func (s *Server) runImport(ctx context.Context, p *auth.Principal, kind string, in enforce.FileImport) (enforce.Report, error) {
	im := enforce.NewImporter(s.cfg.DB)
	if kind == enforce.KindPenalty {
		return im.ImportFile(ctx, p, in)
	}
	return im.ImportKindFile(ctx, p, kind, in)
}

// startImportJob keeps the upload in a file of its own (the form's files go
// when the request ends) and imports it in the background.
func (s *Server) startImportJob(w http.ResponseWriter, p *auth.Principal, kind string, in enforce.FileImport, upload io.Reader) error {
	if err := s.jobs.check(p); err != nil { // before copying up to 200 MB for nothing
		return err
	}
	tmp, err := os.CreateTemp("", "xingjian-import-*")
	if err != nil {
		return fmt.Errorf("httpapi: keep upload: %w", err)
	}
	path := tmp.Name()
	if _, err := io.Copy(tmp, upload); err != nil {
		tmp.Close()
		os.Remove(path)
		return fmt.Errorf("httpapi: keep upload: %w", err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(path)
		return fmt.Errorf("httpapi: keep upload: %w", err)
	}
	job := &importJob{Kind: kind, FileName: in.FileName, Size: in.Size, AgencyID: in.AgencyID}
	err = s.jobs.start(p, job, path, func(ctx context.Context, f *os.File, job *importJob) (enforce.Report, error) {
		in.File = f
		in.BytesRead = &job.bytesRead
		in.Progress = func(rows int) { job.rows.Store(int64(rows)) }
		return s.runImport(ctx, p, kind, in)
	})
	if err != nil {
		os.Remove(path)
		return err
	}
	writeJSON(w, http.StatusAccepted, job.view())
	return nil
}

func (s *Server) getImportJob(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermRecordImport) && !p.Can(auth.PermDatasetImport) { // dataset uploads run as jobs too
		return apperr.Forbidden()
	}
	job, err := s.jobs.get(p, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, job.view())
	return nil
}

func (s *Server) pushRecords(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in struct {
		AgencyID int64            `json:"agency_id"`
		Kind     string           `json:"kind"`
		Records  []map[string]any `json:"records"`
	}
	if _, err := decodeLimit(w, r, &in, 16<<20); err != nil {
		return err
	}
	if in.Kind == "" {
		in.Kind = enforce.KindPenalty
	}
	if !validKind(in.Kind) {
		return apperr.New("validation_failed", "kind 须为 penalty（行政处罚）、inspection（行政检查）或 measure（行政强制）")
	}
	rep, err := enforce.NewImporter(s.cfg.DB).PushKind(r.Context(), p, in.Kind, in.AgencyID, in.Records)
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
	m["fine"], m["confiscation"], m["surcharge"] = money(sp.FineFen), money(sp.ConfiscateFen), money(sp.SurchargeFen)
	delete(m, "fine_fen")
	delete(m, "confiscate_fen")
	delete(m, "surcharge_fen")
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
	"payment_due_date": {}, "paid_date": {}, "transfer_date": {}, "court_apply_date": {}, "act_date": {}}

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

// uploadForm reads a multipart upload — the file in field "file", the
// importing org in the optional "agency_id" (default: the caller's org) —
// within MaxUpload; cli names the command that takes larger files. done
// closes the file and removes the form's temporary files.
func (s *Server) uploadForm(w http.ResponseWriter, r *http.Request, p *auth.Principal, cli string) (multipart.File, *multipart.FileHeader, int64, func(), error) {
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxUpload+1<<20)
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, nil, 0, nil, apperr.New("body_too_large", fmt.Sprintf("文件过大，单个文件不能超过 %d MB；更大的文件请拆分，或由管理员用命令行 %s 导入", s.cfg.MaxUpload>>20, cli))
		}
		return nil, nil, 0, nil, apperr.Wrap(err, "unsupported_media_type", "请以 multipart/form-data 上传文件（字段名 file）")
	}
	f, fh, err := r.FormFile("file")
	if err != nil {
		_ = r.MultipartForm.RemoveAll()
		return nil, nil, 0, nil, apperr.New("validation_failed", "请选择要上传的文件（字段名 file）")
	}
	done := func() {
		f.Close()
		_ = r.MultipartForm.RemoveAll()
	}
	agencyID := p.OrgID
	if v := r.FormValue("agency_id"); v != "" {
		if agencyID, err = strconv.ParseInt(v, 10, 64); err != nil || agencyID <= 0 {
			done()
			return nil, nil, 0, nil, apperr.New("validation_failed", "agency_id 须为机构编号")
		}
	}
	return f, fh, agencyID, done, nil
}
