package api

import (
	"bytes"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestRequireObject(t *testing.T) {
	for _, tc := range []struct {
		body string
		ok   bool
	}{
		{`{}`, true}, {"\t{ }\r\n", true}, {`{"a":[1,{}]}`, true},
		{``, false}, {` `, false}, {`null`, false}, {`[]`, false}, {`[{}]`, false}, {`"x"`, false},
		{`true`, false}, {`{`, false}, {`{}}`, false}, {`{}{}`, false}, {`{"a":1,}`, false}, {"{}\x00", false},
	} {
		r := httptest.NewRequest("POST", "/api/auth/logout", strings.NewReader(tc.body))
		err := requireObject(r)
		if (err == nil) != tc.ok {
			t.Errorf("%q: %v, want ok=%v", tc.body, err, tc.ok)
		}
		if err != nil && asAPIError(err).status != 400 {
			t.Errorf("%q: %v, want 400", tc.body, err)
		}
		// The handler can still read the body.
		var b bytes.Buffer
		b.ReadFrom(r.Body)
		if b.String() != tc.body {
			t.Errorf("%q: the handler reads %q", tc.body, b.String())
		}
	}
}
