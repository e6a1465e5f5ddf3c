package usos

import (
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/campusweek/campusweek/server/sandbox/internal/web"
)

// incoming is one API call's parameters, read once and used both to check
// the OAuth signature and to run the method.
type incoming struct {
	method string // HTTP method
	uri    string // RFC 5849 base string URI
	// sigParams are all parameters that enter the signature base string:
	// query, form body and Authorization header (without realm).
	sigParams []web.Param
	// api holds the method's own (non-oauth_*) parameters from the query
	// and the form body (the first value of each).
	api map[string]string
	// repeated is the first method parameter given more than once, if
	// any. It is legal for the signature (RFC 5849 3.4.1.3) but no USOS
	// method takes a list that way, so the call is refused after
	// authentication.
	repeated string
	// proto holds the oauth_* protocol parameters from any source.
	proto map[string]string
}

// get returns a method parameter.
func (in *incoming) get(name string) (string, bool) {
	v, ok := in.api[name]
	return v, ok
}

// readIncoming collects a call's parameters as USOS and RFC 5849 define
// them: the query string always; the body only when its media type is
// application/x-www-form-urlencoded (any method, RFC 5849 3.4.1.3.1); the
// Authorization header when it uses the OAuth scheme. It refuses what a real
// installation would refuse and what would make the signature ambiguous: a
// protocol parameter given twice (RFC 5849 3.2) and malformed encodings.
// A repeated method parameter is noted in repeated, not refused here: it
// is legal in a signature base string.
func readIncoming(w http.ResponseWriter, r *http.Request) (*incoming, *apiError) {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	in := &incoming{
		method: r.Method,
		uri:    baseStringURI(scheme, r.Host, r.URL.EscapedPath()),
		api:    map[string]string{},
		proto:  map[string]string{},
	}
	query, err := web.ParseForm(r.URL.RawQuery)
	if err != nil {
		return nil, &apiError{status: http.StatusBadRequest, code: "param_invalid",
			message: "Malformed query string: " + err.Error()}
	}
	var body []web.Param
	if web.IsForm(r) {
		raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, web.MaxBodyBytes))
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return nil, &apiError{status: http.StatusRequestEntityTooLarge, code: "param_invalid",
					message: "Request body is too large."}
			}
			return nil, &apiError{status: http.StatusBadRequest, code: "param_invalid",
				message: "Could not read the request body."}
		}
		if body, err = web.ParseForm(string(raw)); err != nil {
			return nil, &apiError{status: http.StatusBadRequest, code: "param_invalid",
				message: "Malformed form body: " + err.Error()}
		}
	}
	header, apiErr := authorizationParams(r)
	if apiErr != nil {
		return nil, apiErr
	}
	for _, p := range slices.Concat(query, body, header) {
		if strings.HasPrefix(p.Name, "oauth_") {
			if _, dup := in.proto[p.Name]; dup {
				return nil, errParamInvalid(p.Name, "OAuth parameters must be given exactly once.")
			}
			in.proto[p.Name] = p.Value
			continue
		}
		if _, dup := in.api[p.Name]; dup {
			if in.repeated == "" {
				in.repeated = p.Name
			}
			continue
		}
		in.api[p.Name] = p.Value
	}
	in.sigParams = slices.Concat(query, body, header)
	return in, nil
}

// authorizationParams returns the protocol parameters of an OAuth
// Authorization header, realm left out (RFC 5849 3.4.1.3.1), or nothing
// when the request has no such header.
func authorizationParams(r *http.Request) ([]web.Param, *apiError) {
	values := r.Header.Values("Authorization")
	if len(values) == 0 {
		return nil, nil
	}
	if len(values) > 1 {
		return nil, &apiError{status: http.StatusBadRequest, code: "param_invalid",
			message: "More than one Authorization header."}
	}
	params, ok, err := parseAuthorization(values[0])
	if !ok {
		return nil, nil // another scheme: the call counts as unsigned
	}
	if err != nil {
		return nil, &apiError{status: http.StatusBadRequest, code: "param_invalid",
			message: "Malformed OAuth Authorization header: " + err.Error()}
	}
	out := params[:0]
	for _, p := range params {
		switch {
		case p.Name == "realm":
		case strings.HasPrefix(p.Name, "oauth_"):
			out = append(out, p)
		default:
			return nil, &apiError{status: http.StatusBadRequest, code: "param_invalid",
				message: "The Authorization header may hold only OAuth protocol parameters and realm."}
		}
	}
	return out, nil
}

// parseFields parses a USOS "fields" selector ("a|b|c") against the fields
// a method knows, in their canonical order. Brackets ("a[b|c]") select
// sub-fields in real USOS; the sandbox's fields have none, so a bracket is
// reported as field_invalid rather than silently ignored.
func parseFields(s string, known []string) ([]string, *apiError) {
	if s == "" {
		return nil, errParamInvalid("fields", "It must not be empty.")
	}
	depth := 0
	for _, c := range s {
		if c == '[' {
			depth++
		} else if c == ']' {
			if depth--; depth < 0 {
				break
			}
		}
	}
	if depth != 0 {
		return nil, errParamInvalid("fields", "Unbalanced brackets.")
	}
	want := map[string]bool{}
	startAt := 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) {
			switch s[i] {
			case '[':
				depth++
				continue
			case ']':
				depth--
				continue
			case '|':
				if depth > 0 {
					continue
				}
			default:
				continue
			}
		}
		item := s[startAt:i]
		startAt = i + 1
		if item == "" {
			return nil, errParamInvalid("fields", "Empty field name.")
		}
		name, sub, hasSub := strings.Cut(item, "[")
		if !slices.Contains(known, name) {
			return nil, errFieldNotFound(name)
		}
		if hasSub {
			return nil, &apiError{status: http.StatusBadRequest, code: "field_invalid", fieldName: name,
				message: "Field '" + name + "' has no sub-fields (got [" + web.Clip(strings.TrimSuffix(sub, "]")) + "])."}
		}
		want[name] = true
	}
	var out []string
	for _, f := range known {
		if want[f] {
			out = append(out, f)
		}
	}
	return out, nil
}
