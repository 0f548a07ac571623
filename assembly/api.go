package assembly

import (
	"github.com/gofiber/fiber/v2"

	"maeul/account"
)

func apiRoutes(app *fiber.App, s *Service, auth *account.Auth) {}
