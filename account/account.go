// Package account owns the hosts: users with a role (city, district, dong),
// their passwords, browser sessions with CSRF tokens, API tokens, and the
// rules of who may see and change which assembly.
package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/mail"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/crypto/bcrypt"

	"maeul"
	"maeul/database"
)

// Roles.
const (
	RoleCity     = "city"
	RoleDistrict = "district"
	RoleDong     = "dong"
)

// User is a host.
type User struct {
	ID       int64  `db:"id"`
	Email    string `db:"email"`
	Role     string `db:"role"`
	District string `db:"district"`
	Dong     string `db:"dong"`
}

// Label is how the user appears in page headers.
func (u *User) Label() string {
	switch u.Role {
	case RoleDong:
		return u.District + " " + u.Dong + " · " + u.Email
	case RoleDistrict:
		return u.District + " · " + u.Email
	}
	return "서울시 · " + u.Email
}

// CanManage reports whether u may change an assembly of the given dong:
// only that dong's hosts may.
func (u *User) CanManage(district, dong string) bool {
	return u != nil && u.Role == RoleDong && u.District == district && u.Dong == dong
}

// CanRead reports whether u may read (host views of) an assembly of the
// given dong: its dong hosts, its district's hosts, and the city.
func (u *User) CanRead(district, dong string) bool {
	if u == nil {
		return false
	}
	switch u.Role {
	case RoleCity:
		return true
	case RoleDistrict:
		return u.District == district
	case RoleDong:
		return u.District == district && u.Dong == dong
	}
	return false
}

// SeoulDistricts are Seoul's 25 autonomous districts (자치구).
var SeoulDistricts = []string{"종로구", "중구", "용산구", "성동구", "광진구", "동대문구", "중랑구", "성북구",
	"강북구", "도봉구", "노원구", "은평구", "서대문구", "마포구", "양천구", "강서구", "구로구", "금천구",
	"영등포구", "동작구", "관악구", "서초구", "강남구", "송파구", "강동구"}

// IsSeoulDistrict reports whether name is one of SeoulDistricts.
func IsSeoulDistrict(name string) bool {
	for _, d := range SeoulDistricts {
		if d == name {
			return true
		}
	}
	return false
}

// NewUser is what `maeul user add` takes.
type NewUser struct {
	Email, Password, Role, District, Dong string
}

// MinPasswordLen is the shortest password accepted.
const MinPasswordLen = 10

// Validate returns EINVALID naming the first bad field.
func (n *NewUser) Validate() error {
	n.Email = strings.ToLower(strings.TrimSpace(n.Email))
	n.District, n.Dong = strings.TrimSpace(n.District), strings.TrimSpace(n.Dong)
	if a, err := mail.ParseAddress(n.Email); err != nil || a.Address != n.Email {
		return maeul.FieldErrorf(maeul.EINVALID, "email", "account.bad_email")
	}
	if len([]rune(n.Password)) < MinPasswordLen || len(n.Password) > 72 {
		return maeul.FieldErrorf(maeul.EINVALID, "password", "account.bad_password", MinPasswordLen)
	}
	switch n.Role {
	case RoleCity:
		n.District, n.Dong = "", ""
	case RoleDistrict:
		n.Dong = ""
		if n.District == "" {
			return maeul.FieldErrorf(maeul.EINVALID, "district", "account.need_district")
		}
	case RoleDong:
		if n.District == "" {
			return maeul.FieldErrorf(maeul.EINVALID, "district", "account.need_district")
		}
		if n.Dong == "" {
			return maeul.FieldErrorf(maeul.EINVALID, "dong", "account.need_dong")
		}
	default:
		return maeul.FieldErrorf(maeul.EINVALID, "role", "account.bad_role")
	}
	return nil
}

// Store reads and writes hosts, sessions and tokens.
type Store struct {
	Pool *pgxpool.Pool
}

