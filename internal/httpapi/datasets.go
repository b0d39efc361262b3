package httpapi

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"

	"github.com/xingjian/xingjian/internal/apperr"
	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/batch"
	"github.com/xingjian/xingjian/internal/dataset"
)

// Reference datasets (issue 4): the kinds with their typed columns, a kind's
// rows in the caller's scope, an administrator's registration of a new
// kind, and the import of a supplier's file (synchronous, or a background
// job followed through GET /api/v1/import-jobs/{id}).

// columnView is a dataset column with its type's Chinese name.
type columnView struct {
	dataset.Column
	TypeLabel string `json:"type_label"`
	Key       bool   `json:"key"`
}

// kindView is a dataset kind as the API shows it.
type kindView struct {
	Name        string       `json:"name"`
	Label       string       `json:"label"`
	Description string       `json:"description"`
	Source      string       `json:"source"`
	Keys        []string     `json:"keys"`
	DateColumn  string       `json:"date_column"`
	Enforcement bool         `json:"enforcement"`
	Builtin     bool         `json:"builtin"`
	Importable  bool         `json:"importable"`
	Table       string       `json:"table"`
	Rows        *int         `json:"rows"` // visible to the caller; null for enforcement kinds
	Columns     []columnView `json:"columns"`
}

func viewKind(k dataset.Kind, counts map[string]int) kindView {
	v := kindView{Name: k.Name, Label: k.Label, Description: k.Description, Source: k.Source, Keys: k.Keys, DateColumn: k.DateColumn,
		Enforcement: k.Enforcement, Builtin: k.Builtin, Importable: !k.Enforcement, Table: k.Table(), Columns: make([]columnView, len(k.Columns))}
	if v.Keys == nil {
		v.Keys = []string{}
	}
	for i, c := range k.Columns {
		v.Columns[i] = columnView{Column: c, TypeLabel: c.Type.Label(), Key: k.IsKey(c.Name)}
	}
	if n, ok := counts[k.Name]; ok && !k.Enforcement {
		v.Rows = &n
	}
	return v
}

func (s *Server) listDatasets(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermDatasetRead) {
		return apperr.Forbidden()
	}
	ks, err := dataset.NewRegistry(s.cfg.DB).Kinds(r.Context())
	if err != nil {
		return err
	}
	counts, err := dataset.RowCounts(r.Context(), s.cfg.DB, p.Scope(), ks)
	if err != nil {
		return err
	}
	views := make([]kindView, len(ks))
	for i, k := range ks {
		views[i] = viewKind(k, counts)
	}
	writeJSON(w, http.StatusOK, list[kindView]{Items: views, Total: len(views)})
	return nil
}

func (s *Server) getDataset(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermDatasetRead) {
		return apperr.Forbidden()
	}
	k, err := dataset.NewRegistry(s.cfg.DB).Kind(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	counts, err := dataset.RowCounts(r.Context(), s.cfg.DB, p.Scope(), []dataset.Kind{k})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewKind(k, counts))
	return nil
}

func (s *Server) registerDataset(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermDatasetManage) {
		return apperr.Forbidden()
	}
	var k dataset.Kind
	if _, err := decode(w, r, &k); err != nil {
		return err
	}
	reg := dataset.NewRegistry(s.cfg.DB)
	if err := reg.Register(r.Context(), p, k); err != nil {
		return err
	}
	stored, err := reg.Kind(r.Context(), k.Name)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, viewKind(stored, map[string]int{stored.Name: 0}))
	return nil
}

func (s *Server) listDatasetRows(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermDatasetRead) {
		return apperr.Forbidden()
	}
	limit, offset, agency, err := listParamsBy(r, "agency_id")
	if err != nil {
		return err
	}
	total, rows, err := dataset.Rows(r.Context(), s.cfg.DB, p.Scope(), r.PathValue("name"),
		dataset.Filter{Q: r.URL.Query().Get("q"), Agency: agency, Limit: limit, Offset: int(offset)})
	if err != nil {
		return err
	}
	out := list[map[string]any]{Items: rows, Total: total}
	if next := int(offset) + len(rows); next < total && len(rows) > 0 {
		out.NextCursor = strconv.Itoa(next) // the cursor of this list is an offset
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// importDataset takes a multipart upload (file, agency_id — the caller's
// org when absent — and async) and imports it into the named dataset.
func (s *Server) importDataset(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermDatasetImport) {
		return apperr.Forbidden()
	}
	name := r.PathValue("name")
	// Refuse an unknown or enforcement kind before taking the upload.
	k, err := dataset.NewRegistry(s.cfg.DB).Kind(r.Context(), name)
	if err != nil {
		return err
	}
	if k.Enforcement {
		return apperr.New("validation_failed", fmt.Sprintf("“%s”是执法数据，请在“执法数据导入”中导入", k.Label))
	}
	f, fh, agencyID, done, err := s.uploadForm(w, r, p, "xingjian dataset import")
	if err != nil {
		return err
	}
	defer done()
	in := dataset.FileImport{AgencyID: agencyID, FileName: fh.Filename, Size: fh.Size}
	switch r.FormValue("async") {
	case "", "false", "0":
	case "true", "1":
		return s.startDatasetJob(w, p, name, in, f)
	default:
		return apperr.New("validation_failed", "async 须为 true 或 false")
	}
	in.File = f
	rep, err := dataset.Import(r.Context(), s.cfg.DB, p, name, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, rep)
	return nil
}

// startDatasetJob keeps the upload in a file of its own (the form's files go
// when the request ends) and imports it as an import job (importjobs.go):
// the same limits, progress and polling as an enforcement upload.
func (s *Server) startDatasetJob(w http.ResponseWriter, p *auth.Principal, name string, in dataset.FileImport, upload io.Reader) error {
	if err := s.jobs.check(p); err != nil {
		return err
	}
	tmp, err := os.CreateTemp("", "xingjian-dataset-*")
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
	job := &importJob{Kind: dataset.BatchKind(name), FileName: in.FileName, Size: in.Size, AgencyID: in.AgencyID}
	err = s.jobs.start(p, job, path, func(ctx context.Context, f *os.File, job *importJob) (batch.Report, error) {
		in.File = f
		in.BytesRead = &job.bytesRead
		in.Progress = func(rows int) { job.rows.Store(int64(rows)) }
		return dataset.Import(ctx, s.cfg.DB, p, name, in)
	})
	if err != nil {
		os.Remove(path)
		return err
	}
	writeJSON(w, http.StatusAccepted, job.view())
	return nil
}
