package api

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"path"
	"runtime/debug"
	"strings"
	"time"

	"github.com/rs/cors"

	"github.com/campusweek/campusweek/shared"
)

// maxBodyBytes caps API request bodies; the largest legitimate one is a
// callback's few query parameters.
const maxBodyBytes = 16 << 10

// csrfProtection refuses API requests that a page of another site could
// make in a student's browser, before anything is charged or called: every
// request a browser marks as cross-site (top-level navigations carry the
// Lax session cookie, and a read spends the student's budget), and every
// state-changing request not from the public origin or an allowed origin.
// State-changing requests must also carry a JSON body, which an HTML form
// cannot send.
func (s *Server) csrfProtection() (func(http.Handler) http.Handler, error) {
	trusted := map[string]bool{}
	for _, o := range append([]string{s.publicOrigin()}, s.opts.AllowedOrigins...) {
		u, err := url.Parse(o)
		if err != nil || u.Scheme == "" || u.Host == "" || u.Path != "" || u.RawQuery != "" || u.Fragment != "" {
			return nil, fmt.Errorf("api: trusted origin %q is not scheme://host[:port]", o)
		}
		trusted[o] = true
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if crossOrigin(r, trusted) {
				s.writeError(w, r, newError(http.StatusForbidden, shared.CodeForbidden, "Cross-origin request refused."))
				return
			}
			if !safeMethod(r.Method) {
				mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
				if err != nil || mt != "application/json" {
					s.writeError(w, r, newError(http.StatusUnsupportedMediaType, shared.CodeUnsupportedMediaType, "Send the request body as application/json."))
					return
				}
			}
			r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
			next.ServeHTTP(w, r)
		})
	}, nil
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// crossOrigin reports whether a browser sent r for a page whose origin is
// not trusted (keyed "scheme://host[:port]"). An Origin header naming a
// trusted origin settles it (a PWA on an allowed origin, calling with
// CORS). Otherwise browsers say where a request comes from in
// Sec-Fetch-Site (all of them since 2023): "cross-site" is refused
// whatever the method, "same-site" for state-changing methods only (a PWA
// on an allowed origin of the same site links to downloads). Without
// Sec-Fetch-Site, an Origin that is not trusted is refused; the scheme
// counts, so http://{public host} is another origin than an https public
// URL. (net/http's CrossOriginProtection, which this replaces, passes
// every GET and compares only the Origin's host with Host.) A request with
// neither header is not a page's: command-line clients send none.
func crossOrigin(r *http.Request, trusted map[string]bool) bool {
	origin := r.Header.Get("Origin")
	if trusted[origin] {
		return false
	}
	switch r.Header.Get("Sec-Fetch-Site") {
	case "same-origin", "none":
		return false
	case "same-site":
		return !safeMethod(r.Method)
	case "":
		return origin != ""
	default: // "cross-site", or a value from the future
		return true
	}
}

// objectBody refuses a request whose body is not a JSON object, for
// handlers that do not read their body: an endpoint takes what it
// documents, nothing else.
func (s *Server) objectBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := requireObject(r); err != nil {
			s.writeError(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// requireObject checks that r's body is one JSON object ({} or with
// members), and puts the body back for the handler to decode. An empty
// body is refused too: clients send {}, as for every other POST.
func requireObject(r *http.Request) error {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return newError(http.StatusRequestEntityTooLarge, shared.CodeTooLarge, "The request body is too large.")
		}
		return badRequest("The request body could not be read.")
	}
	r.Body = io.NopCloser(bytes.NewReader(b))
	// json.Valid takes exactly one value; its first byte tells an object.
	if t := bytes.TrimLeft(b, " \t\r\n"); len(t) == 0 || t[0] != '{' || !json.Valid(b) {
		return badRequest("The request body must be a JSON object, such as {}.")
	}
	return nil
}

func (s *Server) publicOrigin() string {
	return s.opts.PublicURL.Scheme + "://" + s.opts.PublicURL.Host
}

// corsHandler lets a PWA hosted on an allowed origin call the API with
// credentials. Origins are listed explicitly; never "*".
func (s *Server) corsHandler(next http.Handler) http.Handler {
	return cors.New(cors.Options{
		AllowedOrigins:   append([]string{s.publicOrigin()}, s.opts.AllowedOrigins...),
		AllowedMethods:   []string{http.MethodGet, http.MethodPost, http.MethodDelete},
		AllowedHeaders:   []string{"Content-Type"},
		AllowCredentials: true,
		MaxAge:           600,
	}).Handler(next)
}

