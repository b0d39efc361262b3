# xingjian — two commands: `make run` (build everything, start the demo
# district on embedded SQLite) and `make test` (every check CI runs).
GO      ?= go
BIN     := bin/xingjian
VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
NPM     := npm --no-audit --no-fund --loglevel=error

.PHONY: all build ui go-build run test lint fmt-check vet staticcheck go-test ui-check e2e clean

all: build

## build: the web UI (Vite) and the binary with the UI embedded, into bin/xingjian
build: ui go-build

web/node_modules/.package-lock.json: web/package.json web/package-lock.json
	cd web && $(NPM) ci

ui: web/node_modules/.package-lock.json
	cd web && $(NPM) run build

go-build:
	$(GO) build -trimpath -ldflags "-s -w -X main.version=$(VERSION)" -o $(BIN) ./cmd/xingjian

## run: build, then serve the demo district on http://127.0.0.1:8080 (logins in README)
run: build
	./$(BIN) serve --demo

## test: formatting, vet, staticcheck, Go tests with -race (SQLite; PostgreSQL too when
## XJ_TEST_PG is set), the UI type-check and build, and the browser tests in Chromium.
test: lint go-test build e2e

lint: fmt-check vet staticcheck

fmt-check:
	@out=$$(gofmt -l cmd internal); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

staticcheck:
	$(GO) tool staticcheck ./...

go-test:
	@if [ -z "$$XJ_TEST_PG" ]; then echo "note: XJ_TEST_PG not set: PostgreSQL tests are skipped (.ci/run sets it)"; fi
	$(GO) test -race -count=1 -timeout 15m ./...

e2e/node_modules/.package-lock.json: e2e/package.json e2e/package-lock.json
	cd e2e && $(NPM) ci

## e2e: browser tests (playwright-core driving Debian's /usr/bin/chromium) against bin/xingjian
e2e: e2e/node_modules/.package-lock.json
	cd e2e && XJ_BIN=$(CURDIR)/$(BIN) $(NPM) test

clean:
	rm -rf bin internal/webui/dist/app web/node_modules e2e/node_modules
