package ui

import (
	"context"
	"sync"
	"time"

	"github.com/campusweek/campusweek/shared/client"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// EnvAPIURL is the go-app environment variable (app.Handler.Env, public)
// naming the API's base URL when it is not on the PWA's own origin. Empty
// means the same origin.
const EnvAPIURL = "CAMPUSWEEK_API_URL"

// apiTimeout bounds one API call made by the UI, so a request that hangs
// ends in a message instead of an endless spinner. The backend answers
// sooner (upstream_timeout) when a university is slow.
const apiTimeout = 45 * time.Second

var (
	apiOnce   sync.Once
	apiClient *client.Client
)

// api returns the API client. Its methods block: call them inside
// ctx.Async, never on the UI goroutine.
func api() *client.Client {
	apiOnce.Do(func() {
		apiClient = client.New(app.Getenv(EnvAPIURL))
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
