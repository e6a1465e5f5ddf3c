package usos

import (
	"testing"

	"github.com/dghubble/oauth1"
)

// The signer USOS requests go through must reproduce the published
// HMAC-SHA1 vectors. (The RFC 5849 section 3.4.1 base string, with its
// repeated and empty parameters, is checked against the sandbox's verifier.)
func TestHMACSignerVectors(t *testing.T) {
	for _, tc := range []struct {
		name, consumerSecret, tokenSecret, base, want string
	}{
		{
			name:           "OAuth Core 1.0 appendix A",
			consumerSecret: "kd94hf93k423kf44", tokenSecret: "pfkkdhi9sl3r4s00",
			base: "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3Dkllo9940pd9333jh%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1191242096%26oauth_token%3Dnnch734d00sl2jdk%26oauth_version%3D1.0%26size%3Doriginal",
			want: "tR3+Ty81lMeYAr/Fid0kMTYa/WM=",
		},
		{
			name:           "RFC 5849 section 3.4.1 with the section 3.1 secrets",
			consumerSecret: "j49sk3j29djd", tokenSecret: "dh893hdasih9",
			base: "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7",
			want: "r6/TJjbCOr97/+UU0NsvSne7s5g=",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &oauth1.HMACSigner{ConsumerSecret: tc.consumerSecret}
			got, err := s.Sign(tc.tokenSecret, tc.base)
			if err != nil || got != tc.want {
				t.Errorf("signature = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}
