package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/xingjian/xingjian/internal/apperr"
	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/dataset"
	"github.com/xingjian/xingjian/internal/store"
	"github.com/xingjian/xingjian/internal/supervise"
)

// Supervision models (issue 4): the catalogue with precision and hit
// history, a model's detail with its compiled SQL and versions, settings,
// user models from YAML, validation and back-tests for the editor, runs in
// the background with progress by run group, the analyst's read-only
// queries and an agency's self-check. The engine (internal/supervise) does
// the work and the auditing; these handlers check permissions and shape the
// answers.

// engine returns the model engine, or unavailable when the server was
// built without one.
func (s *Server) engine() (*supervise.Engine, error) {
	if s.cfg.Models == nil {
		return nil, apperr.New("unavailable", "监督模型引擎未启用")
	}
	return s.cfg.Models, nil
}

// modelError turns the engine's errors into API errors.
func modelError(err error) error {
	var se *supervise.SpecError
	var qe *supervise.QueryError
	var ae *apperr.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ae):
		return err
	case errors.As(err, &se):
		return &apperr.Error{Code: "invalid_model", Message: se.Error(), Details: specErrorView{Where: se.Where, Message: se.Msg}, Err: err}
	case errors.As(err, &qe):
		return &apperr.Error{Code: "invalid_query", Message: qe.Msg, Err: err}
	case errors.Is(err, supervise.ErrNotFound):
		return apperr.NotFound("模型")
	case errors.Is(err, supervise.ErrLeadNotFound):
		return apperr.NotFound("线索")
	case errors.Is(err, supervise.ErrBuiltin):
		return apperr.Wrap(err, "conflict", "内置模型不能修改定义或删除，只能启用、停用或调整参数")
	case errors.Is(err, supervise.ErrExists):
		return &apperr.Error{Code: "duplicate", Message: "模型编号（id）已被占用，请换一个", Details: map[string]string{"field": "id"}, Err: err}
	case errors.Is(err, supervise.ErrHasLeads):
		return apperr.Wrap(err, "conflict", reason(err, "该模型已产生线索，只能停用不能删除"))
	case errors.Is(err, supervise.ErrBadTriage):
		return apperr.Wrap(err, "validation_failed", reason(err, "线索研判参数有误"))
	}
	return err
}

// reason is the Chinese text after the last sentinel prefix of err.
func reason(err error, fallback string) string {
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 && i+2 < len(msg) {
		return msg[i+2:]
	}
	return fallback
}

// specErrorView names the spot of a model definition error.
type specErrorView struct {
	Where   string `json:"where"`
	Message string `json:"message"`
}

// secTS renders Unix seconds (the engine's clock) as RFC 3339 in Shanghai.
func secTS(sec int64) string { return ts(sec * 1000) }

func secTSPtr(sec *int64) *string {
	if sec == nil {
		return nil
	}
	s := secTS(*sec)
	return &s
}

// ---- views ----

type paramView struct {
	Name    string `json:"name"`
	Label   string `json:"label"`
	Type    string `json:"type"`
	Default any    `json:"default"`
	Value   any    `json:"value"`
	Min     *int64 `json:"min"`
	Max     *int64 `json:"max"`
	Note    string `json:"note"`
}

type runView struct {
	ID           int64   `json:"id"`
	Group        string  `json:"run_group"`
	ModelID      string  `json:"model_id"`
	ModelName    string  `json:"model_name"`
	ModelVersion int     `json:"model_version"`
	Mode         string  `json:"mode"`
	AgencyID     *int64  `json:"agency_id"`
	Trigger      string  `json:"trigger"`
	Actor        string  `json:"actor"`
	AsOf         string  `json:"as_of"`
	Status       string  `json:"status"`
	StartedAt    string  `json:"started_at"`
	FinishedAt   *string `json:"finished_at"`
	DurationMS   int64   `json:"duration_ms"`
	RowsScanned  int64   `json:"rows_scanned"`
	Hits         int     `json:"hits"`
	NewLeads     int     `json:"new_leads"`
	Changed      int     `json:"changed_leads"`
	Reopened     int     `json:"reopened_leads"`
	Error        string  `json:"error"`
}

