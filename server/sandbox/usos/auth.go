package usos

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
)

// authKind says what credentials a method needs.
type authKind int

const (
	authNone         authKind = iota // anyone (apisrv)
	authConsumer                     // consumer only: oauth/request_token
	authRequestToken                 // consumer + request token: oauth/access_token
	authAccessToken                  // consumer + access token: a student's data
	// authTwoLegged methods need the consumer's signature; a token is
	// optional (a 2-legged call has none; one that is sent is checked).
	authTwoLegged
	// authOptional methods answer unsigned calls; a signed call is checked
	// as for authTwoLegged, so a wrong secret is refused all the same.
	authOptional
)

// authOptions are the consumer and token options of the public USOS API
// documentation's auth_options (services/apiref/method) for each kind.
func (k authKind) authOptions() (consumer, token string) {
	switch k {
	case authConsumer:
		return "required", "ignored"
	case authRequestToken, authAccessToken:
		return "required", "required"
	case authTwoLegged:
		return "required", "optional"
	case authOptional:
		return "optional", "optional"
	}
	return "ignored", "ignored"
}

// principal is who a verified call comes from.
type principal struct {
	consumer string
	token    string       // the oauth_token, "" for authConsumer
	request  requestToken // for authRequestToken
	access   accessToken  // for authAccessToken
}

// knownOAuthParams are the protocol parameters of RFC 5849. Others are
// refused (RFC 5849 3.2: unsupported parameter, 400) so that a typo such
// as "oauth_verfier" is caught instead of ignored.
var knownOAuthParams = map[string]bool{
	"oauth_consumer_key": true, "oauth_token": true, "oauth_signature_method": true,
	"oauth_signature": true, "oauth_timestamp": true, "oauth_nonce": true,
	"oauth_version": true, "oauth_callback": true, "oauth_verifier": true,
}

// authenticate verifies an OAuth 1.0a call. The order of the checks matters:
//
//  1. shape of the protocol parameters (400, nothing looked up yet);
//  2. consumer and token (401; the token is needed for the signature key);
//  3. timestamp window, signature (401);
//  4. nonce, recorded only once the signature is good, so that nobody
//     without the secrets can burn nonces.
//
// The token is looked up before the timestamp is checked so that a client
// presenting an expired or revoked token is told so (invalid_token), which
// is what it must act on, even if its clock is also off.
func (u *Server) authenticate(in *incoming, kind authKind) (*principal, *apiError) {
	if len(in.proto) == 0 {
		return nil, errUnauthorized("unauthorized", "This method requires an OAuth 1.0a signed request.")
	}
	for name := range in.proto {
		if !knownOAuthParams[name] {
			return nil, errParamInvalid(name, "Unsupported OAuth parameter.")
		}
	}
	for _, name := range []string{"oauth_consumer_key", "oauth_signature_method", "oauth_timestamp", "oauth_nonce", "oauth_signature"} {
		if in.proto[name] == "" {
			return nil, errParamMissing(name)
		}
	}
	if m := in.proto["oauth_signature_method"]; m != "HMAC-SHA1" {
		return nil, errParamInvalid("oauth_signature_method", "Only HMAC-SHA1 is supported.")
	}
	if v, ok := in.proto["oauth_version"]; ok && v != "1.0" {
		return nil, errParamInvalid("oauth_version", "Only 1.0 is supported.")
	}
	timestamp, ok := parseTimestamp(in.proto["oauth_timestamp"])
	if !ok {
		return nil, errParamInvalid("oauth_timestamp", "Expected seconds since 1970-01-01 00:00 UTC.")
	}
	nonce := in.proto["oauth_nonce"]
	if len(nonce) > 255 {
		return nil, errParamInvalid("oauth_nonce", "Too long.")
	}
	token := in.proto["oauth_token"]
	switch kind {
	case authConsumer:
		if token != "" {
			return nil, errParamInvalid("oauth_token", "Request token calls must be signed by the consumer only.")
		}
		if _, ok := in.proto["oauth_callback"]; !ok {
			return nil, errParamMissing("oauth_callback")
		}
	case authRequestToken:
		if token == "" {
			return nil, errParamMissing("oauth_token")
		}
		if in.proto["oauth_verifier"] == "" {
			return nil, errParamMissing("oauth_verifier")
		}
	case authAccessToken:
		if token == "" {
			return nil, errUnauthorized("invalid_token", "This method requires an access token (oauth_token).")
		}
	case authOptional:
		kind = authTwoLegged // signed: checked as a 2-legged call
	}

	p := &principal{consumer: in.proto["oauth_consumer_key"], token: token}
	consumerSecret, ok := u.consumers[p.consumer]
	if !ok {
		return nil, errUnauthorized("invalid_consumer", "Unknown consumer key.")
	}
	now := u.now()
	var tokenSecret string
	switch kind {
	case authRequestToken:
		t, err := u.store.requestToken(now, token)
		if err != nil || t.consumer != p.consumer {
			msg := "Invalid request token. It may have expired or already been used."
			if errors.Is(err, errTokenExpiredNow) {
				msg = "Request token has expired."
			}
			return nil, errUnauthorized("invalid_token", msg)
		}
		p.request, tokenSecret = t, t.secret
	case authAccessToken, authTwoLegged:
		if token == "" {
			break // 2-legged: signed with the consumer secret alone
		}
		t, err := u.store.accessToken(now, token)
		if err != nil || t.consumer != p.consumer {
			return nil, errInvalidToken
		}
		p.access, tokenSecret = t, t.secret
	}

	if d := now.Unix() - timestamp; d > int64(timestampWindow.Seconds()) || d < -int64(timestampWindow.Seconds()) {
		return nil, errUnauthorized("timestamp_refused",
			"Timestamp "+strconv.FormatInt(timestamp, 10)+" is too far from the server time "+strconv.FormatInt(now.Unix(), 10)+".")
	}
	base := signatureBaseString(in.method, in.uri, in.sigParams)
	if !checkHMACSHA1(base, consumerSecret, tokenSecret, in.proto["oauth_signature"]) {
		e := errUnauthorized("invalid_signature", "Invalid signature.")
		e.baseString = base
		return nil, e
	}
	fresh, err := u.store.useNonce(now, makeNonceKey(p.consumer, token, timestamp, nonce), timestamp)
	if err != nil {
		return nil, errBusy
	}
	if !fresh {
		return nil, errUnauthorized("nonce_used", "Nonce already used. Sign every request anew.")
	}
	return p, nil
}

// errBusy is the reply when the sandbox's bounded tables are full.
var errBusy = &apiError{status: http.StatusServiceUnavailable, code: "server_busy",
	message: "The sandbox is holding too many tokens; try again later."}

// parseTimestamp accepts a positive decimal number of seconds, nothing else
// (no sign, no spaces, no fraction).
func parseTimestamp(s string) (int64, bool) {
	if s == "" || len(s) > 12 || strings.TrimLeft(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n > 0
}
