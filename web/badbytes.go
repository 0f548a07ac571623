package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"maeul"
)

// MaxJSONBody is the largest body the JSON API reads. Uploads (photos,
// agenda imports, council rosters) are multipart and keep the app's
// BodyLimit and their own limits.
const MaxJSONBody = 1 << 20

// StatusError is a *maeul.Error answered with a status of its own (413)
// rather than its code's.
type StatusError struct {
	Err    *maeul.Error
	Status int
}

func (e *StatusError) Error() string { return fmt.Sprintf("%d: %v", e.Status, e.Err) }
func (e *StatusError) Unwrap() error { return e.Err }

// checkRequest refuses, before any handler sees it, a request that no
// handler can store: a NUL byte or invalid UTF-8 in the path, a query or
// form value, or a JSON string (PostgreSQL refuses both in text, and the
// database's refusal would be a 500). It answers 400 naming the field. A
// JSON body over MaxJSONBody on /api/ is 413.
func checkRequest(c *fiber.Ctx) error {
	if bad(c.Request().URI().Path()) || bad([]byte(c.Path())) {
		return badBytes("path")
	}
	if err := checkArgs(c.Request().URI().QueryArgs().VisitAll); err != nil {
		return err
	}
	ct := strings.ToLower(string(c.Request().Header.ContentType()))
	switch {
	case strings.HasPrefix(ct, fiber.MIMEApplicationForm):
		return checkArgs(c.Request().PostArgs().VisitAll)
	case strings.HasPrefix(ct, fiber.MIMEMultipartForm):
		form, err := c.Request().MultipartForm()
		if err != nil {
			return nil // the handler answers its own malformed upload
		}
		for k, vs := range form.Value {
			if bad([]byte(k)) {
				return badBytes("form")
			}
			for _, v := range vs {
				if bad([]byte(v)) {
					return badBytes(k)
				}
			}
		}
		return nil
	}
	body := c.Body()
	if len(body) > MaxJSONBody && strings.HasPrefix(c.Path(), "/api/") {
		return &StatusError{Err: maeul.Errorf(maeul.EMALFORMED, "error.too_large"), Status: fiber.StatusRequestEntityTooLarge}
	}
	if t := bytes.TrimLeft(body, " \t\r\n"); len(t) > 0 && (t[0] == '{' || t[0] == '[') {
		if field, ok := checkJSON(body); !ok {
			return badBytes(field)
		}
	}
	return nil
}

func bad(b []byte) bool { return bytes.IndexByte(b, 0) >= 0 || !utf8.Valid(b) }

func badBytes(field string) error {
	return maeul.FieldErrorf(maeul.EMALFORMED, field, "error.bad_bytes")
}

func checkArgs(visit func(func(k, v []byte))) error {
	var err error
	visit(func(k, v []byte) {
		if err != nil {
			return
		}
		switch {
		case bad(k):
			err = badBytes("query")
		case bad(v):
			err = badBytes(string(k))
		}
	})
	return err
}

// checkJSON walks the body's tokens and reports the first string (key or
// value) holding a NUL (also written \u0000) or invalid UTF-8 (which
// encoding/json would silently turn into U+FFFD), by its dotted field
// name. Malformed JSON passes: the handler's decoder answers it.
func checkJSON(body []byte) (string, bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	type frame struct {
		obj, wantKey bool
		key          string
	}
	var stack []frame
	name := func(extra string) string {
		var parts []string
		for _, f := range stack {
			if f.obj && f.key != "" {
				parts = append(parts, f.key)
			}
		}
		if extra != "" {
			parts = append(parts, extra)
		}
		if len(parts) == 0 {
			return "body"
		}
		return strings.Join(parts, ".")
	}
	// value marks the end of a value in the enclosing object.
	value := func() {
		if n := len(stack); n > 0 && stack[n-1].obj {
			stack[n-1].wantKey, stack[n-1].key = true, ""
		}
	}
	prev := int64(0)
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", true // the end, or malformed
		}
		off := dec.InputOffset()
		raw := body[prev:off]
		prev = off
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				stack = append(stack, frame{obj: true, wantKey: true})
			case '[':
				stack = append(stack, frame{})
			default:
				stack = stack[:len(stack)-1]
				value()
			}
		case string:
			isKey := len(stack) > 0 && stack[len(stack)-1].obj && stack[len(stack)-1].wantKey
			badStr := !utf8.Valid(raw) || strings.IndexByte(t, 0) >= 0
			if isKey {
				if badStr {
					return name(""), false
				}
				stack[len(stack)-1].key = t
				stack[len(stack)-1].wantKey = false
				continue
			}
			if badStr {
				return name(""), false
			}
			value()
		default:
			value()
		}
	}
}
