package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/xingjian/xingjian/internal/apperr"
	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/reference"
	"github.com/xingjian/xingjian/internal/store"
)

// MaxDiscretionUpload bounds an uploaded discretion table (they are small;
// the Jiangmen table is 338 KB).
const MaxDiscretionUpload = 20 << 20

type benchmarkView struct {
	reference.Benchmark
	FineMin   *string `json:"fine_min"`
	FineMax   *string `json:"fine_max"`
	CreatedAt string  `json:"created_at"`
	UpdatedAt string  `json:"updated_at"`
}

func moneyPtr(fen *int64) *string {
	if fen == nil {
		return nil
	}
	s := money(*fen)
	return &s
}

func viewBenchmark(b reference.Benchmark) benchmarkView {
	return benchmarkView{Benchmark: b, FineMin: moneyPtr(b.FineMinFen), FineMax: moneyPtr(b.FineMaxFen), CreatedAt: ts(b.CreatedAt), UpdatedAt: ts(b.UpdatedAt)}
}

// refResource is the HTTP side of one kind of reference material: who may
// change it, how an object is shown, and the reference functions that read
// and change it. Its methods are the handlers of GET, POST, PATCH and DELETE
// (Server.Routes).
type refResource[T, In, V any] struct {
	s      *Server
	manage string // the permission to create, change and delete
	view   func(T) V
	get    func(context.Context, store.Querier, *auth.Principal, int64) (T, error)
	create func(context.Context, *store.DB, *auth.Principal, In) (T, error)
	update func(context.Context, *store.DB, *auth.Principal, int64, In) (T, error)
	remove func(context.Context, *store.DB, *auth.Principal, int64) error
	// patched, when set, reads from a PATCH body what only its raw keys
	// tell (an explicit null).
	patched func(keys map[string]json.RawMessage, in *In)
}

func (rr refResource[T, In, V]) read(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	v, err := rr.get(r.Context(), rr.s.cfg.DB, p, id)
	return rr.reply(w, http.StatusOK, v, err)
}

func (rr refResource[T, In, V]) add(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(rr.manage) {
		return apperr.Forbidden()
	}
	var in In
	if _, err := decode(w, r, &in); err != nil {
		return err
	}
	v, err := rr.create(r.Context(), rr.s.cfg.DB, p, in)
	return rr.reply(w, http.StatusCreated, v, err)
}

func (rr refResource[T, In, V]) change(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(rr.manage) {
		return apperr.Forbidden()
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in In
	keys, err := decode(w, r, &in)
	if err != nil {
		return err
	}
	if rr.patched != nil {
		rr.patched(keys, &in)
	}
	v, err := rr.update(r.Context(), rr.s.cfg.DB, p, id, in)
	return rr.reply(w, http.StatusOK, v, err)
}

// reply answers with the object v as shown by view, or with err.
func (rr refResource[T, In, V]) reply(w http.ResponseWriter, status int, v T, err error) error {
	if err != nil {
		return err
	}
	writeJSON(w, status, rr.view(v))
	return nil
}

func (rr refResource[T, In, V]) drop(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(rr.manage) {
		return apperr.Forbidden()
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := rr.remove(r.Context(), rr.s.cfg.DB, p, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) discretionAPI() refResource[reference.Benchmark, reference.BenchmarkInput, benchmarkView] {
	return refResource[reference.Benchmark, reference.BenchmarkInput, benchmarkView]{s: s, manage: auth.PermReferenceManage,
		view: viewBenchmark, get: reference.GetBenchmark, create: reference.CreateBenchmark, update: reference.UpdateBenchmark,
		remove: reference.DeleteBenchmark}
}

func (s *Server) listDiscretion(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	limit, cursor, orgID, err := listParamsBy(r, "org_id")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	bs, total, err := reference.ListBenchmarks(r.Context(), s.cfg.DB, p, reference.BenchmarkFilter{Domain: q.Get("domain"),
		ViolationCode: q.Get("violation_code"), Q: q.Get("q"), OrgID: orgID, Issuer: q.Get("issuer"), Category: q.Get("category"),
		Level: q.Get("level"), After: cursor, Limit: limit})
	if err != nil {
		return err
	}
	writeItems(w, bs, total, limit, viewBenchmark, func(v benchmarkView) int64 { return v.ID })
	return nil
}

// importDiscretion takes a multipart upload: file, and optionally org_id,
// issuer, domain, effective_from, effective_to.
func (s *Server) importDiscretion(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermReferenceManage) {
		return apperr.Forbidden()
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxDiscretionUpload+1<<20)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return apperr.New("body_too_large", fmt.Sprintf("文件过大，裁量基准表不能超过 %d MB", MaxDiscretionUpload>>20))
		}
		return apperr.Wrap(err, "unsupported_media_type", "请以 multipart/form-data 上传文件（字段名 file）")
	}
	defer r.MultipartForm.RemoveAll()
	f, fh, err := r.FormFile("file")
	if err != nil {
		return apperr.New("validation_failed", "请选择要上传的裁量基准表（字段名 file）")
	}
	defer f.Close()
	if fh.Size > MaxDiscretionUpload {
		return apperr.New("body_too_large", fmt.Sprintf("文件过大，裁量基准表不能超过 %d MB", MaxDiscretionUpload>>20))
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxDiscretionUpload+1))
	if err != nil {
		return apperr.Wrap(err, "invalid_file", "无法读取上传的文件")
	}
	var orgID int64
	if v := r.FormValue("org_id"); v != "" {
		if orgID, err = strconv.ParseInt(v, 10, 64); err != nil || orgID <= 0 {
			return apperr.Fields{{Field: "org_id", Message: "org_id 须为单位编号"}}.Err()
		}
	}
	rep, err := reference.ImportBenchmarks(r.Context(), s.cfg.DB, p, data, reference.ImportOptions{OrgID: orgID, Issuer: r.FormValue("issuer"),
		Domain: r.FormValue("domain"), EffectiveFrom: r.FormValue("effective_from"), EffectiveTo: r.FormValue("effective_to"), FileName: fh.Filename})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

