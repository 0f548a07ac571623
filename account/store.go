package account

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Service reads and writes hosts, sessions and tokens: the domain half of the
// package. It knows nothing of HTTP.
type Service struct {
	Pool *pgxpool.Pool
}

// NewService returns the store on pool.
func NewService(pool *pgxpool.Pool) *Service { return &Service{Pool: pool} }

func randomToken(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashToken(tok string) []byte {
	h := sha256.Sum256([]byte(tok))
	return h[:]
}
