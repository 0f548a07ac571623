package account

import "github.com/gofiber/fiber/v2"

// Routes mounts the login and logout pages: the package's only route table.
func (a *Handlers) Routes(app fiber.Router) {
	app.Get("/login", a.loginPage)
	app.Post("/login", a.login)
	app.Post("/logout", a.Require, a.logout)
}
