// Package account owns the hosts: users with a role (city, district, dong),
// their passwords, browser sessions with CSRF tokens, API tokens, and the
// rules of who may see and change which assembly.
//
// The domain half (users.go, roles.go, sessions.go, tokens.go, store.go) is
// the Service on a pool; the HTTP half (middleware.go, routes.go,
// pages_login.go) is Handlers: the middleware and the login pages.
package account
