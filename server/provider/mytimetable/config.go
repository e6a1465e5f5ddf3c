package mytimetable

import (
	"errors"
	"fmt"
	"strings"

	"github.com/campusweek/campusweek/server/config"
)

// CheckConfig validates what only a MyTimetable section of the
// configuration holds: the OAuth 2 client id and secret, pkce (S256, for
// installations that support PKCE, or none), an optional api_token (sent
// as a header, so visible ASCII only), and no OAuth 1.0a consumer.
func CheckConfig(c config.Provider) error {
	var pkce error
	if c.PKCE != "" && c.PKCE != config.PKCES256 {
		pkce = fmt.Errorf("pkce: %q is not supported (want %s, or nothing for none)", c.PKCE, config.PKCES256)
	}
	var token error
	if strings.ContainsFunc(c.APIToken, func(r rune) bool { return r <= ' ' || r > '~' }) {
		token = errors.New("api_token: must be visible ASCII characters, without spaces")
	}
	return errors.Join(
		config.Required("client_id", c.ClientID),
		config.Required("client_secret", c.ClientSecret),
		pkce,
		token,
		config.Unused(c.Kind, "consumer_key", c.ConsumerKey),
		config.Unused(c.Kind, "consumer_secret", c.ConsumerSecret),
	)
}
