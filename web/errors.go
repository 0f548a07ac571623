package web

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/database"
	"maeul/i18n"
)

var statusOf = map[string]int{
	maeul.EMALFORMED:    400,
	maeul.EINVALID:      422,
	maeul.ENOTFOUND:     404,
	maeul.ECONFLICT:     409,
	maeul.EUNAUTHORIZED: 401,
	maeul.EFORBIDDEN:    403,
	maeul.ETOOMANY:      429,
	maeul.EUNAVAILABLE:  503,
	maeul.EINTERNAL:     500,
}

// apiCode is the code the JSON API shows (../shared/API.md).
var apiCode = map[string]string{
	maeul.EMALFORMED:    "invalid",
	maeul.EINVALID:      "invalid",
	maeul.ENOTFOUND:     "not_found",
	maeul.ECONFLICT:     "conflict",
	maeul.EUNAUTHORIZED: "unauthorized",
	maeul.EFORBIDDEN:    "forbidden",
	maeul.ETOOMANY:      "too_many",
	maeul.EUNAVAILABLE:  "internal",
	maeul.EINTERNAL:     "internal",
}

// Status returns the HTTP status for an error code.
func Status(code string) int {
	if s, ok := statusOf[code]; ok {
		return s
	}
	return 500
}

// APIError is the JSON body of an error.
type APIError struct {
	Error APIErrorBody `json:"error"`
}

// APIErrorBody is what a program reads from an error.
type APIErrorBody struct {
	Code    string        `json:"code"`
	Message string        `json:"message"`
	Field   string        `json:"field,omitempty"`
	Errors  []APIRowError `json:"errors,omitempty"`
	// RequestID lets a person quote the failure to the operators.
	RequestID string `json:"request_id,omitempty"`
}

// APIRowError is one bad row of an import.
type APIRowError struct {
	Row     int    `json:"row"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Normalize turns any error into a *maeul.Error: database outages become
// EUNAVAILABLE, Fiber's own errors keep their status, the rest EINTERNAL.
func Normalize(err error) *maeul.Error {
	var me *maeul.Error
	if errors.As(err, &me) {
		return me
	}
	var fe *fiber.Error
	if errors.As(err, &fe) {
		switch fe.Code {
		case 400:
			return maeul.Errorf(maeul.EMALFORMED, "error.malformed")
		case 401:
			return maeul.Errorf(maeul.EUNAUTHORIZED, "error.unauthorized")
		case 403:
			return maeul.Errorf(maeul.EFORBIDDEN, "error.forbidden")
		case 404:
			return maeul.Errorf(maeul.ENOTFOUND, "error.not_found")
		case 405:
			return maeul.Errorf(maeul.ENOTFOUND, "error.not_found")
		case 408:
			return maeul.Errorf(maeul.EMALFORMED, "error.timeout")
		case 413:
			return maeul.Errorf(maeul.EMALFORMED, "error.too_large")
		case 429:
			return maeul.Errorf(maeul.ETOOMANY, "error.too_many")
		}
	}
	if database.IsUnavailable(err) || errors.Is(err, context.DeadlineExceeded) {
		return maeul.Errorf(maeul.EUNAVAILABLE, "error.unavailable")
	}
	return maeul.Errorf(maeul.EINTERNAL, "error.internal")
}

// Message returns the person-readable text of err in lang.
func Message(lang string, e *maeul.Error) string {
	return i18n.T(lang, e.Key, e.Args...)
}

// WantsJSON reports whether the response should be JSON rather than a page.
func WantsJSON(c *fiber.Ctx) bool {
	return strings.HasPrefix(c.Path(), "/api/") || strings.HasPrefix(c.Path(), "/ws/") ||
		(strings.Contains(c.Get("Accept"), "application/json") && !strings.Contains(c.Get("Accept"), "text/html"))
}

// ErrorHandler maps every error to one status, logs internal ones with the
// request id, and answers JSON to the API and a page to people. People never
// see err.Error() of an internal error.
func ErrorHandler(env *Env) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		e := Normalize(err)
		status := Status(e.Code)
		var se *StatusError
		var fe *fiber.Error
		if errors.As(err, &se) {
			status = se.Status
		} else if errors.As(err, &fe) && fe.Code == fiber.StatusRequestEntityTooLarge {
			status = fe.Code
		}
		rid := RequestID(c)
		lang := Lang(c)
		if status >= 500 && env.Log != nil {
			env.Log.LogAttrs(c.UserContext(), slog.LevelError, "request failed",
				slog.String("rid", rid), slog.String("route", c.Route().Path), slog.String("err", err.Error()))
		}
		if e.Code == maeul.ETOOMANY && e.RetryAfter > 0 {
			c.Set("Retry-After", strconv.Itoa(e.RetryAfter))
		}
		if WantsJSON(c) {
			body := APIErrorBody{Code: apiCode[e.Code], Message: Message(lang, e), Field: e.Field, RequestID: rid}
			for _, r := range e.Rows {
				body.Errors = append(body.Errors, APIRowError{Row: r.Row, Field: r.Field, Message: i18n.T(lang, r.Key, r.Args...)})
			}
			return c.Status(status).JSON(APIError{Error: body})
		}
		c.Status(status)
		if env.Views == nil {
			return c.SendString(Message(lang, e) + " (" + rid + ")")
		}
		return env.Views.Render(c, "error", ErrorPage{
			Page:    NewPage(c, i18n.T(lang, "error.title")),
			Status:  status,
			Message: Message(lang, e),
		})
	}
}

// ErrorPage is the data of the error page.
type ErrorPage struct {
	Page
	Status  int
	Message string
}
