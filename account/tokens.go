package account

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"maeul"
)

// DefaultTokenDays is how long a new API token lasts unless told
// otherwise. 0 days means a token that never expires (say so on purpose).
const DefaultTokenDays = 90

// Token is an API token as its owner sees it: never the token itself.
type Token struct {
	ID         int64      `db:"id"`
	Email      string     `db:"email"`
	CreatedAt  time.Time  `db:"created_at"`
	LastUsedAt *time.Time `db:"last_used_at"`
	ExpiresAt  *time.Time `db:"expires_at"`
	RevokedAt  *time.Time `db:"revoked_at"`
}

// Live reports whether the token still opens the API.
func (t Token) Live(now time.Time) bool {
	return t.RevokedAt == nil && (t.ExpiresAt == nil || t.ExpiresAt.After(now))
}

// CreateToken makes a new API token for the host with that email, lasting
// DefaultTokenDays.
func (s *Service) CreateToken(ctx context.Context, email string) (string, error) {
	return s.CreateTokenDays(ctx, email, DefaultTokenDays)
}

// CreateTokenDays makes a new API token for the host with that email and
// returns it; only its hash is stored, so it is shown once. It expires
// after days days; 0 means never.
func (s *Service) CreateTokenDays(ctx context.Context, email string, days int) (string, error) {
	if days < 0 {
		return "", maeul.FieldErrorf(maeul.EINVALID, "days", "tokens.bad_days")
	}
	u, err := s.UserByEmail(ctx, email)
	if maeul.ErrorCode(err) == maeul.ENOTFOUND {
		return "", maeul.FieldErrorf(maeul.ENOTFOUND, "email", "account.no_such_user")
	}
	if err != nil {
		return "", err
	}
	var expires *time.Time
	if days > 0 {
		t := time.Now().Add(time.Duration(days) * 24 * time.Hour)
		expires = &t
	}
	tok := "mt_" + randomToken(32)
	if _, err := s.Pool.Exec(ctx, `INSERT INTO api_tokens (token_hash, user_id, expires_at) VALUES ($1, $2, $3)`, hashToken(tok), u.ID, expires); err != nil {
		return "", fmt.Errorf("account: create token: %w", err)
	}
	return tok, nil
}

// UserByToken returns the host of a live API token (not revoked, not
// expired), or EUNAUTHORIZED.
func (s *Service) UserByToken(ctx context.Context, tok string) (*User, error) {
	rows, _ := s.Pool.Query(ctx, `UPDATE api_tokens t SET last_used_at = now() FROM users u
		WHERE t.token_hash = $1 AND u.id = t.user_id
		  AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())
		RETURNING u.id, u.email, u.role, u.district, u.dong, u.department`, hashToken(tok))
	u, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[User])
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, maeul.Errorf(maeul.EUNAUTHORIZED, "account.bad_token")
	}
	if err != nil {
		return nil, fmt.Errorf("account: user by token: %w", err)
	}
	return u, nil
}

// ListTokens returns the tokens of the host with that email, newest first.
func (s *Service) ListTokens(ctx context.Context, email string) ([]Token, error) {
	rows, _ := s.Pool.Query(ctx, `SELECT t.id, u.email, t.created_at, t.last_used_at, t.expires_at, t.revoked_at
		FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE u.email = $1 ORDER BY t.created_at DESC, t.id DESC`, strings.ToLower(strings.TrimSpace(email)))
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[Token])
	if err != nil {
		return nil, fmt.Errorf("account: list tokens: %w", err)
	}
	return list, nil
}

// RevokeToken revokes the token with that id. With owner set, only a token
// of that host (ENOTFOUND otherwise); with owner nil (the command line),
// any. Revoking twice is no error.
func (s *Service) RevokeToken(ctx context.Context, owner *User, id int64) error {
	var ownerID *int64
	if owner != nil {
		ownerID = &owner.ID
	}
	tag, err := s.Pool.Exec(ctx, `UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now())
		WHERE id = $1 AND ($2::bigint IS NULL OR user_id = $2)`, id, ownerID)
	if err != nil {
		return fmt.Errorf("account: revoke token: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return maeul.Errorf(maeul.ENOTFOUND, "tokens.not_found")
	}
	return nil
}
