package usos

import (
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

var (
	consentCSRF  = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	consentToken = regexp.MustCompile(`name="oauth_token" value="([^"]+)"`)
	pinValue     = regexp.MustCompile(`id="pin">([^<]+)<`)
)

// ApprovePIN plays the student on a USOS sandbox consent page for an
// out-of-band (PIN) sign-in: it opens authorizeURL with c (nil: a default
// client), allows access as the given student, and returns the PIN the
// installation shows. Tools and tests use it to sign in without a browser.
func ApprovePIN(c *http.Client, authorizeURL, studentID string) (string, error) {
	if c == nil {
		c = http.DefaultClient
	}
	resp, err := c.Get(authorizeURL)
	if err != nil {
		return "", err
	}
	page, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if err != nil {
		return "", err
	}
	csrf, tok := consentCSRF.FindSubmatch(page), consentToken.FindSubmatch(page)
	if resp.StatusCode != http.StatusOK || csrf == nil || tok == nil {
		return "", fmt.Errorf("no consent form at %s (status %d)", authorizeURL, resp.StatusCode)
	}
	action, err := url.Parse(authorizeURL)
	if err != nil {
		return "", err
	}
	action.RawQuery = ""
	resp, err = c.PostForm(action.String(), url.Values{
		"oauth_token": {html.UnescapeString(string(tok[1]))},
		"csrf":        {html.UnescapeString(string(csrf[1]))},
		"student":     {studentID},
		"decision":    {"allow"},
	})
	if err != nil {
		return "", err
	}
	page, err = io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if err != nil {
		return "", err
	}
	pin := pinValue.FindSubmatch(page)
	if pin == nil {
		return "", errors.New("the consent page showed no PIN: was the request token made for oob?")
	}
	return strings.TrimSpace(string(pin[1])), nil
}
