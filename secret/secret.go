// Package secret holds the service secret: 32 random bytes kept in a file
// outside the database (MAEUL_SECRET_FILE), given to every instance. It keys
// the hashes of short codes (so a dump cannot be brute-forced back into
// codes) and seals ballots while they wait to be mixed. The database keeps
// only a check value, so a wrong or lost secret stops the service at start
// instead of silently refusing every code.
//
// Back the secret up separately from the database: a dump together with
// its secret is exactly what ballot secrecy must not be given.
package secret

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Size is the number of random bytes of a secret.
const Size = 32

// Key is the service secret. Each use derives its own subkey from a label,
// so the same secret never keys two different things.
type Key struct{ raw []byte }

// New returns a key of fresh random bytes.
func New() *Key {
	b := make([]byte, Size)
	if _, err := rand.Read(b); err != nil {
		panic("secret: no randomness: " + err.Error())
	}
	return &Key{raw: b}
}

// FromBytes returns the key of raw bytes (tests and tools).
func FromBytes(b []byte) (*Key, error) {
	if len(b) != Size {
		return nil, fmt.Errorf("secret: a secret is %d bytes, not %d", Size, len(b))
	}
	return &Key{raw: append([]byte(nil), b...)}, nil
}

// LoadOrCreate reads the secret file (64 hex digits), creating it with mode
// 0600 and fresh random bytes if it does not exist yet.
func LoadOrCreate(path string) (*Key, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		k := New()
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("secret: cannot create the folder of %s: %w", path, err)
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) { // another instance created it just now
			return LoadOrCreate(path)
		}
		if err != nil {
			return nil, fmt.Errorf("secret: cannot create %s: %w", path, err)
		}
		_, werr := f.WriteString(hex.EncodeToString(k.raw) + "\n")
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			os.Remove(path)
			return nil, fmt.Errorf("secret: cannot write %s: %w", path, werr)
		}
		return k, nil
	}
	if err != nil {
		return nil, fmt.Errorf("secret: cannot read %s: %w", path, err)
	}
	raw, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(raw) != Size {
		return nil, fmt.Errorf("secret: %s does not hold a maeul secret (%d hex digits)", path, 2*Size)
	}
	return &Key{raw: raw}, nil
}

// Save writes the secret to a new file with mode 0600 (tests and tools that
// hand one secret to several instances).
func (k *Key) Save(path string) error {
	return os.WriteFile(path, []byte(hex.EncodeToString(k.raw)+"\n"), 0o600)
}

// sub derives the subkey for label.
func (k *Key) sub(label string) []byte {
	m := hmac.New(sha256.New, k.raw)
	m.Write([]byte("maeul/v1/" + label))
	return m.Sum(nil)
}

// MAC is HMAC-SHA-256 under label's subkey of the parts, each length-prefixed
// so that ("ab","c") and ("a","bc") differ.
func (k *Key) MAC(label string, parts ...[]byte) []byte {
	m := hmac.New(sha256.New, k.sub(label))
	for _, p := range parts {
		var n [4]byte
		n[0], n[1], n[2], n[3] = byte(len(p)>>24), byte(len(p)>>16), byte(len(p)>>8), byte(len(p))
		m.Write(n[:])
		m.Write(p)
	}
	return m.Sum(nil)
}

// Seal encrypts plaintext with AES-256-GCM under label's subkey; aad is
// authenticated, not stored. The box is nonce || ciphertext.
func (k *Key) Seal(label string, plaintext, aad []byte) []byte {
	g := k.gcm(label)
	nonce := make([]byte, g.NonceSize())
	rand.Read(nonce)
	return g.Seal(nonce, nonce, plaintext, aad)
}

// Open decrypts a box made by Seal with the same label and aad.
func (k *Key) Open(label string, box, aad []byte) ([]byte, error) {
	g := k.gcm(label)
	if len(box) < g.NonceSize() {
		return nil, errors.New("secret: box too short")
	}
	out, err := g.Open(nil, box[:g.NonceSize()], box[g.NonceSize():], aad)
	if err != nil {
		return nil, errors.New("secret: box does not open under this secret")
	}
	return out, nil
}

func (k *Key) gcm(label string) cipher.AEAD {
	b, err := aes.NewCipher(k.sub("seal/" + label))
	if err != nil {
		panic(err)
	}
	g, err := cipher.NewGCM(b)
	if err != nil {
		panic(err)
	}
	return g
}

// CheckValue is what the database keeps to recognise the secret: an HMAC
// of a fixed label, which says nothing about the secret itself.
func (k *Key) CheckValue() []byte { return k.MAC("check") }

// DB is what Verify needs of a pool or connection.
type DB interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// ErrMismatch means the database was used with another secret.
var ErrMismatch = errors.New("the service secret does not match this database's (wrong MAEUL_SECRET_FILE, or the secret was lost): start with the secret this database was first used with")

// Verify records the secret's check value on first use and refuses a
// different secret afterwards.
func Verify(ctx context.Context, db DB, k *Key) error {
	if _, err := db.Exec(ctx, `INSERT INTO service_secret (id, check_value) VALUES (1, $1) ON CONFLICT (id) DO NOTHING`, k.CheckValue()); err != nil {
		return fmt.Errorf("secret: record check value: %w", err)
	}
	var stored []byte
	if err := db.QueryRow(ctx, `SELECT check_value FROM service_secret WHERE id = 1`).Scan(&stored); err != nil {
		return fmt.Errorf("secret: read check value: %w", err)
	}
	if !hmac.Equal(stored, k.CheckValue()) {
		return ErrMismatch
	}
	return nil
}