func viewRun(r supervise.RunRecord, names map[string]string) runView {
	name := r.ModelName
	if name == "" {
		name = names[r.ModelID]
	}
	return runView{ID: r.ID, Group: r.Group, ModelID: r.ModelID, ModelName: name, ModelVersion: r.ModelVersion, Mode: r.Mode,
		AgencyID: r.AgencyID, Trigger: r.Trigger, Actor: r.Actor, AsOf: r.AsOf, Status: r.Status, StartedAt: secTS(r.StartedAt),
		FinishedAt: secTSPtr(r.FinishedAt), DurationMS: r.DurationMS, RowsScanned: r.RowsScanned, Hits: r.Hits, NewLeads: r.NewLeads,
		Changed: r.Changed, Reopened: r.Reopened, Error: r.Error}
}

type modelView struct {
	ID           string               `json:"id"`
	Number       int                  `json:"number"`
	Title        string               `json:"title"`
	Name         string               `json:"name"`
	Description  string               `json:"description"`
	Domain       string               `json:"domain"`
	Severity     string               `json:"severity"`
	Target       string               `json:"target"`
	LegalBasis   []supervise.LegalRef `json:"legal_basis"`
	Legal        string               `json:"legal"`
	Dataset      string               `json:"dataset"`
	Enabled      bool                 `json:"enabled"`
	Schedule     string               `json:"schedule"`
	NextRunAt    *string              `json:"next_run_at"`
	ModelVersion int                  `json:"model_version"`
	SpecVersion  int                  `json:"spec_version"`
	Builtin      bool                 `json:"builtin"`
	UpdatedAt    string               `json:"updated_at"`
	Params       []paramView          `json:"params"`
	Precision    supervise.Precision  `json:"precision"`
	LastRun      *runView             `json:"last_run"`
	HitHistory   []int                `json:"hit_history"` // hits of the last 12 runs, oldest first
}

func viewModel(m supervise.Model, prec supervise.Precision, runs []supervise.RunRecord) modelView {
	v := modelView{ID: m.ID, Number: m.Number, Title: m.Title(), Name: m.Name, Description: m.Description, Domain: m.Domain,
		Severity: m.Severity, Target: m.Target, LegalBasis: m.LegalBasis, Legal: m.Legal(), Dataset: m.From.Dataset, Enabled: m.On,
		Schedule: m.Cron, NextRunAt: secTSPtr(m.NextRunAt), ModelVersion: m.Revision, SpecVersion: m.Version, Builtin: m.Builtin,
		UpdatedAt: secTS(m.UpdatedAt), Params: []paramView{}, Precision: prec, HitHistory: []int{}}
	if v.LegalBasis == nil {
		v.LegalBasis = []supervise.LegalRef{}
	}
	for _, p := range m.Params {
		val, ok := m.Values[p.Name]
		if !ok {
			val = p.Default
		}
		v.Params = append(v.Params, paramView{Name: p.Name, Label: p.Label, Type: p.Type, Default: p.Default, Value: val, Min: p.Min, Max: p.Max, Note: p.Note})
	}
	if len(runs) > 0 {
		lr := viewRun(runs[0], map[string]string{m.ID: m.Title()})
		v.LastRun = &lr
	}
	for i := len(runs) - 1; i >= 0; i-- {
		if runs[i].Status == supervise.StatusDone {
			v.HitHistory = append(v.HitHistory, runs[i].Hits)
		}
	}
	return v
}

// catalogue loads models with their precision and last 12 runs.
func catalogue(ctx context.Context, db *store.DB, only string) ([]modelView, error) {
	var ms []supervise.Model
	if only != "" {
		m, err := supervise.Get(ctx, db, only)
		if err != nil {
			return nil, err
		}
		ms = []supervise.Model{m}
	} else {
		var err error
		if ms, err = supervise.Models(ctx, db); err != nil {
			return nil, err
		}
	}
	prec, err := supervise.Precisions(ctx, db)
	if err != nil {
		return nil, err
	}
	out := make([]modelView, 0, len(ms))
	for _, m := range ms {
		runs, err := supervise.Runs(ctx, db, supervise.RunFilter{ModelID: m.ID, Mode: supervise.ModeRun, Limit: 12})
		if err != nil {
			return nil, err
		}
		out = append(out, viewModel(m, prec[m.ID], runs))
	}
	return out, nil
}

type versionView struct {
	Version   int            `json:"version"`
	Spec      string         `json:"spec"`
	Params    map[string]any `json:"params"`
	Note      string         `json:"note"`
	Actor     string         `json:"actor"`
	CreatedAt string         `json:"created_at"`
}

