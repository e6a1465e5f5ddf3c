package client

import (
	"context"

	"github.com/campusweek/campusweek/shared"
)

// Notifications reports whether change notifications are available to
// the signed-in student and on in this browser (GET /api/notifications).
func (c *Client) Notifications(ctx context.Context) (shared.Notifications, error) {
	var n shared.Notifications
	err := c.do(ctx, "GET", shared.NotificationsPath, nil, nil, &n)
	return n, err
}

// SubscribeNotifications sends the browser's push subscription and
// settings (POST /api/notifications), after an approval started with
// shared.PurposeNotifications and completed in the same browser or cookie
// jar; when already subscribed, it changes them.
func (c *Client) SubscribeNotifications(ctx context.Context, req shared.NotificationsRequest) (shared.Notifications, error) {
	var n shared.Notifications
	err := c.do(ctx, "POST", shared.NotificationsPath, nil, req, &n)
	return n, err
}

// UnsubscribeNotifications turns notifications off in this browser and
// deletes what is stored for them (DELETE /api/notifications).
func (c *Client) UnsubscribeNotifications(ctx context.Context) (shared.Notifications, error) {
	var n shared.Notifications
	err := c.do(ctx, "DELETE", shared.NotificationsPath, nil, struct{}{}, &n)
	return n, err
}
