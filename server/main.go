// Command server is the CampusWeek backend: it holds the universities' OAuth
// secrets, performs the token exchanges, calls the timetable APIs on the
// students' behalf and serves the PWA.
//
//	server -config config.yaml   # real universities
//	server                       # demo mode on the built-in sandbox
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
	_ "time/tzdata" // provider time zones must resolve in minimal containers

	"github.com/campusweek/campusweek/server/api"
	"github.com/campusweek/campusweek/server/config"
	"github.com/campusweek/campusweek/server/metrics"
	"github.com/campusweek/campusweek/server/provider"
	"github.com/campusweek/campusweek/server/provider/registry"
	"github.com/campusweek/campusweek/server/provider/upstream"
	"github.com/campusweek/campusweek/server/pwa"
	"github.com/campusweek/campusweek/server/seal"
	"github.com/campusweek/campusweek/shared"
)

func main() {
	var (
		configPath = flag.String("config", "", "YAML configuration file (see README); without it the server runs in demo mode")
		demo       = flag.Bool("demo", false, "run demo mode on the built-in sandbox universities (the default without -config; refused with it)")
		listen     = flag.String("listen", "", "override the listen address, host:port")
		webDir     = flag.String("web", "web", "directory with the built PWA assets (app.wasm, app.css, icons)")
		logFormat  = flag.String("log", "text", "log format: text or json")
		drainDelay = flag.Duration("drain-delay", 0, "on SIGTERM, fail /readyz for this long before refusing new connections (give load balancers time to notice)")
		listUSOS   = flag.Bool("list-usos-installations", false, "print the public list of USOS installations (https base URLs, each once) read from -installations-url, and exit")
		listURL    = flag.String("installations-url", defaultInstallationsURL, "where -list-usos-installations reads the list: services/apisrv/installations of a USOS installation")
	)
	flag.Parse()
	if *listUSOS {
		if err := listInstallations(os.Stdout, *listURL, installationsTimeout); err != nil {
			fmt.Fprintln(os.Stderr, "server:", err)
			os.Exit(1)
		}
		return
	}
	log := newLogger(*logFormat)
	if err := run(log, *configPath, *demo || *configPath == "", *listen, *webDir, *drainDelay); err != nil {
		log.Error("server stopped", "err", err)
		os.Exit(1)
	}
}

// newLogger logs to stderr; records logged while serving a request, by any
// package, carry its id.
func newLogger(format string) *slog.Logger {
	var h slog.Handler = slog.NewTextHandler(os.Stderr, nil)
	if format == "json" {
		h = slog.NewJSONHandler(os.Stderr, nil)
	}
	return slog.New(api.LogHandler(h))
}

func run(log *slog.Logger, configPath string, demo bool, listen, webDir string, drainDelay time.Duration) error {
	if demo && configPath != "" {
		return errDemoWithConfig
	}
	var cfg *config.Config
	if configPath != "" {
		c, err := config.Load(configPath, registry.Kinds())
		if err != nil {
			return err
		}
		cfg = c
	} else {
		cfg = &config.Config{Listen: config.DefaultListen}
	}
	if listen != "" {
		cfg.Listen = listen
	}
	if cfg.PublicURL == nil {
		cfg.PublicURL = defaultPublicURL(cfg.Listen)
	}

	m := metrics.New()
	mounts := map[string]http.Handler{}
	var providers []provider.Provider
	for _, pc := range cfg.Providers {
		p, err := newProvider(pc, false, log, m)
		if err != nil {
			return err
		}
		providers = append(providers, p)
	}
	if demo {
		d, err := newDemo(cfg, log)
		if err != nil {
			return err
		}
		defer d.cleanup()
		maps.Copy(mounts, d.mounts)
		for _, pc := range d.providers {
			p, err := newProvider(pc, true, log, m)
			if err != nil {
				return err
			}
			providers = append(providers, p)
		}
		log.Warn("DEMO MODE: signing in uses the built-in sandbox universities with made-up students and classes; sessions end when the server restarts",
			"usos", cfg.PublicURL.String()+demoUSOSPrefix+"/", "mytimetable", cfg.PublicURL.String()+demoMTTPrefix+"/")
	}

	sealer, err := seal.New(cfg.SessionKeys...)
	if err != nil {
		return fmt.Errorf("session keys: %w", err)
	}
	notes, closeNotes, err := openNotifications(context.Background(), cfg.Notifications, sealer, log, m)
	if err != nil {
		return err
	}
	defer closeNotes()
	var ready func(context.Context) error
	var notify *api.Notifications
	if notes != nil {
		ready = notes.Ping
		notify = &api.Notifications{Store: notes, VAPIDPublicKey: cfg.Notifications.VAPID.Public}
		var tick time.Duration
		if demo {
			tick = demoPollTick
		}
		stopPoller, err := startPoller(cfg.Notifications, notes, providers, tick, log, m)
		if err != nil {
			return err
		}
		defer stopPoller()
	}
	infos := make([]shared.Provider, len(providers))
	for i, p := range providers {
		infos[i] = p.Info()
	}
	var srv *api.Server // set before the first request
	app, err := pwa.NewHandler(pwa.Options{WebDir: webDir, Logger: log, Providers: infos, PublicURL: cfg.PublicURL,
		SignedIn: func(r *http.Request) bool { return srv.SignedIn(r) }})
	if err != nil {
		return err
	}
	srv, err = api.New(api.Options{
		PublicURL:      cfg.PublicURL,
		AllowedOrigins: cfg.AllowedOrigins,
		DisableHSTS:    !cfg.HSTS,
		Providers:      providers,
		Sealer:         sealer,
		PWA:            app,
		Mounts:         mounts,
		Logger:         log,
		Metrics:        m,
		ClientIPHeader: cfg.ClientIPHeader,
		Hosts:          hosts(cfg, configPath != ""),
		Ready:          ready,
		Notifications:  notify,
	})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Listen, err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	context.AfterFunc(ctx, stop) // a second signal kills the process at once
	log.Info("CampusWeek is running", "url", cfg.PublicURL.String(), "listen", ln.Addr().String())
	fmt.Fprintf(os.Stderr, "\n  Open %s in your browser.\n\n", cfg.PublicURL)
	t := timeoutsFor(srv.RequestBudget())
	return serve(ctx, log, ln, newHTTPServer(srv, log, t), srv.Drain, drainDelay, t.shutdown)
}

