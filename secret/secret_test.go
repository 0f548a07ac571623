package secret_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"maeul/database/dbtest"
	"maeul/secret"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// The secret file is created once, private to its owner, and read back the same.
func TestLoadOrCreate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "secret")
	k1, err := secret.LoadOrCreate(path)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("secret file mode %v %v, want 0600", st.Mode(), err)
	}
	k2, err := secret.LoadOrCreate(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(k1.CheckValue(), k2.CheckValue()) {
		t.Fatal("the secret read back differs from the one created")
	}
	os.WriteFile(path, []byte("not a secret\n"), 0o600)
	if _, err := secret.LoadOrCreate(path); err == nil || !strings.Contains(err.Error(), "does not hold") {
		t.Fatalf("a damaged file was accepted: %v", err)
	}
}

// Seal opens only under the same secret, label and bound data.
func TestSealOpen(t *testing.T) {
	a, b := secret.New(), secret.New()
	box := a.Seal("l", []byte("1,2,3"), []byte{1})
	if got, err := a.Open("l", box, []byte{1}); err != nil || string(got) != "1,2,3" {
		t.Fatalf("%q %v", got, err)
	}
	for name, f := range map[string]func() error{
		"other secret": func() error { _, err := b.Open("l", box, []byte{1}); return err },
		"other label":  func() error { _, err := a.Open("m", box, []byte{1}); return err },
		"other aad":    func() error { _, err := a.Open("l", box, []byte{2}); return err },
	} {
		if f() == nil {
			t.Errorf("%s opened the box", name)
		}
	}
	if bytes.Equal(a.MAC("x", []byte("ab"), []byte("c")), a.MAC("x", []byte("a"), []byte("bc"))) {
		t.Error("MAC parts are not separated")
	}
}

// A database first used with one secret refuses another: a second
// instance given the wrong file cannot start.
func TestVerifyRefusesAnotherSecret(t *testing.T) {
	db := dbtest.MustOpenDB(t)
	a, b := secret.New(), secret.New()
	if err := secret.Verify(t.Context(), db.Pool, a); err != nil {
		t.Fatal(err)
	}
	if err := secret.Verify(t.Context(), db.Pool, a); err != nil {
		t.Fatalf("the same secret again: %v", err)
	}
	if err := secret.Verify(t.Context(), db.Pool, b); !errors.Is(err, secret.ErrMismatch) {
		t.Fatalf("another secret: %v", err)
	}
	var n int
	db.Pool.QueryRow(t.Context(), `SELECT count(*) FROM service_secret`).Scan(&n)
	if n != 1 {
		t.Fatalf("%d check values", n)
	}
}
