package ui

import (
	"context"
	"sync"

	"github.com/campusweek/campusweek/app/timetable"
	"github.com/campusweek/campusweek/shared/client"
)

// apiTimeout bounds one API call made by the UI, as it does the week
// screen's.
const apiTimeout = timetable.CallTimeout

var (
	apiOnce   sync.Once
	apiClient *client.Client
)

// api returns the API client. Its methods block: call them inside
// ctx.Async, never on the UI goroutine.
//
// The backend serves the PWA and the API on one origin, so the client
// calls the page's own origin, with the session cookie it holds.
func api() *client.Client {
	apiOnce.Do(func() {
		apiClient = client.New("")
	})
	return apiClient
}

// callCtx derives the context of one API call.
func callCtx(parent context.Context) (context.Context, context.CancelFunc) {
	if parent == nil {
		parent = context.Background()
	}
	return context.WithTimeout(parent, apiTimeout)
}
