package account

import "github.com/gofiber/fiber/v2"

// Routes mounts the login and logout pages and the host's API tokens: the
// package's only route table.
func (a *Handlers) Routes(app fiber.Router) {
	app.Get("/login", a.loginPage)
	app.Post("/login", a.login)
	app.Post("/logout", a.Require, a.logout)

	// Hosts: their API tokens (created with `maeul token create`).
	app.Get("/host/tokens", a.Require, a.tokensPage)
	app.Post("/host/tokens/:id/revoke", a.Require, a.tokenRevoke)
}
