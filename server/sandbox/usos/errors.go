package usos

import (
	"bytes"
	"fmt"
	"net/http"

	"github.com/campusweek/campusweek/server/sandbox/internal/web"
)

// apiError is a USOS API error reply: an HTTP status and a JSON object that
// always has "message" and usually "error", sometimes "param_name" or
// "field_name", as the errors page of the public USOS API documentation
// (https://usosapps.uw.edu.pl/developers/api/) describes.
type apiError struct {
	status    int
	code      string // the "error" key
	message   string
	paramName string
	fieldName string
	// baseString, set for invalid_signature, is the base string the sandbox
	// computed. Real installations do not send it; the sandbox does because
	// a signature mismatch is otherwise very hard to debug. It only echoes
	// what the caller sent.
	baseString string
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

func errParamMissing(name string) *apiError {
	return &apiError{status: http.StatusBadRequest, code: "param_missing", paramName: name,
		message: fmt.Sprintf("Required parameter '%s' is missing.", name)}
}

func errParamInvalid(name, why string) *apiError {
	return &apiError{status: http.StatusBadRequest, code: "param_invalid", paramName: name,
		message: fmt.Sprintf("Parameter '%s' has invalid value. %s", name, why)}
}

func errFieldNotFound(name string) *apiError {
	return &apiError{status: http.StatusBadRequest, code: "field_not_found", fieldName: name,
		message: fmt.Sprintf("Field '%s' does not exist.", name)}
}

func errUnauthorized(code, message string) *apiError {
	return &apiError{status: http.StatusUnauthorized, code: code, message: message}
}

// errInvalidToken is the reply real installations give for an unknown,
// expired or revoked token (testdata/error_401.json).
var errInvalidToken = errUnauthorized("invalid_token", "Invalid access token. It may have expired or been revoked.")

// writeError writes e in the key order and spacing real installations use,
// e.g. {"message": "...", "error": "param_invalid", "param_name": "days"}
// (testdata/error_days.json), so that clients comparing bodies byte for
// byte see what production sends.
func writeError(w http.ResponseWriter, e *apiError) {
	var b bytes.Buffer
	b.WriteByte('{')
	add := func(key, value string) {
		if b.Len() > 1 {
			b.WriteString(", ")
		}
		k, _ := web.Marshal(key)
		v, _ := web.Marshal(value)
		b.Write(k)
		b.WriteString(": ")
		b.Write(v)
	}
	add("message", e.message)
	if e.code != "" {
		add("error", e.code)
	}
	if e.paramName != "" {
		add("param_name", e.paramName)
	}
	if e.fieldName != "" {
		add("field_name", e.fieldName)
	}
	if e.baseString != "" {
		add("signature_base_string", e.baseString)
	}
	b.WriteByte('}')
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	if e.status == http.StatusUnauthorized {
		h.Set("WWW-Authenticate", `OAuth realm="USOS API"`)
	}
	w.WriteHeader(e.status)
	w.Write(b.Bytes())
}
