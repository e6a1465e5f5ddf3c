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

// asError is an error that converts itself to a *shared.Error by an As
// method, as errors.As allows.
type asError struct{ code shared.ErrorCode }

func (e asError) Error() string { return "as " + string(e.code) }

func (e asError) As(target any) bool {
	p, ok := target.(**shared.Error)
	if ok {
		*p = &shared.Error{Code: e.code}
	}
	return ok
}

// TestErrorOf checks that ErrorOf finds what errors.As finds.
func TestErrorOf(t *testing.T) {
	apiErr := &shared.Error{Code: shared.CodeSignedOut, Message: "Sign in again."}
	other := &shared.Error{Code: shared.CodeNotFound}
	for _, err := range []error{
		nil,
		errors.New("connection refused"),
		apiErr,
		fmt.Errorf("reading the week: %w", apiErr),
		fmt.Errorf("a: %w", fmt.Errorf("b: %w", apiErr)),
		errors.Join(errors.New("first"), fmt.Errorf("x: %w", other), apiErr),
		fmt.Errorf("%w and %w", errors.New("plain"), apiErr),
		fmt.Errorf("wrapped: %w", errors.Join(nil, errors.New("plain"))),
		asError{shared.CodeUpstream},
		fmt.Errorf("wrapped: %w", asError{shared.CodeUpstream}),
	} {
		var want *shared.Error
		errors.As(err, &want)
		got := shared.ErrorOf(err)
		if (got == nil) != (want == nil) || got != nil && *got != *want {
			t.Errorf("ErrorOf(%v) = %v, want %v", err, got, want)
		}
		if got != nil && got != want && !errors.As(err, new(asError)) {
			t.Errorf("ErrorOf(%v) = %p, want the error in the chain %p", err, got, want)
		}
	}
}
