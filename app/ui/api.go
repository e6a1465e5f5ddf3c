package ui

import (
	"context"
	"sync"

	"github.com/campusweek/campusweek/app/timetable"
	"github.com/campusweek/campusweek/shared"
	"github.com/campusweek/campusweek/shared/client"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// apiTimeout bounds one API call made by the UI, as it does the week
// screen's.
const apiTimeout = timetable.CallTimeout

var (
	apiOnce   sync.Once
	apiClient *client.Client
)

// api returns the API client, asking for answers in the language shown.
// Its methods block: call them inside ctx.Async, never on the UI
// goroutine.
//
// The backend serves the PWA and the API on one origin, so the client
// calls the page's own origin, with the session cookie it holds.
func api() *client.Client {
	apiOnce.Do(func() {
		apiClient = client.New("")
	})
	if !app.IsClient {
		return apiClient
	}
	return apiClient.WithLanguage(htmlLang().String())
}

// modelAPI is the week model's API: every call in the language shown at
// the time.
type modelAPI struct{}

func (modelAPI) Session(ctx context.Context) (shared.Session, error) { return api().Session(ctx) }
func (modelAPI) Providers(ctx context.Context) ([]shared.Provider, error) {
	return api().Providers(ctx)
}
func (modelAPI) Timetable(ctx context.Context, from, to shared.Date) (shared.Timetable, error) {
	return api().Timetable(ctx, from, to)
}
func (modelAPI) Logout(ctx context.Context) error { return api().Logout(ctx) }

// callCtx derives the context of one API call.
func callCtx(parent context.Context) (context.Context, context.CancelFunc) {
	if parent == nil {
		parent = context.Background()
	}
	return context.WithTimeout(parent, apiTimeout)
}
