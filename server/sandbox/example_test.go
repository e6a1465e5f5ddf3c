package sandbox_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/campusweek/campusweek/server/sandbox"
)

// The backend's demo mode mounts the sandbox on its own mux.
func ExampleNewUSOS() {
	usos := sandbox.NewUSOS(sandbox.USOSConfig{
		Prefix:    "/sandbox/usos",
		Consumers: map[string]string{"demo-key": "demo-secret"},
	})
	mux := http.NewServeMux()
	mux.Handle("/sandbox/usos/", usos)

	srv := httptest.NewServer(mux)
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/sandbox/usos/services/tt/user")
	if err != nil {
		panic(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.StatusCode, string(body))
	fmt.Println(usos.Students()[0])
	// Output:
	// 401 {"message": "This method requires an OAuth 1.0a signed request.", "error": "unauthorized"}
	// {123456 Anna Kowalska}
}
