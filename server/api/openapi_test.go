package api

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/campusweek/campusweek/server/provider"
	"github.com/campusweek/campusweek/server/seal"
	"github.com/campusweek/campusweek/shared"
)

// These tests keep openapi.yaml in step with the code: the routes of
// apiRoutes, the JSON shape of the types in shared/, the error codes and
// their statuses, the cookie names, and what a few real requests answer.

// openAPIObjects maps the spec's object schemas to the shared types whose
// JSON encoding they describe.
var openAPIObjects = map[string]any{
	"Provider":          shared.Provider{},
	"Capabilities":      shared.Capabilities{},
	"StartRequest":      shared.StartRequest{},
	"StartResponse":     shared.StartResponse{},
	"CompleteRequest":   shared.CompleteRequest{},
	"CompleteResponse":  shared.CompleteResponse{},
	"User":              shared.User{},
	"Session":           shared.Session{},
	"Timetable":         shared.Timetable{},
	"Event":             shared.Event{},
	"Feed":              shared.Feed{},
	"FeedRevokeRequest": shared.FeedRevokeRequest{},
	"Error":             shared.Error{},
	"ErrorResponse":     shared.ErrorResponse{},
	"PublicMatch":       shared.PublicMatch{},
	"PublicSearch":      shared.PublicSearch{},
	"PublicTimetable":   shared.PublicTimetable{},
	"FreeRooms":         shared.FreeRooms{},
	"FreeRoom":          shared.FreeRoom{},

	"Notifications":        shared.Notifications{},
	"PushSubscription":     shared.PushSubscription{},
	"PushSubscriptionKeys": shared.PushSubscriptionKeys{},
	"NotificationsRequest": shared.NotificationsRequest{},
}

// openAPIEnums are the spec's enum schemas and the Go constants of each.
var openAPIEnums = map[string]struct {
	typ    reflect.Type
	values []string
}{
	"ProviderKind": {reflect.TypeFor[shared.ProviderKind](), []string{
		string(shared.KindUSOS), string(shared.KindMyTimetable)}},
	"SignInMode": {reflect.TypeFor[shared.SignInMode](), []string{
		string(shared.ModeRedirect), string(shared.ModePIN)}},
	"Purpose": {reflect.TypeFor[shared.Purpose](), []string{
		string(shared.PurposeSession), string(shared.PurposeFeed), string(shared.PurposeNotifications)}},
	"Category": {reflect.TypeFor[shared.Category](), []string{
		string(shared.CategoryClass), string(shared.CategoryExam), string(shared.CategoryMeeting), string(shared.CategoryOther)}},
	"ErrorCode": {reflect.TypeFor[shared.ErrorCode](), []string{
		string(shared.CodeBadRequest), string(shared.CodeSignedOut), string(shared.CodeFlowExpired),
		string(shared.CodeAccessDenied), string(shared.CodeForbidden), string(shared.CodeNotFound),
		string(shared.CodeTooLarge), string(shared.CodeUnsupportedMediaType), string(shared.CodeUnsupported),
		string(shared.CodeRateLimited), string(shared.CodeUpstream), string(shared.CodeUpstreamTimeout),
		string(shared.CodeInternal)}},
	"PublicKind": {reflect.TypeFor[shared.PublicKind](), []string{
		string(shared.PublicRoom), string(shared.PublicCourse), string(shared.PublicLecturer)}},
}

// openAPIOtherSchemas are schemas of no struct or enum type.
var openAPIOtherSchemas = map[string]reflect.Type{"Date": reflect.TypeFor[shared.Date](), "Hide": reflect.TypeFor[shared.Hide]()}

// routeTableMarker marks spec paths served outside apiRoutes (on the root
// mux, in routes()).
const routeTableMarker = "x-campusweek-route-table"

type node = map[string]any

func loadOpenAPI(t *testing.T) node {
	t.Helper()
	var doc node
	if err := yaml.Unmarshal(openAPISpec, &doc); err != nil {
		t.Fatalf("openapi.yaml: %v", err)
	}
	return doc
}

// get walks doc along keys, failing the test when a key is missing.
func get[T any](t *testing.T, doc any, keys ...string) T {
	t.Helper()
	cur := doc
	for i, k := range keys {
		m, ok := cur.(node)
		if !ok {
			t.Fatalf("openapi.yaml: %s is not a mapping", strings.Join(keys[:i], "."))
		}
		if cur, ok = m[k]; !ok {
			t.Fatalf("openapi.yaml: no %s", strings.Join(keys[:i+1], "."))
		}
	}
	v, ok := cur.(T)
	if !ok {
		var zero T
		t.Fatalf("openapi.yaml: %s is %T, want %T", strings.Join(keys, "."), cur, zero)
	}
	return v
}

// resolve follows a local $ref, if n is one.
func resolve(t *testing.T, doc node, n node) node {
	t.Helper()
	ref, ok := n["$ref"].(string)
	if !ok {
		return n
	}
	path, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		t.Fatalf("openapi.yaml: non-local $ref %q", ref)
	}
	return get[node](t, doc, strings.Split(path, "/")...)
}

