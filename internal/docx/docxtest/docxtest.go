// Package docxtest opens documents the way a user would: LibreOffice
// converts them to text, which tests then read. It is for tests only.
package docxtest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// LibreOfficeText converts a DOCX with LibreOffice (soffice --headless) and
// returns its text. Without soffice on PATH the test is skipped, except under
// CI (the CI variable set), where it fails: CI must install LibreOffice
// (.ci/run does).
func LibreOfficeText(t testing.TB, docx []byte) string {
	t.Helper()
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("soffice not on PATH; CI must install LibreOffice (see .ci/run)")
		}
		t.Skip("soffice not on PATH; install libreoffice-writer-nogui fonts-noto-cjk to run this test")
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "document.docx")
	if err := os.WriteFile(file, docx, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	// A private profile and HOME keep parallel runs from sharing (and
	// locking) one LibreOffice user installation. The explicit UTF8 filter
	// option matters: plain "txt:Text" writes the locale's charset, which
	// turns every Chinese character into "?" under LANG=C.
	cmd := exec.CommandContext(ctx, soffice,
		"-env:UserInstallation=file://"+filepath.ToSlash(filepath.Join(dir, "profile")),
		"--headless", "--norestore", "--convert-to", "txt:Text (encoded):UTF8", "--outdir", out, file)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	start := time.Now()
	outp, err := cmd.CombinedOutput()
	t.Logf("LibreOffice conversion took %v", time.Since(start).Round(time.Millisecond))
	if err != nil {
		t.Fatalf("soffice: %v\n%s", err, outp)
	}
	txt, err := os.ReadFile(filepath.Join(out, "document.txt"))
	if err != nil {
		t.Fatalf("LibreOffice wrote no text: %v\nsoffice said: %s", err, outp)
	}
	return string(txt)
}
