// Package live pushes the tally to projectors and phones over websockets
// and keeps several instances in step through PostgreSQL LISTEN/NOTIFY.
package live

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"maeul/account"
	"maeul/voting"
	"maeul/web"
)

// Hub fans tallies out to websocket viewers.
type Hub struct {
	env  *web.Env
	vote *voting.Service
}

// NewHub returns a hub; Run starts its work.
func NewHub(env *web.Env, vote *voting.Service) *Hub { return &Hub{env: env, vote: vote} }

// Changed marks an assembly's tally as changed; viewers get a new one soon.
func (h *Hub) Changed(assemblyID int64) {}

// Run coalesces changes and listens for other instances until ctx ends.
func (h *Hub) Run(ctx context.Context) error { <-ctx.Done(); return nil }

// Close closes every websocket.
func (h *Hub) Close() {}

// Routes mounts the websocket and the projector page.
func Routes(app *fiber.App, h *Hub, auth *account.Auth) {}