var httpMethods = []string{"get", "put", "post", "delete", "patch", "head", "options", "trace"}

// specOperations returns "METHOD /path" -> operation for the paths in
// apiRoutes and, separately, for those marked as served on the root mux.
func specOperations(t *testing.T, doc node) (api, root map[string]node) {
	t.Helper()
	api, root = map[string]node{}, map[string]node{}
	for path, item := range get[node](t, doc, "paths") {
		item, ok := item.(node)
		if !ok {
			t.Fatalf("openapi.yaml: path %s is not a mapping", path)
		}
		dst := api
		if v, ok := item[routeTableMarker]; ok {
			if v != "root" {
				t.Fatalf("openapi.yaml: %s: %s: %v, want root", path, routeTableMarker, v)
			}
			dst = root
		}
		for _, m := range httpMethods {
			if op, ok := item[m].(node); ok {
				dst[strings.ToUpper(m)+" "+path] = op
			}
		}
	}
	return api, root
}

func TestOpenAPIDocument(t *testing.T) {
	doc := loadOpenAPI(t)
	if v := get[string](t, doc, "openapi"); !strings.HasPrefix(v, "3.") {
		t.Errorf("openapi: %q", v)
	}
	get[string](t, doc, "info", "title")
	get[string](t, doc, "info", "version")
	if len(get[node](t, doc, "paths")) == 0 {
		t.Error("no paths")
	}
	get[node](t, doc, "components", "schemas")
	// Every $ref resolves, and every operation has an id and answers.
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case node:
			if _, ok := v["$ref"]; ok {
				resolve(t, doc, v)
			}
			for _, c := range v {
				walk(c)
			}
		case []any:
			for _, c := range v {
				walk(c)
			}
		}
	}
	walk(doc)
	api, root := specOperations(t, doc)
	ids := map[string]string{}
	for key, op := range merge(api, root) {
		id, _ := op["operationId"].(string)
		if id == "" || ids[id] != "" {
			t.Errorf("%s: operationId %q missing or also used by %s", key, id, ids[id])
		}
		ids[id] = key
		if len(get[node](t, op, "responses")) == 0 {
			t.Errorf("%s: no responses", key)
		}
	}
}

