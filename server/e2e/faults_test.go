package e2e

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/chromedp"
)

// failTimetable makes every GET /api/timetable the page sends answer as the
// backend does when the university is down: 502 upstream_error.
func failTimetable(t *testing.T, ctx context.Context) {
	t.Helper()
	paused := make(chan fetch.RequestID, 64)
	if err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*fetch.EventRequestPaused); ok {
			select {
			case paused <- e.RequestID:
			default:
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	go func() {
		body := []byte(`{"error":{"code":"upstream_error","message":"The university's system failed to answer (read timetable). Try again in a few minutes."}}`)
		for {
			select {
			case <-ctx.Done():
				return
			case id := <-paused:
				_ = chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
					_, err := cdp.Call(ctx, tg, fetch.FulfillRequest, fetch.FulfillRequestParams{
						RequestID: id, ResponseCode: 502, Body: body,
						ResponseHeaders: []*fetch.HeaderEntry{{Name: "Content-Type", Value: "application/json"}},
					})
					return err
				}))
			}
		}
	}()
	run(t, ctx, "make the university fail", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, fetch.Enable, fetch.EnableParams{
			Patterns: []*fetch.RequestPattern{{URLPattern: "*/api/timetable*"}},
		})
		return err
	}))
}

// TestUniversityDownKeepsTheWeek: when the university's system fails, the
// PWA keeps showing the saved timetable and says, in words, that the
// university is not answering.
func TestUniversityDownKeepsTheWeek(t *testing.T) {
	b := buildBackend(t, webDir(t))
	b.start()
	ctx := newLongBrowser(t, 1280, 900, 2*time.Minute)
	signInAs(t, ctx, b.url, "123456", "Anna Kowalska")
	thisWeek := eventIDs(t, ctx)

	failTimetable(t, ctx)
	run(t, ctx, "reopen the app while the university is down",
		chromedp.Navigate(b.url+"/"),
		chromedp.WaitVisible(chromedp.CSS(`.event`)),
		chromedp.WaitVisible(chromedp.CSS(`.refresh-error`)),
	)
	assertAccessible(t, ctx, "week with the university down")
	if got := eventIDs(t, ctx); !slices.Equal(got, thisWeek) {
		t.Errorf("with the university down this week shows %v, want %v", got, thisWeek)
	}
	msg := strings.ToLower(eval[string](t, ctx, `document.querySelector('.refresh-error').innerText`))
	if !strings.Contains(msg, "university") {
		t.Errorf("the notice does not say the university is not answering: %q", msg)
	}
	if eval[bool](t, ctx, `!!document.querySelector('#signin-again')`) {
		t.Error("a failing university asked the student to sign in again")
	}
}
