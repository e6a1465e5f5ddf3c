package usos

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/campusweek/campusweek/server/provider/upstream"
)

// DefaultInstallationsURL is where the public list of USOS installations is
// read by default: services/apisrv/installations of the University of
// Warsaw's installation, where USOS API is developed. Every installation
// answers the method; apps.usos.edu.pl hosts the documentation only.
const DefaultInstallationsURL = "https://usosapps.uw.edu.pl/services/apisrv/installations"

// Installation is one USOS installation of the public list.
type Installation struct {
	// BaseURL is the installation's base URL with https and one trailing
	// slash, as a provider's base_url takes it.
	BaseURL string
	// Name is the institution's name, in English where the list has it.
	Name string
}

// Installations reads the public list of USOS installations
// (services/apisrv/installations, anonymous) at listURL with client,
// within ctx. The list gives base URLs as http:// for backward
// compatibility; they are returned with https, as the installations must
// be called. The list has duplicates: each base URL is returned once, in
// the list's order.
func Installations(ctx context.Context, client *http.Client, listURL string) ([]Installation, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, listURL, nil)
	if err != nil {
		return nil, fmt.Errorf("usos: installations list: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("usos: installations list: %s", upstream.Scrub(err))
	}
	defer resp.Body.Close()
	body, err := upstream.ReadBody(resp)
	if err != nil {
		return nil, fmt.Errorf("usos: installations list: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("usos: installations list: status %d", resp.StatusCode)
	}
	var list []struct {
		BaseURL         flexString `json:"base_url"`
		InstitutionName langDict   `json:"institution_name"`
	}
	if err := json.Unmarshal(body, &list); err != nil {
		return nil, fmt.Errorf("usos: installations list: %w", err)
	}
	var out []Installation
	seen := map[string]bool{}
	for _, in := range list {
		base, ok := httpsBase(string(in.BaseURL))
		if !ok || seen[base] {
			continue
		}
		seen[base] = true
		out = append(out, Installation{BaseURL: base, Name: in.InstitutionName.pick([]string{"en"})})
	}
	return out, nil
}

// httpsBase is s with https, a lower-case host and one trailing slash, or
// false when s is no http(s) URL with a host.
func httpsBase(s string) (string, bool) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return "", false
	}
	u.Scheme, u.Host = "https", strings.ToLower(u.Host)
	u.RawQuery, u.Fragment, u.RawPath = "", "", ""
	u.Path = strings.TrimRight(u.Path, "/") + "/"
	return u.String(), true
}
