package account

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"maeul"
)

// SessionLifetime is how long a login lasts.
const SessionLifetime = 12 * time.Hour

// Session is a logged-in browser.
type Session struct {
	User *User
	CSRF string
}

// CreateSession starts a session for u and returns the cookie value.
func (s *Service) CreateSession(ctx context.Context, u *User) (string, *Session, error) {
	tok := randomToken(32)
	csrf := randomToken(24)
	_, err := s.Pool.Exec(ctx, `INSERT INTO sessions (token_hash, user_id, csrf, expires_at) VALUES ($1, $2, $3, $4)`,
		hashToken(tok), u.ID, csrf, time.Now().Add(SessionLifetime))
	if err != nil {
		return "", nil, fmt.Errorf("account: create session: %w", err)
	}
	return tok, &Session{User: u, CSRF: csrf}, nil
}

// SessionByToken returns the live session of a cookie value, or ENOTFOUND
// for a token that is unknown, ended or expired.
func (s *Service) SessionByToken(ctx context.Context, tok string) (*Session, error) {
	var u User
	var csrf string
	err := s.Pool.QueryRow(ctx, `SELECT u.id, u.email, u.role, u.district, u.dong, u.department, s.csrf
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = $1 AND s.expires_at > now()`, hashToken(tok)).
		Scan(&u.ID, &u.Email, &u.Role, &u.District, &u.Dong, &u.Department, &csrf)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, maeul.Errorf(maeul.ENOTFOUND, "error.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("account: session by token: %w", err)
	}
	return &Session{User: &u, CSRF: csrf}, nil
}

// DeleteSession ends a session (logout) and sweeps expired ones.
func (s *Service) DeleteSession(ctx context.Context, tok string) error {
	if _, err := s.Pool.Exec(ctx, `DELETE FROM sessions WHERE token_hash = $1 OR expires_at < now()`, hashToken(tok)); err != nil {
		return fmt.Errorf("account: delete session: %w", err)
	}
	return nil
}
