// Package registry lists the university systems the server implements:
// for each kind of provider, the check of its configuration section and
// the constructor of its provider. Adding a system is one entry here.
package registry

import (
	"fmt"
	"log/slog"
	"net/http"

	"github.com/campusweek/campusweek/server/config"
	"github.com/campusweek/campusweek/server/provider"
	"github.com/campusweek/campusweek/server/provider/mytimetable"
	"github.com/campusweek/campusweek/server/provider/usos"
	"github.com/campusweek/campusweek/shared"
)

// Options are what the server hands every provider it makes.
type Options struct {
	// HTTPClient makes the upstream calls; nil means the provider's
	// default client.
	HTTPClient *http.Client
	// Demo marks the built-in sandbox universities.
	Demo   bool
	Logger *slog.Logger
}

// kind is one implemented system.
type kind struct {
	// check validates the fields only this kind uses.
	check func(config.Provider) error
	// new makes the provider of a validated section.
	new func(config.Provider, Options) provider.Provider
}

var kinds = map[shared.ProviderKind]kind{
	shared.KindUSOS: {usos.CheckConfig, func(c config.Provider, o Options) provider.Provider {
		return usos.New(c, usos.Options{HTTPClient: o.HTTPClient, Demo: o.Demo, Logger: o.Logger})
	}},
	shared.KindMyTimetable: {mytimetable.CheckConfig, func(c config.Provider, o Options) provider.Provider {
		return mytimetable.New(c, mytimetable.Options{HTTPClient: o.HTTPClient, Demo: o.Demo, Logger: o.Logger})
	}},
}

// Kinds returns the implemented kinds with the check of each one's
// configuration section, for config.Load and config.Parse.
func Kinds() config.Kinds {
	out := make(config.Kinds, len(kinds))
	for k, v := range kinds {
		out[k] = v.check
	}
	return out
}

// New returns the provider that c configures. c should come from
// config.Parse with Kinds; New fails on a kind it does not implement or a
// section its kind's check refuses.
func New(c config.Provider, opts Options) (provider.Provider, error) {
	k, ok := kinds[c.Kind]
	if !ok {
		return nil, fmt.Errorf("provider %s: kind %q is not implemented", c.ID, c.Kind)
	}
	if err := k.check(c); err != nil {
		return nil, fmt.Errorf("provider %s: %w", c.ID, err)
	}
	return k.new(c, opts), nil
}
