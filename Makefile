# CampusWeek: `make run` starts the backend and PWA (demo mode without a
# config), `make test` runs every test, browser tests included.

GO        ?= go
CONFIG    ?=
LISTEN    ?=
WASM      := web/app.wasm
SERVER    := bin/server
# Every package is compiled without inlining: inlined copies of small
# functions at their call sites made app.wasm 6% larger (brotli), and
# make bench's paint times stayed within their spread without them. The
# hello world make bench compares with is built with the same flags.
WASMFLAGS := -trimpath -ldflags="-s -w" -gcflags=all=-l

.PHONY: all build wasm server run test vet fmt-check bench clean

all: build

build: wasm server

# The wasm is rebuilt when the Go code it is made of or its flags (this
# Makefile) change, and then precompressed (brotli and gzip, served by
# Accept-Encoding).
WASM_SRC  := $(shell find app shared -name '*.go' -not -name '*_test.go') go.mod go.sum Makefile
PRECOMP   := $(WASM).br $(WASM).gz web/app.css.br web/app.css.gz

wasm: $(WASM) $(PRECOMP)

$(WASM): $(WASM_SRC)
	GOOS=js GOARCH=wasm $(GO) build $(WASMFLAGS) -o $(WASM) ./app

$(WASM).br $(WASM).gz &: $(WASM)
	$(GO) run ./server/cmd/precompress $(WASM)

web/app.css.br web/app.css.gz &: web/app.css
	$(GO) run ./server/cmd/precompress web/app.css

server:
	$(GO) build -trimpath -o $(SERVER) ./server

run: build
	./$(SERVER) -web web $(if $(CONFIG),-config $(CONFIG)) $(if $(LISTEN),-listen $(LISTEN))

fmt-check:
	@out=$$(gofmt -l .); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./app/... ./shared/...

# axe-core, for the browser tests' accessibility checks, is pinned by the
# lock in server/e2e/testdata/axe; npm ci installs it there when missing or
# when the lock changes (node_modules/.package-lock.json is npm's record).
AXE_DIR := server/e2e/testdata/axe

$(AXE_DIR)/node_modules/.package-lock.json: $(AXE_DIR)/package.json $(AXE_DIR)/package-lock.json
	npm ci --prefix $(AXE_DIR) --ignore-scripts --no-audit --no-fund

# The browser tests need Debian's chromium (apt-get install chromium) and
# npm (for axe-core); the race detector needs cgo (gcc).
test: build fmt-check vet $(AXE_DIR)/node_modules/.package-lock.json
	CAMPUSWEEK_BROWSER_TESTS=required $(GO) test -race -count=1 -timeout 15m ./...

# Performance figures as ratios (sizes, backend overhead, term sync, the
# week painted against a hello world's start-up), the load test, and the Go
# benchmarks of the hot paths. benchreport builds the hello-world baseline
# and the server with the same $(GO); `-quick` checks it works in about a
# minute and a half (figures not to quote), `-only paint` (or size,
# overhead, sync, lighthouse) runs one part.
bench: build
	$(GO) run ./server/cmd/benchreport -web web -go "$(GO)"
	$(GO) test -run '^$$' -bench . -benchmem ./...

clean:
	rm -rf bin $(WASM) $(PRECOMP)
