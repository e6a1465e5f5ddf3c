package shared_test

import (
	"os/exec"
	"strings"
	"testing"
)

// The wasm app must stay lean: shared/ and the app pull in no server-only
// package (which could also carry secrets' handling code into the
// browser), and shared/ itself is standard library only.
func TestWasmDependenciesStayLean(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	deps := goList(t, "js", "wasm", "./app")
	for _, banned := range []string{
		"github.com/campusweek/campusweek/server",
		"golang.org/x/oauth2", "github.com/dghubble/", "github.com/prometheus/",
		"go.yaml.in/", "github.com/chromedp/", "github.com/rs/cors", "golang.org/x/crypto",
	} {
		for _, d := range deps {
			if strings.HasPrefix(d, banned) {
				t.Errorf("app.wasm depends on %s", d)
			}
		}
	}
	for _, d := range goList(t, "js", "wasm", ".") {
		if strings.Contains(strings.SplitN(d, "/", 2)[0], ".") && d != "github.com/campusweek/campusweek/shared" {
			t.Errorf("shared depends on a non-standard package %s", d)
		}
	}
}

func goList(t *testing.T, goos, goarch, pkg string) []string {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps", pkg)
	cmd.Dir = "."
	if pkg == "./app" {
		cmd.Dir = ".."
	}
	cmd.Env = append(cmd.Environ(), "GOOS="+goos, "GOARCH="+goarch)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps %s: %v", pkg, err)
	}
	return strings.Fields(string(out))
}