type caseView struct {
	reference.Case
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
}

func viewCase(c reference.Case) caseView { return caseView{c, ts(c.CreatedAt), ts(c.UpdatedAt)} }

func (s *Server) casesAPI() refResource[reference.Case, reference.CaseInput, caseView] {
	return refResource[reference.Case, reference.CaseInput, caseView]{s: s, manage: auth.PermCaseManage,
		view: viewCase, get: reference.GetCase, create: reference.CreateCase, update: reference.UpdateCase, remove: reference.DeleteCase,
		patched: caseAgencyNull}
}

// caseAgencyNull reads "agency_id": null in a PATCH as unlinking the agency.
func caseAgencyNull(keys map[string]json.RawMessage, in *reference.CaseInput) {
	in.ClearAgency = isNull(keys, "agency_id")
}

func (s *Server) listCases(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	limit, cursor, agencyID, err := listParamsBy(r, "agency_id")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	cs, total, err := reference.ListCases(r.Context(), s.cfg.DB, p, reference.CaseFilter{Domain: q.Get("domain"), Q: q.Get("q"), Tag: q.Get("tag"),
		AgencyID: agencyID, Before: cursor, Limit: limit})
	if err != nil {
		return err
	}
	writeItems(w, cs, total, limit, viewCase, func(v caseView) int64 { return v.ID })
	return nil
}

type newsView struct {
	reference.News
	PublishedAt string `json:"published_at"`
	CreatedAt   string `json:"created_at"`
	UpdatedAt   string `json:"updated_at"`
}

func viewNews(n reference.News) newsView {
	return newsView{n, ts(n.PublishedAt), ts(n.CreatedAt), ts(n.UpdatedAt)}
}

func (s *Server) newsAPI() refResource[reference.News, reference.NewsInput, newsView] {
	return refResource[reference.News, reference.NewsInput, newsView]{s: s, manage: auth.PermReferenceManage,
		view: viewNews, get: reference.GetNews, create: reference.CreateNews, update: reference.UpdateNews, remove: reference.DeleteNews}
}

func (s *Server) listNews(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	limit, cursor, orgID, err := listParamsBy(r, "org_id")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	if k := q.Get("kind"); k != "" && reference.NewsKinds[k] == "" {
		return apperr.New("validation_failed", "参数 kind 须为 news 或 notice")
	}
	ns, total, err := reference.ListNews(r.Context(), s.cfg.DB, p, reference.NewsFilter{Kind: q.Get("kind"), OrgID: orgID, Q: q.Get("q"),
		Before: cursor, Limit: limit})
	if err != nil {
		return err
	}
	writeItems(w, ns, total, limit, viewNews, func(v newsView) int64 { return v.ID })
	return nil
}
