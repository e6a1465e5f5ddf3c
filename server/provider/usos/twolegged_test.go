package usos

import (
	"net/url"
	"strings"
	"testing"
)

// RFC 5849 section 1.2 signs its initiation (request token) request with
// the client credentials alone: no token, so an empty token secret, which
// is how 2-legged calls are signed. Its published values must come out.
func TestConsumerAuthorizationRFC5849Initiation(t *testing.T) {
	u, err := url.Parse("https://photos.example.net/initiate")
	if err != nil {
		t.Fatal(err)
	}
	oauth := map[string]string{
		"oauth_consumer_key":     "dpf43f3p2l4k3l03",
		"oauth_signature_method": "HMAC-SHA1",
		"oauth_timestamp":        "137131200",
		"oauth_nonce":            "wIjqoS",
		"oauth_callback":         "http://printer.example.com/ready",
	}
	wantBase := "POST&https%3A%2F%2Fphotos.example.net%2Finitiate&oauth_callback%3Dhttp%253A%252F%252Fprinter.example.com%252Fready%26oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3DwIjqoS%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131200"
	if got := signatureBase("POST", u, oauth); got != wantBase {
		t.Errorf("base string\n%s\nwant\n%s", got, wantBase)
	}
	h, err := consumerAuthorization("POST", u, "kd94hf93k423kf44", oauth)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(h, `oauth_signature="74KNZJeDHnMBp0EMJ9ZHt%2FXKycU%3D"`) {
		t.Errorf("Authorization = %s; want the RFC's signature 74KNZJeDHnMBp0EMJ9ZHt/XKycU=", h)
	}
	if strings.Contains(h, "oauth_token") {
		t.Errorf("Authorization = %s; a 2-legged call has no oauth_token", h)
	}
}

// Parameters are sorted by encoded name, then value (RFC 5849 3.4.1.3.2):
// "a" before "a1" although "1" sorts before "=", and repeated names by
// value; the default port is left out of the base string URI.
func TestSignatureBaseOrder(t *testing.T) {
	u, err := url.Parse("HTTP://Example.COM:80/services/tt/room?a1=x&a=2&a=1&b=%20")
	if err != nil {
		t.Fatal(err)
	}
	got := signatureBase("get", u, map[string]string{"oauth_nonce": "n"})
	want := "GET&http%3A%2F%2Fexample.com%2Fservices%2Ftt%2Froom&a%3D1%26a%3D2%26a1%3Dx%26b%3D%2520%26oauth_nonce%3Dn"
	if got != want {
		t.Errorf("base string\n%s\nwant\n%s", got, want)
	}
}
