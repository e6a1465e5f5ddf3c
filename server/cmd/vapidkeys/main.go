// Command vapidkeys prints a new VAPID key pair for the notifications
// section of the configuration: the public key for vapid_public_key, the
// private key for vapid_private_key (keep it secret, e.g. in the
// environment).
package main

import (
	"fmt"
	"os"

	"github.com/campusweek/campusweek/server/notify/push"
)

func main() {
	keys, err := push.GenerateKeys()
	if err != nil {
		fmt.Fprintln(os.Stderr, "vapidkeys:", err)
		os.Exit(1)
	}
	fmt.Printf("vapid_public_key: %s\nvapid_private_key: %s\n", keys.Public, keys.Private)
}
