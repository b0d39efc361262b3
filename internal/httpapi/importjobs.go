package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/xingjian/xingjian/internal/apperr"
	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/enforce"
)

// Import jobs let a browser upload a large file and follow its import: the
// upload answers 202 at once with a job, and GET /api/v1/import-jobs/{id}
// reports rows done and how far into the file reading has got until the
// report (or the error) is there. Jobs live in this server's memory: the
// batch itself is committed to the database (or not at all), so a restart
// loses only the progress display of a job that was running. Behind several
// replicas, the load balancer must keep a user on one replica
// (session affinity) for polling to find the job.

// Job limits: a user runs at most jobsPerUser imports at once, the server at
// most jobsTotal; finished jobs are kept jobKeep for polling.
const (
	jobsPerUser = 2
	jobsTotal   = 4
	jobKeep     = time.Hour
)

// importJob is one running or finished import.
type importJob struct {
	ID        string
	UserID    int64
	Kind      string
	FileName  string
	Size      int64
	AgencyID  int64
	StartedAt time.Time

	rows      atomic.Int64
	bytesRead atomic.Int64

	mu       sync.Mutex
	state    string // running | done | failed
	finished time.Time
	report   *enforce.Report
	err      *apperr.Error
}

// jobView is a job as the API shows it.
type jobView struct {
	ID         string          `json:"id"`
	State      string          `json:"state"`
	Kind       string          `json:"kind"`
	FileName   string          `json:"file_name"`
	AgencyID   int64           `json:"agency_id"`
	Size       int64           `json:"size"`
	BytesRead  int64           `json:"bytes_read"`
	Rows       int64           `json:"rows"`
	StartedAt  string          `json:"started_at"`
	FinishedAt *string         `json:"finished_at"`
	Report     *enforce.Report `json:"report"`
	Error      *jobError       `json:"error"`
}

type jobError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (j *importJob) view() jobView {
	j.mu.Lock()
	defer j.mu.Unlock()
	v := jobView{ID: j.ID, State: j.state, Kind: j.Kind, FileName: j.FileName, AgencyID: j.AgencyID, Size: j.Size,
		BytesRead: min(j.bytesRead.Load(), j.Size), // -1: a workbook, not measured
		Rows:      j.rows.Load(), StartedAt: ts(j.StartedAt.UnixMilli()), Report: j.report}
	if !j.finished.IsZero() {
		f := ts(j.finished.UnixMilli())
		v.FinishedAt = &f
	}
	if j.err != nil {
		v.Error = &jobError{j.err.Code, j.err.Message}
	}
	return v
}

// importJobs is the server's registry of jobs.
type importJobs struct {
	ctx    context.Context // cancelled by Server.Close
	cancel context.CancelFunc
	wg     sync.WaitGroup
	log    *slog.Logger

	mu     sync.Mutex
	jobs   map[string]*importJob
	closed bool // set by close: no new jobs
}

func newImportJobs(log *slog.Logger) *importJobs {
	ctx, cancel := context.WithCancel(context.Background())
	return &importJobs{ctx: ctx, cancel: cancel, log: log, jobs: map[string]*importJob{}}
}

// check refuses a new job of p's when the server is stopping or too many
// run — before the upload is copied, and again in start.
func (js *importJobs) check(p *auth.Principal) error {
	js.mu.Lock()
	defer js.mu.Unlock()
	return js.checkLocked(p)
}

func (js *importJobs) checkLocked(p *auth.Principal) error {
	if js.closed {
		return apperr.New("unavailable", "服务器正在停止，请稍后重新上传")
	}
	js.sweep()
	mine, all := 0, 0
	for _, j := range js.jobs {
		j.mu.Lock()
		running := j.state == "running"
		j.mu.Unlock()
		if running {
			all++
			if j.UserID == p.UserID {
				mine++
			}
		}
	}
	if mine >= jobsPerUser {
		return apperr.New("too_many_requests", "您已有导入任务正在处理，请等待完成后再上传")
	}
	if all >= jobsTotal {
		return apperr.New("too_many_requests", "系统正在处理其他导入任务，请稍后再试")
	}
	return nil
}

// start runs an import of the file at path (removed when the job ends) in
// the background, or refuses when too many are running.
func (js *importJobs) start(p *auth.Principal, job *importJob, path string, run func(ctx context.Context, f *os.File, job *importJob) (enforce.Report, error)) error {
	js.mu.Lock()
	defer js.mu.Unlock()
	if err := js.checkLocked(p); err != nil {
		return err
	}
	var b [12]byte
	_, _ = rand.Read(b[:])
	job.ID = hex.EncodeToString(b[:])
	job.UserID = p.UserID
	job.StartedAt = time.Now()
	job.state = "running"
	js.jobs[job.ID] = job
	js.wg.Add(1)
	go func() {
		defer js.wg.Done()
		defer os.Remove(path)
		rep, err := func() (rep enforce.Report, err error) {
			defer func() {
				if v := recover(); v != nil {
					err = errors.New("import panicked")
					js.log.Error("import job panicked", "job", job.ID, "panic", v)
				}
			}()
			f, err := os.Open(path)
			if err != nil {
				return rep, err
			}
			defer f.Close()
			return run(js.ctx, f, job)
		}()
		job.mu.Lock()
		defer job.mu.Unlock()
		job.finished = time.Now()
		if err != nil {
			job.state = "failed"
			var ae *apperr.Error
			switch {
			case errors.As(err, &ae):
			case js.ctx.Err() != nil:
				ae = apperr.New("unavailable", "服务器正在停止，导入已取消，数据未写入，请稍后重新上传")
			default:
				js.log.Error("import job failed", "job", job.ID, "err", err)
				ae = apperr.New("internal", "导入失败：服务器内部错误，数据未写入，请稍后重试或联系管理员")
			}
			job.err = ae
			return
		}
		job.state = "done"
		job.report = &rep
		job.rows.Store(int64(rep.Total))
	}()
	return nil
}

// get returns a job of the caller's, or not_found.
func (js *importJobs) get(p *auth.Principal, id string) (*importJob, error) {
	js.mu.Lock()
	defer js.mu.Unlock()
	j, ok := js.jobs[id]
	if !ok || j.UserID != p.UserID {
		return nil, apperr.NotFound("导入任务")
	}
	return j, nil
}

// sweep forgets jobs finished more than jobKeep ago (js.mu held).
func (js *importJobs) sweep() {
	for id, j := range js.jobs {
		j.mu.Lock()
		old := !j.finished.IsZero() && time.Since(j.finished) > jobKeep
		j.mu.Unlock()
		if old {
			delete(js.jobs, id)
		}
	}
}

// close refuses new jobs, cancels running ones (their transactions roll
// back) and waits for them.
func (js *importJobs) close() {
	js.mu.Lock()
	js.closed = true
	js.mu.Unlock()
	js.cancel()
	js.wg.Wait()
}