// noStore keeps personal API responses out of every cache.
func noStore(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// checkHost refuses requests for a Host that is not one of Options.Hosts
// (when there are any) with 421 Misdirected Request: a page of another
// site that resolves its own name to this server's address (DNS
// rebinding), or a loopback deployment reached through any name, is
// same-origin with itself and would otherwise pass every origin check.
// Probes and metrics answer whatever the Host, since orchestrators call
// them by address.
func (s *Server) checkHost(next http.Handler) http.Handler {
	if len(s.opts.Hosts) == 0 {
		return next
	}
	scheme := s.opts.PublicURL.Scheme
	hosts := map[string]bool{}
	for _, h := range s.opts.Hosts {
		hosts[hostKey(h, scheme)] = true
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/healthz", "/readyz", "/metrics":
		default:
			if !hosts[hostKey(r.Host, scheme)] {
				http.Error(w, "This server does not answer for that host name.", http.StatusMisdirectedRequest)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// hostKey is host (host or host:port) as compared by checkHost: in lower
// case, without the scheme's default port.
func hostKey(host, scheme string) string {
	host = strings.ToLower(host)
	if scheme == "https" {
		return strings.TrimSuffix(host, ":443")
	}
	return strings.TrimSuffix(host, ":80")
}

// contentSecurityPolicy lets the PWA run its wasm ('wasm-unsafe-eval') and
// load nothing from any other origin: no inline scripts or styles, no
// framing, no plugins.
const contentSecurityPolicy = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
	"img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// hstsPolicy keeps browsers on https for two years, subdomains included,
// once they have seen the site over https: a network attacker can then
// neither downgrade a student to plain http nor serve a page at
// http://{public host}.
const hstsPolicy = "max-age=63072000; includeSubDomains"

// securityHeaders apply to every response; with hsts, so does
// Strict-Transport-Security. Referrer-Policy matters here: callback URLs
// carry OAuth verifiers, which must not leak to other sites. Handlers may
// tighten the policy (the sandbox's pages do).
func securityHeaders(hsts bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		if hsts {
			h.Set("Strict-Transport-Security", hstsPolicy)
		}
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

// recoverPanics turns a handler panic into a 500 with the JSON envelope,
// logging the stack.
func recoverPanics(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.ErrorContext(r.Context(), "panic", "path", logPath(r), "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				writeJSON(w, http.StatusInternalServerError, shared.ErrorResponse{Error: shared.Error{
					Code: shared.CodeInternal, Message: "Something went wrong on our side.",
				}})
			}
		}()
		next.ServeHTTP(w, r)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequests logs one line per request. Every record logged while the
// request is served carries its id (see LogHandler), which is also sent as
// X-Request-Id. It logs the path only, never the query: callback URLs carry
// OAuth verifiers.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := newRequestID()
		w.Header().Set("X-Request-Id", id)
		sw := &statusWriter{ResponseWriter: w}
		route := "unmatched"
		ctx := context.WithValue(withRequestID(r.Context(), id), routeKey{}, &route)
		next.ServeHTTP(sw, r.WithContext(ctx))
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		d := time.Since(start)
		s.opts.Metrics.Request(route, r.Method, sw.status, d)
		s.log.LogAttrs(ctx, slog.LevelInfo, "http",
			slog.String("method", r.Method),
			slog.String("path", logPath(r)),
			slog.String("route", route),
			slog.Int("status", sw.status),
			slog.Int("bytes", sw.bytes),
			slog.Duration("duration", d),
		)
	})
}

func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// requestIDKey carries the id of the request being served.
type requestIDKey struct{}

// withRequestID returns ctx carrying a request id, which LogHandler adds to
// every record logged with ctx.
func withRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestID is the id of the request ctx belongs to, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// requestIDAttr is the key of the request id in log records.
const requestIDAttr = "request_id"

// LogHandler wraps h so that records logged with a request's context (the
// ...Context methods of slog.Logger, with r.Context() or a context derived
// from it) carry the request's id: a failure logged deep in a provider can
// be matched with its access line. Wrap the process's root handler with it,
// so that every package's logs get the id. Wrapping twice is harmless.
func LogHandler(h slog.Handler) slog.Handler {
	if _, ok := h.(requestIDHandler); ok {
		return h
	}
	return requestIDHandler{h}
}

type requestIDHandler struct{ slog.Handler }

func (h requestIDHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := RequestID(ctx); id != "" {
		r = r.Clone()
		r.AddAttrs(slog.String(requestIDAttr, id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h requestIDHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return requestIDHandler{h.Handler.WithAttrs(as)}
}

func (h requestIDHandler) WithGroup(name string) slog.Handler {
	return requestIDHandler{h.Handler.WithGroup(name)}
}

// routeKey carries a *string through which the handler that serves a
// request names its route pattern for logs and metrics: the outer
// middleware runs before any mux has matched.
type routeKey struct{}

// labeled names h's route for logRequests.
func labeled(route string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p, ok := r.Context().Value(routeKey{}).(*string); ok {
			*p = route
		}
		h.ServeHTTP(w, r)
	})
}

// logPath is the request path as logs may show it. Feed addresses carry
// sealed access in their path: the path is cleaned first (so that "//feed/"
// or "/x/../feed/" are seen as what they are), then every segment after a
// "feed" segment, and any segment long enough to be a sealed value, is cut
// out. Other paths are logged as cleaned.
func logPath(r *http.Request) string {
	segs := strings.Split(path.Clean("/"+r.URL.Path), "/")
	afterFeed := false
	for i, seg := range segs {
		isFeed := strings.EqualFold(seg, "feed")
		if afterFeed || len(seg) > maxLoggedSegment {
			segs[i] = "…"
		}
		afterFeed = isFeed
	}
	return strings.Join(segs, "/")
}

// maxLoggedSegment is the longest path segment logged as it is: our own
// are short (versions are 32 hex digits); sealed values are far longer.
const maxLoggedSegment = 64
