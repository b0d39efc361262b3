// Package httpapi is the JSON REST API under /api/v1, the OpenAPI document,
// health and metrics endpoints, and the wiring that serves the embedded web UI.
// Handlers are thin: they decode, call a capability's service with the
// caller's principal, and encode; access rules live in the services.
package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/xingjian/xingjian/internal/apperr"
	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/casework"
	"github.com/xingjian/xingjian/internal/directory"
	"github.com/xingjian/xingjian/internal/store"
	"github.com/xingjian/xingjian/internal/supervise"
)

// Config wires the server.
type Config struct {
	DB      *store.DB
	Auth    *auth.Service
	Dir     *directory.Service
	Log     *slog.Logger
	Version string
	// UI serves everything outside /api, /healthz, /readyz and /metrics.
	UI http.Handler
	// SecureCookie marks the session cookie Secure (behind TLS).
	SecureCookie bool
	// TrustProxy takes the client address from X-Forwarded-For (only behind
	// a reverse proxy that sets it).
	TrustProxy bool
	// MaxUpload bounds an uploaded file in bytes; 0 means MaxUpload (the
	// web UI checks the same 200 MB before sending).
	MaxUpload int64
	// Models is the supervision-model engine (models.go, leads.go); nil
	// answers those routes 503 unavailable.
	Models *supervise.Engine
	// Casework is the casework service (casework.go); nil answers those
	// routes 503 unavailable.
	Casework *casework.Service
}

// Server is the HTTP API.
type Server struct {
	cfg     Config
	log     *slog.Logger
	reg     *prometheus.Registry
	reqs    *prometheus.CounterVec
	latency *prometheus.HistogramVec
	mux     *http.ServeMux
	jobs    *importJobs
	runs    *modelRuns
}

// access says who may call a route.
type access int

const (
	public access = iota // anyone
	person               // a signed-in person (cookie session)
	anyone               // a person or an agency system (bearer token)
)

// handler is an API handler; a returned error becomes the JSON error answer.
type handler func(w http.ResponseWriter, r *http.Request, p *auth.Principal) error

// Route is one API endpoint. The table is the single source for the mux and
// for the test that every route is in the OpenAPI document.
type Route struct {
	Method, Path string
	access       access
	h            handler
}

// MaxBody bounds JSON request bodies.
const MaxBody = 1 << 20

// New builds the server.
func New(cfg Config) *Server {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.MaxUpload <= 0 {
		cfg.MaxUpload = MaxUpload
	}
	s := &Server{cfg: cfg, log: cfg.Log, reg: prometheus.NewRegistry(), mux: http.NewServeMux(), jobs: newImportJobs(cfg.Log), runs: newModelRuns(cfg.Log)}
	s.reqs = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "xingjian_http_requests_total", Help: "HTTP requests by route and status."},
		[]string{"method", "route", "code"})
	s.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "xingjian_http_request_duration_seconds", Help: "HTTP request latency by route.",
		Buckets: []float64{.002, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5}}, []string{"route"})
	s.reg.MustRegister(s.reqs, s.latency, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if cfg.Casework != nil && cfg.Casework.EvidenceDescriber == nil {
		cfg.Casework.EvidenceDescriber = s.evidenceDescriber // drafts' facts use the models' labels
	}

	// paths knows every API path regardless of method, so that a wrong
	// method on a known path answers 405 rather than 404.
	paths := http.NewServeMux()
	allowed := map[string][]string{}
	for _, rt := range s.Routes() {
		s.mux.Handle(rt.Method+" "+rt.Path, s.wrap(rt))
		if allowed[rt.Path] == nil {
			paths.Handle(rt.Path, http.NotFoundHandler())
		}
		allowed[rt.Path] = append(allowed[rt.Path], rt.Method)
	}
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "version": cfg.Version})
	})
	s.mux.HandleFunc("GET /readyz", s.readyz)
	s.mux.Handle("GET /metrics", promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{}))
	s.mux.HandleFunc("GET /api/openapi.json", s.openapi)
	// Unknown API paths and wrong methods answer in JSON, not with the UI.
	s.mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := paths.Handler(r); pattern != "" {
			w.Header().Set("Allow", strings.Join(allowed[pattern], ", "))
			writeError(w, apperr.New("method_not_allowed", "该接口不支持 "+r.Method+" 方法"))
			return
		}
		writeError(w, apperr.New("not_found", "接口不存在："+r.URL.Path))
	})
	if cfg.UI != nil {
		s.mux.Handle("/", cfg.UI)
	}
	return s
}

