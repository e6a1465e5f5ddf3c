package usos

import (
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/campusweek/campusweek/server/sandbox/internal/web"
)

// The published OAuth 1.0 HMAC-SHA1 vectors (OAuth Core 1.0 Appendix A,
// RFC 5849 sections 1.2 and 3.4.1), fed through the same path a live
// request takes: an http.Request is parsed by readIncoming, then the base
// string and the signature are computed.
func TestSignatureVectors(t *testing.T) {
	tests := []struct {
		name           string
		method, target string
		body           string // form body, "" for none
		authorization  string
		consumerSecret string
		tokenSecret    string
		wantBase       string // "" when the source gives none
		wantSignature  string
	}{
		{
			name:   "OAuth Core 1.0 Appendix A",
			method: "GET", target: "http://photos.example.net/photos?file=vacation.jpg&size=original",
			authorization: `OAuth realm="http://photos.example.net/", oauth_consumer_key="dpf43f3p2l4k3l03", oauth_token="nnch734d00sl2jdk", ` +
				`oauth_signature_method="HMAC-SHA1", oauth_signature="tR3%2BTy81lMeYAr%2FFid0kMTYa%2FWM%3D", oauth_timestamp="1191242096", ` +
				`oauth_nonce="kllo9940pd9333jh", oauth_version="1.0"`,
			consumerSecret: "kd94hf93k423kf44", tokenSecret: "pfkkdhi9sl3r4s00",
			wantBase:      "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3Dkllo9940pd9333jh%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1191242096%26oauth_token%3Dnnch734d00sl2jdk%26oauth_version%3D1.0%26size%3Doriginal",
			wantSignature: "tR3+Ty81lMeYAr/Fid0kMTYa/WM=",
		},
		{
			name:   "RFC 5849 1.2 temporary credentials",
			method: "POST", target: "https://photos.example.net/initiate",
			authorization: `OAuth realm="Photos", oauth_consumer_key="dpf43f3p2l4k3l03", oauth_signature_method="HMAC-SHA1", ` +
				`oauth_timestamp="137131200", oauth_nonce="wIjqoS", oauth_callback="http%3A%2F%2Fprinter.example.com%2Fready", ` +
				`oauth_signature="74KNZJeDHnMBp0EMJ9ZHt%2FXKycU%3D"`,
			consumerSecret: "kd94hf93k423kf44",
			wantSignature:  "74KNZJeDHnMBp0EMJ9ZHt/XKycU=",
		},
		{
			name:   "RFC 5849 1.2 protected resource",
			method: "GET", target: "http://photos.example.net/photos?file=vacation.jpg&size=original",
			authorization: `OAuth realm="Photos", oauth_consumer_key="dpf43f3p2l4k3l03", oauth_token="nnch734d00sl2jdk", ` +
				`oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131202", oauth_nonce="chapoH", ` +
				`oauth_signature="MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D"`,
			consumerSecret: "kd94hf93k423kf44", tokenSecret: "pfkkdhi9sl3r4s00",
			wantSignature: "MdpQcU8iPSUjWoN/UDMsK2sui9I=",
		},
		{
			name:   "RFC 5849 3.4.1 repeated and empty parameters",
			method: "POST", target: "http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b",
			body: "c2&a3=2+q",
			authorization: `OAuth realm="Example", oauth_consumer_key="9djdj82h48djs9d2", oauth_token="kkk9d7dh3k39sjv7", ` +
				`oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131201", oauth_nonce="7d8f3e4a", ` +
				`oauth_signature="djosJKDKJSD8743243%2Fjdk33klY%3D"`,
			consumerSecret: "j49sk3j29djd", tokenSecret: "dh893hdasih9",
			wantBase:      "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7",
			wantSignature: "r6/TJjbCOr97/+UU0NsvSne7s5g=",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, tt.target, strings.NewReader(tt.body))
			if tt.body != "" {
				r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			r.Header.Set("Authorization", tt.authorization)
			in, e := readIncoming(httptest.NewRecorder(), r)
			if e != nil {
				t.Fatalf("readIncoming: %v", e)
			}
			base := signatureBaseString(in.method, in.uri, in.sigParams)
			if tt.wantBase != "" && base != tt.wantBase {
				t.Errorf("base string\n got %s\nwant %s", base, tt.wantBase)
			}
			if got := signHMACSHA1(base, tt.consumerSecret, tt.tokenSecret); got != tt.wantSignature {
				t.Errorf("signature = %s, want %s", got, tt.wantSignature)
			}
			if !checkHMACSHA1(base, tt.consumerSecret, tt.tokenSecret, tt.wantSignature) {
				t.Error("checkHMACSHA1 refused the published signature")
			}
			if checkHMACSHA1(base, tt.consumerSecret+"x", tt.tokenSecret, tt.wantSignature) {
				t.Error("checkHMACSHA1 accepted a signature made with another secret")
			}
		})
	}
}

