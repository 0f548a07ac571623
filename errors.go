// Package maeul holds what every part of the service shares: the error type
// that carries a code, a message key for people and the field it concerns.
package maeul

import (
	"errors"
	"fmt"
)

// Error codes. Each maps to one HTTP status in web's error handler.
const (
	EMALFORMED    = "malformed"    // 400: the request cannot be read
	EINVALID      = "invalid"      // 422: readable, but the content is wrong
	ENOTFOUND     = "not_found"    // 404
	ECONFLICT     = "conflict"     // 409: conflicts with the current state
	EUNAUTHORIZED = "unauthorized" // 401
	EFORBIDDEN    = "forbidden"    // 403
	ETOOMANY      = "too_many"     // 429
	EUNAVAILABLE  = "unavailable"  // 503: the database does not answer
	EINTERNAL     = "internal"     // 500
)

// Error is an error that is safe to show to people. Key names a message in
// the catalogue (static/messages); Args fill its %-verbs.
type Error struct {
	Code  string
	Key   string
	Args  []any
	Field string
	// Rows lists per-row problems of an import; empty otherwise.
	Rows []RowError
	// RetryAfter is a hint in seconds for ETOOMANY.
	RetryAfter int
}

// RowError is one bad row of an imported file.
type RowError struct {
	Row   int    `json:"row"`
	Field string `json:"field"`
	Key   string `json:"-"`
	Args  []any  `json:"-"`
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s (%s)", e.Code, e.Key, e.Field)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Key)
}

// Errorf returns an *Error with the given code and message key.
func Errorf(code, key string, args ...any) *Error {
	return &Error{Code: code, Key: key, Args: args}
}

// FieldErrorf returns an *Error that names the field it concerns.
func FieldErrorf(code, field, key string, args ...any) *Error {
	return &Error{Code: code, Key: key, Args: args, Field: field}
}

// ErrorCode returns the code of err, or EINTERNAL if err is not an *Error.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}