// Close stops the background work of the server: running import jobs are
// cancelled (their batches roll back) and waited for. Call it after the
// HTTP server has shut down.
func (s *Server) Close() {
	s.jobs.close()
	s.runs.close() // running model runs are cancelled and recorded as such
}

// Routes is the API route table.
func (s *Server) Routes() []Route {
	return []Route{
		{"POST", "/api/v1/session", public, s.login},
		{"GET", "/api/v1/session", person, s.currentSession},
		{"DELETE", "/api/v1/session", person, s.logout},
		{"PUT", "/api/v1/session/password", person, s.changePassword},
		{"GET", "/api/v1/dictionaries", anyone, s.dictionaries},
		{"GET", "/api/v1/orgs", anyone, s.listOrgs},
		{"POST", "/api/v1/orgs", person, s.createOrg},
		{"GET", "/api/v1/orgs/{id}", anyone, s.getOrg},
		{"PATCH", "/api/v1/orgs/{id}", person, s.updateOrg},
		{"GET", "/api/v1/users", person, s.listUsers},
		{"POST", "/api/v1/users", person, s.createUser},
		{"GET", "/api/v1/users/{id}", person, s.getUser},
		{"PATCH", "/api/v1/users/{id}", person, s.updateUser},
		{"POST", "/api/v1/users/{id}/password", person, s.resetPassword},
		{"GET", "/api/v1/tokens", person, s.listTokens},
		{"POST", "/api/v1/tokens", person, s.issueToken},
		{"DELETE", "/api/v1/tokens/{id}", person, s.revokeToken},
		{"GET", "/api/v1/audit", person, s.listAudit},
		{"GET", "/api/v1/audit/verify", person, s.verifyAudit},
		{"GET", "/api/v1/logins", person, s.listLogins},
		{"GET", "/api/v1/stats/overview", person, s.overview},
		{"POST", "/api/v1/imports", person, s.importFile},
		{"GET", "/api/v1/imports", person, s.listImports},
		{"GET", "/api/v1/imports/{id}", person, s.getImport},
		{"GET", "/api/v1/import-jobs/{id}", person, s.getImportJob},
		{"GET", "/api/v1/imports/{id}/rejects", person, s.listRejects},
		{"GET", "/api/v1/imports/{id}/rejects.xlsx", person, s.rejectsXLSX},
		{"POST", "/api/v1/records/push", anyone, s.pushRecords},
		{"GET", "/api/v1/records", person, s.listRecords},
		{"GET", "/api/v1/records/export.xlsx", person, s.exportRecords},
		{"GET", "/api/v1/records/quality", person, s.recordQuality},
		{"GET", "/api/v1/records/{id}", person, s.getRecord},
		{"GET", "/api/v1/inspections", person, s.listActivities("inspection")},
		{"GET", "/api/v1/inspections/export.xlsx", person, s.exportActivities("inspection")},
		{"GET", "/api/v1/inspections/{id}", person, s.getActivity("inspection")},
		{"GET", "/api/v1/measures", person, s.listActivities("measure")},
		{"GET", "/api/v1/measures/export.xlsx", person, s.exportActivities("measure")},
		{"GET", "/api/v1/measures/{id}", person, s.getActivity("measure")},
		{"GET", "/api/v1/record-kinds/{kind}/fields", anyone, s.recordKindFields},
		{"GET", "/api/v1/reference/discretion", person, s.listDiscretion},
		{"POST", "/api/v1/reference/discretion", person, s.discretionAPI().add},
		{"POST", "/api/v1/reference/discretion/import", person, s.importDiscretion},
		{"GET", "/api/v1/reference/discretion/{id}", person, s.discretionAPI().read},
		{"PATCH", "/api/v1/reference/discretion/{id}", person, s.discretionAPI().change},
		{"DELETE", "/api/v1/reference/discretion/{id}", person, s.discretionAPI().drop},
		{"GET", "/api/v1/reference/cases", person, s.listCases},
		{"POST", "/api/v1/reference/cases", person, s.casesAPI().add},
		{"GET", "/api/v1/reference/cases/{id}", person, s.casesAPI().read},
		{"PATCH", "/api/v1/reference/cases/{id}", person, s.casesAPI().change},
		{"DELETE", "/api/v1/reference/cases/{id}", person, s.casesAPI().drop},
		{"GET", "/api/v1/reference/news", person, s.listNews},
		{"POST", "/api/v1/reference/news", person, s.newsAPI().add},
		{"GET", "/api/v1/reference/news/{id}", person, s.newsAPI().read},
		{"PATCH", "/api/v1/reference/news/{id}", person, s.newsAPI().change},
		{"DELETE", "/api/v1/reference/news/{id}", person, s.newsAPI().drop},
		{"GET", "/api/v1/datasets", person, s.listDatasets},
		{"POST", "/api/v1/datasets", person, s.registerDataset},
		{"GET", "/api/v1/datasets/{name}", person, s.getDataset},
		{"GET", "/api/v1/datasets/{name}/rows", person, s.listDatasetRows},
		{"POST", "/api/v1/datasets/{name}/imports", person, s.importDataset},
		{"GET", "/api/v1/models", person, s.listModels},
		{"POST", "/api/v1/models", person, s.createModel},
		{"POST", "/api/v1/models/validate", person, s.validateModel},
		{"POST", "/api/v1/models/backtest", person, s.backtestDraft},
		{"GET", "/api/v1/models/{id}", person, s.getModel},
		{"PATCH", "/api/v1/models/{id}", person, s.updateModel},
		{"PUT", "/api/v1/models/{id}", person, s.replaceModel},
		{"DELETE", "/api/v1/models/{id}", person, s.deleteModel},
		{"POST", "/api/v1/models/{id}/backtest", person, s.backtestModel},
		{"POST", "/api/v1/model-runs", person, s.runModels},
		{"GET", "/api/v1/model-runs", person, s.listModelRuns},
		{"GET", "/api/v1/leads", person, s.listLeads},
		{"POST", "/api/v1/leads", person, s.createLead},
		{"GET", "/api/v1/leads/{id}", person, s.getLead},
		{"PATCH", "/api/v1/leads/{id}", person, s.triageLead},
		{"POST", "/api/v1/analyst/query", person, s.analystQuery},
		{"GET", "/api/v1/analyst/tables", person, s.analystTables},
		{"POST", "/api/v1/selfcheck", person, s.runSelfCheck},
		{"GET", "/api/v1/selfcheck/results", person, s.listSelfCheckResults},
		{"GET", "/api/v1/selfcheck/runs", person, s.listSelfCheckRuns},
		{"POST", "/api/v1/selfcheck/report", person, s.cw("自查结果", s.selfReport)},
		{"POST", "/api/v1/leads/assign", person, s.cw("线索", s.assignLeads)},
		{"POST", "/api/v1/leads/{id}/confirm", person, s.cw("线索", s.confirmLead)},
		{"POST", "/api/v1/leads/{id}/merge", person, s.cw("线索", s.mergeLead)},
		{"GET", "/api/v1/casework/dictionaries", person, s.caseworkDicts},
		{"GET", "/api/v1/casework/settings", person, s.cw("办案设置", s.getCaseworkSettings)},
		{"PUT", "/api/v1/casework/settings", person, s.cw("办案设置", s.putCaseworkSettings)},
		{"GET", "/api/v1/casework/stats", person, s.cw("统计", s.caseworkStats)},
		{"GET", "/api/v1/casework/handlers", person, s.cw("承办人", s.caseHandlers)},
		{"GET", "/api/v1/cases", person, s.cw("案件", s.listCaseworkCases)},
		{"POST", "/api/v1/cases", person, s.cw("案件", s.createCaseworkCase)},
		{"GET", "/api/v1/cases/{id}", person, s.cw("案件", s.getCaseworkCase)},
		{"PATCH", "/api/v1/cases/{id}", person, s.cw("案件", s.updateCaseworkCase)},
		{"POST", "/api/v1/cases/{id}/transitions", person, s.cw("案件", s.caseTransition)},
		{"GET", "/api/v1/cases/{id}/events", person, s.cw("案件", s.caseEvents)},
		{"POST", "/api/v1/cases/{id}/attachments", person, s.cw("案件", s.attachCase)},
		{"POST", "/api/v1/cases/{id}/suggestions", person, s.cw("案件", s.createSuggestion)},
		{"GET", "/api/v1/attachments/{id}", person, s.cw("附件", s.downloadAttachment)},
		{"GET", "/api/v1/suggestions", person, s.cw("检察建议", s.listSuggestions)},
		{"GET", "/api/v1/suggestions/{id}", person, s.cw("检察建议", s.getSuggestion)},
		{"PATCH", "/api/v1/suggestions/{id}", person, s.cw("检察建议", s.updateSuggestion)},
		{"POST", "/api/v1/suggestions/{id}/transitions", person, s.cw("检察建议", s.suggestionTransition)},
		{"POST", "/api/v1/suggestions/{id}/reply", person, s.cw("检察建议", s.replySuggestion)},
		{"POST", "/api/v1/suggestions/{id}/objection", person, s.cw("检察建议", s.objectSuggestion)},
		{"POST", "/api/v1/suggestions/{id}/rectifications", person, s.cw("检察建议", s.reportRectification)},
		{"POST", "/api/v1/suggestions/{id}/attachments", person, s.cw("检察建议", s.attachSuggestion)},
		{"GET", "/api/v1/suggestions/{id}/document.docx", person, s.cw("检察建议文书", s.suggestionDocument)},
		{"POST", "/api/v1/suggestions/{id}/escalations", person, s.cw("检察建议", s.escalateSuggestion)},
		{"POST", "/api/v1/suggestions/{id}/convert", person, s.cw("检察建议", s.convertSuggestion)},
		{"GET", "/api/v1/escalations", person, s.cw("升级督促", s.listEscalations)},
		{"GET", "/api/v1/escalations/{id}", person, s.cw("升级督促", s.getEscalation)},
		{"POST", "/api/v1/escalations/{id}/approve", person, s.cw("升级督促", s.approveEscalation)},
		{"POST", "/api/v1/escalations/{id}/handling", person, s.cw("升级督促", s.handleEscalation)},
		{"GET", "/api/v1/notifications", person, s.cw("消息", s.listNotifications)},
		{"GET", "/api/v1/notifications/unread-count", person, s.cw("消息", s.unreadCount)},
		{"POST", "/api/v1/notifications/read", person, s.cw("消息", s.markRead)},
	}
}