// AddUser creates a host. Returns EINVALID for bad fields and ECONFLICT if
// the email is taken.
func (s *Store) AddUser(ctx context.Context, n NewUser) (*User, error) {
	if err := n.Validate(); err != nil {
		return nil, err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(n.Password), bcrypt.DefaultCost)
	if err != nil {
		return nil, err
	}
	rows, _ := s.Pool.Query(ctx, `INSERT INTO users (email, password_hash, role, district, dong)
		VALUES ($1, $2, $3, $4, $5) RETURNING id, email, role, district, dong`,
		n.Email, string(hash), n.Role, n.District, n.Dong)
	u, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[User])
	if database.IsUniqueViolation(err, "") {
		return nil, maeul.FieldErrorf(maeul.ECONFLICT, "email", "account.email_taken")
	}
	return u, err
}

// SetPassword replaces a host's password (used by the demo to stay idempotent).
func (s *Store) SetPassword(ctx context.Context, email, password string) error {
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return err
	}
	_, err = s.Pool.Exec(ctx, `UPDATE users SET password_hash = $2 WHERE email = $1`, strings.ToLower(email), string(hash))
	return err
}

// UserByEmail returns ENOTFOUND if there is no such host.
func (s *Store) UserByEmail(ctx context.Context, email string) (*User, error) {
	rows, _ := s.Pool.Query(ctx, `SELECT id, email, role, district, dong FROM users WHERE email = $1`, strings.ToLower(strings.TrimSpace(email)))
	u, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[User])
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, maeul.Errorf(maeul.ENOTFOUND, "error.not_found")
	}
	return u, err
}

// dummyHash keeps a failed login on an unknown email as slow as a wrong
// password, so timing does not tell which emails exist.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("not-a-real-password"), bcrypt.DefaultCost)

// Authenticate checks an email and password. Returns EUNAUTHORIZED on any
// mismatch, without saying which part was wrong.
func (s *Store) Authenticate(ctx context.Context, email, password string) (*User, error) {
	var u User
	var hash string
	err := s.Pool.QueryRow(ctx, `SELECT id, email, role, district, dong, password_hash FROM users WHERE email = $1`,
		strings.ToLower(strings.TrimSpace(email))).Scan(&u.ID, &u.Email, &u.Role, &u.District, &u.Dong, &hash)
	if errors.Is(err, pgx.ErrNoRows) {
		bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
		return nil, maeul.Errorf(maeul.EUNAUTHORIZED, "account.bad_login")
	}
	if err != nil {
		return nil, err
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) != nil {
		return nil, maeul.Errorf(maeul.EUNAUTHORIZED, "account.bad_login")
	}
	return &u, nil
}

// CreateToken makes a new API token for the host with that email and returns
// it; only its hash is stored, so it is shown once.
func (s *Store) CreateToken(ctx context.Context, email string) (string, error) {
	u, err := s.UserByEmail(ctx, email)
	if maeul.ErrorCode(err) == maeul.ENOTFOUND {
		return "", maeul.FieldErrorf(maeul.ENOTFOUND, "email", "account.no_such_user")
	}
	if err != nil {
		return "", err
	}
	tok := "mt_" + randomToken(32)
	_, err = s.Pool.Exec(ctx, `INSERT INTO api_tokens (token_hash, user_id) VALUES ($1, $2)`, hashToken(tok), u.ID)
	return tok, err
}

// UserByToken returns the host of an API token, or EUNAUTHORIZED.
func (s *Store) UserByToken(ctx context.Context, tok string) (*User, error) {
	rows, _ := s.Pool.Query(ctx, `UPDATE api_tokens t SET last_used_at = now() FROM users u
		WHERE t.token_hash = $1 AND u.id = t.user_id
		RETURNING u.id, u.email, u.role, u.district, u.dong`, hashToken(tok))
	u, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[User])
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, maeul.Errorf(maeul.EUNAUTHORIZED, "account.bad_token")
	}
	return u, err
}

func randomToken(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashToken(tok string) []byte {
	h := sha256.Sum256([]byte(tok))
	return h[:]
}