// newProvider makes pc's provider, whose outbound calls are counted under
// its id.
// errDemoWithConfig refuses demo mode beside real universities: their
// sandboxes would be offered to students next to the configured
// universities, with sessions sealed under the production keys.
var errDemoWithConfig = errors.New("-demo cannot be combined with -config: demo mode would offer sandbox universities beside the configured ones, under the production session keys; run demo mode without -config")

// hosts are the host names the server answers for: with a configuration,
// the public URL's and allowed_hosts; in demo mode without one, any (nil),
// so that it works on whatever local name and port it is opened at.
func hosts(cfg *config.Config, configured bool) []string {
	if !configured {
		return nil
	}
	return append([]string{cfg.PublicURL.Host}, cfg.AllowedHosts...)
}

func newProvider(pc config.Provider, demo bool, log *slog.Logger, m *metrics.Metrics) (provider.Provider, error) {
	client := &http.Client{Transport: m.Transport(pc.ID, upstream.Transport)}
	return registry.New(pc, registry.Options{HTTPClient: client, Demo: demo, Logger: log})
}

// timeouts bound what a connection may take, so that slow or stalled
// clients cannot hold connections. The write timeout and the shutdown
// bound exceed the budget of the slowest request, so that neither cuts a
// legitimate one.
type timeouts struct {
	// readHeader bounds the request line and headers together (not reset
	// by each byte: a client trickling them in is cut all the same).
	readHeader time.Duration
	read       time.Duration // the whole request, body included
	write      time.Duration // from the end of the headers to the answer's end
	idle       time.Duration // a keep-alive connection between requests
	shutdown   time.Duration // in-flight requests, after SIGTERM and drain
}

// timeoutsFor derives the timeouts from the request budget.
func timeoutsFor(budget time.Duration) timeouts {
	return timeouts{
		readHeader: 10 * time.Second,
		read:       30 * time.Second,
		write:      budget + 60*time.Second,
		idle:       120 * time.Second,
		shutdown:   budget + 5*time.Second,
	}
}

// maxHeaderBytes bounds request headers; a session cookie is a few KiB.
const maxHeaderBytes = 64 << 10

// newHTTPServer is the server h is served by, with t's timeouts.
func newHTTPServer(h http.Handler, log *slog.Logger, t timeouts) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: t.readHeader,
		ReadTimeout:       t.read,
		WriteTimeout:      t.write,
		IdleTimeout:       t.idle,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// serve runs hs on ln until ctx is done (SIGINT/SIGTERM). Then it calls
// drain (readiness fails), waits drainDelay, stops accepting connections
// and lets in-flight requests finish, for at most shutdownTimeout.
func serve(ctx context.Context, log *slog.Logger, ln net.Listener, hs *http.Server, drain func(), drainDelay, shutdownTimeout time.Duration) error {
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down", "drain_delay", drainDelay, "timeout", shutdownTimeout)
	drain()
	time.Sleep(drainDelay)
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
