package voting

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"

	"maeul/secret"
)

// SealOldBox seals a receipt the way boxes were sealed before the choices
// were kept with it (the receipt alone), for the compatibility test.
func SealOldBox(key *secret.Key, code, nonce, receipt string) []byte {
	k, err := ParseCode(code)
	if err != nil {
		panic(err)
	}
	blk, _ := aes.NewCipher(receiptKey(key, k.plain, nonce))
	g, _ := cipher.NewGCM(blk)
	iv := make([]byte, g.NonceSize())
	rand.Read(iv)
	return g.Seal(iv, iv, []byte(receipt), nil)
}

// HashQRForTest is the stored hash of a QR secret, as a database reader sees it.
func HashQRForTest(code string) []byte { return hashQR(code) }

// PlainCode is what ParseCode reads in s ("" when it refuses it).
func PlainCode(s string) string {
	k, err := ParseCode(s)
	if err != nil {
		return ""
	}
	return k.plain
}
