# CampusWeek: `make run` starts the backend and PWA (demo mode without a
# config), `make test` runs every test, browser tests included.

GO        ?= go
CONFIG    ?=
LISTEN    ?=
WASM      := web/app.wasm
SERVER    := bin/server
WASMFLAGS := -trimpath -ldflags="-s -w"

.PHONY: all build wasm server run test vet fmt-check bench clean

all: build

build: wasm server

wasm:
	GOOS=js GOARCH=wasm $(GO) build $(WASMFLAGS) -o $(WASM) ./app

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

# The browser tests need Debian's chromium (apt-get install chromium).
test: build fmt-check vet
	CAMPUSWEEK_BROWSER_TESTS=required $(GO) test -count=1 -timeout 15m ./...

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

clean:
	rm -rf bin $(WASM) $(WASM).gz $(WASM).br
