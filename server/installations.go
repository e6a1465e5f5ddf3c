package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/campusweek/campusweek/server/provider/upstream"
	"github.com/campusweek/campusweek/server/provider/usos"
)

// installationsTimeout bounds -list-usos-installations.
const installationsTimeout = 20 * time.Second

// defaultInstallationsURL is -installations-url's default.
const defaultInstallationsURL = usos.DefaultInstallationsURL

// listInstallations prints the public list of USOS installations read from
// listURL (and nowhere else), one a line: the https base URL to configure
// and the institution's name. An operator registers a consumer key at
// {base_url}developers/ of each university to serve.
func listInstallations(w io.Writer, listURL string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	list, err := usos.Installations(ctx, upstream.Client(nil), listURL)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	for _, in := range list {
		fmt.Fprintf(tw, "%s\t%s\n", in.BaseURL, in.Name)
	}
	return tw.Flush()
}
