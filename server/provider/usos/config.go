package usos

import (
	"errors"

	"github.com/campusweek/campusweek/server/config"
)

// CheckConfig validates what only a USOS section of the configuration
// holds: the OAuth 1.0a consumer key and secret, and no OAuth 2 client.
func CheckConfig(c config.Provider) error {
	return errors.Join(
		config.Required("consumer_key", c.ConsumerKey),
		config.Required("consumer_secret", c.ConsumerSecret),
		config.Unused(c.Kind, "client_id", c.ClientID),
		config.Unused(c.Kind, "client_secret", c.ClientSecret),
		config.Unused(c.Kind, "pkce", c.PKCE),
		config.Unused(c.Kind, "api_token", c.APIToken),
	)
}
