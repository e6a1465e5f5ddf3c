package usos

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dghubble/oauth1"
)

// A 2-legged call is an OAuth 1.0a request signed by the consumer alone:
// RFC 5849 section 3 without a token, so the signing key is the consumer
// secret and an empty token secret ("secret&"), and section 3.1 lets the
// client omit oauth_token. USOS answers its public methods to such calls.
// dghubble/oauth1 signs requests with a token only (it sends an empty
// oauth_token otherwise), so the base string is built here, by section
// 3.4.1, and signed with the library's HMAC-SHA1 signer and encoding.

// consumerSigner is an http.RoundTripper that signs each request it sends
// as a 2-legged call, afresh (new nonce and timestamp) for every attempt.
// Requests must carry their parameters in the query, not in a body.
type consumerSigner struct {
	key, secret string
	rt          http.RoundTripper
	noncer      oauth1.Noncer
	now         func() time.Time
}

func (s *consumerSigner) RoundTrip(req *http.Request) (*http.Response, error) {
	params := map[string]string{
		"oauth_consumer_key":     s.key,
		"oauth_nonce":            s.noncer.Nonce(),
		"oauth_signature_method": "HMAC-SHA1",
		"oauth_timestamp":        strconv.FormatInt(s.now().Unix(), 10),
		"oauth_version":          "1.0",
	}
	auth, err := consumerAuthorization(req.Method, req.URL, s.secret, params)
	if err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	signed := req.Clone(req.Context())
	signed.Header.Set("Authorization", auth)
	return s.rt.RoundTrip(signed)
}

// consumerAuthorization signs a request to u whose only parameters are
// those of u's query and the protocol parameters in oauth (without
// oauth_signature), with consumerSecret and no token secret, and returns
// its Authorization header (RFC 5849 section 3.5.1).
func consumerAuthorization(method string, u *url.URL, consumerSecret string, oauth map[string]string) (string, error) {
	sig, err := (&oauth1.HMACSigner{ConsumerSecret: consumerSecret}).Sign("", signatureBase(method, u, oauth))
	if err != nil {
		return "", fmt.Errorf("usos: signing: %w", err)
	}
	pairs := make([]string, 0, len(oauth)+1)
	for k, v := range oauth {
		pairs = append(pairs, oauth1.PercentEncode(k)+`="`+oauth1.PercentEncode(v)+`"`)
	}
	pairs = append(pairs, `oauth_signature="`+oauth1.PercentEncode(sig)+`"`)
	slices.Sort(pairs)
	return "OAuth " + strings.Join(pairs, ", "), nil
}

// signatureBase is the signature base string of RFC 5849 section 3.4.1:
// the method, the base string URI (3.4.1.2) and the normalized parameters
// (3.4.1.3.2: every query value, repeated keys included, and the protocol
// parameters, encoded, then sorted by name and value).
func signatureBase(method string, u *url.URL, oauth map[string]string) string {
	var params [][2]string
	for k, vs := range u.Query() {
		for _, v := range vs {
			params = append(params, [2]string{oauth1.PercentEncode(k), oauth1.PercentEncode(v)})
		}
	}
	for k, v := range oauth {
		params = append(params, [2]string{oauth1.PercentEncode(k), oauth1.PercentEncode(v)})
	}
	slices.SortFunc(params, func(a, b [2]string) int {
		if c := strings.Compare(a[0], b[0]); c != 0 {
			return c
		}
		return strings.Compare(a[1], b[1])
	})
	joined := make([]string, len(params))
	for i, p := range params {
		joined[i] = p[0] + "=" + p[1]
	}
	return strings.ToUpper(method) + "&" + oauth1.PercentEncode(baseURI(u)) + "&" + oauth1.PercentEncode(strings.Join(joined, "&"))
}

// baseURI is u as RFC 5849 section 3.4.1.2 has it in the base string: the
// scheme and host in lower case, the default port left out, no query.
func baseURI(u *url.URL) string {
	scheme, host := strings.ToLower(u.Scheme), strings.ToLower(u.Hostname())
	if strings.Contains(host, ":") {
		host = "[" + host + "]" // an IPv6 literal
	}
	if port := u.Port(); port != "" && !(scheme == "http" && port == "80") && !(scheme == "https" && port == "443") {
		host += ":" + port
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	return scheme + "://" + host + path
}
