package usos_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/campusweek/campusweek/server/sandbox/usos"
)

// The backend's demo mode mounts the sandbox on its own mux.
func ExampleNew() {
	sb := usos.New(usos.Config{
		Prefix:    "/sandbox/usos",
		Consumers: map[string]string{"demo-key": "demo-secret"},
	})
	mux := http.NewServeMux()
	mux.Handle("/sandbox/usos/", sb)

	srv := httptest.NewServer(mux)
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/sandbox/usos/services/tt/user")
	if err != nil {
		panic(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.StatusCode, string(body))
	fmt.Println(sb.Students()[0])
	// Output:
	// 401 {"message": "This method requires an OAuth 1.0a signed request.", "error": "unauthorized"}
	// {123456 Anna Kowalska}
}