// Handler is the whole HTTP surface with logging, metrics, panic recovery
// and security headers around it.
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rid := newRequestID()
		sw := &statusWriter{ResponseWriter: w}
		h := sw.Header()
		h.Set("X-Request-Id", rid)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
		info := &reqInfo{}
		ctx := context.WithValue(r.Context(), reqInfoKey{}, info)
		r = r.WithContext(ctx)
		defer func() {
			if v := recover(); v != nil {
				info.err = fmt.Errorf("panic: %v\n%s", v, debug.Stack())
				if !sw.wrote {
					writeError(sw, apperr.New("internal", "服务器内部错误，请稍后重试或联系管理员"))
				}
			}
			// ServeMux records the matched pattern on the request; the UI
			// catch-all is one label so metrics stay bounded.
			pattern := r.Pattern
			switch pattern {
			case "":
				pattern = "unmatched"
			case "/":
				pattern = "ui"
			}
			dur := time.Since(start)
			code := sw.status
			if code == 0 {
				code = http.StatusOK
			}
			s.reqs.WithLabelValues(r.Method, pattern, fmt.Sprint(code)).Inc()
			s.latency.WithLabelValues(pattern).Observe(dur.Seconds())
			attrs := []any{"request_id", rid, "method", r.Method, "path", r.URL.Path, "route", pattern, "status", code,
				"duration_ms", float64(dur.Microseconds()) / 1000, "ip", s.clientIP(r), "user", info.user}
			switch {
			case info.err != nil && code >= 500:
				s.log.Error("request", append(attrs, "error", info.err.Error())...)
			case info.err != nil:
				s.log.Warn("request", append(attrs, "error", info.err.Error())...)
			case pattern == "ui" || pattern == "unmatched" || pattern == "GET /metrics" || pattern == "GET /healthz" || pattern == "GET /readyz":
				s.log.Debug("request", attrs...)
			default:
				s.log.Info("request", attrs...)
			}
		}()
		s.mux.ServeHTTP(sw, r)
	})
}