func TestPercentEncode(t *testing.T) {
	for in, want := range map[string]string{
		"":                  "",
		"abcABC123-._~":     "abcABC123-._~",
		"a b+c/d=e&f":       "a%20b%2Bc%2Fd%3De%26f",
		"Ładny dzień!":      "%C5%81adny%20dzie%C5%84%21",
		"%":                 "%25",
		"\x00\xff":          "%00%FF",
		"studies|offline_a": "studies%7Coffline_a",
	} {
		if got := percentEncode(in); got != want {
			t.Errorf("percentEncode(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseAuthorization(t *testing.T) {
	tests := []struct {
		header  string
		want    []web.Param
		ok      bool
		wantErr bool
	}{
		{header: `Bearer abc`, ok: false},
		{header: `OAuth`, ok: true},
		{header: `oauth oauth_nonce="a%2Bb%2F%3D", realm="x"`, ok: true,
			want: []web.Param{{Name: "oauth_nonce", Value: "a+b/="}, {Name: "realm", Value: "x"}}},
		{header: `OAuth   oauth_a = "1" ,oauth_b="",, oauth_c="x+y"`, ok: true,
			want: []web.Param{{Name: "oauth_a", Value: "1"}, {Name: "oauth_b", Value: ""}, {Name: "oauth_c", Value: "x+y"}}},
		{header: `OAuth oauth_a="\"q\""`, ok: true, want: []web.Param{{Name: "oauth_a", Value: `"q"`}}},
		{header: `OAuth oauth_a=1`, ok: true, wantErr: true},
		{header: `OAuth oauth_a="1`, ok: true, wantErr: true},
		{header: `OAuth oauth_a="1" oauth_b="2"`, ok: true, wantErr: true},
		{header: `OAuth oauth_a="1", oauth_a="2"`, ok: true, wantErr: true},
		{header: `OAuth oauth_a="%zz"`, ok: true, wantErr: true},
		{header: `OAuth ="1"`, ok: true, wantErr: true},
		{header: `OAuth oauth_a`, ok: true, wantErr: true},
	}
	for _, tt := range tests {
		got, ok, err := parseAuthorization(tt.header)
		if ok != tt.ok || (err != nil) != tt.wantErr || !slices.Equal(got, tt.want) && err == nil {
			t.Errorf("parseAuthorization(%q) = %q, %v, %v; want %q, %v, error %v", tt.header, got, ok, err, tt.want, tt.ok, tt.wantErr)
		}
	}
}

func TestBaseStringURI(t *testing.T) {
	for _, tt := range []struct{ scheme, host, path, want string }{
		{"http", "Example.COM:80", "/r%20v/X", "http://example.com/r%20v/X"},
		{"https", "example.com:443", "/", "https://example.com/"},
		{"http", "example.com:443", "/", "http://example.com:443/"},
		{"https", "example.com:8080", "/a", "https://example.com:8080/a"},
		{"http", "[::1]:80", "/a", "http://[::1]/a"},
		{"http", "[::1]:8080", "", "http://[::1]:8080/"},
	} {
		if got := baseStringURI(tt.scheme, tt.host, tt.path); got != tt.want {
			t.Errorf("baseStringURI(%q, %q, %q) = %q, want %q", tt.scheme, tt.host, tt.path, got, tt.want)
		}
	}
}

func TestParseFields(t *testing.T) {
	known := []string{"a", "b", "c"}
	if got, e := parseFields("c|a|c", known); e != nil || !slices.Equal(got, []string{"a", "c"}) {
		t.Errorf("parseFields = %v, %v", got, e)
	}
	for s, code := range map[string]string{
		"":      "param_invalid",
		"a||b":  "param_invalid",
		"a|x":   "field_not_found",
		"a[b]":  "field_invalid",
		"a[b|c": "param_invalid",
		"a]":    "param_invalid",
	} {
		if _, e := parseFields(s, known); e == nil || e.code != code {
			t.Errorf("parseFields(%q) error = %v, want %s", s, e, code)
		}
	}
}

// FuzzParseAuthorization checks that the header parser never panics and
// that what it accepts survives a round trip through the RFC encoding.
func FuzzParseAuthorization(f *testing.F) {
	for _, s := range []string{
		`OAuth realm="Example", oauth_consumer_key="9djdj82h48djs9d2", oauth_token="kkk9d7dh3k39sjv7", oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131201", oauth_nonce="7d8f3e4a", oauth_signature="djosJKDKJSD8743243%2Fjdk33klY%3D"`,
		`OAuth oauth_consumer_key="k", oauth_nonce="Zm9v%2Bbar%2F%3D", oauth_signature="x", oauth_signature_method="HMAC-SHA1", oauth_timestamp="1", oauth_token="", oauth_version="1.0"`,
		`OAuth a="\\", b="\"",`, `OAuth ,,,`, `oauth x="%"`, `Basic Zm9vOmJhcg==`, "OAuth a=\"\x00\"", `OAuth a="1"b="2"`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		params, ok, err := parseAuthorization(h)
		if !ok || err != nil {
			return
		}
		var b strings.Builder
		b.WriteString("OAuth ")
		for i, p := range params {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(percentEncode(p.Name) + `="` + percentEncode(p.Value) + `"`)
		}
		again, ok, err := parseAuthorization(b.String())
		if !ok || err != nil || !slices.Equal(again, params) {
			t.Fatalf("round trip of %q: %q -> %q, %v", h, params, again, err)
		}
	})
}
