// Command cli signs in to a CampusWeek backend with the PIN flow and prints
// this week's timetable. It shows how a tool of your own reuses the shared
// types and the typed client:
//
//	go run ./examples/cli -server http://127.0.0.1:8080
//
// It lists the universities, opens nothing itself: it prints the
// university's sign-in address, waits for the PIN you get there, and then
// prints the week.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/campusweek/campusweek/shared"
	"github.com/campusweek/campusweek/shared/client"
)

func main() {
	server := flag.String("server", "http://127.0.0.1:8080", "the CampusWeek backend")
	providerID := flag.String("provider", "", "university id (default: the first that offers PIN sign-in)")
	flag.Parse()
	if err := run(context.Background(), *server, *providerID, os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "cli:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, server, providerID string, in io.Reader, out io.Writer) error {
	jar, err := cookiejar.New(nil)
	if err != nil {
		return err
	}
	// The API keeps the sign-in flow and the session in cookies.
	c := client.NewWithHTTPClient(server, &http.Client{Jar: jar, Timeout: 60 * time.Second})

	providers, err := c.Providers(ctx)
	if err != nil {
		return fmt.Errorf("listing universities: %w", err)
	}
	p, err := pick(providers, providerID)
	if err != nil {
		return err
	}
	start, err := c.Start(ctx, p.ID, shared.StartRequest{Mode: shared.ModePIN})
	if err != nil {
		return fmt.Errorf("starting to sign in at %s: %w", p.Name, err)
	}
	fmt.Fprintf(out, "Sign in at %s:\n\n  %s\n\nthen type the PIN it shows: ", p.Name, start.AuthorizeURL)
	pin, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && (pin == "" || !errors.Is(err, io.EOF)) {
		return fmt.Errorf("reading the PIN: %w", err)
	}
	done, err := c.Complete(ctx, p.ID, shared.CompleteRequest{PIN: strings.TrimSpace(pin)})
	if err != nil {
		return fmt.Errorf("signing in: %w", err)
	}
	fmt.Fprintf(out, "\nSigned in as %s.\n\n", done.Session.User.Name)

	monday := shared.DateOf(time.Now()).Monday()
	tt, err := c.Timetable(ctx, monday, monday.AddDays(6))
	if err != nil {
		return fmt.Errorf("reading the timetable: %w", err)
	}
	printWeek(out, tt)
	return c.Logout(ctx)
}

// pick finds the requested university, or the first with PIN sign-in, as
// its capabilities say.
func pick(providers []shared.Provider, id string) (shared.Provider, error) {
	for _, p := range providers {
		switch {
		case id == p.ID && !p.Capabilities.PIN:
			return shared.Provider{}, fmt.Errorf("%s does not offer PIN sign-in", p.Name)
		case id == p.ID, id == "" && p.Capabilities.PIN:
			return p, nil
		}
	}
	if id != "" {
		return shared.Provider{}, fmt.Errorf("no university %q at this server", id)
	}
	return shared.Provider{}, errors.New("no university here offers PIN sign-in")
}

func printWeek(out io.Writer, tt shared.Timetable) {
	fmt.Fprintf(out, "Week of %s\n", tt.From)
	if len(tt.Events) == 0 {
		fmt.Fprintln(out, "No classes this week.")
		return
	}
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	day := shared.Date{}
	for _, ev := range tt.Events {
		if d := shared.DateOf(ev.Start); d != day {
			day = d
			fmt.Fprintf(w, "%s %s\t\t\t\n", ev.Start.Weekday(), d)
		}
		when := ev.Start.Format("15:04") + "-" + ev.End.Format("15:04")
		if ev.AllDay {
			when = "all day"
		}
		place := strings.Trim(ev.Room+", "+ev.Building, ", ")
		fmt.Fprintf(w, "  %s\t%s\t%s\t%s\n", when, ev.Title, ev.Kind, place)
	}
	w.Flush()
}
