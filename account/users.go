package account

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
	"golang.org/x/crypto/bcrypt"

	"maeul"
	"maeul/database"
)

// User is a host.
type User struct {
	ID       int64  `db:"id"`
	Email    string `db:"email"`
	Role     string `db:"role"`
	District string `db:"district"`
	Dong     string `db:"dong"`
	// Department is a department user's department (e.g. 공원녹지과).
	Department string `db:"department"`
}

// Label is how the user appears in page headers.
func (u *User) Label() string {
	switch u.Role {
	case RoleDong:
		return u.District + " " + u.Dong + " · " + u.Email
	case RoleDistrict:
		return u.District + " · " + u.Email
	case RoleDepartment:
		return u.District + " " + u.Department + " · " + u.Email
	case RoleMonitor:
		return u.District + " 모니터링단 · " + u.Email
	case RoleFinance:
		return "서울시 재정 · " + u.Email
	}
	return "서울시 · " + u.Email
}

// NewUser is what `maeul user add` takes.
type NewUser struct {
	Email, Password, Role, District, Dong, Department string
}

// MinPasswordLen is the shortest password accepted.
const MinPasswordLen = 10

// Validate returns EINVALID naming the first bad field.
func (n *NewUser) Validate() error {
	n.Email = strings.ToLower(strings.TrimSpace(n.Email))
	n.District, n.Dong = strings.TrimSpace(n.District), strings.TrimSpace(n.Dong)
	n.Department = strings.TrimSpace(n.Department)
	if a, err := mail.ParseAddress(n.Email); err != nil || a.Address != n.Email {
		return maeul.FieldErrorf(maeul.EINVALID, "email", "account.bad_email")
	}
	if len([]rune(n.Password)) < MinPasswordLen || len(n.Password) > 72 {
		return maeul.FieldErrorf(maeul.EINVALID, "password", "account.bad_password", MinPasswordLen)
	}
	if n.Role != RoleDepartment {
		n.Department = ""
	}
	switch n.Role {
	case RoleCity, RoleFinance:
		n.District, n.Dong = "", ""
	case RoleDistrict, RoleMonitor:
		n.Dong = ""
		if n.District == "" {
			return maeul.FieldErrorf(maeul.EINVALID, "district", "account.need_district")
		}
	case RoleDepartment:
		n.Dong = ""
		if n.District == "" {
			return maeul.FieldErrorf(maeul.EINVALID, "district", "account.need_district")
		}
		if n.Department == "" || len([]rune(n.Department)) > 60 {
			return maeul.FieldErrorf(maeul.EINVALID, "department", "account.need_department")
		}
	case RoleDong:
		if n.District == "" {
			return maeul.FieldErrorf(maeul.EINVALID, "district", "account.need_district")
		}
		if n.Dong == "" {
			return maeul.FieldErrorf(maeul.EINVALID, "dong", "account.need_dong")
		}
		if n.Dong == DistrictWide {
			return maeul.FieldErrorf(maeul.EINVALID, "dong", "account.need_dong") // the district's own, not a dong
		}
	default:
		return maeul.FieldErrorf(maeul.EINVALID, "role", "account.bad_role")
	}
	return nil
}

// AddUser creates a host. Returns EINVALID for bad fields and ECONFLICT if
// the email is taken.
func (s *Service) AddUser(ctx context.Context, n NewUser) (*User, error) {
	if err := n.Validate(); err != nil {
		return nil, err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(n.Password), passwordCost.Load().(int))
	if err != nil {
		return nil, fmt.Errorf("account: add user: %w", err)
	}
	rows, _ := s.Pool.Query(ctx, `INSERT INTO users (email, password_hash, role, district, dong, department)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, email, role, district, dong, department`,
		n.Email, string(hash), n.Role, n.District, n.Dong, n.Department)
	u, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[User])
	if database.IsUniqueViolation(err, "") {
		return nil, maeul.FieldErrorf(maeul.ECONFLICT, "email", "account.email_taken")
	}
	if err != nil {
		return nil, fmt.Errorf("account: add user: %w", err)
	}
	return u, nil
}

// SetPassword replaces a host's password (used by the demo to stay idempotent).
func (s *Service) SetPassword(ctx context.Context, email, password string) error {
	hash, err := bcrypt.GenerateFromPassword([]byte(password), passwordCost.Load().(int))
	if err != nil {
		return fmt.Errorf("account: set password: %w", err)
	}
	if _, err := s.Pool.Exec(ctx, `UPDATE users SET password_hash = $2 WHERE email = $1`, strings.ToLower(email), string(hash)); err != nil {
		return fmt.Errorf("account: set password: %w", err)
	}
	return nil
}

// UserByEmail returns ENOTFOUND if there is no such host.
func (s *Service) UserByEmail(ctx context.Context, email string) (*User, error) {
	rows, _ := s.Pool.Query(ctx, `SELECT id, email, role, district, dong, department FROM users WHERE email = $1`, strings.ToLower(strings.TrimSpace(email)))
	u, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[User])
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, maeul.Errorf(maeul.ENOTFOUND, "error.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("account: user by email: %w", err)
	}
	return u, nil
}

// passwordCost is bcrypt's cost for new password hashes: bcrypt.DefaultCost
// (10) in the service. Tests that only need hosts lower it (servertest):
// under the race detector one hash at cost 10 takes over a second.
var passwordCost atomic.Value

func init() { passwordCost.Store(bcrypt.DefaultCost) }

// SetPasswordCostForTest sets the bcrypt cost of new hashes (tests only).
func SetPasswordCostForTest(cost int) {
	passwordCost.Store(cost)
	dummyHash = sync.OnceValue(newDummyHash)
}

// dummyHash keeps a failed login on an unknown email as slow as a wrong
// password, so timing does not tell which emails exist. Made on first use,
// at the cost of new hashes.
var dummyHash = sync.OnceValue(newDummyHash)

func newDummyHash() []byte {
	h, _ := bcrypt.GenerateFromPassword([]byte("not-a-real-password"), passwordCost.Load().(int))
	return h
}

// Authenticate checks an email and password. Returns EUNAUTHORIZED on any
// mismatch, without saying which part was wrong.
func (s *Service) Authenticate(ctx context.Context, email, password string) (*User, error) {
	var u User
	var hash string
	err := s.Pool.QueryRow(ctx, `SELECT id, email, role, district, dong, department, password_hash FROM users WHERE email = $1`,
		strings.ToLower(strings.TrimSpace(email))).Scan(&u.ID, &u.Email, &u.Role, &u.District, &u.Dong, &u.Department, &hash)
	if errors.Is(err, pgx.ErrNoRows) {
		bcrypt.CompareHashAndPassword(dummyHash(), []byte(password))
		return nil, maeul.Errorf(maeul.EUNAUTHORIZED, "account.bad_login")
	}
	if err != nil {
		return nil, fmt.Errorf("account: authenticate: %w", err)
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) != nil {
		return nil, maeul.Errorf(maeul.EUNAUTHORIZED, "account.bad_login")
	}
	return &u, nil
}
