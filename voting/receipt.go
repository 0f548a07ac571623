package voting

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"sort"
	"strconv"
	"strings"

	"maeul/assembly"
	"maeul/secret"
)

// NewNonce returns a fresh random nonce for a ballot form.
func NewNonce() string { return randomShort(20) }

// newReceipt is the resident's tracker: random, unrelated to the code.
func newReceipt() string { return GroupShort(randomShort(12)) }

// receiptKey is the key of a code's receipt box: the service secret, the
// code and the client's nonce. A database reader has none of the three.
func receiptKey(k *secret.Key, code, nonce string) []byte {
	return k.MAC("receipt box", []byte(code), []byte(nonce))
}

// ReceiptHash is how the receipts table knows a receipt: case, spaces and
// dashes of a typed receipt do not matter. It says nothing of the ballot.
func ReceiptHash(receipt string) []byte {
	n := strings.Map(func(r rune) rune {
		switch {
		case r == ' ' || r == '-' || r == '\t':
			return -1
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		}
		return r
	}, strings.TrimSpace(receipt))
	h := sha256.Sum256([]byte("maeul receipt v2:" + n))
	return h[:]
}

// canonChoices writes a ballot's choices so that the same ballot always
// reads the same: in order for a ranked ballot, sorted otherwise (the order
// of ticks does not matter).
func canonChoices(method string, ids []int64) string {
	c := append([]int64(nil), ids...)
	if method != assembly.MethodRanked {
		sort.Slice(c, func(a, b int) bool { return c[a] < c[b] })
	}
	parts := make([]string, len(c))
	for i, id := range c {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, ",")
}

// sealReceipt encrypts the receipt and the canonical choices so that only
// the holder of the code and the nonce can read them back: a retry after a
// dropped connection gets the same receipt, and a retry with other choices
// is told that the first ballot stands. The database sees only ciphertext,
// so it still links no ballot to a code. The plaintext is the receipt, a
// newline and the choices (boxes written before had the receipt alone).
func sealReceipt(k *secret.Key, code, nonce, receipt, choices string) ([]byte, error) {
	blk, err := aes.NewCipher(receiptKey(k, code, nonce))
	if err != nil {
		return nil, err
	}
	g, err := cipher.NewGCM(blk)
	if err != nil {
		return nil, err
	}
	iv := make([]byte, g.NonceSize())
	rand.Read(iv)
	return g.Seal(iv, iv, []byte(receipt+"\n"+choices), nil), nil
}

// openReceipt reads a box back: the receipt and the canonical choices (""
// for a box that holds the receipt alone).
func openReceipt(k *secret.Key, code, nonce string, box []byte) (receipt, choices string, err error) {
	blk, err := aes.NewCipher(receiptKey(k, code, nonce))
	if err != nil {
		return "", "", err
	}
	g, err := cipher.NewGCM(blk)
	if err != nil {
		return "", "", err
	}
	if len(box) < g.NonceSize() {
		return "", "", errors.New("receipt box too short")
	}
	b, err := g.Open(nil, box[:g.NonceSize()], box[g.NonceSize():], nil)
	if err != nil {
		return "", "", err
	}
	receipt, choices, _ = strings.Cut(string(b), "\n")
	return receipt, choices, nil
}

// The ballot's own cookies (path /v/{slug}, HttpOnly) carry a form's state
// between a POST and the GET it redirects to: the choices between "next"
// and "cast" (the pick, gone once cast) and, after casting, the code and
// its receipt, so that Back and a re-scan of the same card show the
// receipt again. They are sealed with the service secret for one purpose
// and one assembly: a cookie can be neither read nor forged nor moved to
// another assembly, and a receipt cookie holds nothing of the choices.
const (
	cookiePick    = "pick"
	cookieReceipt = "receipt"
)

// sealCookie seals parts (none holding a newline) into a cookie value.
func (s *Service) sealCookie(purpose, slug string, parts ...string) string {
	box := s.key().Seal("ballot cookie", []byte(strings.Join(parts, "\n")), []byte(purpose+"\x00"+slug))
	return base64.RawURLEncoding.EncodeToString(box)
}

// openCookie opens a value sealed by sealCookie for the same purpose and
// assembly; ok is false for anything else.
func (s *Service) openCookie(purpose, slug, v string, n int) ([]string, bool) {
	if v == "" || len(v) > 3000 {
		return nil, false
	}
	box, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil {
		return nil, false
	}
	b, err := s.key().Open("ballot cookie", box, []byte(purpose+"\x00"+slug))
	if err != nil {
		return nil, false
	}
	parts := strings.Split(string(b), "\n")
	if len(parts) != n {
		return nil, false
	}
	return parts, true
}
