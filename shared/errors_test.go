package shared_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/campusweek/campusweek/shared"
)

func TestCodeOf(t *testing.T) {
	apiErr := &shared.Error{Code: shared.CodeSignedOut, Message: "Sign in again."}
	for _, tc := range []struct {
		err  error
		want shared.ErrorCode
	}{
		{nil, ""},
		{errors.New("connection refused"), ""},
		{apiErr, shared.CodeSignedOut},
		{fmt.Errorf("reading the week: %w", apiErr), shared.CodeSignedOut},
	} {
		if got := shared.CodeOf(tc.err); got != tc.want {
			t.Errorf("CodeOf(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}