func merge(a, b map[string]node) map[string]node {
	out := map[string]node{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

func newOpenAPITestServer(t *testing.T, public string, opts Options) *Server {
	t.Helper()
	sl, err := seal.New(bytes.Repeat([]byte{7}, seal.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	opts.PublicURL, _ = url.Parse(public)
	opts.Sealer = sl
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// The spec has exactly the routes of apiRoutes, plus the feed route of the
// root mux, with every path parameter declared; POST routes document the
// CSRF answers (403, 415), rate-limited ones 429 with Retry-After.
func TestOpenAPIRoutes(t *testing.T) {
	doc := loadOpenAPI(t)
	api, root := specOperations(t, doc)
	s := newOpenAPITestServer(t, "https://tt.example.edu", Options{})

	routes := map[string]route{}
	for _, r := range s.apiRoutes() {
		routes[r.pattern] = r
	}
	for pattern := range routes {
		if _, ok := api[pattern]; !ok {
			msg := ""
			if pattern == "GET /api/openapi.yaml" {
				msg = " (it must not be marked " + routeTableMarker + ")"
			}
			t.Errorf("route %q is not in openapi.yaml%s", pattern, msg)
		}
	}
	for key := range api {
		if _, ok := routes[key]; !ok {
			msg := ""
			if key == "GET /api/openapi.yaml" {
				msg = `: add {pattern: "GET /api/openapi.yaml", handler: s.handleOpenAPI} to apiRoutes in routes.go`
			}
			t.Errorf("openapi.yaml has %q, which apiRoutes does not serve%s", key, msg)
		}
	}
	rootRoutes := []string{"GET " + shared.FeedPath("{token}")}
	if got := slices.Sorted(maps.Keys(root)); !slices.Equal(got, rootRoutes) {
		t.Errorf("paths marked %s: %q, want %q (routes() serves these outside apiRoutes)", routeTableMarker, got, rootRoutes)
	}

	pathParam := regexp.MustCompile(`\{([^}]+)\}`)
	for key, op := range merge(api, root) {
		_, path, _ := strings.Cut(key, " ")
		declared := map[string]bool{}
		params, _ := get[node](t, doc, "paths", path)["parameters"].([]any)
		if p, ok := op["parameters"].([]any); ok {
			params = append(params, p...)
		}
		for _, p := range params {
			p := resolve(t, doc, p.(node))
			if p["in"] == "path" {
				declared[p["name"].(string)] = true
				if p["required"] != true {
					t.Errorf("%s: path parameter %v is not required", key, p["name"])
				}
			}
		}
		var want []string
		for _, m := range pathParam.FindAllStringSubmatch(path, -1) {
			want = append(want, m[1])
			if !declared[m[1]] {
				t.Errorf("%s: path parameter %s is not declared", key, m[1])
			}
		}
		if len(declared) != len(want) {
			t.Errorf("%s: declares path parameters %v, the path has %v", key, slices.Sorted(maps.Keys(declared)), want)
		}

		r, ok := routes[key]
		if !ok {
			continue
		}
		responses := get[node](t, op, "responses")
		if strings.HasPrefix(key, "POST ") {
			for _, status := range []string{"403", "415"} {
				if _, ok := responses[status]; !ok {
					t.Errorf("%s: POSTs pass the CSRF checks, but %s is not documented", key, status)
				}
			}
		}
		if r.limited || r.weeks != nil {
			resp, ok := responses["429"].(node)
			if !ok {
				t.Errorf("%s is rate-limited, but 429 is not documented", key)
				continue
			}
			if _, ok := resolve(t, doc, resp)["headers"].(node)["Retry-After"]; !ok {
				t.Errorf("%s: 429 does not document Retry-After", key)
			}
		}
	}
}

// Object schemas have the JSON fields of their shared types, with matching
// types, required exactly when not omitempty/omitzero; enums list the Go
// constants.
func TestOpenAPISchemas(t *testing.T) {
	doc := loadOpenAPI(t)
	schemas := get[node](t, doc, "components", "schemas")

	named := map[reflect.Type]string{}
	for name, v := range openAPIObjects {
		named[reflect.TypeOf(v)] = name
	}
	for name, e := range openAPIEnums {
		named[e.typ] = name
	}
	for name, typ := range openAPIOtherSchemas {
		named[typ] = name
	}
	for name := range schemas {
		if _, obj := openAPIObjects[name]; !obj && !slices.Contains(slices.Collect(maps.Values(named)), name) {
			t.Errorf("schema %s is mapped to no Go type in openapi_test.go", name)
		}
	}

	for name, v := range openAPIObjects {
		schema := get[node](t, schemas, name)
		if schema["type"] != "object" {
			t.Errorf("%s: type %v, want object", name, schema["type"])
		}
		props, _ := schema["properties"].(node)
		fields := jsonFields(reflect.TypeOf(v))
		var wantRequired []string
		for _, f := range fields {
			if f.required {
				wantRequired = append(wantRequired, f.name)
			}
			p, ok := props[f.name].(node)
			if !ok {
				t.Errorf("%s: no property %q (field %s)", name, f.name, f.goName)
				continue
			}
			checkSchemaType(t, name+"."+f.name, p, f.typ, named)
		}
		for prop := range props {
			if !slices.ContainsFunc(fields, func(f jsonField) bool { return f.name == prop }) {
				t.Errorf("%s: property %q is no JSON field of %T", name, prop, v)
			}
		}
		var required []string
		if r, ok := schema["required"].([]any); ok {
			for _, x := range r {
				required = append(required, x.(string))
			}
		}
		slices.Sort(required)
		slices.Sort(wantRequired)
		if !slices.Equal(required, wantRequired) {
			t.Errorf("%s: required %q, want %q (the fields without omitempty/omitzero)", name, required, wantRequired)
		}
	}

	for name, e := range openAPIEnums {
		schema := get[node](t, schemas, name)
		if schema["type"] != "string" {
			t.Errorf("%s: type %v, want string", name, schema["type"])
		}
		var enum []string
		for _, x := range get[[]any](t, schema, "enum") {
			enum = append(enum, x.(string))
		}
		if !slices.Equal(slices.Sorted(slices.Values(enum)), slices.Sorted(slices.Values(e.values))) {
			t.Errorf("%s: enum %q, want the Go constants %q", name, enum, e.values)
		}
	}
	date := get[node](t, schemas, "Date")
	if date["type"] != "string" || date["format"] != "date" {
		t.Errorf("Date: %v", date)
	}
}

type jsonField struct {
	name, goName string
	typ          reflect.Type
	required     bool
}

// jsonFields lists the JSON fields of struct type t as encoding/json
// encodes them. The shared types embed no structs; an embedded field fails
// the test rather than being half-handled.
func jsonFields(t reflect.Type) []jsonField {
	var out []jsonField
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous {
			panic("openapi_test: embedded field " + t.String() + "." + f.Name + " is not supported")
		}
		if name == "" {
			name = f.Name
		}
		optional := false
		for o := range strings.SplitSeq(opts, ",") {
			optional = optional || o == "omitempty" || o == "omitzero"
		}
		out = append(out, jsonField{name: name, goName: f.Name, typ: f.Type, required: !optional})
	}
	return out
}

// checkSchemaType checks that the property schema p describes Go type typ.
func checkSchemaType(t *testing.T, where string, p node, typ reflect.Type, named map[reflect.Type]string) {
	t.Helper()
	for typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	if name, ok := named[typ]; ok {
		if want := "#/components/schemas/" + name; p["$ref"] != want {
			t.Errorf("%s: %v, want $ref %s (%s)", where, p, want, typ)
		}
		return
	}
	if typ == reflect.TypeFor[time.Time]() {
		if p["type"] != "string" || p["format"] != "date-time" {
			t.Errorf("%s: type %v format %v, want an RFC 3339 string, format date-time", where, p["type"], p["format"])
		}
		return
	}
	want := map[reflect.Kind]string{
		reflect.String: "string", reflect.Bool: "boolean",
		reflect.Int: "integer", reflect.Int64: "integer", reflect.Int32: "integer",
		reflect.Float64: "number", reflect.Slice: "array", reflect.Map: "object",
	}[typ.Kind()]
	if want == "" {
		t.Errorf("%s: Go type %s is not handled by openapi_test.go", where, typ)
		return
	}
	if p["type"] != want {
		t.Errorf("%s: type %v, want %s (%s)", where, p["type"], want, typ)
		return
	}
	switch typ.Kind() {
	case reflect.String:
		if typ.PkgPath() != "" && typ != reflect.TypeFor[string]() {
			t.Errorf("%s: named type %s has no schema in openapi_test.go", where, typ)
		}
	case reflect.Slice:
		items, ok := p["items"].(node)
		if !ok {
			t.Errorf("%s: array without items", where)
			return
		}
		checkSchemaType(t, where+"[]", items, typ.Elem(), named)
	case reflect.Map:
		if typ.Key().Kind() != reflect.String {
			t.Errorf("%s: map key %s", where, typ.Key())
		}
		ap, ok := p["additionalProperties"].(node)
		if !ok {
			t.Errorf("%s: object without additionalProperties", where)
			return
		}
		checkSchemaType(t, where+"{}", ap, typ.Elem(), named)
	}
}

func TestOpenAPISessionCookie(t *testing.T) {
	doc := loadOpenAPI(t)
	for scheme, secure := range map[string]bool{"sessionCookie": true, "sessionCookieLocal": false} {
		s := get[node](t, doc, "components", "securitySchemes", scheme)
		want := newCookieNames(secure).session
		if s["type"] != "apiKey" || s["in"] != "cookie" || s["name"] != want {
			t.Errorf("security scheme %s: %v, want an apiKey in cookie %q", scheme, s, want)
		}
	}
}

// openAPIFake is a provider that answers without a network.
type openAPIFake struct {
	id           string
	timetableErr error
}

func (f *openAPIFake) Info() shared.Provider {
	// Its access never expires (Complete sets no Expiry).
	return shared.Provider{ID: f.id, Kind: shared.KindMyTimetable, Name: "Fake " + f.id,
		Capabilities: shared.Capabilities{LongLivedAccess: true}}
}

func (f *openAPIFake) Start(context.Context, string) (string, provider.Flow, error) {
	return "https://fake.example/authorize", provider.Flow{Token: "flow"}, nil
}

func (f *openAPIFake) Complete(context.Context, provider.Flow, provider.CompleteInput) (provider.Credentials, error) {
	return provider.Credentials{Token: "t"}, nil
}

func (f *openAPIFake) User(context.Context, *provider.Credentials) (shared.User, error) {
	return shared.User{ID: "1", Name: "Student"}, nil
}

func (f *openAPIFake) Timetable(_ context.Context, _ *provider.Credentials, from, _ shared.Date) ([]shared.Event, error) {
	if f.timetableErr != nil {
		return nil, f.timetableErr
	}
	start := from.In(time.UTC).Add(10 * time.Hour)
	return []shared.Event{{ID: "e1", Start: start, End: start.Add(time.Hour), Title: "Lecture", Category: shared.CategoryClass}}, nil
}

func (f *openAPIFake) ShortLivedReason() string { return "it is a fake" }

// openAPIPublicFake is a fake that also publishes public timetables: one
// building with one room, whose timetable fails like its personal one.
type openAPIPublicFake struct{ openAPIFake }

func (f *openAPIPublicFake) Info() shared.Provider {
	info := f.openAPIFake.Info()
	info.Capabilities.PublicTimetables = true
	return info
}

func (f *openAPIPublicFake) Rooms(context.Context) ([]shared.PublicMatch, error) {
	return []shared.PublicMatch{{Type: shared.PublicRoom, ID: "r1", Name: "101", Building: "Main", BuildingID: "main"}}, nil
}

func (f *openAPIPublicFake) PublicSearch(context.Context, shared.PublicKind, string) ([]shared.PublicMatch, error) {
	return nil, nil
}

func (f *openAPIPublicFake) PublicTimetable(ctx context.Context, _ shared.PublicKind, id string, from, to shared.Date) ([]shared.Event, error) {
	if id != "r1" {
		return nil, provider.ErrNoSuchTimetable
	}
	return f.Timetable(ctx, nil, from, to)
}

// Real requests answer with statuses, codes and media types the spec
// documents for their operation, and each code with the status the spec's
// ErrorCode x-status gives it.
func TestOpenAPIAnswers(t *testing.T) {
	doc := loadOpenAPI(t)
	api, root := specOperations(t, doc)
	ops := merge(api, root)
	statusOf := get[node](t, doc, "components", "schemas", "ErrorCode", "x-status")
	enum := get[[]any](t, doc, "components", "schemas", "ErrorCode", "enum")
	if len(statusOf) != len(enum) {
		t.Errorf("ErrorCode: x-status has %d codes, enum %d", len(statusOf), len(enum))
	}
	for _, c := range enum {
		if _, ok := statusOf[c.(string)].(int); !ok {
			t.Errorf("ErrorCode: no x-status for %v", c)
		}
	}

	// Errors the handlers return directly.
	for _, e := range []*apiError{
		badRequest(""), errSignedOut, errFlowExpired, errNoFlow, errAccessDenied,
		providerError(provider.ErrTimeout), providerError(&provider.UpstreamError{Op: "x"}), providerError(errors.New("x")),
	} {
		if statusOf[string(e.body.Code)] != e.status {
			t.Errorf("code %s comes with %d, x-status says %v", e.body.Code, e.status, statusOf[string(e.body.Code)])
		}
	}

	const public = "https://tt.example.edu"
	fake := &openAPIFake{id: "fake"}
	s := newOpenAPITestServer(t, public, Options{Providers: []provider.Provider{
		fake, &openAPIFake{id: "slow", timetableErr: provider.ErrTimeout},
		&openAPIFake{id: "down", timetableErr: &provider.UpstreamError{Provider: "down", Op: "read timetable", Status: 500}},
		&openAPIPublicFake{openAPIFake{id: "pub"}},
		&openAPIPublicFake{openAPIFake{id: "pubdown", timetableErr: &provider.UpstreamError{Provider: "pubdown", Op: "read room timetable", Status: 500}}},
	}})
	session := func(id string, creds provider.Credentials) *http.Cookie {
		rec := httptest.NewRecorder()
		if _, err := s.writeSession(rec, sessionState{Provider: id, User: shared.User{ID: "1"}, Creds: creds}); err != nil {
			t.Fatal(err)
		}
		return rec.Result().Cookies()[0]
	}
	lasting := session("fake", provider.Credentials{Token: "t", Refresh: "r", Expiry: time.Now().Add(time.Hour)})
	shortLived := session("fake", provider.Credentials{Token: "t", Expiry: time.Now().Add(time.Hour)})
	slow, down := session("slow", provider.Credentials{Token: "t"}), session("down", provider.Credentials{Token: "t"})

	type probe struct {
		route, target, body string
		cookie              *http.Cookie
		header              map[string]string
		status              int
		code                shared.ErrorCode
	}
	jsonCT := map[string]string{"Content-Type": "application/json"}
	feed, err := s.newFeed(fake, sessionState{Provider: "fake", User: shared.User{ID: "1"}, Creds: provider.Credentials{Token: "t"}})
	if err != nil {
		t.Fatal(err)
	}
	feedURL := feed.URL
	probes := []probe{
		{route: "GET /api/providers", status: 200},
		{route: "GET /api/session", status: 200},
		{route: "GET /api/session", cookie: lasting, status: 200},
		{route: "GET /api/timetable", status: 401, code: shared.CodeSignedOut},
		{route: "GET /api/timetable", target: "/api/timetable?from=next-week", cookie: lasting, status: 400, code: shared.CodeBadRequest},
		{route: "GET /api/timetable", target: "/api/timetable?from=2026-01-01&to=2026-12-31", cookie: lasting, status: 400, code: shared.CodeBadRequest},
		{route: "GET /api/timetable", cookie: lasting, status: 200},
		{route: "GET /api/timetable", cookie: slow, status: 504, code: shared.CodeUpstreamTimeout},
		{route: "GET /api/timetable", cookie: down, status: 502, code: shared.CodeUpstream},
		{route: "GET /api/timetable.ics", cookie: lasting, status: 200},
		{route: "GET /api/timetable.ics", status: 401, code: shared.CodeSignedOut},
		{route: "POST /api/auth/{id}/start", target: "/api/auth/fake/start", body: `{}`, header: jsonCT, status: 200},
		{route: "POST /api/auth/{id}/start", target: "/api/auth/fake/start", body: `{"mode":"pin"}`, header: jsonCT, status: 400, code: shared.CodeBadRequest},
		{route: "POST /api/auth/{id}/start", target: "/api/auth/fake/start", body: `{"return_to":"https://evil.example/"}`, header: jsonCT, status: 400, code: shared.CodeBadRequest},
		{route: "POST /api/auth/{id}/start", target: "/api/auth/nope/start", body: `{}`, header: jsonCT, status: 404, code: shared.CodeNotFound},
		{route: "POST /api/auth/{id}/start", target: "/api/auth/fake/start", body: `{}`, status: 415, code: shared.CodeUnsupportedMediaType},
		{route: "POST /api/auth/{id}/complete", target: "/api/auth/fake/complete", body: `{"params":{}}`, header: jsonCT, status: 400, code: shared.CodeFlowExpired},
		{route: "POST /api/auth/logout", body: `{}`, header: jsonCT, cookie: lasting, status: 204},
		{route: "POST /api/auth/logout", body: `{}`, header: map[string]string{
			"Content-Type": "application/json", "Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}, status: 403, code: shared.CodeForbidden},
		{route: "POST /api/auth/{id}/start", target: "/api/auth/fake/start", body: `{"purpose":"feed"}`, header: jsonCT, status: 401, code: shared.CodeSignedOut},
		{route: "POST /api/auth/{id}/start", target: "/api/auth/fake/start", body: `{"purpose":"feed"}`, header: jsonCT, cookie: shortLived, status: 409, code: shared.CodeUnsupported},
		{route: "POST /api/auth/{id}/start", target: "/api/auth/fake/start", body: `{"purpose":"feed"}`, header: jsonCT, cookie: lasting, status: 200},
		{route: "POST /api/auth/{id}/start", target: "/api/auth/fake/start", body: `{"purpose":"everything"}`, header: jsonCT, status: 400, code: shared.CodeBadRequest},
		{route: "POST /api/feed/revoke", body: `{"url":"FEED"}`, header: jsonCT, status: 409, code: shared.CodeUnsupported},
		{route: "POST /api/feed/revoke", body: `{"url":"https://tt.example.edu/feed/forged/campusweek.ics"}`, header: jsonCT, status: 400, code: shared.CodeBadRequest},
		{route: "POST /api/feed/revoke", body: `{"url":"` + strings.Repeat("x", maxBodyBytes) + `"}`, header: jsonCT, status: 413, code: shared.CodeTooLarge},
		{route: "GET /api/public/{provider}/search", target: "/api/public/pub/search?type=room&q=101", status: 200},
		{route: "GET /api/public/{provider}/search", target: "/api/public/pub/search?type=bus&q=101", status: 400, code: shared.CodeBadRequest},
		{route: "GET /api/public/{provider}/search", target: "/api/public/fake/search?type=room&q=101", status: 409, code: shared.CodeUnsupported},
		{route: "GET /api/public/{provider}/search", target: "/api/public/nope/search?type=room&q=101", status: 404, code: shared.CodeNotFound},
		{route: "GET /api/public/{provider}/timetable", target: "/api/public/pub/timetable?type=room&id=r1", status: 200},
		{route: "GET /api/public/{provider}/timetable", target: "/api/public/pub/timetable?type=room&id=r2", status: 404, code: shared.CodeNotFound},
		{route: "GET /api/public/{provider}/timetable", target: "/api/public/pub/timetable?type=room", status: 400, code: shared.CodeBadRequest},
		{route: "GET /api/public/{provider}/timetable", target: "/api/public/pubdown/timetable?type=room&id=r1", status: 502, code: shared.CodeUpstream},
		{route: "GET /api/public/{provider}/free-rooms", target: "/api/public/pub/free-rooms?building=main", status: 200},
		{route: "GET /api/public/{provider}/free-rooms", target: "/api/public/pub/free-rooms?building=annex", status: 404, code: shared.CodeNotFound},
		{route: "GET /api/public/{provider}/free-rooms", target: "/api/public/pub/free-rooms?building=main&for=1d", status: 400, code: shared.CodeBadRequest},
		{route: "GET /api/public/{provider}/free-rooms", target: "/api/public/fake/free-rooms?building=main", status: 409, code: shared.CodeUnsupported},
		{route: "GET /api/notifications", status: 401, code: shared.CodeSignedOut},
		{route: "GET /api/notifications", cookie: lasting, status: 200},
		{route: "POST /api/notifications", body: `{}`, header: jsonCT, cookie: lasting, status: 409, code: shared.CodeUnsupported},
		{route: "POST /api/notifications", body: `{}`, header: jsonCT, status: 401, code: shared.CodeSignedOut},
		{route: "POST /api/notifications", body: `{"subscription":{}}`, header: jsonCT, cookie: lasting, status: 409, code: shared.CodeUnsupported},
		{route: "DELETE /api/notifications", body: `{}`, header: jsonCT, status: 200},
		{route: "DELETE /api/notifications", body: `[]`, header: jsonCT, status: 400, code: shared.CodeBadRequest},
		{route: "POST /api/auth/{id}/start", target: "/api/auth/fake/start", body: `{"purpose":"notifications"}`, header: jsonCT, cookie: lasting, status: 409, code: shared.CodeUnsupported},
		{route: "GET /feed/{token}/campusweek.ics", target: "FEED", status: 200},
		{route: "GET /feed/{token}/campusweek.ics", target: "/feed/forged/campusweek.ics", status: 404},
		{route: "", target: "/api/nope", status: 404, code: shared.CodeNotFound},
		{route: "", target: "/api/timetable", body: `{}`, header: jsonCT, status: 404, code: shared.CodeNotFound},
	}
	for _, p := range probes {
		method, path, _ := strings.Cut(p.route, " ")
		target := cmp.Or(p.target, path)
		if p.route == "" {
			method = http.MethodGet
			if p.body != "" {
				method = http.MethodPost
			}
		}
		body := strings.ReplaceAll(p.body, "FEED", feedURL)
		if target == "FEED" {
			u, _ := url.Parse(feedURL)
			target = u.Path
		}
		r := httptest.NewRequest(method, public+target, strings.NewReader(body))
		for k, v := range p.header {
			r.Header.Set(k, v)
		}
		if p.cookie != nil {
			r.AddCookie(p.cookie)
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, r)
		name := method + " " + target + " " + body
		if len(name) > 100 {
			name = name[:100] + "…"
		}
		if rec.Code != p.status {
			t.Errorf("%s: %d %s, want %d", name, rec.Code, rec.Body, p.status)
			continue
		}
		mt, _, _ := mime.ParseMediaType(rec.Header().Get("Content-Type"))
		if p.code != "" {
			var er shared.ErrorResponse
			if err := json.Unmarshal(rec.Body.Bytes(), &er); err != nil || er.Error.Code != p.code {
				t.Errorf("%s: %s, want code %s", name, rec.Body, p.code)
			}
			if statusOf[string(p.code)] != rec.Code {
				t.Errorf("%s: code %s came with %d, x-status says %v", name, p.code, rec.Code, statusOf[string(p.code)])
			}
		}
		if p.route == "" {
			continue
		}
		resp, ok := get[node](t, ops[p.route], "responses")[strconv.Itoa(rec.Code)].(node)
		if !ok {
			t.Errorf("%s: answered %d, which openapi.yaml does not document for %s", name, rec.Code, p.route)
			continue
		}
		resp = resolve(t, doc, resp)
		content, _ := resp["content"].(node)
		if _, ok := content[mt]; !ok && (mt != "" || len(content) != 0) {
			t.Errorf("%s: answered %d with %q, openapi.yaml documents %v", name, rec.Code, mt, slices.Collect(maps.Keys(content)))
		}
	}

	// Every rate-limited route answers 429 with Retry-After when over the
	// limit.
	limited := newOpenAPITestServer(t, public, Options{AuthRateLimit: RateLimit{PerSecond: 0.001, Burst: 1}})
	for i, want := range []int{204, 429} {
		r := httptest.NewRequest(http.MethodPost, public+"/api/auth/logout", strings.NewReader(`{}`))
		r.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		limited.ServeHTTP(rec, r)
		if rec.Code != want {
			t.Fatalf("logout #%d: %d, want %d", i, rec.Code, want)
		}
		if want == 429 {
			var er shared.ErrorResponse
			if err := json.Unmarshal(rec.Body.Bytes(), &er); err != nil || er.Error.Code != shared.CodeRateLimited || rec.Header().Get("Retry-After") == "" {
				t.Errorf("rate limited: %s Retry-After=%q", rec.Body, rec.Header().Get("Retry-After"))
			}
			if statusOf[string(shared.CodeRateLimited)] != 429 {
				t.Errorf("rate_limited: x-status %v", statusOf[string(shared.CodeRateLimited)])
			}
		}
	}
}

// The backend serves this very document.
func TestOpenAPIServed(t *testing.T) {
	s := newOpenAPITestServer(t, "https://tt.example.edu", Options{})
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "https://tt.example.edu/api/openapi.yaml", nil))
	if rec.Code != http.StatusOK || !bytes.Equal(rec.Body.Bytes(), openAPISpec) {
		t.Fatalf(`GET /api/openapi.yaml: %d %.80q; is {pattern: "GET /api/openapi.yaml", handler: s.handleOpenAPI} in apiRoutes?`, rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/yaml" {
		t.Errorf("Content-Type %q", ct)
	}
}

// wire is what one operation takes and gives: the Go types of its JSON
// request body and of its success answer (nil for none), and the query
// parameters its handler reads. Every route must have one, so a new route
// cannot skip the check.
type wire struct {
	request, response any
	status            int
	query             []string
}

var openAPIWire = map[string]wire{
	"GET /api/providers":                    {response: []shared.Provider{}, status: 200},
	"GET /api/session":                      {response: shared.Session{}, status: 200},
	"GET /api/timetable":                    {response: shared.Timetable{}, status: 200, query: []string{"from", "to"}},
	"GET /api/timetable.ics":                {status: 200, query: []string{"from", "hide", "lang", "to"}},
	"GET /api/openapi.yaml":                 {status: 200},
	"POST /api/auth/{id}/start":             {request: shared.StartRequest{}, response: shared.StartResponse{}, status: 200},
	"POST /api/auth/{id}/complete":          {request: shared.CompleteRequest{}, response: shared.CompleteResponse{}, status: 200},
	"POST /api/auth/logout":                 {request: struct{}{}, status: 204},
	"POST /api/feed/revoke":                 {request: shared.FeedRevokeRequest{}, status: 204},
	"GET /feed/{token}/campusweek.ics":      {status: 200},
	"GET /api/public/{provider}/search":     {response: shared.PublicSearch{}, status: 200, query: []string{"q", "type"}},
	"GET /api/public/{provider}/timetable":  {response: shared.PublicTimetable{}, status: 200, query: []string{"from", "id", "to", "type"}},
	"GET /api/public/{provider}/free-rooms": {response: shared.FreeRooms{}, status: 200, query: []string{"at", "building", "for"}},
	"GET /api/notifications":                {response: shared.Notifications{}, status: 200},
	"POST /api/notifications":               {request: shared.NotificationsRequest{}, response: shared.Notifications{}, status: 200},
	"DELETE /api/notifications":             {request: struct{}{}, response: shared.Notifications{}, status: 200},
}

// Each operation documents the shared types its handler decodes and
// encodes, and the query parameters it reads.
func TestOpenAPIOperationTypes(t *testing.T) {
	doc := loadOpenAPI(t)
	api, root := specOperations(t, doc)
	ops := merge(api, root)
	named := map[reflect.Type]string{}
	for name, v := range openAPIObjects {
		named[reflect.TypeOf(v)] = name
	}
	s := newOpenAPITestServer(t, "https://tt.example.edu", Options{})
	for _, r := range s.apiRoutes() {
		if _, ok := openAPIWire[r.pattern]; !ok {
			t.Errorf("route %q has no entry in openAPIWire", r.pattern)
		}
	}
	// schemaName is the shared type a JSON schema stands for: a $ref to a
	// named schema, an array of one ("[]Name"), or "object" for {}.
	schemaName := func(schema node) string {
		if ref, ok := schema["$ref"].(string); ok {
			return strings.TrimPrefix(ref, "#/components/schemas/")
		}
		if schema["type"] == "array" {
			items, _ := schema["items"].(node)
			if ref, ok := items["$ref"].(string); ok {
				return "[]" + strings.TrimPrefix(ref, "#/components/schemas/")
			}
		}
		if schema["type"] == "object" && schema["properties"] == nil {
			return "object"
		}
		return fmt.Sprint(schema)
	}
	goName := func(v any) string {
		typ := reflect.TypeOf(v)
		switch {
		case typ.Kind() == reflect.Slice:
			return "[]" + named[typ.Elem()]
		case typ.Kind() == reflect.Struct && typ.NumField() == 0:
			return "object"
		}
		return named[typ]
	}
	jsonSchema := func(content any) (node, bool) {
		c, _ := content.(node)
		mt, ok := c["application/json"].(node)
		if !ok {
			return nil, false
		}
		schema, _ := mt["schema"].(node)
		return schema, true
	}
	for key, w := range openAPIWire {
		op, ok := ops[key]
		if !ok {
			t.Errorf("openAPIWire has %q, which openapi.yaml does not", key)
			continue
		}
		rb, _ := op["requestBody"].(node)
		schema, hasJSON := jsonSchema(rb["content"])
		switch {
		case w.request == nil && rb != nil:
			t.Errorf("%s: documents a request body, the handler reads none", key)
		case w.request != nil && !hasJSON:
			t.Errorf("%s: documents no JSON request body, the handler decodes %s", key, goName(w.request))
		case w.request != nil && schemaName(schema) != goName(w.request):
			t.Errorf("%s: request body is %s in openapi.yaml, the handler decodes %s", key, schemaName(schema), goName(w.request))
		}

		resp, ok := get[node](t, op, "responses")[strconv.Itoa(w.status)].(node)
		if !ok {
			t.Errorf("%s: no %d answer documented", key, w.status)
			continue
		}
		schema, hasJSON = jsonSchema(resolve(t, doc, resp)["content"])
		switch {
		case w.response == nil && hasJSON:
			t.Errorf("%s: documents a JSON answer, the handler writes none", key)
		case w.response != nil && !hasJSON:
			t.Errorf("%s: documents no JSON answer, the handler writes %s", key, goName(w.response))
		case w.response != nil && schemaName(schema) != goName(w.response):
			t.Errorf("%s: answer is %s in openapi.yaml, the handler writes %s", key, schemaName(schema), goName(w.response))
		}

		var query []string
		_, path, _ := strings.Cut(key, " ")
		params, _ := get[node](t, doc, "paths", path)["parameters"].([]any)
		if p, ok := op["parameters"].([]any); ok {
			params = append(params, p...)
		}
		for _, p := range params {
			if p := resolve(t, doc, p.(node)); p["in"] == "query" {
				query = append(query, p["name"].(string))
			}
		}
		slices.Sort(query)
		if !slices.Equal(query, w.query) {
			t.Errorf("%s: query parameters %v in openapi.yaml, the handler reads %v", key, query, w.query)
		}
	}
}

// Every exported type of shared/ has a schema: a new wire type cannot be
// left out of the description.
func TestOpenAPICoversShared(t *testing.T) {
	fset := token.NewFileSet()
	files, err := filepath.Glob("../../shared/*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("listing shared/: %v", err)
	}
	known := map[string]bool{}
	for name := range openAPIObjects {
		known[name] = true
	}
	for name := range openAPIEnums {
		known[name] = true
	}
	for name := range openAPIOtherSchemas {
		known[name] = true
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range file.Decls {
			gen, ok := decl.(*ast.GenDecl)
			if !ok || gen.Tok != token.TYPE {
				continue
			}
			for _, spec := range gen.Specs {
				if name := spec.(*ast.TypeSpec).Name.Name; ast.IsExported(name) && !known[name] {
					t.Errorf("shared.%s (%s) has no schema in openapi.yaml, or is missing from the maps in openapi_test.go", name, filepath.Base(f))
				}
			}
		}
	}
}