type modelDetail struct {
	modelView
	SpecText     string         `json:"spec_text"`
	SQL          string         `json:"sql"`
	CompileError *specErrorView `json:"compile_error"`
	Versions     []versionView  `json:"versions"`
	Runs         []runView      `json:"runs"`
}

func (s *Server) modelDetail(ctx context.Context, e *supervise.Engine, id string) (modelDetail, error) {
	vs, err := catalogue(ctx, s.cfg.DB, id)
	if err != nil {
		return modelDetail{}, err
	}
	m, err := supervise.Get(ctx, s.cfg.DB, id)
	if err != nil {
		return modelDetail{}, err
	}
	d := modelDetail{modelView: vs[0], SpecText: m.SpecText, Versions: []versionView{}, Runs: []runView{}}
	// A stored model that no longer compiles (a dataset changed under it)
	// is shown with the reason instead of failing the page.
	c, err := e.Compile(ctx, m, e.Today(), 0)
	var se *supervise.SpecError
	switch {
	case errors.As(err, &se):
		d.CompileError = &specErrorView{Where: se.Where, Message: se.Msg}
	case err != nil:
		return modelDetail{}, err
	default:
		d.SQL = c.Select
	}
	versions, err := supervise.Versions(ctx, s.cfg.DB, id)
	if err != nil {
		return modelDetail{}, err
	}
	for _, v := range versions {
		if v.Params == nil {
			v.Params = map[string]any{}
		}
		d.Versions = append(d.Versions, versionView{Version: v.Version, Spec: v.Spec, Params: v.Params, Note: v.Note, Actor: v.Actor, CreatedAt: secTS(v.CreatedAt)})
	}
	runs, err := supervise.Runs(ctx, s.cfg.DB, supervise.RunFilter{ModelID: id, Mode: supervise.ModeRun, Limit: 50})
	if err != nil {
		return modelDetail{}, err
	}
	names := map[string]string{id: m.Title()}
	for _, r := range runs {
		d.Runs = append(d.Runs, viewRun(r, names))
	}
	return d, nil
}

// ---- catalogue and settings ----

func (s *Server) listModels(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermModelRead) {
		return apperr.Forbidden()
	}
	if _, err := s.engine(); err != nil {
		return err
	}
	vs, err := catalogue(r.Context(), s.cfg.DB, "")
	if err != nil {
		return modelError(err)
	}
	writeJSON(w, http.StatusOK, list[modelView]{Items: vs, Total: len(vs)})
	return nil
}

