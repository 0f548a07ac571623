package account

import (
	"context"
	"strings"
	"testing"

	"maeul"
	"maeul/database/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// TestStore runs users, sessions and tokens on a real database, without HTTP.
func TestStore(t *testing.T) {
	db := dbtest.MustOpenDB(t)
	st := NewService(db.Pool)
	ctx := context.Background()
	const pw = "correct horse battery"

	u, err := st.AddUser(ctx, NewUser{Email: " Host@Mapo.kr ", Password: pw, Role: RoleDong, District: "마포구", Dong: "성산1동"})
	if err != nil {
		t.Fatal(err)
	}
	if u.ID == 0 || u.Email != "host@mapo.kr" || u.Role != RoleDong || u.Dong != "성산1동" {
		t.Fatalf("added %+v", u)
	}
	t.Run("the email is taken once", func(t *testing.T) {
		_, err := st.AddUser(ctx, NewUser{Email: "host@mapo.kr", Password: pw, Role: RoleCity})
		if e, ok := err.(*maeul.Error); !ok || e.Code != maeul.ECONFLICT || e.Field != "email" {
			t.Fatalf("got %v, want ECONFLICT on email", err)
		}
	})
	t.Run("authenticate", func(t *testing.T) {
		got, err := st.Authenticate(ctx, "HOST@mapo.kr ", pw)
		if err != nil || got.ID != u.ID {
			t.Fatalf("right password: %v %+v", err, got)
		}
		for _, c := range [][2]string{{"host@mapo.kr", "wrong password!"}, {"nobody@mapo.kr", pw}} {
			if _, err := st.Authenticate(ctx, c[0], c[1]); maeul.ErrorCode(err) != maeul.EUNAUTHORIZED {
				t.Errorf("%s / %s: got %v, want EUNAUTHORIZED", c[0], c[1], err)
			}
		}
		if err := st.SetPassword(ctx, "host@mapo.kr", "another long one"); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Authenticate(ctx, "host@mapo.kr", pw); maeul.ErrorCode(err) != maeul.EUNAUTHORIZED {
			t.Errorf("the old password still works: %v", err)
		}
		if _, err := st.Authenticate(ctx, "host@mapo.kr", "another long one"); err != nil {
			t.Errorf("the new password: %v", err)
		}
	})
	t.Run("user by email", func(t *testing.T) {
		if got, err := st.UserByEmail(ctx, "Host@Mapo.kr"); err != nil || got.ID != u.ID {
			t.Fatalf("%v %+v", err, got)
		}
		if _, err := st.UserByEmail(ctx, "nobody@mapo.kr"); maeul.ErrorCode(err) != maeul.ENOTFOUND {
			t.Fatalf("got %v, want ENOTFOUND", err)
		}
	})
	t.Run("sessions", func(t *testing.T) {
		tok, s, err := st.CreateSession(ctx, u)
		if err != nil || tok == "" || s.CSRF == "" {
			t.Fatalf("%v %q %+v", err, tok, s)
		}
		found, err := st.SessionByToken(ctx, tok)
		if err != nil || found.User.ID != u.ID || found.CSRF != s.CSRF {
			t.Fatalf("found %v %+v", err, found)
		}
		if _, err := st.SessionByToken(ctx, "not-a-session"); maeul.ErrorCode(err) != maeul.ENOTFOUND {
			t.Fatalf("unknown token: got %v, want ENOTFOUND", err)
		}
		if err := st.DeleteSession(ctx, tok); err != nil {
			t.Fatal(err)
		}
		if _, err := st.SessionByToken(ctx, tok); maeul.ErrorCode(err) != maeul.ENOTFOUND {
			t.Fatalf("ended session: got %v, want ENOTFOUND", err)
		}
		// An expired session is not found either, and the next logout sweeps it.
		old, _, err := st.CreateSession(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Pool.Exec(ctx, `UPDATE sessions SET expires_at = now() - interval '1 minute'`); err != nil {
			t.Fatal(err)
		}
		if _, err := st.SessionByToken(ctx, old); maeul.ErrorCode(err) != maeul.ENOTFOUND {
			t.Fatalf("expired session: got %v, want ENOTFOUND", err)
		}
		if err := st.DeleteSession(ctx, "whatever"); err != nil {
			t.Fatal(err)
		}
		var n int
		db.Pool.QueryRow(ctx, `SELECT count(*) FROM sessions`).Scan(&n)
		if n != 0 {
			t.Fatalf("%d expired sessions left", n)
		}
	})
	t.Run("tokens", func(t *testing.T) {
		tok, err := st.CreateToken(ctx, "host@mapo.kr")
		if err != nil || !strings.HasPrefix(tok, "mt_") {
			t.Fatalf("%v %q", err, tok)
		}
		got, err := st.UserByToken(ctx, tok)
		if err != nil || got.ID != u.ID || got.District != "마포구" {
			t.Fatalf("%v %+v", err, got)
		}
		var used bool
		db.Pool.QueryRow(ctx, `SELECT last_used_at IS NOT NULL FROM api_tokens`).Scan(&used)
		if !used {
			t.Error("last_used_at not set")
		}
		if _, err := st.UserByToken(ctx, "mt_nope"); maeul.ErrorCode(err) != maeul.EUNAUTHORIZED {
			t.Fatalf("unknown token: got %v, want EUNAUTHORIZED", err)
		}
		_, err = st.CreateToken(ctx, "nobody@mapo.kr")
		if e, ok := err.(*maeul.Error); !ok || e.Code != maeul.ENOTFOUND || e.Field != "email" {
			t.Fatalf("token for nobody: got %v", err)
		}
	})
}

// The roles added for the year around the assembly: a department needs its
// district and department, finance is the city's, a monitor is a district's.
func TestNewRoles(t *testing.T) {
	db := dbtest.MustOpenDB(t)
	s := NewService(db.Pool)
	ctx := t.Context()
	const pw = "correct horse battery"
	dep, err := s.AddUser(ctx, NewUser{Email: "park@mapo.go.kr", Password: pw, Role: RoleDepartment,
		District: "마포구", Department: " 공원녹지과 ", Dong: "성산1동"})
	if err != nil {
		t.Fatal(err)
	}
	if dep.Department != "공원녹지과" || dep.Dong != "" || dep.District != "마포구" {
		t.Errorf("department user %+v", dep)
	}
	if u, err := s.Authenticate(ctx, "park@mapo.go.kr", pw); err != nil || u.Department != "공원녹지과" {
		t.Errorf("authenticate: %+v %v", u, err)
	}
	for _, bad := range []NewUser{
		{Email: "a@x.kr", Password: pw, Role: RoleDepartment, District: "마포구"},
		{Email: "b@x.kr", Password: pw, Role: RoleDepartment, Department: "공원녹지과"},
		{Email: "c@x.kr", Password: pw, Role: RoleMonitor},
	} {
		if _, err := s.AddUser(ctx, bad); maeul.ErrorCode(err) != maeul.EINVALID {
			t.Errorf("%+v: %v, want invalid", bad, err)
		}
	}
	fin, err := s.AddUser(ctx, NewUser{Email: "fin@seoul.go.kr", Password: pw, Role: RoleFinance, District: "마포구"})
	if err != nil || fin.District != "" {
		t.Errorf("finance: %+v %v", fin, err)
	}
	if _, err := db.Pool.Exec(ctx, `INSERT INTO users (email, password_hash, role, district) VALUES ('d@x.kr', 'x', 'department', '마포구')`); err == nil {
		t.Error("the database took a department user without a department")
	}
}
