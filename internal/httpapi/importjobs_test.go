package httpapi

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/xingjian/xingjian/internal/apperr"
	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/enforce"
)

// TestImportJobLimits: a user runs at most jobsPerUser imports at once and
// the server at most jobsTotal; another user's job is not found; closing the
// registry cancels running jobs and removes their files.
func TestImportJobLimits(t *testing.T) {
	js := newImportJobs(slog.New(slog.DiscardHandler))
	release := make(chan struct{})
	blocked := func(ctx context.Context, f *os.File, job *importJob) (enforce.Report, error) {
		select {
		case <-release:
			return enforce.Report{Total: 3}, nil
		case <-ctx.Done():
			return enforce.Report{}, ctx.Err()
		}
	}
	dir := t.TempDir()
	file := func(name string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	alice, bob, carol := &auth.Principal{UserID: 1}, &auth.Principal{UserID: 2}, &auth.Principal{UserID: 3}
	var started []*importJob
	for i, p := range []*auth.Principal{alice, alice, bob, bob} {
		j := &importJob{FileName: "f"}
		if err := js.start(p, j, file(string(rune('a'+i))), blocked); err != nil {
			t.Fatalf("job %d: %v", i, err)
		}
		started = append(started, j)
	}
	if err := js.start(alice, &importJob{}, file("x"), blocked); apperr.As(err).Code != "too_many_requests" {
		t.Fatalf("third job of a user: %v", err)
	}
	if err := js.start(carol, &importJob{}, file("y"), blocked); apperr.As(err).Code != "too_many_requests" {
		t.Fatalf("fifth job on the server: %v", err)
	}
	if _, err := js.get(bob, started[0].ID); apperr.As(err).Code != "not_found" {
		t.Fatalf("another user's job: %v", err)
	}
	close(release)
	deadline := time.Now().Add(10 * time.Second)
	for _, j := range started {
		for j.view().State == "running" && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		if v := j.view(); v.State != "done" || v.Report == nil || v.Report.Total != 3 || v.Rows != 3 {
			t.Fatalf("finished job: %+v", v)
		}
	}
	// Slots are free again; Close cancels what runs.
	j := &importJob{}
	path := file("z")
	waitForCancel := func(ctx context.Context, f *os.File, job *importJob) (enforce.Report, error) {
		<-ctx.Done()
		return enforce.Report{}, ctx.Err()
	}
	if err := js.start(carol, j, path, waitForCancel); err != nil {
		t.Fatal(err)
	}
	js.close()
	if v := j.view(); v.State != "failed" || v.Error == nil || v.Error.Code != "unavailable" {
		t.Fatalf("cancelled job: %+v", v)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("upload file left behind: %v", err)
	}
	// After close, no new job starts (an upload finishing during shutdown).
	if err := js.start(alice, &importJob{}, file("late"), waitForCancel); apperr.As(err).Code != "unavailable" {
		t.Fatalf("job after close: %v", err)
	}
}
