package account

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"maeul"
)

// CreateToken makes a new API token for the host with that email and returns
// it; only its hash is stored, so it is shown once.
func (s *Service) CreateToken(ctx context.Context, email string) (string, error) {
	u, err := s.UserByEmail(ctx, email)
	if maeul.ErrorCode(err) == maeul.ENOTFOUND {
		return "", maeul.FieldErrorf(maeul.ENOTFOUND, "email", "account.no_such_user")
	}
	if err != nil {
		return "", err
	}
	tok := "mt_" + randomToken(32)
	if _, err := s.Pool.Exec(ctx, `INSERT INTO api_tokens (token_hash, user_id) VALUES ($1, $2)`, hashToken(tok), u.ID); err != nil {
		return "", fmt.Errorf("account: create token: %w", err)
	}
	return tok, nil
}

// UserByToken returns the host of an API token, or EUNAUTHORIZED.
func (s *Service) UserByToken(ctx context.Context, tok string) (*User, error) {
	rows, _ := s.Pool.Query(ctx, `UPDATE api_tokens t SET last_used_at = now() FROM users u
		WHERE t.token_hash = $1 AND u.id = t.user_id
		RETURNING u.id, u.email, u.role, u.district, u.dong`, hashToken(tok))
	u, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[User])
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, maeul.Errorf(maeul.EUNAUTHORIZED, "account.bad_token")
	}
	if err != nil {
		return nil, fmt.Errorf("account: user by token: %w", err)
	}
	return u, nil
}
