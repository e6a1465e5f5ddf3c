package mytimetable

import (
	"errors"

	"github.com/campusweek/campusweek/server/config"
)

// CheckConfig validates what only a MyTimetable section of the
// configuration holds: the OAuth 2 client id and secret, and no OAuth 1.0a
// consumer.
func CheckConfig(c config.Provider) error {
	return errors.Join(
		config.Required("client_id", c.ClientID),
		config.Required("client_secret", c.ClientSecret),
		config.Unused(c.Kind, "consumer_key", c.ConsumerKey),
		config.Unused(c.Kind, "consumer_secret", c.ConsumerSecret),
	)
}
