package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"

	"github.com/gofiber/fiber/v2"

	"maeul"
)

// DecodeJSON is the API's one body decoder. It reads exactly one JSON value
// onto v, keeping the fields the body does not name (so a PATCH can start
// from the current values). An empty or unreadable body, or data after the
// value, is EMALFORMED (400); a value of the wrong type is EINVALID (422)
// naming the field. Form bodies are not read here: the API speaks JSON.
func DecodeJSON(c *fiber.Ctx, v any) error {
	return DecodeJSONBytes(c.Body(), v)
}

// DecodeJSONBytes is DecodeJSON on a body already read.
func DecodeJSONBytes(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return maeul.Errorf(maeul.EMALFORMED, "error.malformed_json")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	err := dec.Decode(v)
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		if te.Field == "" {
			return maeul.Errorf(maeul.EMALFORMED, "error.malformed_json")
		}
		return maeul.FieldErrorf(maeul.EINVALID, te.Field, "error.bad_value")
	}
	if err != nil {
		return maeul.Errorf(maeul.EMALFORMED, "error.malformed_json")
	}
	if _, err := dec.Token(); err != io.EOF {
		return maeul.Errorf(maeul.EMALFORMED, "error.malformed_json")
	}
	return nil
}