type reqInfoKey struct{}

// reqInfo lets handlers tell the request log who called and what failed.
type reqInfo struct {
	user string
	err  error
}

func infoOf(r *http.Request) *reqInfo {
	if i, ok := r.Context().Value(reqInfoKey{}).(*reqInfo); ok {
		return i
	}
	return &reqInfo{}
}

type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.status, w.wrote = http.StatusOK, true
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func newRequestID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// SessionCookie is the name of the session cookie.
const SessionCookie = "xj_session"

// wrap authenticates and authorises one route, then runs it.
func (s *Server) wrap(rt Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := s.authenticate(r, rt.access)
		if err == nil && p != nil {
			infoOf(r).user = p.Username
		}
		if err == nil {
			err = rt.h(w, r.WithContext(auth.WithPrincipal(r.Context(), p)), p)
		}
		if err != nil {
			e := apperr.As(err)
			infoOf(r).err = err
			writeError(w, e)
		}
	})
}

func (s *Server) authenticate(r *http.Request, a access) (*auth.Principal, error) {
	if a == public {
		return nil, nil
	}
	ip := s.clientIP(r)
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, tok, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return nil, apperr.New("invalid_token", "Authorization 头格式应为 Bearer <令牌>")
		}
		p, err := s.cfg.Auth.Bearer(r.Context(), strings.TrimSpace(tok), ip)
		if err != nil {
			return nil, err
		}
		if a != anyone {
			return nil, apperr.New("forbidden", "此接口仅限登录用户使用，接口令牌无权调用")
		}
		return p, nil
	}
	c, err := r.Cookie(SessionCookie)
	if err != nil || c.Value == "" {
		return nil, apperr.New("unauthenticated", "请先登录")
	}
	p, err := s.cfg.Auth.Session(r.Context(), c.Value, ip)
	if err != nil {
		return nil, err
	}
	if unsafeMethod(r.Method) && !constantTimeEq(r.Header.Get("X-CSRF-Token"), p.CSRFToken) {
		return nil, apperr.New("csrf_token_invalid", "请求缺少有效的 CSRF 令牌，请刷新页面后重试")
	}
	return p, nil
}

func unsafeMethod(m string) bool {
	return m != http.MethodGet && m != http.MethodHead && m != http.MethodOptions
}

func constantTimeEq(a, b string) bool {
	if len(a) != len(b) || a == "" {
		return false
	}
	var v byte
	for i := 0; i < len(a); i++ {
		v |= a[i] ^ b[i]
	}
	return v == 0
}

func (s *Server) clientIP(r *http.Request) string {
	if s.cfg.TrustProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			first, _, _ := strings.Cut(xff, ",")
			return strings.TrimSpace(first)
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.cfg.DB.Ping(ctx); err != nil {
		infoOf(r).err = err
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status": "unavailable", "database": "数据库无法连接"})
		return
	}
	st, err := s.cfg.DB.Status(ctx)
	if err != nil || !st.Current() {
		if err == nil {
			err = errors.New("migrations pending")
		}
		infoOf(r).err = err
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status": "unavailable", "database": "数据库结构未升级到最新版本",
			"applied": st.Applied, "latest": st.Latest})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "database": s.cfg.DB.Dialect(), "schema": st.Applied})
}
