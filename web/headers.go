package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"
)

// The pages carry no inline script, event handler or style attribute, so
// the policy needs no 'unsafe-inline': a script injected into a page does
// not run. QR cards are data: images; the projector's websocket goes back
// to the host it was served from.
const cspBase = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; " +
	"form-action 'self'; frame-ancestors 'none'"

const permissionsPolicy = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), " +
	"serial=(), bluetooth=(), hid=(), midi=(), magnetometer=(), gyroscope=(), accelerometer=(), " +
	"display-capture=(), interest-cohort=()"

func setSecurityHeaders(c *fiber.Ctx) {
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("X-Frame-Options", "DENY")
	c.Set("Cross-Origin-Opener-Policy", "same-origin")
	c.Set("Permissions-Policy", permissionsPolicy)
	c.Set("Content-Security-Policy", cspBase+"; connect-src 'self'"+wsSources(c))
	// A ballot URL carries its code in the query: it must not leave in a
	// Referer, not even to this site's other pages.
	p := c.Path()
	if strings.HasPrefix(p, "/v/") || strings.HasPrefix(p, "/k/") || p == "/v" || p == "/k" {
		c.Set("Referrer-Policy", "no-referrer")
	} else {
		c.Set("Referrer-Policy", "same-origin")
	}
}

// wsSources names this host's websocket origins: older browsers do not
// count ws:/wss: as 'self'. A Host header that is not a plain host[:port]
// adds nothing.
func wsSources(c *fiber.Ctx) string {
	h := string(c.Request().Host())
	if h == "" || len(h) > 255 || strings.Trim(h, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") != "" {
		return ""
	}
	if IsHTTPS(c) {
		return " wss://" + h
	}
	return " ws://" + h + " wss://" + h
}