func (s *Server) getModel(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermModelRead) {
		return apperr.Forbidden()
	}
	e, err := s.engine()
	if err != nil {
		return err
	}
	d, err := s.modelDetail(r.Context(), e, r.PathValue("id"))
	if err != nil {
		return modelError(err)
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (s *Server) updateModel(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermModelManage) {
		return apperr.Forbidden()
	}
	e, err := s.engine()
	if err != nil {
		return err
	}
	var in supervise.Settings
	keys, err := decode(w, r, &in)
	if err != nil {
		return err
	}
	if isNull(keys, "enabled") || isNull(keys, "schedule") {
		return apperr.New("validation_failed", "enabled、schedule 不能为 null")
	}
	id := r.PathValue("id")
	if _, err := e.Update(r.Context(), p.Actor(), id, in); err != nil {
		return modelError(err)
	}
	d, err := s.modelDetail(r.Context(), e, id)
	if err != nil {
		return modelError(err)
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

type yamlInput struct {
	YAML   string         `json:"yaml"`
	Params map[string]any `json:"params"`
	AsOf   string         `json:"as_of"`
}

func (s *Server) createModel(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return s.saveModel(w, r, p, true)
}

func (s *Server) replaceModel(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return s.saveModel(w, r, p, false)
}

func (s *Server) saveModel(w http.ResponseWriter, r *http.Request, p *auth.Principal, create bool) error {
	if !p.Can(auth.PermModelManage) {
		return apperr.Forbidden()
	}
	e, err := s.engine()
	if err != nil {
		return err
	}
	var in yamlInput
	if _, err := decode(w, r, &in); err != nil {
		return err
	}
	if strings.TrimSpace(in.YAML) == "" {
		return apperr.New("validation_failed", "请填写模型定义（YAML）")
	}
	if !create {
		// The path names the model replaced: a text for another id is a
		// mistake, not a rename.
		spec, err := supervise.ParseSpec([]byte(in.YAML))
		if err != nil {
			return modelError(err)
		}
		if spec.ID != r.PathValue("id") {
			if _, err := supervise.Get(r.Context(), s.cfg.DB, r.PathValue("id")); err != nil {
				return modelError(err)
			}
			return apperr.New("validation_failed", fmt.Sprintf("模型定义中的 id「%s」与所修改的模型「%s」不一致", spec.ID, r.PathValue("id")))
		}
	}
	m, err := e.SaveUserModel(r.Context(), p.Actor(), in.YAML, create)
	if err != nil {
		return modelError(err)
	}
	d, err := s.modelDetail(r.Context(), e, m.ID)
	if err != nil {
		return modelError(err)
	}
	status := http.StatusOK
	if create {
		status = http.StatusCreated
	}
	writeJSON(w, status, d)
	return nil
}

func (s *Server) deleteModel(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermModelManage) {
		return apperr.Forbidden()
	}
	e, err := s.engine()
	if err != nil {
		return err
	}
	if err := e.DeleteUserModel(r.Context(), p.Actor(), r.PathValue("id")); err != nil {
		return modelError(err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type validation struct {
	OK    bool           `json:"ok"`
	Error *specErrorView `json:"error"`
	SQL   string         `json:"sql"`
	ID    string         `json:"id"`
}

// validateModel checks a draft without saving: a definition error is an
// answer (ok false, the spot and the reason), not a failed request.
func (s *Server) validateModel(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermModelRead) {
		return apperr.Forbidden()
	}
	e, err := s.engine()
	if err != nil {
		return err
	}
	var in yamlInput
	if _, err := decode(w, r, &in); err != nil {
		return err
	}
	spec, c, err := e.Validate(r.Context(), in.YAML)
	var se *supervise.SpecError
	switch {
	case errors.As(err, &se):
		writeJSON(w, http.StatusOK, validation{Error: &specErrorView{Where: se.Where, Message: se.Msg}, ID: spec.ID})
	case err != nil:
		return err
	default:
		writeJSON(w, http.StatusOK, validation{OK: true, SQL: c.Select, ID: spec.ID})
	}
	return nil
}

// ---- back-tests ----

type monthHits struct {
	Month string `json:"month"`
	Hits  int    `json:"hits"`
}

type agencyHits struct {
	AgencyID   *int64 `json:"agency_id"`
	AgencyName string `json:"agency_name"`
	Hits       int    `json:"hits"`
}

type backtestView struct {
	Total     int          `json:"total"`
	Months    []monthHits  `json:"months"`
	Agencies  []agencyHits `json:"agencies"`
	SQL       string       `json:"sql"`
	AsOf      string       `json:"as_of"`
	ElapsedMS int64        `json:"elapsed_ms"`
}

func (s *Server) backtestModel(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermModelRun) {
		return apperr.Forbidden()
	}
	e, err := s.engine()
	if err != nil {
		return err
	}
	var in yamlInput
	if r.ContentLength != 0 {
		if _, err := decode(w, r, &in); err != nil {
			return err
		}
	}
	m, err := supervise.Get(r.Context(), s.cfg.DB, r.PathValue("id"))
	if err != nil {
		return modelError(err)
	}
	params := m.Values
	if in.Params != nil {
		params = in.Params
	}
	return s.backtest(w, r, e, m.Spec, params, in.AsOf)
}

func (s *Server) backtestDraft(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermModelRun) {
		return apperr.Forbidden()
	}
	e, err := s.engine()
	if err != nil {
		return err
	}
	var in yamlInput
	if _, err := decode(w, r, &in); err != nil {
		return err
	}
	spec, err := supervise.ParseSpec([]byte(in.YAML))
	if err != nil {
		return modelError(err)
	}
	return s.backtest(w, r, e, spec, in.Params, in.AsOf)
}

func (s *Server) backtest(w http.ResponseWriter, r *http.Request, e *supervise.Engine, spec supervise.Spec, params map[string]any, asOfText string) error {
	asOf, err := e.AsOf(asOfText)
	if err != nil {
		return apperr.New("validation_failed", err.Error())
	}
	start := time.Now()
	rows, c, err := e.Backtest(r.Context(), spec, jsonParams(params), asOf)
	if err != nil {
		return modelError(err)
	}
	v := backtestView{Months: []monthHits{}, Agencies: []agencyHits{}, SQL: c.Select, AsOf: asOf.String(), ElapsedMS: time.Since(start).Milliseconds()}
	months := map[string]int{}
	agencies := map[int64]int{}
	none := 0
	for _, b := range rows {
		v.Total += b.Hits
		months[b.Month] += b.Hits
		if b.AgencyID == nil {
			none += b.Hits
		} else {
			agencies[*b.AgencyID] += b.Hits
		}
	}
	for m, n := range months {
		label := m
		if label == "" {
			label = "日期不详"
		}
		v.Months = append(v.Months, monthHits{label, n})
	}
	sort.Slice(v.Months, func(i, j int) bool { return v.Months[i].Month < v.Months[j].Month })
	names, err := orgNames(r.Context(), s.cfg.DB)
	if err != nil {
		return err
	}
	for id, n := range agencies {
		id := id
		v.Agencies = append(v.Agencies, agencyHits{AgencyID: &id, AgencyName: names[id], Hits: n})
	}
	if none > 0 {
		v.Agencies = append(v.Agencies, agencyHits{AgencyName: "未关联单位", Hits: none})
	}
	sort.Slice(v.Agencies, func(i, j int) bool {
		if v.Agencies[i].Hits != v.Agencies[j].Hits {
			return v.Agencies[i].Hits > v.Agencies[j].Hits
		}
		return v.Agencies[i].AgencyName < v.Agencies[j].AgencyName
	})
	writeJSON(w, http.StatusOK, v)
	return nil
}

// jsonParams turns JSON numbers that are whole into integers, as the
// compiler's bounds expect (Engine.Update does the same for settings).
func jsonParams(in map[string]any) map[string]any {
	if in == nil {
		return nil
	}
	out := make(map[string]any, len(in))
	for k, v := range in {
		if f, ok := v.(float64); ok && f == float64(int64(f)) {
			v = int64(f)
		}
		out[k] = v
	}
	return out
}

func orgNames(ctx context.Context, db *store.DB) (map[int64]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT id, name FROM orgs`)
	if err != nil {
		return nil, fmt.Errorf("httpapi: org names: %w", err)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var n string
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}

// ---- runs in the background ----

// modelRuns runs models in the background for the API: the request answers
// 202 with the run group once every run row exists, and the UI polls the
// group's rows. Server.Close cancels running work (a model's transaction
// rolls back and its run is recorded as cancelled) and waits for it.
type modelRuns struct {
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	log    *slog.Logger

	mu      sync.Mutex
	running int
	closed  bool
}

// runsTotal bounds the background runs of a server: each holds the writer
// for a while on SQLite, so more would only queue.
const runsTotal = 3

func newModelRuns(log *slog.Logger) *modelRuns {
	ctx, cancel := context.WithCancel(context.Background())
	return &modelRuns{ctx: ctx, cancel: cancel, log: log}
}

func (mr *modelRuns) close() {
	mr.mu.Lock()
	mr.closed = true
	mr.mu.Unlock()
	mr.cancel()
	mr.wg.Wait()
}

// start runs req in the background and returns once its run rows exist (or
// the run failed before that).
func (mr *modelRuns) start(ctx context.Context, e *supervise.Engine, req supervise.RunRequest) (string, int, error) {
	mr.mu.Lock()
	if mr.closed {
		mr.mu.Unlock()
		return "", 0, apperr.New("unavailable", "服务器正在停止，请稍后再运行模型")
	}
	if mr.running >= runsTotal {
		mr.mu.Unlock()
		return "", 0, apperr.New("too_many_requests", "已有模型运行任务在进行，请等待完成后再运行")
	}
	mr.running++
	mr.wg.Add(1)
	mr.mu.Unlock()

	var b [8]byte
	_, _ = rand.Read(b[:])
	req.Group = hex.EncodeToString(b[:])
	started := make(chan int, 1)
	failed := make(chan error, 1)
	req.Started = func(_ string, total int) { started <- total }
	go func() {
		defer mr.wg.Done()
		defer func() {
			mr.mu.Lock()
			mr.running--
			mr.mu.Unlock()
		}()
		defer func() {
			if v := recover(); v != nil {
				mr.log.Error("model run panicked", "group", req.Group, "panic", v)
				failed <- errors.New("model run panicked")
			}
		}()
		if _, err := e.Run(mr.ctx, req); err != nil {
			mr.log.Warn("model run failed", "group", req.Group, "err", err)
			failed <- err
		}
	}()
	select {
	case n := <-started:
		return req.Group, n, nil
	case err := <-failed:
		return "", 0, err
	case <-ctx.Done():
		// The client left; the run goes on.
		return req.Group, 0, ctx.Err()
	}
}

type runInput struct {
	Models []string `json:"models"`
	AsOf   string   `json:"as_of"`
}

type runStarted struct {
	Group string `json:"run_group"`
	Total int    `json:"total"`
	AsOf  string `json:"as_of"`
}

func (s *Server) startRun(w http.ResponseWriter, r *http.Request, p *auth.Principal, mode string) error {
	e, err := s.engine()
	if err != nil {
		return err
	}
	var in runInput
	if r.ContentLength != 0 {
		if _, err := decode(w, r, &in); err != nil {
			return err
		}
	}
	asOf, err := e.AsOf(in.AsOf)
	if err != nil {
		return apperr.New("validation_failed", err.Error())
	}
	if mode == supervise.ModeSelfCheck && in.AsOf != "" {
		asOf = e.Today() // a self-check is of today
	}
	req := supervise.RunRequest{Models: in.Models, Mode: mode, AsOf: asOf, Trigger: "ui", Actor: p.Actor()}
	if p.TokenID != 0 {
		req.Trigger = "api"
	}
	if mode == supervise.ModeSelfCheck {
		req.Agency = p.OrgID
	}
	if len(in.Models) > 0 {
		seen := map[string]bool{}
		for _, id := range in.Models {
			if seen[id] {
				return apperr.New("validation_failed", "模型「"+id+"」重复")
			}
			seen[id] = true
			if _, err := supervise.Get(r.Context(), s.cfg.DB, id); err != nil {
				return modelError(err)
			}
		}
	}
	group, total, err := s.runs.start(r.Context(), e, req)
	if err != nil {
		return modelError(err)
	}
	writeJSON(w, http.StatusAccepted, runStarted{Group: group, Total: total, AsOf: asOf.String()})
	return nil
}

func (s *Server) runModels(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermModelRun) {
		return apperr.Forbidden()
	}
	return s.startRun(w, r, p, supervise.ModeRun)
}

func (s *Server) modelNames(ctx context.Context) (map[string]string, error) {
	ms, err := supervise.Models(ctx, s.cfg.DB)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(ms))
	for _, m := range ms {
		out[m.ID] = m.Title()
	}
	return out, nil
}

// runList is a run group's or a model's runs with a summary for progress
// bars.
type runList struct {
	Items   []runView `json:"items"`
	Total   int       `json:"total"`
	Done    int       `json:"done"` // finished, failed or skipped
	Running bool      `json:"running"`
	Hits    int       `json:"hits"`
	New     int       `json:"new_leads"`
	Current string    `json:"current"` // the model running now
}

func summarise(runs []supervise.RunRecord, names map[string]string) runList {
	l := runList{Items: make([]runView, 0, len(runs)), Total: len(runs)}
	for _, r := range runs {
		v := viewRun(r, names)
		l.Items = append(l.Items, v)
		if r.Status == supervise.StatusRunning {
			l.Running = true
			if l.Current == "" {
				l.Current = v.ModelName
			}
		} else {
			l.Done++
		}
		l.Hits += r.Hits
		l.New += r.NewLeads
	}
	return l
}

func (s *Server) listModelRuns(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermModelRead) {
		return apperr.Forbidden()
	}
	if _, err := s.engine(); err != nil {
		return err
	}
	q := r.URL.Query()
	// Self-checks are the agencies' own: never listed here.
	f := supervise.RunFilter{Group: q.Get("group"), ModelID: q.Get("model"), Mode: supervise.ModeRun, Limit: 200}
	runs, err := supervise.Runs(r.Context(), s.cfg.DB, f)
	if err != nil {
		return err
	}
	names, err := s.modelNames(r.Context())
	if err != nil {
		return modelError(err)
	}
	writeJSON(w, http.StatusOK, summarise(runs, names))
	return nil
}

// ---- self-check ----

func (s *Server) runSelfCheck(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermSelfCheck) {
		return apperr.Forbidden()
	}
	return s.startRun(w, r, p, supervise.ModeSelfCheck)
}

func (s *Server) listSelfCheckRuns(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermSelfCheck) {
		return apperr.Forbidden()
	}
	if _, err := s.engine(); err != nil {
		return err
	}
	runs, err := supervise.Runs(r.Context(), s.cfg.DB, supervise.RunFilter{Group: r.URL.Query().Get("group"), Mode: supervise.ModeSelfCheck, Agency: p.OrgID, Limit: 200})
	if err != nil {
		return err
	}
	names, err := s.modelNames(r.Context())
	if err != nil {
		return modelError(err)
	}
	writeJSON(w, http.StatusOK, summarise(runs, names))
	return nil
}

type selfCheckView struct {
	ModelID    string         `json:"model_id"`
	ModelName  string         `json:"model_name"`
	SubjectKey string         `json:"subject_key"`
	Title      string         `json:"title"`
	Evidence   []evidenceItem `json:"evidence"`
	EventDate  *string        `json:"event_date"`
	DetectedAt string         `json:"detected_at"`
}

func (s *Server) listSelfCheckResults(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermSelfCheck) {
		return apperr.Forbidden()
	}
	e, err := s.engine()
	if err != nil {
		return err
	}
	// Only the caller's own org: the agency id never comes from the request.
	res, err := supervise.SelfCheckResults(r.Context(), s.cfg.DB, p.OrgID, r.URL.Query().Get("model"))
	if err != nil {
		return err
	}
	lb, err := newLabeller(r.Context(), e)
	if err != nil {
		return err
	}
	out := make([]selfCheckView, len(res))
	for i, x := range res {
		out[i] = selfCheckView{ModelID: x.ModelID, ModelName: lb.title(x.ModelID), SubjectKey: x.SubjectKey, Title: x.Title,
			Evidence: lb.evidence(x.ModelID, x.Evidence), EventDate: x.EventDate, DetectedAt: secTS(x.DetectedAt)}
	}
	writeJSON(w, http.StatusOK, list[selfCheckView]{Items: out, Total: len(out)})
	return nil
}

// ---- analyst ----

type analystInput struct {
	SQL string `json:"sql"`
}

func (s *Server) analystQuery(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermModelAnalyst) {
		return apperr.Forbidden()
	}
	e, err := s.engine()
	if err != nil {
		return err
	}
	var in analystInput
	if _, err := decode(w, r, &in); err != nil {
		return err
	}
	res, err := e.Analyst(r.Context(), in.SQL, supervise.AnalystLimits{})
	if err != nil {
		return modelError(err)
	}
	if res.Columns == nil {
		res.Columns = []string{}
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

type analystColumn struct {
	Name  string `json:"name"`
	Label string `json:"label"`
	Type  string `json:"type"`
}

type analystTable struct {
	Table   string          `json:"table"`
	Dataset string          `json:"dataset"`
	Label   string          `json:"label"`
	Columns []analystColumn `json:"columns"`
}

func (s *Server) analystTables(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermModelAnalyst) {
		return apperr.Forbidden()
	}
	e, err := s.engine()
	if err != nil {
		return err
	}
	kinds, err := e.Datasets.Kinds(r.Context())
	if err != nil {
		return err
	}
	out := make([]analystTable, 0, len(kinds)+1)
	for _, k := range kinds {
		t := analystTable{Table: k.Table(), Dataset: k.Name, Label: k.Label}
		for _, c := range append(append([]dataset.Column{}, dataset.SystemColumns...), k.Columns...) {
			if c.Expr != "" {
				continue // virtual: the compiler's, not a table column
			}
			t.Columns = append(t.Columns, analystColumn{Name: c.Name, Label: c.Label, Type: string(c.Type)})
		}
		out = append(out, t)
	}
	out = append(out, analystTable{Table: "calendar_days", Label: "工作日历", Columns: []analystColumn{
		{"day", "日期", "date"}, {"year", "年份", "int"}, {"kind", "类型（workday/weekend/holiday/makeup_workday）", "text"},
		{"name", "节假日名称", "text"}, {"is_working_day", "是否工作日", "bool"}, {"working_day_seq", "工作日序号", "int"}}})
	writeJSON(w, http.StatusOK, list[analystTable]{Items: out, Total: len(out)})
	return nil
}

// ---- evidence labels ----

// evidenceItem is one value of a lead's evidence with its label: the
// dataset column's Chinese name, found through the spec's aliases.
type evidenceItem struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Type  string `json:"type"` // the column type (money is in fen), "" when unknown
	Value any    `json:"value"`
}

// labeller labels evidence of the stored models.
type labeller struct {
	models map[string]supervise.Model
	lookup supervise.Lookup
}

func newLabeller(ctx context.Context, e *supervise.Engine) (*labeller, error) {
	ms, err := supervise.Models(ctx, e.DB)
	if err != nil {
		return nil, err
	}
	lookup, err := e.Lookup(ctx)
	if err != nil {
		return nil, err
	}
	l := &labeller{models: map[string]supervise.Model{}, lookup: lookup}
	for _, m := range ms {
		l.models[m.ID] = m
	}
	return l, nil
}

func (l *labeller) title(id string) string {
	if m, ok := l.models[id]; ok {
		return m.Title()
	}
	switch id {
	case supervise.SourceManual:
		return "人工录入"
	case supervise.SourceTransfer:
		return "移送线索"
	}
	return id
}

// label finds the label and type of an evidence key of model id.
func (l *labeller) label(id, key string) (string, string) {
	switch key {
	case "facts":
		return "线索事实", "text"
	}
	m, ok := l.models[id]
	if !ok {
		return key, ""
	}
	if name, ok := strings.CutPrefix(key, "$"); ok {
		for _, ms := range m.Measures {
			if ms.Name == name {
				return firstNonEmptyStr(ms.Label, name), measureType(ms)
			}
		}
		return key, ""
	}
	k, c, ok := l.column(m, key)
	if !ok {
		return key, ""
	}
	label := c.Label
	if alias, _, _ := strings.Cut(key, "."); m.From.As != alias {
		label = k.Label + "·" + label
	}
	return label, string(c.Type)
}

// column finds the dataset column behind an evidence key "alias.col".
func (l *labeller) column(m supervise.Model, key string) (dataset.Kind, dataset.Column, bool) {
	alias, col, ok := strings.Cut(key, ".")
	if !ok {
		return dataset.Kind{}, dataset.Column{}, false
	}
	ds := ""
	if m.From.As == alias {
		ds = m.From.Dataset
	}
	for _, j := range m.Joins {
		if j.As == alias {
			ds = j.Dataset
		}
	}
	k, ok := l.lookup(ds)
	if !ok {
		return dataset.Kind{}, dataset.Column{}, false
	}
	c, ok := k.Column(col)
	return k, c, ok
}

// valueName is the Chinese name of a coded value (procedure "simple" →
// 简易程序) where the column's note names its values; else the value.
func (l *labeller) valueName(id, key, v string) string {
	m, ok := l.models[id]
	if !ok {
		return v
	}
	if _, c, ok := l.column(m, key); ok {
		return c.ValueName(v)
	}
	return v
}

func measureType(m supervise.Measure) string {
	if m.Agg == "count" {
		return "int"
	}
	return ""
}

func firstNonEmptyStr(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// evidence labels a stored evidence object, in the order the model lists
// its evidence, then any other keys sorted.
func (l *labeller) evidence(id string, raw []byte) []evidenceItem {
	vals, order := decodeObject(raw)
	out := []evidenceItem{}
	done := map[string]bool{}
	add := func(k string) {
		if done[k] {
			return
		}
		v, ok := vals[k]
		if !ok {
			return
		}
		done[k] = true
		label, typ := l.label(id, k)
		out = append(out, evidenceItem{Key: k, Label: label, Type: typ, Value: v})
	}
	if m, ok := l.models[id]; ok {
		for _, k := range m.Lead.Evidence {
			add(k)
		}
	}
	sort.Strings(order)
	for _, k := range order {
		add(k)
	}
	return out
}

// queryPage reads page (1-based) and limit for offset lists.
func queryPage(r *http.Request) (limit, offset, page int, err error) {
	limit = 50
	if s := r.URL.Query().Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 500 {
			return 0, 0, 0, apperr.New("validation_failed", "limit 须为 1–500 的整数")
		}
		limit = n
	}
	page = 1
	if s := r.URL.Query().Get("page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 100000 {
			return 0, 0, 0, apperr.New("validation_failed", "page 须为正整数")
		}
		page = n
	}
	return limit, (page - 1) * limit, page, nil
}
