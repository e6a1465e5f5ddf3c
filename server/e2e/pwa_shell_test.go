package e2e

import (
	"strings"
	"testing"
	"time"
)

// TestSignInThroughTheCachedShell: with the service worker in charge, the
// university's redirect back to /auth/callback/{id}?... is answered with
// the cached app shell, and the app completes the sign-in from there.
func TestSignInThroughTheCachedShell(t *testing.T) {
	b := buildBackend(t, webDir(t))
	b.start()
	ctx := newLongBrowser(t, 1280, 900, 2*time.Minute)

	installApp(t, ctx, b.url)
	signInAs(t, ctx, b.url, "123456", "Anna Kowalska")
	if !eval[bool](t, ctx, `!!navigator.serviceWorker.controller`) {
		t.Fatal("the callback page was not controlled by the service worker")
	}
	if loc := eval[string](t, ctx, `location.href`); strings.Contains(loc, "oauth_verifier") || strings.Contains(loc, "oauth_token") {
		t.Errorf("the verifier stays in the address bar: %s", loc)
	}
}
